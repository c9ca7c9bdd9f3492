/**
 * Diagnosis of a wrong identity from the access token's claims: which tenant it was issued for (`tid`), which
 * application permissions it carries (`roles`) or, for a person, which delegated scopes (`scp`).
 *
 * The claims are decoded WITHOUT checking the signature: they are read only to explain a failure or to stop a run
 * before its first write, never to allow anything — Graph itself enforces every permission.
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference
 */
import { deniedOperations, operationFor, requiredApplicationPermissions, type GraphOperation, type StackFeatures } from "./permissions";

export interface TokenClaims {
  readonly tid?: string;
  /** The resource the token was issued for: Graph's origin, or its application id in v2 tokens. */
  readonly aud?: string;
  /** Application permissions (app-only tokens). */
  readonly roles?: readonly string[];
  /** Delegated scopes, space-separated (tokens of a signed-in person). */
  readonly scp?: string;
  readonly appid?: string;
  readonly azp?: string;
  /** `app` for app-only tokens (optional claim). */
  readonly idtyp?: string;
}

/** The payload of a JWT, or `undefined` when it is not one (opaque tokens are possible in other clouds). */
export function decodeClaims(token: string): TokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as unknown;
    return typeof payload === "object" && payload !== null ? (payload as TokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** An app-only token (an app signed in as itself, with application permissions), as opposed to a person's. */
export function isAppOnly(claims: TokenClaims): boolean {
  return claims.idtyp === "app" || (claims.scp === undefined && Array.isArray(claims.roles));
}

function who(claims: TokenClaims): string {
  const app = claims.appid ?? claims.azp;
  return isAppOnly(claims) ? `app ${app ?? "(unknown client id)"}` : `the signed-in person (client ${app ?? "unknown"})`;
}

/** Why a token cannot be used for `tenantId`, or `undefined` when its `tid` matches (or it has none to compare). */
export function tenantProblem(claims: TokenClaims | undefined, tenantId: string, environmentTenantId?: string): string | undefined {
  if (!claims?.tid || claims.tid.toLowerCase() === tenantId.toLowerCase()) return undefined;
  const env =
    environmentTenantId && environmentTenantId.toLowerCase() !== tenantId.toLowerCase()
      ? ` AZURE_TENANT_ID/ARM_TENANT_ID name ${environmentTenantId}: set them to ${tenantId}.`
      : "";
  return (
    `The token of ${who(claims)} was issued for tenant ${claims.tid}, but the stack's CIAM tenant is ${tenantId}: ` +
    `an identity of another tenant (e.g. the home tenant's service principal or managed identity) has no rights in the CIAM tenant.${env} ` +
    `Fix: sign in to the CIAM tenant (az login --tenant ${tenantId} --allow-no-subscriptions), or use an app registered IN that ` +
    `tenant (the stack's "automation" identity: AZURE_CLIENT_ID/ARM_CLIENT_ID = its clientId output).`
  );
}

/** Application (client) id of Microsoft Graph, the same in every tenant: the `aud` of v2 Graph tokens. */
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * Why Graph at `graphEndpoint` refuses a token as "Invalid audience" when the token itself says so — its `aud` is
 * neither that Graph's origin nor Graph's application id — or `undefined` when its `aud` fits (or it has none to
 * compare). Graph accepts only tokens issued for Graph: one for Azure Resource Manager or an app's own API is refused
 * whatever its permissions, and waiting never changes that.
 */
export function audienceProblem(claims: TokenClaims | undefined, graphEndpoint: string, tenantId: string): string | undefined {
  if (!claims || typeof claims.aud !== "string" || claims.aud === "") return undefined;
  const origin = new URL(graphEndpoint).origin.toLowerCase();
  const aud = claims.aud.toLowerCase().replace(/\/+$/, "");
  if (aud === origin || aud === GRAPH_APP_ID) return undefined;
  return (
    `The token of ${who(claims)} was issued for the audience ${claims.aud}, but Microsoft Graph at ${origin} accepts only ` +
    `tokens issued for ${origin} (scope ${origin}/.default): a token of another resource (Azure Resource Manager, an ` +
    `app's own API) is refused whatever its permissions. Fix: set ciam-tenant:endpoints.graph to the Microsoft Graph of ` +
    `the cloud ciam-tenant:endpoints.authorityHost belongs to, and let the stack's credential request its own token ` +
    `(AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a federated token, or az login --tenant ${tenantId} ` +
    `--allow-no-subscriptions) instead of handing it a token obtained for another resource.`
  );
}

const GRANT_FIX =
  `Fix: enable ciam-tenant:automation and have a person (Global Administrator of the tenant) run "pulumi up" once — the ` +
  `automation component grants exactly the permissions the config needs, with admin consent — or grant them to the app ` +
  `in the Entra admin center (App registrations > API permissions > Microsoft Graph > Application permissions > Grant ` +
  `admin consent). A new permission reaches the next token, a few minutes later.`;

function rolesOf(claims: TokenClaims): string {
  const roles = claims.roles ?? [];
  return roles.length ? roles.join(", ") : "none";
}

/**
 * The operations of `features` an app-only token cannot perform, as one message, or `undefined` when it can perform
 * them all (or is a person's token: a person's rights also depend on directory roles no claim shows).
 */
export function missingPermissionsProblem(claims: TokenClaims | undefined, features: StackFeatures): string | undefined {
  if (!claims || !isAppOnly(claims)) return undefined;
  const denied = deniedOperations(claims.roles ?? [], features);
  if (denied.length === 0) return undefined;
  // Name what to grant (the stack's least privileged set), each with the calls it would allow.
  const lines = requiredApplicationPermissions(features).flatMap((p) => {
    const fixes = denied.filter((op) => op.accepted.includes(p));
    return fixes.length ? [`  - ${p}: ${fixes.map((op) => op.purpose).join("; ")}`] : [];
  });
  return (
    `The token of ${who(claims)} lacks Microsoft Graph application permissions this stack's config needs, so nothing was ` +
    `changed:\n${lines.join("\n")}\nIt carries: ${rolesOf(claims)}. ${GRANT_FIX}`
  );
}

/** The explanation appended to a 403 from Graph: the permission that call needs, what the token has, the fix. */
export function forbiddenHint(method: string, path: string, claims: TokenClaims | undefined): string {
  const op: GraphOperation | undefined = operationFor(method, path);
  const needs = op
    ? `This call (${op.purpose}) needs the application permission ${op.accepted[0]}` +
      (op.accepted.length > 1 ? ` (or one of ${op.accepted.slice(1).join(", ")})` : "") +
      ` (${op.doc}).`
    : "This call is not in the stack's permission table.";
  if (!claims) return `${needs} ${GRANT_FIX}`;
  if (isAppOnly(claims)) return `${needs} The token of ${who(claims)} carries: ${rolesOf(claims)}. ${GRANT_FIX}`;
  return (
    `${needs} The token of ${who(claims)} carries the delegated scopes: ${claims.scp ?? "none"}. Azure CLI tokens carry only ` +
    `the CLI's pre-authorized Graph scopes (Azure/azure-cli#23906) and the person also needs a directory role for the call. ` +
    `Fix: run as an app in the tenant with the permission (the stack's "automation" identity), or as a Global Administrator.`
  );
}
