/**
 * THE mapping from the Microsoft Graph calls this stack makes to the application permissions they need — read by the
 * automation identity component (what to grant), by the Graph layer (which permission a 403 is about, and whether a
 * token can do what the stack needs before anything is written) and by the tests.
 *
 * Each operation lists the least privileged application permission of its Graph reference page first, then the
 * higher privileged ones the same page accepts. An operation belongs to one stack feature, so a stack is granted
 * only what its config uses. Pure data and functions, no imports: serializable by value, as the providers stay.
 *
 * @see https://learn.microsoft.com/en-us/graph/permissions-reference
 */

/** Parts of the stack that call Graph; a config uses some of them. */
export type StackFeature = "apps" | "customAttributes" | "userFlows" | "branding" | "identityProviders";

/**
 * Which features a stack's config uses. `identityProviders` may be absent (= false): a stack without them records
 * the same features as before the feature existed, so upgrading it shows no change.
 */
export type StackFeatures = Readonly<Record<Exclude<StackFeature, "identityProviders">, boolean>> & { readonly identityProviders?: boolean };

export interface GraphOperation {
  /** Short name used in messages and tests. */
  readonly id: string;
  /** What the stack does with it, for messages and the README table. */
  readonly purpose: string;
  /**
   * `automation`: calls of a person's run that sets up the automation identity — never granted to that identity.
   * `tenant`: calls every stack makes whatever its config (the readiness check of the tenant).
   */
  readonly feature: StackFeature | "automation" | "tenant";
  /** Who makes the call: the Graph layer of the dynamic providers, or the azuread provider. */
  readonly caller: "graph-layer" | "azuread";
  readonly methods: readonly string[];
  /** Matches the request path without the version prefix, e.g. `/identity/authenticationEventsFlows/{id}`. */
  readonly path: RegExp;
  /** Least privileged application permission first, then the higher ones the reference page accepts. */
  readonly accepted: readonly [string, ...string[]];
  /** The Graph reference page the permissions come from. */
  readonly doc: string;
}

const GRAPH_API = "https://learn.microsoft.com/en-us/graph/api";
const READ = ["GET"] as const;
const WRITE = ["POST", "PATCH", "PUT", "DELETE"] as const;

/** Every Graph call this project makes, with its permissions. */
export const GRAPH_OPERATIONS: readonly GraphOperation[] = [
  {
    id: "tenant.readiness",
    purpose: "check that the tenant answers before anything is written into it (readiness gate)",
    feature: "tenant",
    caller: "graph-layer",
    methods: READ,
    path: /^\/organization\/[^/?]+(\?|$)/i,
    accepted: ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    doc: `${GRAPH_API}/organization-get`,
  },
  {
    id: "userFlows.read",
    purpose: "read user flows, their identity providers, attributes and linked apps (adoption, drift)",
    feature: "userFlows",
    caller: "graph-layer",
    methods: READ,
    path: /^\/identity\/authenticationEventsFlows(\/|\?|$)/i,
    accepted: ["EventListener.Read.All", "EventListener.ReadWrite.All"],
    doc: `${GRAPH_API}/identitycontainer-list-authenticationeventsflows`,
  },
  {
    id: "userFlows.write",
    purpose: "create, update and delete user flows; add/remove identity providers and attributes; link/unlink apps",
    feature: "userFlows",
    caller: "graph-layer",
    methods: WRITE,
    path: /^\/identity\/authenticationEventsFlows(\/|\?|$)/i,
    accepted: ["EventListener.ReadWrite.All"],
    doc: `${GRAPH_API}/identitycontainer-post-authenticationeventsflows`,
  },
  {
    id: "customAttributes.read",
    purpose: "find custom user attributes by name (adoption, drift)",
    feature: "customAttributes",
    caller: "graph-layer",
    methods: READ,
    path: /^\/identity\/userFlowAttributes(\/|\?|$)/i,
    accepted: ["IdentityUserFlow.Read.All", "IdentityUserFlow.ReadWrite.All"],
    doc: `${GRAPH_API}/identitycontainer-list-userflowattributes`,
  },
  {
    id: "customAttributes.write",
    purpose: "create, update and delete custom user attributes",
    feature: "customAttributes",
    caller: "graph-layer",
    methods: WRITE,
    path: /^\/identity\/userFlowAttributes(\/|\?|$)/i,
    accepted: ["IdentityUserFlow.ReadWrite.All"],
    doc: `${GRAPH_API}/identityuserflowattribute-post`,
  },
  {
    id: "branding.read",
    purpose: "read the default branding, localizations and images (adoption, drift, restore on destroy)",
    feature: "branding",
    caller: "graph-layer",
    methods: READ,
    path: /^\/organization\/[^/]+\/branding(\/|\?|$)/i,
    accepted: ["OrganizationalBranding.Read.All", "OrganizationalBranding.ReadWrite.All", "Organization.Read.All", "Organization.ReadWrite.All"],
    doc: `${GRAPH_API}/organizationalbranding-get`,
  },
  {
    id: "branding.write",
    purpose: "update the default branding, create/update/delete localizations, upload images and CSS",
    feature: "branding",
    caller: "graph-layer",
    methods: WRITE,
    path: /^\/organization\/[^/]+\/branding(\/|\?|$)/i,
    accepted: ["OrganizationalBranding.ReadWrite.All", "Organization.ReadWrite.All"],
    doc: `${GRAPH_API}/organizationalbranding-update`,
  },
  {
    id: "automation.appRoles",
    purpose: "grant the automation identity its Graph application permissions (a person's run only)",
    feature: "automation",
    caller: "azuread",
    methods: ["GET", ...WRITE],
    path: /^\/servicePrincipals\/[^/]+\/(appRoleAssignedTo|appRoleAssignments)(\/|\?|$)/i,
    accepted: ["AppRoleAssignment.ReadWrite.All"],
    doc: `${GRAPH_API}/serviceprincipal-post-approleassignedto`,
  },
  {
    id: "automation.federatedCredentials",
    purpose: "trust the pipelines' OIDC tokens on the automation app (a person's run only)",
    feature: "automation",
    caller: "azuread",
    methods: ["GET", ...WRITE],
    path: /^\/applications\/[^/]+\/federatedIdentityCredentials(\/|\?|$)/i,
    accepted: ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"],
    doc: `${GRAPH_API}/application-post-federatedidentitycredentials`,
  },
  {
    id: "identityProviders.read",
    purpose: "read the tenant's identity providers (adoption by type or issuer, drift)",
    feature: "identityProviders",
    caller: "graph-layer",
    methods: READ,
    path: /^\/identity\/identityProviders(\/|\?|$)/i,
    accepted: ["IdentityProvider.Read.All", "IdentityProvider.ReadWrite.All"],
    doc: `${GRAPH_API}/identitycontainer-list-identityproviders`,
  },
  {
    id: "identityProviders.write",
    purpose: "create, update (rotate secrets) and delete the Google, Facebook, Apple and OIDC identity providers",
    feature: "identityProviders",
    caller: "graph-layer",
    methods: WRITE,
    path: /^\/identity\/identityProviders(\/|\?|$)/i,
    accepted: ["IdentityProvider.ReadWrite.All"],
    doc: `${GRAPH_API}/identitycontainer-post-identityproviders`,
  },
  {
    id: "identityProviders.prerequisite",
    purpose: "create the Authentication Extensions app's service principal identity providers need, once per tenant (a person's run, or by hand)",
    feature: "automation",
    caller: "graph-layer",
    methods: ["GET", "POST"],
    path: /^\/servicePrincipals\(appId='99045fe1-7639-4a75-9d4a-577b6ca3810f'\)/i,
    accepted: ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
    doc: `${GRAPH_API}/serviceprincipal-post-serviceprincipals`,
  },
  {
    id: "apps.lookupGraph",
    purpose: "look up the Microsoft Graph service principal (the resource of the apps' admin consent)",
    feature: "apps",
    caller: "azuread",
    methods: READ,
    path: /^\/servicePrincipals(\/|\?|\(|$)/i,
    // "The Application.ReadWrite.OwnedBy permission allows an app to call GET /applications and GET /servicePrincipals
    // to list all applications and service principals in the tenant" (serviceprincipal-get): no extra read role.
    accepted: ["Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    doc: `${GRAPH_API}/serviceprincipal-get`,
  },
  {
    id: "apps.write",
    purpose: "register, update and delete the SPA apps and their service principals (the automation identity owns them)",
    feature: "apps",
    caller: "azuread",
    methods: WRITE,
    path: /^\/(applications|servicePrincipals)(\/|\?|\(|$)/i,
    accepted: ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"],
    doc: `${GRAPH_API}/application-post-applications`,
  },
  {
    id: "apps.consent",
    purpose: "grant and revoke the apps' tenant-wide consent to openid + offline_access",
    feature: "apps",
    caller: "azuread",
    methods: ["GET", ...WRITE],
    path: /^\/oauth2PermissionGrants(\/|\?|$)/i,
    accepted: ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"],
    doc: `${GRAPH_API}/oauth2permissiongrant-post`,
  },
];

/** The Graph operation a request is, or `undefined` for a call this table does not know. */
export function operationFor(method: string, path: string): GraphOperation | undefined {
  const m = method.toUpperCase();
  const p = path.replace(/^\/(v1\.0|beta)(?=\/)/i, "");
  return GRAPH_OPERATIONS.find((op) => op.methods.includes(m) && op.path.test(p));
}

/** Is `op` allowed by any of `roles` (case-insensitive, as Entra compares permission values)? */
export function allows(roles: readonly string[], op: GraphOperation): boolean {
  const have = new Set(roles.map((r) => r.toLowerCase()));
  return op.accepted.some((p) => have.has(p.toLowerCase()));
}

/** The operations a stack with these features makes. */
export function operationsOf(features: StackFeatures): GraphOperation[] {
  return GRAPH_OPERATIONS.filter((op) => op.feature === "tenant" || (op.feature !== "automation" && features[op.feature] === true));
}

/**
 * The smallest set of application permissions that allows every operation of `features`: each operation's least
 * privileged permission, minus those made redundant by another chosen permission the operation also accepts
 * (`EventListener.Read.All` when `EventListener.ReadWrite.All` is needed anyway). Sorted.
 */
export function requiredApplicationPermissions(features: StackFeatures): string[] {
  const ops = operationsOf(features);
  const chosen = new Set(ops.map((op) => op.accepted[0]));
  for (const p of [...chosen]) {
    const others = [...chosen].filter((q) => q !== p);
    const needed = ops.some((op) => op.accepted[0] === p && !allows(others, op));
    if (!needed) chosen.delete(p);
  }
  return [...chosen].sort();
}

/** The operations of `features` none of `roles` allows — what a token cannot do. */
export function deniedOperations(roles: readonly string[], features: StackFeatures): GraphOperation[] {
  return operationsOf(features).filter((op) => !allows(roles, op));
}
