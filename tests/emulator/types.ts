/**
 * Public types of the Graph + login + ARM emulator. Facts come from the reference sheets (graph-api.md,
 * arm-and-auth.md, kept outside this repository); every behaviour they tag [inferred] or [unknown] is a switch in
 * {@link EmulatorOptions}.
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

/** Which emulated service answered: Graph (`/v1.0`, `/beta`), Azure Resource Manager (`/subscriptions`, `/providers`) or login. */
export type EmulatedService = "graph" | "arm" | "login";

export interface RecordedRequest {
  method: string;
  service: EmulatedService;
  /** Graph version; `null` for login (token, discovery) and ARM requests. */
  version: GraphVersion | null;
  /**
   * Decoded path without the version prefix, original case, e.g. `/identity/authenticationEventsFlows/{id}`; ARM
   * and login paths are complete (`/subscriptions/{sub}/resourceGroups/…`).
   */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; `authorization` is replaced by `"<redacted>"`. */
  headers: Record<string, string>;
  /**
   * Parsed JSON; a form-encoded token request as an object (client_secret redacted); binary as {@link BinaryBody};
   * `undefined` when there was no body.
   */
  body: JsonValue | BinaryBody | Record<string, string> | undefined;
  /** The HTTP status answered; 0 while unanswered and for a connection closed without an answer (`reset`). */
  status: number;
  /** A "reset" fault closed the connection instead of answering. */
  reset?: boolean;
  /** With `reset`: the request took effect before the connection closed (its answer was lost). */
  applied?: boolean;
  /** Arrival time, ms since the epoch. */
  at: number;
}

export interface FaultRule {
  /** Service to match; Graph and ARM when omitted (login requests are never faulted). */
  service?: "graph" | "arm" | "login";
  /** HTTP method to match (case-insensitive); any when omitted. */
  method?: string;
  /** Tested against {@link RecordedRequest.path} (no version prefix); any when omitted. */
  path?: RegExp;
  /**
   * The answer: a throttling/unavailable status, or `"reset"`: the connection is closed without any answer, as when a
   * keep-alive connection is closed by the server or a proxy just as the request goes out (the client sees
   * `fetch failed`, cause `UND_ERR_SOCKET: other side closed`).
   */
  status: 429 | 503 | 504 | "reset"; // the login service takes "reset" only, and only from rules naming it
  /**
   * `"reset"` only: the request takes effect before the connection is closed (the answer is lost, not the request).
   * @default false (the request never reached the service)
   */
  applied?: boolean;
  /** Adds a `Retry-After: <seconds>` header. */
  retryAfterSeconds?: number;
  /** How many matching requests fail before the rule stops matching. */
  times: number;
  /**
   * Error code in the envelope. @default Graph: TooManyRequests (429), serviceNotAvailable (503), gatewayTimeout (504);
   * ARM: TooManyRequests, ServiceUnavailable, GatewayTimeout
   */
  code?: string;
}

export interface FaultInjector {
  inject(rule: FaultRule): void;
  clear(): void;
  /** Rules with remaining `times` (a copy). */
  pending(): FaultRule[];
}

/**
 * The "not ready yet" window of a newly created tenant: how many requests on each surface (login metadata, token
 * endpoint, Graph) fail before it answers, or a wall-clock duration during which all three fail.
 */
export type NotReadyWindow = { metadata?: number; token?: number; graph?: number } | { ms: number };

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
  /**
   * Creating an identity provider while the tenant has no (replicated) service principal of the "Azure Active
   * Directory Authentication Extensions" app `99045fe1-…` (external-id-features §1.8 [observed]: error code
   * AADB2C90063 "There is a problem with the service."; status [unknown]). `ignored`: creates succeed. @default "500"
   */
  missingAuthExtensionsSp: "500" | "400" | "ignored";
  /** A second Google, Facebook or Apple provider, or an OIDC provider with an issuer already used (§1.3 [inferred]): status. @default 409 */
  duplicateIdentityProvider: 409 | 400;
  /** DELETE of an identity provider a user flow still offers (§1.5 [unknown]). "cascade": it leaves every flow too. @default "refused" (400) */
  deleteIdentityProviderInUse: "refused" | "cascade";

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
  /**
   * `aud` claim of the CIAM tenant's Graph tokens. Another resource (e.g. `https://management.azure.com`) simulates a
   * credential that hands back a token obtained for another API; Graph answers such a token 401
   * InvalidAuthenticationToken "Access token validation failure. Invalid audience." (the wording Graph is reported to
   * use, microsoftgraph/microsoft-graph-docs#16208). @default undefined (Graph's audience, the emulator URL)
   */
  tokenAudience: string | undefined;
  // ------------------------------------------------ Azure Resource Manager (arm-and-auth reference §1, §3)

  /** Tenant of the subscription (the "home" tenant): ARM accepts only its tokens. @default a random GUID */
  homeTenantId: string;
  /** Verified domain of the home tenant, accepted as a login tenant name. @default "contosohome.onmicrosoft.com" */
  homeDomain: string;
  /** The one subscription ARM knows (others → 404 SubscriptionNotFound). @default a random GUID */
  subscriptionId: string;
  /** The one resource group that exists in it (others → 404 ResourceGroupNotFound). @default "rg-ciam" */
  resourceGroup: string;
  /**
   * true: the emulated tenant exists from the start, as ciamDirectories/`<subdomain>` in `subscriptionId`/
   * `resourceGroup`, ready. false: nothing exists until a PUT of ciamDirectories/`<subdomain>` creates it (login and
   * Graph answer "tenant not found" until then). @default true
   */
  tenantProvisioned: boolean;
  /** Registration of Microsoft.AzureActiveDirectory on the subscription (reference §1.9 [verified]). @default "Registered" */
  providerRegistration: "Registered" | "NotRegistered";
  /**
   * Who may create a tenant (PUT of a new ciamDirectories resource): only a user (delegated `user_impersonation`
   * token), or also an app. Reference §1.9: B2C creation by a service principal fails with 401 `Unauthenticated`
   * [verified: azurerm#17713, pulumi-az-pipelines-task#112]; CIAM "will require the user impersonation scope"
   * [verified comment; inferred for CIAM]. @default "userOnly"
   */
  armCreateIdentity: "userOnly" | "any";
  /** Polls (GETs of the async operation or of the resource) before an ARM create/delete finishes. @default 3 */
  armAsyncPolls: number;
  /** `Retry-After` seconds on ARM 201/202 responses (reference §1.2: 60 in the spec). @default 60 */
  armRetryAfterSeconds: number;
  /**
   * A resource name of the form `<prefix>.onmicrosoft.com` (reference §1.4: appears accepted [inferred]; the spec
   * pattern is `^[a-zA-Z0-9]{1,26}`). @default "rejected" (400)
   */
  onmicrosoftResourceName: "accepted" | "rejected";
  /** `sku.name` read back after create (reference §1.3: existing tenants read back "Base" [third-party]). @default "Base" */
  skuReadBack: "asSent" | "Base";
  /**
   * PUT of a sub domain that is already taken (reference §1.4: the B2C clash surfaced only in the async operation
   * [verified for B2C], CIAM [inferred]). @default "asyncFailed" (201, then the operation fails)
   */
  takenNameOnCreate: "asyncFailed" | "409";
  /**
   * DELETE while the directory still holds users (other than the admin), app registrations or user flows
   * (reference §1.7: refusal [verified], its shape [inferred]). @default "asyncFailed" (202, then the operation fails)
   */
  deleteWhileNotEmpty: "asyncFailed" | "409";
  /**
   * B2C-style failure (reference §1.7, pulumi-azure-native#1126 [verified for B2C]): the ARM delete succeeds but the
   * directory lives on (login metadata, tokens and Graph keep answering). @default false
   */
  deleteLeavesDirectory: boolean;

  // ------------------------------------------------ a new tenant's first minutes (arm-and-auth reference §6)

  /**
   * After the emulated tenant is created (its ARM create completes, or `arm.startNotReadyWindow()`), the first
   * requests for it fail: metadata and token requests with 400 AADSTS90002 "tenant not found", Graph calls per
   * `notReadyGraph`. Reference §6: the failures [verified], no figure for how long [unknown].
   * @default { metadata: 2, token: 2, graph: 2 }
   */
  notReadyWindow: NotReadyWindow | undefined;
  /**
   * Graph's answer during the window (reference §6: "retry 401/403/404" [inferred]): 401 InvalidAuthenticationToken,
   * 403 Authorization_RequestDenied, 404 Request_ResourceNotFound. @default "401"
   */
  notReadyGraph: "401" | "403" | "404";
  /**
   * After the emulated tenant's ARM delete completes, how long the directory still answers: the next n requests on
   * each surface (metadata, token, Graph) succeed, or every request until `ms` has passed. Reference §1.7/§6 give no
   * figure [unknown]; undefined = gone everywhere at once. @default undefined
   */
  deletionPropagation: NotReadyWindow | undefined;
  /**
   * `issuer` in the tenant's OpenID metadata: `"authorityHost"` = `<emu.url>/<tenantId>/v2.0` (what
   * login.microsoftonline.com answers); `"ciamlogin"` = `https://<tenantId>.ciamlogin.com/<tenantId>/v2.0` (what a
   * ciamlogin.com authority answers [verified: AzureAD/microsoft-authentication-library-for-js#8595]).
   * @default "authorityHost"
   */
  metadataIssuer: "authorityHost" | "ciamlogin";

  // ------------------------------------------------ users, apps and deleted items (issue 4 teardown)

  /**
   * DELETE of the seeded admin (a Global Administrator) by the app: "In app-only scenarios, the User.ReadWrite.All
   * application permission isn't enough privilege to delete users with privileged administrative roles"
   * [verified: learn user-delete]. `"allowed"` models an app holding a higher privileged role. @default "refused" (403)
   */
  adminUserDelete: "refused" | "allowed";
  /** DELETE of b2c-extensions-app by an app ("Do not delete", yet tenant deletion needs it gone) [unknown]. @default "allowed" */
  b2cExtensionsAppDelete: "allowed" | "refused";
  /**
   * Do soft-deleted users and applications (directory/deletedItems) still block the tenant's deletion?
   * Reference §1.7 says nothing [inferred]. @default true
   */
  deletedItemsBlockDeletion: boolean;
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
