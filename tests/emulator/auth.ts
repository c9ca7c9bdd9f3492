/**
 * The login endpoints MSAL (via @azure/identity ClientSecretCredential) needs: OpenID discovery, instance discovery,
 * JWKS and the client-credentials token endpoint; plus validation of the bearer tokens it issued
 * (reference arm-and-auth §6–§7).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { GraphHttpError } from "./errors";
import type { EmulatorOptions, JsonObject } from "./types";

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
];

export class TokenAuthority {
  private readonly key = randomBytes(32);
  constructor(
    private readonly options: EmulatorOptions,
    private readonly origin: () => string,
  ) {}

  /** A token for the configured client, as the token endpoint would issue it. */
  issue(lifetimeSeconds = 3599): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ typ: "JWT", alg: "HS256", kid: "emulator" });
    const payload = b64({
      aud: this.origin(),
      iss: `https://sts.windows.net/${this.options.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      appid: this.options.clientId,
      azp: this.options.clientId,
      tid: this.options.tokenTenantId ?? this.options.tenantId,
      oid: randomUUID(),
      sub: randomUUID(),
      idtyp: "app",
      roles: [...this.options.appRoles],
      ver: "1.0",
    });
    const sig = createHmac("sha256", this.key).update(`${header}.${payload}`).digest("base64url");
    return `${header}.${payload}.${sig}`;
  }

  /**
   * Throws 401 InvalidAuthenticationToken unless `authorization` carries a valid token this emulator issued;
   * returns its `roles`.
   */
  verify(authorization: string | undefined): string[] {
    const fail = (message: string): GraphHttpError =>
      new GraphHttpError(401, "InvalidAuthenticationToken", message, undefined, {
        "WWW-Authenticate": `Bearer realm="", authorization_uri="${this.origin()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      });
    if (!authorization) throw fail("Access token is empty.");
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) throw fail("Access token is empty.");
    const parts = m[1].split(".");
    if (parts.length !== 3) throw fail("IDX14100: JWT is not well formed, there are no dots (.).");
    const expected = createHmac("sha256", this.key).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw fail("Access token validation failure. Invalid signature.");
    let payload: { aud?: string; tid?: string; exp?: number; roles?: string[] };
    try {
      payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as typeof payload;
    } catch {
      throw fail("IDX14100: JWT is not well formed.");
    }
    if (payload.tid !== this.options.tenantId) throw fail("Access token validation failure. Invalid tenant.");
    if (payload.aud !== this.origin()) throw fail("Access token validation failure. Invalid audience.");
    if (typeof payload.exp !== "number" || payload.exp * 1000 < Date.now()) throw fail("Lifetime validation failed, the token is expired.");
    return Array.isArray(payload.roles) ? payload.roles : [];
  }

  /** Is `tenant` (GUID or `<subdomain>.onmicrosoft.com`) the emulated tenant? */
  knowsTenant(tenant: string): boolean {
    const t = tenant.toLowerCase();
    return t === this.options.tenantId.toLowerCase() || t === `${this.options.subdomain}.onmicrosoft.com`.toLowerCase();
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

  private openIdConfiguration(tenantSegment: string): JsonObject {
    const o = this.origin();
    const tid = this.options.tenantId;
    const known = tenantSegment.toLowerCase() === "common" || tenantSegment.toLowerCase() === "organizations" ? "{tenantid}" : tid;
    return {
      token_endpoint: `${o}/${tid}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${o}/${tid}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${o}/${known}/v2.0`,
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
      if (!this.knowsTenant(tenant) && !["common", "organizations"].includes(tenant.toLowerCase())) return this.tenantNotFound(tenant);
      return { status: 200, body: this.openIdConfiguration(tenant) };
    }
    if (method === "GET" && rest === "discovery/v2.0/keys") {
      if (!this.knowsTenant(tenant)) return this.tenantNotFound(tenant);
      return { status: 200, body: { keys: [] } };
    }
    if (method === "POST" && rest === "oauth2/v2.0/token") {
      if (!this.knowsTenant(tenant)) return this.tenantNotFound(tenant);
      const f = form ?? {};
      if (f.grant_type !== "client_credentials") {
        return this.aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${f.grant_type ?? ""}'.`);
      }
      if (!f.client_id || f.client_id.toLowerCase() !== this.options.clientId.toLowerCase()) {
        return this.aadError(400, "unauthorized_client", 700016, `Application with identifier '${f.client_id ?? ""}' was not found in the directory '${this.options.organizationDisplayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
      }
      if (f.client_secret !== this.options.clientSecret) {
        return this.aadError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.options.clientId}'.`);
      }
      const scopes = (f.scope ?? "").split(" ").filter(Boolean);
      const resourceScopes = scopes.filter((s) => !["openid", "profile", "offline_access"].includes(s));
      if (resourceScopes.length !== 1 || !resourceScopes[0].endsWith("/.default")) {
        return this.aadError(400, "invalid_scope", 1002012, `The provided value for scope ${f.scope ?? ""} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      }
      if (resourceScopes[0].toLowerCase() !== `${o}/.default`.toLowerCase()) {
        const resource = resourceScopes[0].slice(0, -"/.default".length);
        return this.aadError(400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant named ${this.options.organizationDisplayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
      }
      return {
        status: 200,
        body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: this.issue() },
      };
    }
    void query;
    return { status: 404, body: { error: "not_found", error_description: `No login endpoint at '/${segments.join("/")}'.` } };
  }
}
