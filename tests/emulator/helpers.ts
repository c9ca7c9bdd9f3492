/**
 * Test helpers for the emulator's own tests (and anyone else's): a raw Graph call with a valid token, returning
 * status, headers and parsed body. Not a client: no retries, no paging.
 */
import type { Emulator } from "./index";
import type { JsonObject, JsonValue } from "./types";

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, a Buffer for non-JSON bodies, or undefined when empty. */
  body: JsonValue | Buffer | undefined;
  /** The JSON body as an object (throws when it is not one). */
  json: JsonObject;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** JSON body (sent as application/json) or a Buffer (send with a Content-Type header). */
  body?: JsonValue | Buffer;
  /** Skip the Authorization header. */
  anonymous?: boolean;
  /** Explicit token. */
  token?: string;
}

/** `path` is relative to the emulator URL and includes the version, e.g. `/beta/identity/authenticationEventsFlows`. */
export async function call(emu: Emulator, method: string, path: string, opts: CallOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (!opts.anonymous) headers.Authorization = `Bearer ${opts.token ?? emu.accessToken()}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (Buffer.isBuffer(opts.body)) {
    body = Uint8Array.from(opts.body);
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
  }
  const res = await fetch(path.startsWith("https://") ? path : `${emu.url}${path}`, { method, headers, body });
  const buf = Buffer.from(await res.arrayBuffer());
  let parsed: JsonValue | Buffer | undefined;
  if (buf.length === 0) parsed = undefined;
  else if ((res.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(buf.toString("utf8")) as JsonValue;
  else parsed = buf;
  return {
    status: res.status,
    headers: res.headers,
    body: parsed,
    get json(): JsonObject {
      if (parsed === undefined || Buffer.isBuffer(parsed) || typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error(`not a JSON object: ${String(parsed)}`);
      }
      return parsed;
    },
  };
}

/** The minimal flow body of reference §3.1, with overrides merged at top level. */
export function minimalFlowBody(displayName: string, overrides: JsonObject = {}): JsonObject {
  return {
    "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
    displayName,
    onAuthenticationMethodLoadStart: {
      "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
      identityProviders: [{ id: "EmailPassword-OAUTH" }],
    },
    onInteractiveAuthFlowStart: {
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
      isSignUpAllowed: true,
    },
    ...overrides,
  };
}

/** An `onAttributeCollection` handler with the given attributes, one default-ish input each. */
export function attributeCollection(attributeIds: string[], inputs: string[] = attributeIds): JsonObject {
  return {
    "@odata.type": "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp",
    attributes: attributeIds.map((id) => ({ id })),
    attributeCollectionPage: {
      views: [
        {
          inputs: inputs.map((attribute) => ({
            attribute,
            label: attribute,
            inputType: "text",
            hidden: false,
            editable: true,
            writeToDirectory: true,
            required: attribute === "email",
            validationRegEx: "^.*",
          })),
        },
      ],
    },
  };
}

export const CIAM_API_VERSION = "2023-05-17-preview";

/** The ARM id path of a ciamDirectories resource in the emulator's subscription and resource group. */
export function directoryPath(emu: Emulator, name: string, resourceGroup = emu.resourceGroup): string {
  return `/subscriptions/${emu.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.AzureActiveDirectory/ciamDirectories/${name}`;
}

/**
 * A raw ARM call on `emu.armUrl` with a home-tenant ARM token; `?api-version=2023-05-17-preview` is appended unless
 * the path has a query or `apiVersion: null` is given. A full URL (e.g. an `Azure-AsyncOperation` header) is used as is.
 */
export async function armCall(
  emu: Emulator,
  method: string,
  path: string,
  opts: CallOptions & { apiVersion?: string | null } = {},
): Promise<RawResponse> {
  let url = path.startsWith("https://") ? path : `${emu.armUrl}${path}`;
  const v = opts.apiVersion === undefined ? CIAM_API_VERSION : opts.apiVersion;
  if (v !== null && !path.startsWith("https://") && !path.includes("?")) url += `?api-version=${v}`;
  return call(emu, method, url, { ...opts, token: opts.token ?? emu.armAccessToken() });
}

/** A valid create body (reference §1.3 example), with top-level overrides. */
export function createDirectoryBody(overrides: JsonObject = {}): JsonObject {
  return {
    location: "United States",
    sku: { name: "Standard", tier: "A0" },
    properties: { createTenantProperties: { displayName: "Contoso customers", countryCode: "US" } },
    ...overrides,
  };
}

/** Create bodies of a Google, an Apple and an OIDC identity provider as the portal sends them (secrets included). */
export const GOOGLE = { "@odata.type": "#microsoft.graph.socialIdentityProvider", displayName: "Google", identityProviderType: "Google", clientId: "g-client", clientSecret: "g-secret-1" };
export const APPLE = {
  "@odata.type": "#microsoft.graph.appleManagedIdentityProvider",
  displayName: "Apple",
  developerId: "TEAM123456",
  serviceId: "com.contoso.app",
  keyId: "KEY123",
  certificateData: "-----BEGIN PRIVATE KEY-----\nMIG...\n-----END PRIVATE KEY-----",
};
export const OIDC = {
  "@odata.type": "#microsoft.graph.oidcIdentityProvider",
  displayName: "Contoso partners",
  clientId: "oidc-client",
  issuer: "https://idp.contoso.example/",
  wellKnownEndpoint: "https://idp.contoso.example/.well-known/openid-configuration",
  responseType: "code",
  scope: "openid profile email",
  clientAuthentication: { "@odata.type": "#microsoft.graph.oidcClientSecretAuthentication", clientSecret: "oidc-secret-1" },
};
