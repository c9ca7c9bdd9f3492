/**
 * Directory objects the stack touches (reference §5): organization, applications, servicePrincipals and
 * oauth2PermissionGrants. Enough for service-principal checks, admin consent and teardown.
 */
import {
  collection,
  entity,
  GraphRequestContext,
  GraphResponse,
  jsonBody,
  noContent,
  requireString,
  Segment,
  visible,
} from "../context";
import { badRequest, conflict, GraphHttpError, methodNotAllowed, notFound, segmentNotFound } from "../errors";
import { clone, DirectoryObjectRecord } from "../store";
import type { JsonObject } from "../types";

export function handleOrganization(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  if (rest.length === 0) {
    if (ctx.method !== "GET") throw methodNotAllowed();
    return collection(ctx, "organization", [clone(ctx.store.organization)]);
  }
  if (rest[0].key !== ctx.options.tenantId.toLowerCase()) throw notFound(rest[0].raw);
  if (rest.length === 1) {
    if (ctx.method !== "GET") throw methodNotAllowed();
    return entity(ctx, "organization/$entity", clone(ctx.store.organization));
  }
  throw segmentNotFound(rest[1].raw);
}

/** `{id}` or `(appId='…')` key of an application / service principal. */
function lookupKey(seg: Segment): { id?: string; appId?: string } {
  return seg.key.startsWith("appid=") ? { appId: seg.raw.slice("appId=".length) } : { id: seg.raw };
}

export function handleApplications(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method === "GET") return collection(ctx, "applications", store.applications.map((a) => clone(a.data)));
    if (ctx.method !== "POST") throw methodNotAllowed();
    const body = jsonBody(ctx);
    const displayName = requireString(body.displayName, "displayName", false);
    if (!displayName) throw badRequest("Property 'displayName' is required.");
    for (const k of ["id", "appId", "publisherDomain", "createdDateTime"]) {
      if (k in body) throw badRequest(`Property '${k}' is read-only.`);
    }
    const rec = store.insertApplication(body);
    return entity(ctx, "applications/$entity", clone(rec.data), 201, { Location: `${ctx.versionBase}/directoryObjects/${rec.id}/Microsoft.DirectoryServices.Application` });
  }
  if (rest.length > 1) throw segmentNotFound(rest[1].raw);
  const key = lookupKey(rest[0]);
  const rec = visible(ctx, store.findApplication(key), key.id ?? key.appId ?? "");
  return appOrSpById(ctx, "applications", rec, () => {
    // "Do not delete" b2c-extensions-app, yet tenant deletion needs it gone; whether Graph refuses an app is [unknown].
    if (rec.appId === store.b2cExtensionsAppId && ctx.options.b2cExtensionsAppDelete === "refused") {
      throw new GraphHttpError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }
    store.removeApplication(rec);
  });
}

/** Microsoft-owned multi-tenant apps whose service principal a tenant may create by appId, by appId. */
const MICROSOFT_APPS: Readonly<Record<string, string>> = {
  "99045fe1-7639-4a75-9d4a-577b6ca3810f": "Azure Active Directory Authentication Extensions",
};

export function handleServicePrincipals(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method === "GET") return collection(ctx, "servicePrincipals", store.servicePrincipals.map((a) => clone(a.data)));
    if (ctx.method !== "POST") throw methodNotAllowed();
    const body = jsonBody(ctx);
    const appId = requireString(body.appId, "appId", false);
    if (!appId) throw badRequest("Property 'appId' is required.");
    const app = store.findApplication({ appId });
    // SP right after its app: 400 NoBackingApplicationObject (reference §6, Microsoft Q&A 5883620). A Microsoft
    // multi-tenant app (the Authentication Extensions app, external-id-features §1.8) has its application object in
    // Microsoft's tenant: its service principal is created from the appId alone.
    if (!MICROSOFT_APPS[appId.toLowerCase()] && (!app || store.lagging(app, ctx.lagScope))) {
      throw badRequest(`The appId '${appId}' of the service principal does not reference a valid application object.`, [
        { code: "NoBackingApplicationObject", message: `The appId '${appId}' of the service principal does not reference a valid application object.`, target: "appId" },
      ]);
    }
    if (store.findServicePrincipal({ appId })) {
      throw conflict("The service principal cannot be created, updated, or restored because the service principal name is already in use.");
    }
    const extra: JsonObject = {};
    for (const [k, v] of Object.entries(body)) if (k !== "appId" && k !== "@odata.type") extra[k] = v;
    const rec = store.insertServicePrincipal(appId, MICROSOFT_APPS[appId.toLowerCase()] ? { appDisplayName: MICROSOFT_APPS[appId.toLowerCase()]!, displayName: MICROSOFT_APPS[appId.toLowerCase()]!, ...extra } : extra);
    return entity(ctx, "servicePrincipals/$entity", clone(rec.data), 201);
  }
  if (rest.length > 1) throw segmentNotFound(rest[1].raw);
  const key = lookupKey(rest[0]);
  const rec = visible(ctx, store.findServicePrincipal(key), key.id ?? key.appId ?? "");
  return appOrSpById(ctx, "servicePrincipals", rec, () => store.removeServicePrincipal(rec));
}

/** GET / PATCH / DELETE of one application or service principal: the two behave alike here (`id`, `appId` read-only). */
function appOrSpById(
  ctx: GraphRequestContext,
  entitySet: "applications" | "servicePrincipals",
  rec: DirectoryObjectRecord,
  remove: () => void,
): GraphResponse {
  switch (ctx.method) {
    case "GET":
      return entity(ctx, `${entitySet}/$entity`, clone(rec.data));
    case "PATCH": {
      const body = jsonBody(ctx);
      for (const k of Object.keys(body)) if (["id", "appId"].includes(k)) throw badRequest(`Property '${k}' is read-only.`);
      Object.assign(rec.data, clone(body));
      return noContent();
    }
    case "DELETE":
      remove();
      return noContent();
    default:
      throw methodNotAllowed();
  }
}

/** Opaque grant id: base64url of the client and resource object ids (43 chars; reference §5 [inferred]). */
function grantId(clientId: string, resourceId: string, principalId: string | null): string {
  const bytes = [clientId, resourceId, ...(principalId ? [principalId] : [])].map((g) => Buffer.from(g.replace(/-/g, ""), "hex"));
  return Buffer.concat(bytes).toString("base64url");
}

function validScopes(ctx: GraphRequestContext, resource: DirectoryObjectRecord, scope: string): void {
  if (scope.length > 3850) throw badRequest("Property 'scope' is longer than 3850 characters.");
  const published = (resource.data.oauth2PermissionScopes as JsonObject[] | undefined)?.map((s) => String(s.value)) ?? [];
  for (const v of scope.split(" ").filter(Boolean)) {
    if (!published.includes(v)) throw badRequest(`The scope '${v}' is not published by the resource service principal.`);
  }
}

export function handleGrants(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method === "GET") return collection(ctx, "oauth2PermissionGrants", store.grants.map((g) => clone(g.data)));
    if (ctx.method !== "POST") throw methodNotAllowed();
    const body = jsonBody(ctx);
    const clientId = requireString(body.clientId, "clientId", false);
    const resourceId = requireString(body.resourceId, "resourceId", false);
    const consentType = requireString(body.consentType, "consentType", false);
    const scope = requireString(body.scope, "scope") ?? "";
    const principalId = requireString(body.principalId, "principalId") ?? null;
    if (!clientId || !resourceId || !consentType) throw badRequest("Properties 'clientId', 'consentType' and 'resourceId' are required.");
    if (consentType !== "AllPrincipals" && consentType !== "Principal") throw badRequest(`Invalid value for property 'consentType': '${consentType}'.`);
    if (consentType === "AllPrincipals" && principalId) throw badRequest("'principalId' must be null when consentType is AllPrincipals.");
    if (consentType === "Principal" && !principalId) throw badRequest("'principalId' is required when consentType is Principal.");
    // clientId/resourceId are service principal object ids; a just-created SP is not visible yet (reference §6).
    const client = store.findServicePrincipal({ id: clientId });
    if (!client || store.lagging(client, ctx.lagScope)) throw notFound(clientId);
    const resource = store.findServicePrincipal({ id: resourceId });
    if (!resource || store.lagging(resource, ctx.lagScope)) throw notFound(resourceId);
    validScopes(ctx, resource, scope);
    const id = grantId(client.id, resource.id, principalId);
    if (store.grants.some((g) => g.id === id)) {
      throw conflict("Permission entry already exists.");
    }
    const data: JsonObject = { clientId: client.id, consentType, id, principalId, resourceId: resource.id, scope };
    store.grants.push({ id, data });
    return entity(ctx, "oauth2PermissionGrants/$entity", clone(data), 201);
  }
  if (rest.length > 1) throw segmentNotFound(rest[1].raw);
  const id = rest[0].raw;
  const rec = store.grants.find((g) => g.id === id);
  if (!rec) throw notFound(id);
  switch (ctx.method) {
    case "GET":
      return entity(ctx, "oauth2PermissionGrants/$entity", clone(rec.data));
    case "PATCH": {
      const body = jsonBody(ctx);
      for (const k of Object.keys(body)) {
        if (!["scope", "@odata.type", "expiryTime", "startTime"].includes(k)) throw badRequest(`Property '${k}' cannot be updated.`);
      }
      if (body.scope !== undefined) {
        const scope = requireString(body.scope, "scope") ?? "";
        const resource = store.findServicePrincipal({ id: String(rec.data.resourceId) });
        if (!resource) throw new GraphHttpError(500, "UnknownError", "Resource service principal is gone.");
        validScopes(ctx, resource, scope);
        rec.data.scope = scope;
      }
      return noContent();
    }
    case "DELETE":
      store.grants.splice(store.grants.indexOf(rec), 1);
      return noContent();
    default:
      throw methodNotAllowed();
  }
}
