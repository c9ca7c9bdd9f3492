/**
 * Users, the Global Administrator role and soft-deleted objects: what a teardown lists and deletes before the tenant
 * itself can go (arm-and-auth reference §1.7). Facts [verified: learn user-list, user-get, user-post-users,
 * user-delete, directory-deleteditems-*, directoryrole-list-members] unless tagged.
 */
import {
  collection,
  entity,
  GraphRequestContext,
  GraphResponse,
  jsonBody,
  noContent,
  requireBoolean,
  requireString,
  Segment,
  visible,
} from "../context";
import { badRequest, GraphHttpError, methodNotAllowed, notFound, segmentNotFound } from "../errors";
import { clone, deletedItemJson, GLOBAL_ADMIN_TEMPLATE_ID, UserRecord } from "../store";
import type { JsonObject } from "../types";

/**
 * v1.0 returns only these user properties unless `$select` names others ("By default, only a limited set of
 * properties are returned"); `$filter` still sees every property. Beta returns the full record here.
 */
export const USER_DEFAULT_PROPERTIES =
  "businessPhones,displayName,givenName,jobTitle,mail,mobilePhone,officeLocation,preferredLanguage,surname,userPrincipalName,id";

const defaultSelect = (ctx: GraphRequestContext): string | undefined => (ctx.version === "v1.0" ? USER_DEFAULT_PROPERTIES : undefined);

const insufficientPrivileges = (): GraphHttpError =>
  new GraphHttpError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

export function handleUsers(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method === "GET") return collection(ctx, "users", store.users.map((u) => clone(u.data)), defaultSelect(ctx));
    if (ctx.method !== "POST") throw methodNotAllowed();
    const rec = createUser(ctx, jsonBody(ctx));
    return entity(ctx, "users/$entity", clone(rec.data), 201, undefined, defaultSelect(ctx));
  }
  if (rest.length > 1) throw segmentNotFound(rest[1].raw);
  const rec = visible(ctx, store.findUser(rest[0].raw), rest[0].raw);
  switch (ctx.method) {
    case "GET":
      return entity(ctx, "users/$entity", clone(rec.data), 200, undefined, defaultSelect(ctx));
    case "PATCH": {
      const body = jsonBody(ctx);
      for (const k of ["id", "createdDateTime", "creationType"]) if (k in body) throw badRequest(`Property '${k}' is read-only.`);
      Object.assign(rec.data, clone(body));
      delete rec.data.passwordProfile;
      return noContent();
    }
    case "DELETE":
      if (rec.id === store.adminUserId && ctx.options.adminUserDelete === "refused") throw insufficientPrivileges();
      store.removeUser(rec);
      return noContent();
    default:
      throw methodNotAllowed();
  }
}

/**
 * `POST /users`: a work account (`accountEnabled`, `displayName`, `mailNickname`, `userPrincipalName` on a verified
 * domain, `passwordProfile`) or a customer local account (`displayName`, `identities` with `signInType`
 * `emailAddress`, `passwordProfile`). Duplicate userPrincipalName → 400 with `ObjectConflict`.
 */
function createUser(ctx: GraphRequestContext, body: JsonObject): UserRecord {
  const store = ctx.store;
  for (const k of ["id", "createdDateTime", "creationType"]) if (k in body) throw badRequest(`Property '${k}' is read-only.`);
  const displayName = requireString(body.displayName, "displayName", false);
  if (!displayName) throw badRequest("Invalid value specified for property 'displayName' of resource 'User'.");
  const profile = body.passwordProfile;
  if (typeof profile !== "object" || profile === null || Array.isArray(profile) || typeof profile.password !== "string" || profile.password === "") {
    throw badRequest("A password must be specified to create a new user.");
  }
  const identities = Array.isArray(body.identities) ? (body.identities as JsonObject[]) : [];
  const local = identities.some((i) => i.signInType === "emailAddress" || i.signInType === "userName");
  const domain = `${ctx.options.subdomain}.onmicrosoft.com`.toLowerCase();
  const out: JsonObject = { ...clone(body) };
  delete out.passwordProfile;
  if (!local) {
    if (requireBoolean(body.accountEnabled, "accountEnabled", false) === undefined) {
      throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
    }
    const nick = requireString(body.mailNickname, "mailNickname", false);
    if (!nick) throw badRequest("Invalid value specified for property 'mailNickname' of resource 'User'.");
    const upn = requireString(body.userPrincipalName, "userPrincipalName", false);
    if (!upn || !upn.includes("@")) throw badRequest("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
    if (upn.split("@").pop()?.toLowerCase() !== domain) {
      throw badRequest("The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.");
    }
  } else {
    out.creationType = "LocalAccount";
    for (const i of identities) {
      if (typeof i.issuerAssignedId !== "string" || typeof i.issuer !== "string") {
        throw badRequest("Invalid value specified for property 'identities' of resource 'User'.");
      }
    }
  }
  const upn = typeof out.userPrincipalName === "string" ? out.userPrincipalName : undefined;
  if (upn && store.users.some((u) => String(u.data.userPrincipalName).toLowerCase() === upn.toLowerCase())) {
    throw badRequest("Another object with the same value for property userPrincipalName already exists.", [
      { code: "ObjectConflict", message: "Another object with the same value for property userPrincipalName already exists.", target: "userPrincipalName" },
    ]);
  }
  return store.insertUser(out);
}

/**
 * `directory/deletedItems`: listing needs the type cast (`…/microsoft.graph.user`, `…/microsoft.graph.application`);
 * GET/DELETE (permanent) by id, `POST …/{id}/restore`.
 */
export function handleDirectory(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  if (rest.length === 0 || rest[0].key !== "deleteditems") throw segmentNotFound(rest[0]?.raw ?? "directory");
  const store = ctx.store;
  const r = rest.slice(1);
  const kindOf = (key: string): "user" | "application" | undefined =>
    key === "graph.user" ? "user" : key === "graph.application" ? "application" : undefined;
  if (r.length === 0) {
    // Listing all kinds at once is not offered; the documented calls name the type [inferred: no uncast example].
    throw badRequest("A type cast such as 'microsoft.graph.user' or 'microsoft.graph.application' is required to list deleted items.");
  }
  const kind = kindOf(r[0].key);
  if (kind && r.length === 1) {
    if (ctx.method !== "GET") throw methodNotAllowed();
    return collection(ctx, `directory/deletedItems/microsoft.graph.${kind}`, store.deletedItems.filter((d) => d.kind === kind).map(deletedItemJson));
  }
  if (kind) throw segmentNotFound(r[1].raw);
  const item = store.deletedItems.find((d) => d.id.toLowerCase() === r[0].key);
  if (!item) throw notFound(r[0].raw);
  if (r.length === 2 && (r[1].key === "restore" || r[1].key === "graph.restore")) {
    if (ctx.method !== "POST") throw methodNotAllowed();
    store.restoreDeletedItem(item.id);
    const data = clone(item.data);
    delete data.deletedDateTime;
    return entity(ctx, "directoryObjects/$entity", { "@odata.type": item.kind === "user" ? "#microsoft.graph.user" : "#microsoft.graph.application", ...data });
  }
  if (r.length > 1) throw segmentNotFound(r[1].raw);
  switch (ctx.method) {
    case "GET":
      return entity(ctx, "directory/deletedItems/$entity", deletedItemJson(item));
    case "DELETE":
      store.deletedItems.splice(store.deletedItems.indexOf(item), 1);
      return noContent();
    default:
      throw methodNotAllowed();
  }
}

/** `directoryRoles` (activated roles: Global Administrator) and `…/{id | (roleTemplateId='…')}/members`. */
export function handleDirectoryRoles(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  if (ctx.method !== "GET") throw methodNotAllowed();
  const role = ctx.store.globalAdminRole;
  const json: JsonObject = {
    id: role.id,
    deletedDateTime: null,
    description: "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
    displayName: "Global Administrator",
    roleTemplateId: GLOBAL_ADMIN_TEMPLATE_ID,
  };
  if (rest.length === 0) return collection(ctx, "directoryRoles", [json]);
  const key = rest[0].key;
  const matches = key === role.id.toLowerCase() || key === `roletemplateid=${GLOBAL_ADMIN_TEMPLATE_ID}`;
  if (!matches) throw notFound(rest[0].raw);
  if (rest.length === 1) return entity(ctx, "directoryRoles/$entity", json);
  if (rest.length === 2 && rest[1].key === "members") {
    const members = role.members.flatMap((id) => {
      const u = ctx.store.users.find((x) => x.id === id);
      return u ? [{ "@odata.type": "#microsoft.graph.user", ...clone(u.data) }] : [];
    });
    return collection(ctx, `directoryObjects`, members, ctx.version === "v1.0" ? `${USER_DEFAULT_PROPERTIES}` : undefined);
  }
  throw segmentNotFound(rest[1].raw);
}
