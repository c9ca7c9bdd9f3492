/**
 * Public types of the Graph + login emulator. Facts come from the Graph reference sheet (graph-api.md, kept outside
 * this repository); every behaviour the sheet tags [inferred] or [unknown] is a switch in {@link EmulatorOptions}.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type GraphVersion = "v1.0" | "beta";

/** A body that was not JSON (image/CSS uploads): its bytes and their SHA-256 (hex). */
export interface BinaryBody {
  contentType: string;
  bytes: Buffer;
  sha256: string;
}

export interface RecordedRequest {
  method: string;
  /** `null` for login (token, discovery) requests. */
  version: GraphVersion | null;
  /** Decoded path without the version prefix, original case, e.g. `/identity/authenticationEventsFlows/{id}`. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; `authorization` is replaced by `"<redacted>"`. */
  headers: Record<string, string>;
  /**
   * Parsed JSON; a form-encoded token request as an object (client_secret redacted); binary as {@link BinaryBody};
   * `undefined` when there was no body.
   */
  body: JsonValue | BinaryBody | Record<string, string> | undefined;
  status: number;
  /** Arrival time, ms since the epoch. */
  at: number;
}

export interface FaultRule {
  /** HTTP method to match (case-insensitive); any when omitted. */
  method?: string;
  /** Tested against {@link RecordedRequest.path} (no version prefix); any when omitted. */
  path?: RegExp;
  status: 429 | 503 | 504;
  /** Adds a `Retry-After: <seconds>` header. */
  retryAfterSeconds?: number;
  /** How many matching requests fail before the rule stops matching. */
  times: number;
  /** Graph error code in the envelope. @default TooManyRequests (429), serviceNotAvailable (503), gatewayTimeout (504) */
  code?: string;
}

export interface FaultInjector {
  inject(rule: FaultRule): void;
  clear(): void;
  /** Rules with remaining `times` (a copy). */
  pending(): FaultRule[];
}

/** Replication lag after a create: by number of requests addressing the object, or by wall-clock time. */
export type ReplicationLag = { requests: number } | { ms: number };

export interface SocialIdentityProviderSeed {
  /** Tenant-scoped id; real external tenants can hold GUID ids (reference §3.6). */
  id: string;
  identityProviderType: "Google" | "Facebook";
  displayName?: string;
  clientId?: string;
}

/**
 * Behaviour switches. Each one names the reference fact it stands for and its tag; defaults are the documented answer
 * where one exists, otherwise the most conservative one (the answer that makes a client do more work).
 */
export interface EmulatorOptions {
  /** Tenant GUID. @default a random GUID */
  tenantId: string;
  /** `<subdomain>.onmicrosoft.com` is the verified domain and an accepted login tenant name. @default "contosociamtest" */
  subdomain: string;
  /** Organization display name. @default "Contoso customers" */
  organizationDisplayName: string;
  /** Client id the token endpoint accepts. @default a random GUID */
  clientId: string;
  /** Secret the token endpoint accepts. @default a random string */
  clientSecret: string;
  /** Social IdPs seeded in the tenant. @default Google and Facebook, each with a random GUID id (reference §3.6 [third-party]) */
  socialIdentityProviders: SocialIdentityProviderSeed[];
  /** appId of the seeded b2c-extensions-app (custom attribute ids derive from it). @default a random GUID */
  b2cExtensionsAppId: string;
  /** Page size of every collection when `$top` is absent. @default 100 */
  pageSize: number;
  /** Replication lag after creates (reference §6 [verified], shape [inferred]). @default undefined (none) */
  replicationLag: ReplicationLag | undefined;

  /** Duplicate flow displayName: status. Reference §3.1 says "unique", status [unknown]. @default 409 */
  duplicateFlowName: 409 | 400;
  /** Handler `@odata.type` on flow writes: required? Reference §2 [verified examples; inferred rule]. @default true */
  handlerODataTypeRequired: boolean;
  /**
   * `attributes` vs page `inputs` (reference §3.3 [unknown]). true: a create/PATCH whose inputs name an attribute
   * that is not in `attributes`, or that leaves an attribute without an input, is 400. @default true
   */
  attributesMustMatchInputs: boolean;
  /** Flow GET when created without onUserCreateStart (reference §3.1 [unknown]). @default "null" */
  omittedUserCreateStart: "null" | "member";
  /** PATCH of conditions.applications.includeApplications (reference §3.3 [unknown]). @default "rejected" (400) */
  patchIncludeApplications: "rejected" | "applied";
  /** Link of an app without service principal (reference §3.5 [unknown]). @default "400" (Request_BadRequest) */
  linkWithoutServicePrincipal: "400" | "404";
  /** Link of an app already linked to another flow (reference §3.5 [unknown]). @default "400" (Request_BadRequest) */
  linkConflict: "400" | "409";
  /** `$ref` naming an IdP/attribute that does not exist (reference §3.6 [unknown]). @default "404" */
  unknownReference: "400" | "404";

  /** GET branding with no or `*` Accept-Language (reference §4.2 [unknown]). @default "400" */
  unspecifiedAcceptLanguage: "default" | "400";
  /** PATCH branding when no default exists (reference §4.3: 404 documented 2021, current [unknown]). @default "404" */
  patchMissingDefault: "404" | "create";
  /** DELETE default branding (reference §4.7: 2024 docs 204, 2021 "can not be deleted"). @default "allowed" */
  deleteDefault: "allowed" | "refused";
  /** DELETE default while localizations exist (reference §4.7 [unknown]). @default "refused" (400) */
  deleteDefaultWithLocalizations: "refused" | "cascade";
  /** DELETE of a branding stream (reference §4.5 [unknown]). @default "unsupported" (405) */
  streamDelete: "supported" | "unsupported";
  /** What GET of a localization shows for strings it did not set (reference §4.6: inheritance [verified], read shape [inferred]). @default "null" */
  localizationReads: "null" | "inherited";

  /** Application permissions (`roles` claim) of the tokens the token endpoint issues. @default DEFAULT_APP_ROLES (auth.ts) */
  appRoles: string[];
  /**
   * Check `roles` per endpoint against the documented permissions (permissions.ts); a token without an accepted one
   * gets 403 Authorization_RequestDenied. @default false (every token may do everything)
   */
  enforceAppRoles: boolean;
  /**
   * `tid` claim of issued tokens. Another tenant's id simulates a credential that hands back a token of another
   * tenant (a home-tenant managed identity); Graph answers such a token 401. @default undefined (the emulated tenant)
   */
  tokenTenantId: string | undefined;
}

export interface AddedApplication {
  /** Client id. */
  appId: string;
  /** Application object id. */
  applicationObjectId: string;
  /** Service principal object id, when one was created. */
  servicePrincipalObjectId: string | undefined;
}

export interface StreamContent {
  contentType: string;
  bytes: Buffer;
  sha256: string;
}
