/**
 * The emulator's own copy of the documented application permissions per Graph endpoint (Graph reference pages,
 * "Permissions" tables: least privileged first, then the higher privileged ones the page accepts). Deliberately NOT
 * imported from the project's dynamic-providers/graph/permissions.ts: the emulator stands for Graph, so a wrong
 * entry in the project's table must make a test fail against this one.
 *
 * Used only when `options.enforceAppRoles` is on: an app-only token whose `roles` hold none of the accepted
 * permissions gets 403 Authorization_RequestDenied, as Graph answers for missing application permissions.
 */

interface DocumentedPermission {
  readonly methods: readonly string[];
  readonly path: RegExp;
  readonly accepted: readonly string[];
}

const R = ["GET"];
const W = ["POST", "PATCH", "PUT", "DELETE"];

/** graph/api pages: identitycontainer-*-authenticationeventsflows, authenticationeventsflow-*, …, organizationalbranding-*, application-*, serviceprincipal-*, oauth2permissiongrant-*. */
const DOCUMENTED: readonly DocumentedPermission[] = [
  { methods: R, path: /^\/identity\/authenticationeventsflows(\/|$)/i, accepted: ["EventListener.Read.All", "EventListener.ReadWrite.All"] },
  { methods: W, path: /^\/identity\/authenticationeventsflows(\/|$)/i, accepted: ["EventListener.ReadWrite.All"] },
  { methods: R, path: /^\/identity\/userflowattributes(\/|$)/i, accepted: ["IdentityUserFlow.Read.All", "IdentityUserFlow.ReadWrite.All"] },
  { methods: W, path: /^\/identity\/userflowattributes(\/|$)/i, accepted: ["IdentityUserFlow.ReadWrite.All"] },
  { methods: R, path: /^\/identity\/identityproviders(\/|$)/i, accepted: ["IdentityProvider.Read.All", "IdentityProvider.ReadWrite.All"] },
  { methods: W, path: /^\/identity\/identityproviders(\/|$)/i, accepted: ["IdentityProvider.ReadWrite.All"] },
  { methods: R, path: /^\/organization\/[^/]+\/branding(\/|$)/i, accepted: ["OrganizationalBranding.Read.All", "OrganizationalBranding.ReadWrite.All", "Organization.Read.All", "Organization.ReadWrite.All"] },
  { methods: W, path: /^\/organization\/[^/]+\/branding(\/|$)/i, accepted: ["OrganizationalBranding.ReadWrite.All", "Organization.ReadWrite.All"] },
  { methods: R, path: /^\/organization(\/[^/]+)?$/i, accepted: ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"] },
  { methods: R, path: /^\/(applications|serviceprincipals)(\/|\(|$)/i, accepted: ["Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"] },
  { methods: W, path: /^\/(applications|serviceprincipals)(\/|\(|$)/i, accepted: ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"] },
  { methods: [...R, ...W], path: /^\/oauth2permissiongrants(\/|$)/i, accepted: ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"] },
];

/** The permissions Graph documents as accepted for the call, or `undefined` for an endpoint not in the table. */
export function documentedPermissions(method: string, path: string): readonly string[] | undefined {
  const m = method.toUpperCase();
  return DOCUMENTED.find((d) => d.methods.includes(m) && d.path.test(path))?.accepted;
}

/** Does a token with `roles` pass the documented check for this call? Endpoints not in the table pass. */
export function rolesAllow(roles: readonly string[], method: string, path: string): boolean {
  const accepted = documentedPermissions(method, path);
  if (!accepted) return true;
  const have = new Set(roles.map((r) => r.toLowerCase()));
  return accepted.some((p) => have.has(p.toLowerCase()));
}
