/**
 * The emulated tenant's state, plus helpers tests use for out-of-band edits ("someone used the portal"), assertions
 * and counts. Handlers (graph/*.ts) read and write the same records.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  B2C_EXTENSIONS_APP_NAME,
  BUILT_IN_ATTRIBUTES,
  BUILT_IN_IDPS,
  GRAPH_APP_ID,
  graphScopeObjects,
} from "./seed";
import type { AddedApplication, EmulatorOptions, JsonObject, JsonValue, StreamContent } from "./types";

export const STREAM_NAMES = [
  "bannerLogo",
  "squareLogo",
  "squareLogoDark",
  "headerLogo",
  "backgroundImage",
  "favicon",
  "customCSS",
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export const FLOW_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";

/** Replication-lag bookkeeping of a freshly created object (reference §6). */
export interface LagState {
  remainingRequests?: number;
  untilMs?: number;
}
export interface Lagging {
  lag?: LagState;
}

export interface FlowRecord extends Lagging {
  id: string;
  /** The entity without its navigation collections (identityProviders, attributes, includeApplications). */
  data: JsonObject;
  identityProviders: string[];
  attributes: string[];
  /** appIds, in link order. */
  includeApplications: string[];
  /** `onAttributeCollection` can be PATCHed only when it was configured at creation (reference §3.3). */
  attributeCollectionAtCreation: boolean;
}

export interface UserFlowAttributeRecord extends Lagging {
  id: string;
  displayName: string;
  description: string;
  userFlowAttributeType: "builtIn" | "custom";
  dataType: string;
}

export interface BrandingRecord extends Lagging {
  /** "0" for the default, else the locale as created. */
  id: string;
  /** Only the properties that were set (strings and complex types, `*RelativeUrl`, `cdnList`). */
  props: JsonObject;
  streams: Map<StreamName, StreamContent>;
}

export interface DirectoryObjectRecord extends Lagging {
  id: string;
  appId: string;
  data: JsonObject;
}

export interface UserRecord extends Lagging {
  id: string;
  /** The full user as `$select` can see it (GET without `$select` shows a default subset, see graph/users.ts). */
  data: JsonObject;
}

/** A soft-deleted user or application (`directory/deletedItems`, restorable for 30 days [verified: learn user-delete]). */
export interface DeletedItemRecord {
  id: string;
  kind: "user" | "application";
  /** The object as it was, plus `deletedDateTime`. */
  data: JsonObject;
  /** For an application: its appId. */
  appId?: string;
}

/** roleTemplateId of Global Administrator (a well-known id, the same in every tenant). */
export const GLOBAL_ADMIN_TEMPLATE_ID = "62e90394-69f5-4237-9190-012177145e10";

export interface GrantRecord {
  id: string;
  data: JsonObject;
}

/** Scope of one request: a lagging object consumes at most one "request" of its lag per request. */
export interface LagScope {
  seen: Set<Lagging>;
}

/** Every writable/readable string or complex property of organizationalBranding (reference §4.3, §4.8). */
export const BRANDING_PROPERTIES = [
  "backgroundColor",
  "backgroundImageRelativeUrl",
  "bannerLogoRelativeUrl",
  "cdnList",
  "contentCustomization",
  "customAccountResetCredentialsUrl",
  "customCannotAccessYourAccountText",
  "customCannotAccessYourAccountUrl",
  "customCSSRelativeUrl",
  "customForgotMyPasswordText",
  "customPrivacyAndCookiesText",
  "customPrivacyAndCookiesUrl",
  "customResetItNowText",
  "customTermsOfUseText",
  "customTermsOfUseUrl",
  "faviconRelativeUrl",
  "headerBackgroundColor",
  "headerLogoRelativeUrl",
  "loginPageLayoutConfiguration",
  "loginPageTextVisibilitySettings",
  "signInPageText",
  "squareLogoRelativeUrl",
  "squareLogoDarkRelativeUrl",
  "usernameHintText",
] as const;

export interface BrandingSnapshot {
  id: string;
  /** Every property, null when unset (as GET shows it, without inheritance). */
  properties: JsonObject;
  streams: Partial<Record<StreamName, StreamContent>>;
}

export interface StoreCounts {
  flows: number;
  customAttributes: number;
  /** Links of applications to flows, over all flows. */
  flowLinks: number;
  /** Users, the seeded admin included. */
  users: number;
  /** Soft-deleted users and applications. */
  deletedItems: number;
  applications: number;
  servicePrincipals: number;
  grants: number;
  /** 1 when a default branding exists. */
  defaultBranding: number;
  /** Localizations other than the default. */
  localizations: number;
  /** Streams over the default and every localization. */
  brandingStreams: number;
}

export const clone = <T extends JsonValue>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
export const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export class EmulatorStore {
  readonly organization: JsonObject;
  readonly identityProviders: JsonObject[] = [];
  readonly userFlowAttributes: UserFlowAttributeRecord[] = [];
  readonly flows: FlowRecord[] = [];
  readonly applications: DirectoryObjectRecord[] = [];
  readonly servicePrincipals: DirectoryObjectRecord[] = [];
  readonly grants: GrantRecord[] = [];
  readonly users: UserRecord[] = [];
  readonly deletedItems: DeletedItemRecord[] = [];
  /** The Global Administrator directory role (activated) and its member user ids. */
  readonly globalAdminRole: { id: string; members: string[] };
  /** Object id of the seeded admin: the person who created the tenant and runs the stack (reference §3). */
  readonly adminUserId: string;
  defaultBranding: BrandingRecord | undefined;
  /** Keyed by lower-cased locale. */
  readonly localizations = new Map<string, BrandingRecord>();
  readonly b2cExtensionsAppId: string;
  readonly graphServicePrincipalId: string;

  constructor(
    private readonly options: EmulatorOptions,
    /** Flow creation with POST's validation (graph/flows.ts), injected to keep this module free of handlers. */
    private readonly flowFactory?: (store: EmulatorStore, body: JsonObject) => FlowRecord,
  ) {
    this.organization = {
      id: options.tenantId,
      displayName: options.organizationDisplayName,
      tenantType: "CIAM",
      countryLetterCode: "US",
      createdDateTime: new Date().toISOString(),
      verifiedDomains: [
        {
          capabilities: "Email, OfficeCommunicationsOnlineService",
          isDefault: true,
          isInitial: true,
          name: `${options.subdomain}.onmicrosoft.com`,
          type: "Managed",
        },
      ],
    };
    for (const idp of BUILT_IN_IDPS) {
      this.identityProviders.push({ "@odata.type": "#microsoft.graph.builtInIdentityProvider", ...idp, state: null });
    }
    for (const s of options.socialIdentityProviders) {
      this.identityProviders.push({
        "@odata.type": "#microsoft.graph.socialIdentityProvider",
        id: s.id,
        displayName: s.displayName ?? s.identityProviderType,
        identityProviderType: s.identityProviderType,
        clientId: s.clientId ?? `${s.identityProviderType.toLowerCase()}-client-id`,
        clientSecret: "******",
      });
    }
    for (const a of BUILT_IN_ATTRIBUTES) {
      this.userFlowAttributes.push({ ...a, userFlowAttributeType: "builtIn", dataType: "string" });
    }
    this.b2cExtensionsAppId = options.b2cExtensionsAppId;
    this.insertApplication({ displayName: B2C_EXTENSIONS_APP_NAME }, options.b2cExtensionsAppId, false);
    this.insertServicePrincipal(options.b2cExtensionsAppId, {}, false);
    this.insertApplication({ displayName: "ciam-tenant deployment" }, options.clientId, false);
    this.insertServicePrincipal(options.clientId, {}, false);
    // The creator is the tenant's Global Administrator, shown as an external (#EXT#) member (reference §3).
    const home = options.homeDomain;
    const adminUpn = `admin_${home}#EXT#@${options.subdomain}.onmicrosoft.com`;
    this.adminUserId = this.insertUser(
      {
        displayName: "Tenant administrator",
        userPrincipalName: adminUpn,
        mail: `admin@${home}`,
        otherMails: [`admin@${home}`],
        userType: "Member",
        creationType: null,
        identities: [{ signInType: "userPrincipalName", issuer: `${options.subdomain}.onmicrosoft.com`, issuerAssignedId: adminUpn }],
      },
      false,
    ).id;
    this.globalAdminRole = { id: randomUUID(), members: [this.adminUserId] };
    this.graphServicePrincipalId = this.insertServicePrincipal(
      GRAPH_APP_ID,
      { displayName: "Microsoft Graph", appDisplayName: "Microsoft Graph", oauth2PermissionScopes: graphScopeObjects() },
      false,
    ).id;
  }

  // ---------------------------------------------------------------- replication lag

  /** Starts the lag window of a new object according to `options.replicationLag`. */
  startLag(rec: Lagging): void {
    const lag = this.options.replicationLag;
    if (!lag) return;
    if ("requests" in lag) {
      if (lag.requests > 0) rec.lag = { remainingRequests: lag.requests };
    } else if (lag.ms > 0) {
      rec.lag = { untilMs: Date.now() + lag.ms };
    }
  }

  /**
   * True while `rec` is still replicating: the request must behave as if the object did not exist. Each request
   * addressing the object consumes one unit of a request-count lag.
   */
  lagging(rec: Lagging, scope: LagScope | undefined): boolean {
    const lag = rec.lag;
    if (!lag) return false;
    if (lag.untilMs !== undefined) {
      if (Date.now() < lag.untilMs) return true;
      rec.lag = undefined;
      return false;
    }
    if (lag.remainingRequests !== undefined && lag.remainingRequests > 0) {
      if (!scope) return true;
      if (!scope.seen.has(rec)) {
        scope.seen.add(rec);
        lag.remainingRequests--;
      }
      return true;
    }
    if (scope?.seen.has(rec)) return true;
    rec.lag = undefined;
    return false;
  }

  /** Ends every lag window now. */
  settle(): void {
    for (const r of [...this.flows, ...this.userFlowAttributes, ...this.applications, ...this.servicePrincipals, ...this.users]) r.lag = undefined;
    if (this.defaultBranding) this.defaultBranding.lag = undefined;
    for (const l of this.localizations.values()) l.lag = undefined;
  }

  // ---------------------------------------------------------------- lookups used by handlers

  /** The write-only values last written to each identity provider (GET shows them masked), by provider id. */
  readonly identityProviderSecrets = new Map<string, Record<string, string>>();

  /** What a test asserts about a write-only value: the secret Graph holds for a provider's property (e.g. `clientSecret`). */
  identityProviderSecret(id: string, property: string): string | undefined {
    return this.identityProviderSecrets.get(String(this.findIdentityProvider(id)?.id ?? id))?.[property];
  }

  findIdentityProvider(id: string): JsonObject | undefined {
    return this.identityProviders.find((p) => eqi(String(p.id), id));
  }
  findAttribute(id: string): UserFlowAttributeRecord | undefined {
    return this.userFlowAttributes.find((a) => eqi(a.id, id));
  }
  findFlow(id: string): FlowRecord | undefined {
    return this.flows.find((f) => eqi(f.id, id));
  }
  findApplication(key: { id?: string; appId?: string }): DirectoryObjectRecord | undefined {
    return this.applications.find((a) => (key.id ? eqi(a.id, key.id) : key.appId ? eqi(a.appId, key.appId) : false));
  }
  findServicePrincipal(key: { id?: string; appId?: string }): DirectoryObjectRecord | undefined {
    return this.servicePrincipals.find((a) => (key.id ? eqi(a.id, key.id) : key.appId ? eqi(a.appId, key.appId) : false));
  }
  /** A user by object id or userPrincipalName (case-insensitive). */
  findUser(idOrUpn: string): UserRecord | undefined {
    return this.users.find((u) => eqi(u.id, idOrUpn) || eqi(String(u.data.userPrincipalName), idOrUpn));
  }
  /** The branding record for "0"/"default" or a locale. */
  findBranding(locale: string): BrandingRecord | undefined {
    if (locale === "0" || eqi(locale, "default")) return this.defaultBranding;
    return this.localizations.get(locale.toLowerCase());
  }
  flowLinkedTo(appId: string): FlowRecord | undefined {
    return this.flows.find((f) => f.includeApplications.some((a) => eqi(a, appId)));
  }

  /** The id a custom attribute named `displayName` gets (reference §3.7). */
  customAttributeId(displayName: string): string {
    const words = displayName.trim().split(/\s+/);
    const name =
      words.length === 1
        ? words[0]
        : words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1))).join("");
    return `extension_${this.b2cExtensionsAppId.replace(/-/g, "")}_${name}`;
  }

  // ---------------------------------------------------------------- directory inserts (shared with handlers)

  insertApplication(body: JsonObject, appId: string = randomUUID(), lag = true): DirectoryObjectRecord {
    const id = randomUUID();
    const data: JsonObject = {
      id,
      appId,
      displayName: null,
      createdDateTime: new Date().toISOString(),
      signInAudience: "AzureADMyOrg",
      publisherDomain: `${this.options.subdomain}.onmicrosoft.com`,
      identifierUris: [],
      tags: [],
      api: { oauth2PermissionScopes: [] },
      appRoles: [],
      passwordCredentials: [],
      keyCredentials: [],
      requiredResourceAccess: [],
      spa: { redirectUris: [] },
      web: { redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false } },
      publicClient: { redirectUris: [] },
      ...clone(body),
    };
    data.id = id;
    data.appId = appId;
    const rec: DirectoryObjectRecord = { id, appId, data };
    if (lag) this.startLag(rec);
    this.applications.push(rec);
    return rec;
  }

  insertServicePrincipal(appId: string, body: JsonObject, lag = true): DirectoryObjectRecord {
    const id = randomUUID();
    const app = this.findApplication({ appId });
    const name = app ? (app.data.displayName as JsonValue) : null;
    const data: JsonObject = {
      id,
      appId,
      accountEnabled: true,
      appDisplayName: name,
      displayName: name,
      appOwnerOrganizationId: app ? this.options.tenantId : null,
      servicePrincipalType: "Application",
      servicePrincipalNames: [appId],
      tags: [],
      appRoles: [],
      oauth2PermissionScopes: [],
      ...clone(body),
    };
    data.id = id;
    data.appId = appId;
    const rec: DirectoryObjectRecord = { id, appId, data };
    if (lag) this.startLag(rec);
    this.servicePrincipals.push(rec);
    return rec;
  }

  removeServicePrincipal(rec: DirectoryObjectRecord): void {
    this.servicePrincipals.splice(this.servicePrincipals.indexOf(rec), 1);
    // A service principal's grants go with it (as in the directory).
    for (let i = this.grants.length - 1; i >= 0; i--) {
      const g = this.grants[i].data;
      if (eqi(String(g.clientId), rec.id) || eqi(String(g.resourceId), rec.id)) this.grants.splice(i, 1);
    }
  }

  /** Deletes an application: it moves to deletedItems (soft delete [verified: learn application-delete]). */
  removeApplication(rec: DirectoryObjectRecord): void {
    this.applications.splice(this.applications.indexOf(rec), 1);
    this.deletedItems.push({ id: rec.id, kind: "application", appId: rec.appId, data: { ...clone(rec.data), deletedDateTime: new Date().toISOString() } });
    // Deleting an application deletes its service principal in the home tenant.
    const sp = this.findServicePrincipal({ appId: rec.appId });
    if (sp) this.removeServicePrincipal(sp);
  }

  insertUser(body: JsonObject, lag = true): UserRecord {
    const id = randomUUID();
    const data: JsonObject = {
      id,
      businessPhones: [],
      displayName: null,
      givenName: null,
      jobTitle: null,
      mail: null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: null,
      userPrincipalName: `${id}@${this.options.subdomain}.onmicrosoft.com`,
      accountEnabled: true,
      createdDateTime: new Date().toISOString(),
      creationType: null,
      externalUserState: null,
      identities: [],
      mailNickname: null,
      otherMails: [],
      userType: "Member",
      ...clone(body),
    };
    data.id = id;
    const rec: UserRecord = { id, data };
    if (lag) this.startLag(rec);
    this.users.push(rec);
    return rec;
  }

  /** Deletes a user: it moves to deletedItems (soft delete [verified: learn user-delete]). */
  removeUser(rec: UserRecord): void {
    this.users.splice(this.users.indexOf(rec), 1);
    this.globalAdminRole.members = this.globalAdminRole.members.filter((m) => m !== rec.id);
    this.deletedItems.push({ id: rec.id, kind: "user", data: { ...clone(rec.data), deletedDateTime: new Date().toISOString() } });
  }

  /** Brings a deleted item back (`POST directory/deletedItems/{id}/restore`); returns it, or undefined. */
  restoreDeletedItem(id: string): DeletedItemRecord | undefined {
    const i = this.deletedItems.findIndex((d) => eqi(d.id, id));
    if (i < 0) return undefined;
    const [item] = this.deletedItems.splice(i, 1);
    const data = clone(item.data);
    delete data.deletedDateTime;
    if (item.kind === "user") this.users.push({ id: item.id, data });
    else this.applications.push({ id: item.id, appId: item.appId as string, data });
    return item;
  }

  // ---------------------------------------------------------------- test helpers: users and deleted items

  /**
   * Adds a user (as a sign-up or another tool would): by default a customer local account (`creationType`
   * "LocalAccount", an `emailAddress` identity). Starts replication lag like a POST. Returns the object id.
   */
  addUser(input: {
    displayName?: string;
    email?: string;
    userPrincipalName?: string;
    userType?: "Member" | "Guest";
    creationType?: string | null;
    /** Makes the user a member of the Global Administrator role (it still blocks tenant deletion). */
    globalAdmin?: boolean;
  } = {}): string {
    const email = input.email ?? `customer-${randomBytes(3).toString("hex")}@example.com`;
    const local = input.creationType === undefined || input.creationType === "LocalAccount";
    const body: JsonObject = {
      displayName: input.displayName ?? email,
      mail: email,
      userType: input.userType ?? "Member",
      creationType: input.creationType === undefined ? "LocalAccount" : input.creationType,
      identities: local ? [{ signInType: "emailAddress", issuer: `${this.options.subdomain}.onmicrosoft.com`, issuerAssignedId: email }] : [],
    };
    if (input.userPrincipalName) body.userPrincipalName = input.userPrincipalName;
    const rec = this.insertUser(body);
    if (input.globalAdmin) this.globalAdminRole.members.push(rec.id);
    return rec.id;
  }
  /** Every user, full records (all properties, as `$select` sees them). */
  listUsers(): JsonObject[] {
    return this.users.map((u) => clone(u.data));
  }
  /** The seeded admin (the identity running the stack; reference §3). */
  adminUser(): JsonObject {
    const u = this.users.find((x) => x.id === this.adminUserId);
    if (!u) throw new Error("the admin user was deleted");
    return clone(u.data);
  }
  /** Out-of-band delete of a user by id or userPrincipalName (soft, into deletedItems). */
  deleteUser(idOrUpn: string): boolean {
    const rec = this.findUser(idOrUpn);
    if (!rec) return false;
    this.removeUser(rec);
    return true;
  }
  /** Soft-deleted users and applications (with `deletedDateTime`; `@odata.type` tells which). */
  listDeletedItems(): JsonObject[] {
    return this.deletedItems.map(deletedItemJson);
  }
  /** Permanently deletes every soft-deleted item (as the 30-day purge would). */
  purgeDeletedItems(): void {
    this.deletedItems.length = 0;
  }

  // ---------------------------------------------------------------- test helpers: directory

  /**
   * Adds an application (as another tool or a person would), with its service principal unless
   * `withServicePrincipal: false`. Both start a replication-lag window when `options.replicationLag` is set.
   */
  addApplication(input: { displayName?: string; appId?: string; withServicePrincipal?: boolean } = {}): AddedApplication {
    const app = this.insertApplication({ displayName: input.displayName ?? `app-${randomBytes(3).toString("hex")}` }, input.appId ?? randomUUID());
    const sp = input.withServicePrincipal === false ? undefined : this.insertServicePrincipal(app.appId, {});
    return { appId: app.appId, applicationObjectId: app.id, servicePrincipalObjectId: sp?.id };
  }

  /** Adds a service principal for an existing appId; returns its object id. */
  addServicePrincipal(appId: string): string {
    return this.insertServicePrincipal(appId, {}).id;
  }

  /** Deletes an application by appId or object id (its service principal and grants go too). */
  deleteApplication(appIdOrObjectId: string): boolean {
    const rec = this.findApplication({ appId: appIdOrObjectId }) ?? this.findApplication({ id: appIdOrObjectId });
    if (!rec) return false;
    this.removeApplication(rec);
    return true;
  }

  deleteServicePrincipal(appIdOrObjectId: string): boolean {
    const rec = this.findServicePrincipal({ appId: appIdOrObjectId }) ?? this.findServicePrincipal({ id: appIdOrObjectId });
    if (!rec) return false;
    this.removeServicePrincipal(rec);
    return true;
  }

  /** Out-of-band edit of an application (by appId or object id): top-level properties replaced, no validation. */
  patchApplication(appIdOrObjectId: string, patch: JsonObject): void {
    const rec = this.findApplication({ appId: appIdOrObjectId }) ?? this.findApplication({ id: appIdOrObjectId });
    if (!rec) throw new Error(`no application ${appIdOrObjectId}`);
    Object.assign(rec.data, clone(patch));
  }

  /** Out-of-band edit of a service principal (by appId or object id). */
  patchServicePrincipal(appIdOrObjectId: string, patch: JsonObject): void {
    const rec = this.findServicePrincipal({ appId: appIdOrObjectId }) ?? this.findServicePrincipal({ id: appIdOrObjectId });
    if (!rec) throw new Error(`no service principal ${appIdOrObjectId}`);
    Object.assign(rec.data, clone(patch));
  }

  listApplications(): JsonObject[] {
    return this.applications.map((a) => clone(a.data));
  }
  listServicePrincipals(): JsonObject[] {
    return this.servicePrincipals.map((a) => clone(a.data));
  }
  listGrants(): JsonObject[] {
    return this.grants.map((g) => clone(g.data));
  }
  deleteGrant(id: string): boolean {
    const i = this.grants.findIndex((g) => g.id === id);
    if (i < 0) return false;
    this.grants.splice(i, 1);
    return true;
  }
  patchGrant(id: string, patch: JsonObject): void {
    const g = this.grants.find((x) => x.id === id);
    if (!g) throw new Error(`no grant ${id}`);
    Object.assign(g.data, clone(patch));
  }

  // ---------------------------------------------------------------- test helpers: flows

  /**
   * Out-of-band flow creation ("someone used the portal"): the body of a POST, with the same validation; returns
   * the id. Starts a replication-lag window like a POST.
   */
  addFlow(body: JsonObject): string {
    if (!this.flowFactory) throw new Error("flow creation is not wired");
    return this.flowFactory(this, body).id;
  }

  /** Every flow as `GET {F}/{id}` shows it. */
  listFlows(): JsonObject[] {
    return this.flows.map((f) => this.renderFlow(f, "https://graph.microsoft.com/beta"));
  }

  /** A flow by id or displayName (case-insensitive), as `GET {F}/{id}` shows it. */
  getFlow(idOrDisplayName: string): JsonObject | undefined {
    const f = this.findFlow(idOrDisplayName) ?? this.flows.find((x) => eqi(String(x.data.displayName), idOrDisplayName));
    return f ? this.renderFlow(f, "https://graph.microsoft.com/beta") : undefined;
  }

  private flowByIdOrName(idOrDisplayName: string): FlowRecord {
    const f = this.findFlow(idOrDisplayName) ?? this.flows.find((x) => eqi(String(x.data.displayName), idOrDisplayName));
    if (!f) throw new Error(`no flow '${idOrDisplayName}'`);
    return f;
  }

  /** Out-of-band edit: top-level properties of a flow are replaced (no validation, like a portal edit). */
  patchFlow(idOrDisplayName: string, patch: JsonObject): void {
    const f = this.flowByIdOrName(idOrDisplayName);
    for (const [k, v] of Object.entries(clone(patch))) f.data[k] = v;
  }

  /** Out-of-band: replaces a flow's identity providers / attributes / linked apps. */
  setFlowIdentityProviders(idOrDisplayName: string, idpIds: string[]): void {
    this.flowByIdOrName(idOrDisplayName).identityProviders = [...idpIds];
  }
  setFlowAttributes(idOrDisplayName: string, attributeIds: string[]): void {
    this.flowByIdOrName(idOrDisplayName).attributes = [...attributeIds];
  }
  setFlowApplications(idOrDisplayName: string, appIds: string[]): void {
    this.flowByIdOrName(idOrDisplayName).includeApplications = [...appIds];
  }

  deleteFlow(idOrDisplayName: string): boolean {
    const f = this.findFlow(idOrDisplayName) ?? this.flows.find((x) => eqi(String(x.data.displayName), idOrDisplayName));
    if (!f) return false;
    this.flows.splice(this.flows.indexOf(f), 1);
    return true;
  }

  /** The flow entity as GET returns it (navigation collections inline). */
  renderFlow(f: FlowRecord, versionBase: string): JsonObject {
    const d = clone(f.data);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(d)) {
      if (k === "conditions") {
        const apps = (v && typeof v === "object" && !Array.isArray(v) ? (v.applications as JsonObject | null) : null) ?? {};
        out.conditions = {
          ...(v as JsonObject),
          applications: {
            includeAllApplications: apps.includeAllApplications ?? false,
            "includeApplications@odata.context": `${versionBase}/$metadata#identity/authenticationEventsFlows('${f.id}')/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications`,
            includeApplications: f.includeApplications.map((appId) => ({ appId })),
          },
        };
      } else if (k === "onAuthenticationMethodLoadStart" && v && typeof v === "object" && !Array.isArray(v)) {
        out[k] = {
          ...v,
          identityProviders: f.identityProviders.flatMap((id) => {
            const p = this.findIdentityProvider(id);
            return p ? [clone(p)] : [];
          }),
        };
      } else if (k === "onAttributeCollection") {
        if (v && typeof v === "object" && !Array.isArray(v)) {
          out[k] = { ...v, attributes: f.attributes.flatMap((id) => {
            const a = this.findAttribute(id);
            return a ? [attributeJson(a)] : [];
          }) };
        } else {
          out[k] = null;
        }
      } else if (k === "onUserCreateStart" && v === null && this.options.omittedUserCreateStart === "member") {
        out[k] = {
          "@odata.type": "#microsoft.graph.onUserCreateStartExternalUsersSelfServiceSignUp",
          userTypeToCreate: "member",
          accessPackages: [],
        };
      } else {
        out[k] = v;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- test helpers: user flow attributes

  listUserFlowAttributes(): JsonObject[] {
    return this.userFlowAttributes.map(attributeJson);
  }
  /** Out-of-band custom attribute (as the portal would create it); returns its id. */
  addCustomAttribute(displayName: string, dataType: "string" | "boolean" | "int64" = "string", description = ""): string {
    const rec: UserFlowAttributeRecord = {
      id: this.customAttributeId(displayName),
      displayName,
      description,
      userFlowAttributeType: "custom",
      dataType,
    };
    this.startLag(rec);
    this.userFlowAttributes.push(rec);
    return rec.id;
  }
  patchUserFlowAttribute(id: string, patch: Partial<Pick<UserFlowAttributeRecord, "displayName" | "description" | "dataType">>): void {
    const a = this.findAttribute(id);
    if (!a) throw new Error(`no attribute ${id}`);
    Object.assign(a, patch);
  }
  deleteUserFlowAttribute(id: string): boolean {
    const a = this.findAttribute(id);
    if (!a) return false;
    this.userFlowAttributes.splice(this.userFlowAttributes.indexOf(a), 1);
    return true;
  }

  // ---------------------------------------------------------------- test helpers: branding

  /** The default branding ("0") with its streams, or undefined when none exists. */
  getDefaultBranding(): BrandingSnapshot | undefined {
    return this.defaultBranding ? snapshot(this.defaultBranding) : undefined;
  }
  /** A localization (by locale, case-insensitive; "0"/"default" = the default) with its streams. */
  getLocalization(locale: string): BrandingSnapshot | undefined {
    const b = this.findBranding(locale);
    return b ? snapshot(b) : undefined;
  }
  /** Every localization including the default "0" (first), as snapshots. */
  listLocalizations(): BrandingSnapshot[] {
    return [...(this.defaultBranding ? [this.defaultBranding] : []), ...this.localizations.values()].map(snapshot);
  }

  /** Out-of-band: creates the default (if needed) and sets properties on it, without validation. */
  patchBranding(locale: string, props: JsonObject): void {
    let b = this.findBranding(locale);
    if (!b) {
      if (locale === "0" || eqi(locale, "default")) {
        b = this.defaultBranding = { id: "0", props: {}, streams: new Map() };
      } else {
        if (!this.defaultBranding) this.defaultBranding = { id: "0", props: {}, streams: new Map() };
        b = { id: locale, props: {}, streams: new Map() };
        this.localizations.set(locale.toLowerCase(), b);
      }
    }
    Object.assign(b.props, clone(props));
  }

  /** Out-of-band: uploads a stream (sets `*RelativeUrl` and `cdnList` as a PUT would). */
  setStream(locale: string, stream: StreamName, bytes: Buffer, contentType: string): void {
    const b = this.findBranding(locale);
    if (!b) throw new Error(`no branding '${locale}'`);
    this.writeStream(b, stream, bytes, contentType);
  }

  writeStream(b: BrandingRecord, stream: StreamName, bytes: Buffer, contentType: string): void {
    b.streams.set(stream, { contentType, bytes: Buffer.from(bytes), sha256: sha256(bytes) });
    const ticks = (BigInt(Date.now()) * 10000n + 621355968000000000n).toString();
    b.props[`${stream}RelativeUrl`] = `${this.options.tenantId}/logintenantbranding/${b.id}/${stream.toLowerCase()}?ts=${ticks}`;
    b.props.cdnList = ["aadcdn.msftauthimages.net", "aadcdn.msauthimages.net"];
  }

  removeStream(b: BrandingRecord, stream: StreamName): void {
    b.streams.delete(stream);
    b.props[`${stream}RelativeUrl`] = null;
    const anyLeft = [this.defaultBranding, ...this.localizations.values()].some((x) => x && x.streams.size > 0);
    if (b.streams.size === 0 && !anyLeft) b.props.cdnList = [];
  }

  /** Out-of-band delete of the default ("0") or a localization, streams and all. */
  deleteBranding(locale: string): boolean {
    if (locale === "0" || eqi(locale, "default")) {
      if (!this.defaultBranding) return false;
      this.defaultBranding = undefined;
      return true;
    }
    return this.localizations.delete(locale.toLowerCase());
  }

  // ---------------------------------------------------------------- tenant deletion

  /**
   * What keeps the tenant's directory from being deleted (arm-and-auth reference §1.7 [verified: entra
   * how-to-delete-external-tenant-portal]): users other than the admin, app registrations (b2c-extensions-app
   * included), user flows.
   */
  deletionBlockers(): { users: number; applications: number; userFlows: number } {
    // Soft-deleted objects count when `deletedItemsBlockDeletion` (reference §1.7 says nothing [inferred]).
    const soft = this.options.deletedItemsBlockDeletion;
    const deleted = (kind: "user" | "application"): number => (soft ? this.deletedItems.filter((d) => d.kind === kind).length : 0);
    return {
      users: this.users.filter((u) => u.id !== this.adminUserId).length + deleted("user"),
      applications: this.applications.length + deleted("application"),
      userFlows: this.flows.length,
    };
  }

  // ---------------------------------------------------------------- counts

  counts(): StoreCounts {
    const brandings = [...(this.defaultBranding ? [this.defaultBranding] : []), ...this.localizations.values()];
    return {
      flows: this.flows.length,
      customAttributes: this.userFlowAttributes.filter((a) => a.userFlowAttributeType === "custom").length,
      flowLinks: this.flows.reduce((n, f) => n + f.includeApplications.length, 0),
      users: this.users.length,
      deletedItems: this.deletedItems.length,
      applications: this.applications.length,
      servicePrincipals: this.servicePrincipals.length,
      grants: this.grants.length,
      defaultBranding: this.defaultBranding ? 1 : 0,
      localizations: this.localizations.size,
      brandingStreams: brandings.reduce((n, b) => n + b.streams.size, 0),
    };
  }
}

/** A deleted item as `directory/deletedItems` shows it. */
export function deletedItemJson(d: DeletedItemRecord): JsonObject {
  return { "@odata.type": d.kind === "user" ? "#microsoft.graph.user" : "#microsoft.graph.application", ...clone(d.data) };
}

export function attributeJson(a: UserFlowAttributeRecord): JsonObject {
  return {
    id: a.id,
    displayName: a.displayName,
    description: a.description,
    userFlowAttributeType: a.userFlowAttributeType,
    dataType: a.dataType,
  };
}

function snapshot(b: BrandingRecord): BrandingSnapshot {
  const properties: JsonObject = { id: b.id };
  for (const p of BRANDING_PROPERTIES) properties[p] = p in b.props ? clone(b.props[p]) : p === "cdnList" ? [] : null;
  const streams: Partial<Record<StreamName, StreamContent>> = {};
  for (const [k, v] of b.streams) streams[k] = { contentType: v.contentType, bytes: Buffer.from(v.bytes), sha256: v.sha256 };
  return { id: b.id, properties, streams };
}
