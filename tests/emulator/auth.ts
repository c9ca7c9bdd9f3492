/**
 * The login endpoints MSAL (via @azure/identity ClientSecretCredential) needs: OpenID discovery, instance discovery,
 * JWKS and the client-credentials token endpoint; plus validation of the bearer tokens it issued
 * (reference arm-and-auth §3, §6–§7).
 *
 * Tokens are per tenant and audience, as in Entra: Graph (`<emu.url>/.default`) accepts only tokens of the emulated
 * CIAM tenant; ARM (`<emu.armUrl>/.default` or the public management audiences) accepts only tokens of the
 * subscription's home tenant.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { ArmHttpError } from "./arm/errors";
import type { ArmState } from "./arm/state";
import { GraphHttpError } from "./errors";
import type { EmulatorStore } from "./store";
import type { EmulatorOptions, JsonObject } from "./types";

/** Public-cloud ARM audiences (ARM lists them in its audience error), accepted next to `<emu.armUrl>`. */
export const PUBLIC_ARM_AUDIENCES = ["https://management.azure.com", "https://management.core.windows.net"];

export interface IssueOptions {
  /** @default the emulated CIAM tenant */
  tenantId?: string;
  /** @default the Graph audience (the emulator URL) */
  audience?: string;
  /** @default 3599 */
  lifetimeSeconds?: number;
  /**
   * A delegated token of the tenant's admin (`idtyp: "user"`, `scp: "user_impersonation"`) instead of an app-only one
   * (`idtyp: "app"`, `roles`). The token endpoint issues app-only tokens only. @default false
   */
  user?: boolean;
}

interface TokenPayload {
  idtyp?: string;
  roles?: string[];
  aud?: string;
  tid?: string;
  iss?: string;
  exp?: number;
}

export interface LoginResponse {
  status: number;
  body: JsonObject;
  headers?: Record<string, string>;
}

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");

/** The `roles` of issued tokens unless `options.appRoles` says otherwise: everything the stack may call. */
export const DEFAULT_APP_ROLES: readonly string[] = [
  "EventListener.ReadWrite.All",
  "IdentityUserFlow.ReadWrite.All",
  "OrganizationalBranding.ReadWrite.All",
  "Application.ReadWrite.All",
  "DelegatedPermissionGrant.ReadWrite.All",
  "IdentityProvider.Read.All",
  "IdentityProvider.ReadWrite.All",
  "Organization.Read.All",
];

export class TokenAuthority {
  private readonly key = randomBytes(32);
  constructor(
    private readonly options: EmulatorOptions,
    /** Graph origin (`https://localhost:<port>`): the Graph audience and the authority host. */
    private readonly origin: () => string,
    /** ARM origin (`https://127.0.0.1:<port>`): the emulator's resource-manager audience. */
    private readonly armOrigin: () => string,
    private readonly arm: ArmState,
    private readonly store: EmulatorStore,
  ) {}

  /** ARM audiences accepted, with and without the trailing slash. */
  armAudiences(): string[] {
    return [this.armOrigin(), ...PUBLIC_ARM_AUDIENCES].flatMap((a) => [a, `${a}/`]);
  }

  /** A token for the configured client, as the token endpoint would issue it. */
  issue(opts: IssueOptions = {}): string {
    const lifetimeSeconds = opts.lifetimeSeconds ?? 3599;
    // `tokenTenantId` makes CIAM-tenant tokens claim another tenant (a wrong identity, for the identity check tests).
    const requested = opts.tenantId ?? this.options.tenantId;
    const tid = requested === this.options.tenantId ? (this.options.tokenTenantId ?? requested) : requested;
    // `tokenAudience` makes the CIAM tenant's Graph tokens claim another resource (a token obtained for another API).
    const audience = opts.audience ?? this.origin();
    const aud = audience === this.origin() && requested === this.options.tenantId ? (this.options.tokenAudience ?? audience) : audience;
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ typ: "JWT", alg: "HS256", kid: "emulator" });
    const payload = b64({
      aud,
      iss: `https://sts.windows.net/${tid}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      appid: this.options.clientId,
      azp: this.options.clientId,
      tid,
      oid: opts.user && tid === this.options.tenantId ? this.store.adminUserId : randomUUID(),
      sub: randomUUID(),
      ...(opts.user
        ? { idtyp: "user", scp: "user_impersonation", upn: `admin@${this.options.homeDomain}`, name: "Tenant administrator" }
        : {
            idtyp: "app",
            roles: [...this.options.appRoles],
          }),
      ver: "1.0",
    });
    const sig = createHmac("sha256", this.key).update(`${header}.${payload}`).digest("base64url");
    return `${header}.${payload}.${sig}`;
  }

  /** The payload of a token this emulator signed, or a reason why not. */
  private decode(authorization: string | undefined): { payload: TokenPayload } | { reason: "missing" | "malformed" | "signature" } {
    if (!authorization) return { reason: "missing" };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) return { reason: "missing" };
    const parts = m[1].split(".");
    if (parts.length !== 3) return { reason: "malformed" };
    const expected = createHmac("sha256", this.key).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { reason: "signature" };
    try {
      return { payload: JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as TokenPayload };
    } catch {
      return { reason: "malformed" };
    }
  }

  /**
   * Throws 401 InvalidAuthenticationToken unless `authorization` carries a valid Graph token of the CIAM tenant;
   * returns its `roles`.
   */
  verify(authorization: string | undefined): string[] {
    const fail = (message: string): GraphHttpError =>
      new GraphHttpError(401, "InvalidAuthenticationToken", message, undefined, {
        "WWW-Authenticate": `Bearer realm="", authorization_uri="${this.origin()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      });
    const d = this.decode(authorization);
    if ("reason" in d) {
      if (d.reason === "missing") throw fail("Access token is empty.");
      if (d.reason === "malformed") throw fail("IDX14100: JWT is not well formed, there are no dots (.).");
      throw fail("Access token validation failure. Invalid signature.");
    }
    const payload = d.payload;
    if (payload.tid !== this.options.tenantId) throw fail("Access token validation failure. Invalid tenant.");
    if (payload.aud !== this.origin()) throw fail("Access token validation failure. Invalid audience.");
    if (typeof payload.exp !== "number" || payload.exp * 1000 < Date.now()) throw fail("Lifetime validation failed, the token is expired.");
    // A tenant that does not exist (yet, or any more) has no Graph (reference §6 [inferred]).
    const answers = this.arm.graphTenant === "active" || this.arm.lingers("graph");
    if (!answers) throw fail("Access token validation failure. The tenant does not exist.");
    if (this.arm.notReadyHit("graph")) throw this.notReadyGraphError();
    return Array.isArray(payload.roles) ? payload.roles : [];
  }

  /** Graph's answer while a new tenant is not ready (`options.notReadyGraph`; reference §6 [inferred]). */
  private notReadyGraphError(): GraphHttpError {
    switch (this.options.notReadyGraph) {
      case "403":
        return new GraphHttpError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      case "404":
        return new GraphHttpError(404, "Request_ResourceNotFound", `Resource '${this.options.tenantId}' does not exist or one of its queried reference-property objects are not present.`);
      default:
        return new GraphHttpError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", undefined, {
          "WWW-Authenticate": `Bearer realm="", authorization_uri="${this.origin()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
        });
    }
  }

  /**
   * ARM's token checks (401 with ARM's codes and a `WWW-Authenticate` challenge): present, signed, not expired, one
   * of the ARM audiences, issued by the subscription's (home) tenant (reference §3 [verified wording: ARM errors]).
   * Returns whether the caller is a user or an app.
   */
  verifyArm(authorization: string | undefined): "user" | "app" {
    const challenge = (error: string, description: string): Record<string, string> => ({
      "WWW-Authenticate": `Bearer authorization_uri="${this.origin()}/", error="${error}", error_description="${description}"`,
    });
    const d = this.decode(authorization);
    if ("reason" in d) {
      if (d.reason === "missing") {
        throw new ArmHttpError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", undefined,
          challenge("invalid_token", "The authentication failed because of missing 'Authorization' header."));
      }
      throw new ArmHttpError(401, "InvalidAuthenticationToken", "The access token is invalid.", undefined, challenge("invalid_token", "The access token is invalid."));
    }
    const p = d.payload;
    if (typeof p.exp !== "number" || p.exp * 1000 < Date.now()) {
      const exp = new Date((p.exp ?? 0) * 1000).toISOString();
      throw new ArmHttpError(401, "ExpiredAuthenticationToken", `The access token expiry UTC time '${exp}' is earlier than current UTC time '${new Date().toISOString()}'.`, undefined,
        challenge("invalid_token", "The access token has expired."));
    }
    if (!this.armAudiences().includes(p.aud ?? "")) {
      throw new ArmHttpError(401, "InvalidAuthenticationTokenAudience",
        `The access token has been obtained for wrong audience or resource '${p.aud ?? ""}'. It should exactly match with one of the allowed audiences '${this.armAudiences().join("','")}'.`,
        undefined, challenge("invalid_token", "The access token has been obtained for wrong audience or resource."));
    }
    const home = this.options.homeTenantId;
    if ((p.tid ?? "").toLowerCase() !== home.toLowerCase()) {
      throw new ArmHttpError(401, "InvalidAuthenticationTokenTenant",
        `The access token is from the wrong issuer '${p.iss ?? ""}'. It must match the tenant 'https://sts.windows.net/${home}/' associated with this subscription. Please use the authority (URL) '${this.origin()}/${home}' to get the token.`,
        undefined, challenge("invalid_token", "The access token is from the wrong issuer."));
    }
    return p.idtyp === "user" ? "user" : "app";
  }

  /**
   * The tenant a login path names, when it answers on `surface`: the emulated tenant while active and past its
   * not-ready window (or deleted but still propagating), the home tenant, or another directory made through ARM once
   * provisioned. Anything else is "tenant not found" (AADSTS90002). `consume` counts the request in those windows.
   */
  private liveTenant(tenant: string, surface: "metadata" | "token", consume = true): { kind: "ciam" | "home" | "other"; tenantId: string } | undefined {
    const r = this.arm.resolveTenant(tenant);
    if (!r) return undefined;
    const live = { kind: r.kind, tenantId: r.tenantId };
    if (r.kind === "ciam") {
      if (r.status === "active") return this.arm.notReadyHit(surface, consume) ? undefined : live;
      return r.status === "deleted" && this.arm.lingers(surface, consume) ? live : undefined;
    }
    return r.status === "active" ? live : undefined;
  }

  private aadError(status: number, error: string, code: number, description: string): LoginResponse {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
    return {
      status,
      body: {
        error,
        error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${this.origin()}/error?code=${code}`,
      },
    };
  }

  private tenantNotFound(tenant: string): LoginResponse {
    return this.aadError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  }

  private openIdConfiguration(tenantSegment: string, tid: string): JsonObject {
    const o = this.origin();
    const generic = tenantSegment.toLowerCase() === "common" || tenantSegment.toLowerCase() === "organizations";
    const known = generic ? "{tenantid}" : tid;
    const issuer =
      !generic && tid === this.options.tenantId && this.options.metadataIssuer === "ciamlogin"
        ? `https://${tid}.ciamlogin.com/${tid}/v2.0`
        : `${o}/${known}/v2.0`;
    return {
      token_endpoint: `${o}/${tid}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${o}/${tid}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${o}/oidc/userinfo`,
      authorization_endpoint: `${o}/${tid}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${o}/${tid}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${o}/${tid}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid"],
      kerberos_endpoint: `${o}/${tid}/kerberos`,
      tenant_region_scope: "NA",
      cloud_instance_name: "localhost",
      cloud_graph_host_name: "localhost",
      msgraph_host: new URL(o).host,
      rbac_url: o,
    };
  }

  /** Routes a login request; `segments` are the decoded path segments. */
  handle(method: string, segments: string[], query: Record<string, string>, form: Record<string, string> | undefined): LoginResponse {
    const lower = segments.map((s) => s.toLowerCase());
    const o = this.origin();
    if (method === "GET" && lower[0] === "common" && lower[1] === "discovery" && lower[2] === "instance") {
      const host = new URL(o).host;
      return {
        status: 200,
        body: {
          tenant_discovery_endpoint: `${o}/${this.options.tenantId}/v2.0/.well-known/openid-configuration`,
          "api-version": "1.1",
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        },
      };
    }
    const tenant = segments[0] ?? "";
    const rest = lower.slice(1).join("/");
    if (method === "GET" && (rest === "v2.0/.well-known/openid-configuration" || rest === ".well-known/openid-configuration")) {
      if (["common", "organizations"].includes(tenant.toLowerCase())) return { status: 200, body: this.openIdConfiguration(tenant, this.options.tenantId) };
      const live = this.liveTenant(tenant, "metadata");
      if (!live) return this.tenantNotFound(tenant);
      return { status: 200, body: this.openIdConfiguration(tenant, live.tenantId) };
    }
    if (method === "GET" && rest === "discovery/v2.0/keys") {
      if (!this.liveTenant(tenant, "metadata", false)) return this.tenantNotFound(tenant);
      return { status: 200, body: { keys: [] } };
    }
    if (method === "POST" && rest === "oauth2/v2.0/token") {
      const live = this.liveTenant(tenant, "token");
      if (!live) return this.tenantNotFound(tenant);
      const directoryName = live.kind === "ciam" ? this.options.organizationDisplayName : live.kind === "home" ? this.options.homeDomain : tenant;
      const f = form ?? {};
      if (f.grant_type !== "client_credentials") {
        return this.aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${f.grant_type ?? ""}'.`);
      }
      // The deployment app is registered in the CIAM tenant and (as the identity running the stack) in the home
      // tenant; a directory made later through ARM does not hold it.
      if (!f.client_id || f.client_id.toLowerCase() !== this.options.clientId.toLowerCase() || live.kind === "other") {
        return this.aadError(400, "unauthorized_client", 700016, `Application with identifier '${f.client_id ?? ""}' was not found in the directory '${directoryName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
      }
      // In the CIAM tenant the deployment app is a directory object: once deleted (a teardown deletes every app
      // registration), new tokens are refused; tokens already issued stay valid until they expire [inferred].
      if (live.kind === "ciam") {
        if (!this.store.findApplication({ appId: this.options.clientId })) {
          return this.aadError(400, "unauthorized_client", 700016, `Application with identifier '${f.client_id}' was not found in the directory '${directoryName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
        }
        if (!this.store.findServicePrincipal({ appId: this.options.clientId })) {
          return this.aadError(400, "invalid_client", 7000229, `The client application ${f.client_id} is missing service principal in the tenant ${live.tenantId}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`);
        }
      }
      if (f.client_secret !== this.options.clientSecret) {
        return this.aadError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.options.clientId}'.`);
      }
      const scopes = (f.scope ?? "").split(" ").filter(Boolean);
      const resourceScopes = scopes.filter((s) => !["openid", "profile", "offline_access"].includes(s));
      if (resourceScopes.length !== 1 || !resourceScopes[0].endsWith("/.default")) {
        return this.aadError(400, "invalid_scope", 1002012, `The provided value for scope ${f.scope ?? ""} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      }
      // `<resource>/.default`; ARM's classic form keeps a trailing slash (`https://management.core.windows.net//.default`).
      const resource = resourceScopes[0].slice(0, -"/.default".length);
      const audience =
        resource.toLowerCase() === o.toLowerCase() ? o : this.armAudiences().find((a) => a.toLowerCase() === resource.toLowerCase());
      if (!audience) {
        return this.aadError(400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant named ${directoryName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
      }
      return {
        status: 200,
        body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: this.issue({ tenantId: live.tenantId, audience }) },
      };
    }
    void query;
    return { status: 404, body: { error: "not_found", error_description: `No login endpoint at '/${segments.join("/")}'.` } };
  }
}
