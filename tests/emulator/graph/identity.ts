/**
 * `identity/userFlowAttributes` (reference §3.7) and the tenant's identity providers under both
 * `identity/identityProviders` and the legacy top-level `identityProviders` (reference §3.6).
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
import { badRequest, conflict, methodNotAllowed, notFound, segmentNotFound } from "../errors";
import { attributeJson, clone, UserFlowAttributeRecord } from "../store";

const CREATE_TYPES = ["string", "boolean", "int64"];

export function handleUserFlowAttributes(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method === "GET") return collection(ctx, "identity/userFlowAttributes", store.userFlowAttributes.map(attributeJson));
    if (ctx.method !== "POST") throw methodNotAllowed();
    const body = jsonBody(ctx);
    for (const k of Object.keys(body)) {
      if (!["displayName", "description", "dataType", "userFlowAttributeType", "@odata.type"].includes(k)) {
        throw badRequest(`Property '${k}' is read-only or does not exist on identityUserFlowAttribute.`);
      }
    }
    const displayName = requireString(body.displayName, "displayName", false);
    if (!displayName || !/^[A-Za-z][A-Za-z0-9 ]*$/.test(displayName.trim())) {
      throw badRequest(`Invalid value for property 'displayName': ${JSON.stringify(body.displayName)}. It must start with a letter and contain only letters, digits and spaces.`);
    }
    const type = body.userFlowAttributeType;
    if (type !== undefined && (typeof type !== "string" || type.toLowerCase() !== "custom")) {
      throw badRequest("Only custom user flow attributes can be created.");
    }
    const dataTypeIn = body.dataType;
    const dataType = typeof dataTypeIn === "string" ? CREATE_TYPES.find((t) => t === dataTypeIn.toLowerCase()) : undefined;
    if (!dataType) throw badRequest(`Invalid value for property 'dataType': ${JSON.stringify(dataTypeIn)}. Allowed values: ${CREATE_TYPES.join(", ")}.`);
    const id = store.customAttributeId(displayName.trim());
    if (store.findAttribute(id) || store.userFlowAttributes.some((a) => a.displayName.toLowerCase() === displayName.trim().toLowerCase())) {
      throw conflict(`A user flow attribute with the name '${displayName}' already exists.`);
    }
    const rec: UserFlowAttributeRecord = {
      id,
      displayName: displayName.trim(),
      description: requireString(body.description, "description") ?? "",
      userFlowAttributeType: "custom",
      dataType,
    };
    store.startLag(rec);
    store.userFlowAttributes.push(rec);
    return entity(ctx, "identity/userFlowAttributes/$entity", attributeJson(rec), 201, {
      Location: `${ctx.versionBase}/identity/userFlowAttributes('${id}')`,
    });
  }
  if (rest.length > 1) throw segmentNotFound(rest[1].raw);
  const id = rest[0].raw;
  const rec = visible(ctx, store.findAttribute(id), id);
  switch (ctx.method) {
    case "GET":
      return entity(ctx, "identity/userFlowAttributes/$entity", attributeJson(rec));
    case "PATCH": {
      const body = jsonBody(ctx);
      if (rec.userFlowAttributeType !== "custom") throw badRequest("Built-in user flow attributes cannot be updated.");
      for (const [k, v] of Object.entries(body)) {
        if (k === "description" || k === "@odata.type") continue;
        if (k === "dataType") {
          if (typeof v === "string" && v.toLowerCase() === rec.dataType.toLowerCase()) continue;
          throw badRequest("The property 'dataType' cannot be changed after the attribute is created.");
        }
        throw badRequest(`Property '${k}' is read-only or cannot be updated; only 'description' can be changed.`);
      }
      if (body.description !== undefined) rec.description = requireString(body.description, "description") ?? "";
      return noContent();
    }
    case "DELETE":
      if (rec.userFlowAttributeType !== "custom") throw badRequest("Built-in user flow attributes cannot be deleted.");
      store.userFlowAttributes.splice(store.userFlowAttributes.indexOf(rec), 1);
      return noContent();
    default:
      throw methodNotAllowed();
  }
}

/** `identity/identityProviders` and legacy `identityProviders`: read-only here. */
export function handleIdentityProviders(ctx: GraphRequestContext, rest: Segment[], legacy: boolean): GraphResponse {
  const set = legacy ? "identityProviders" : "identity/identityProviders";
  if (ctx.method !== "GET") throw methodNotAllowed();
  if (rest.length === 0) return collection(ctx, set, ctx.store.identityProviders.map((p) => clone(p)));
  if (rest.length > 1) throw segmentNotFound(rest[1].raw);
  const idp = ctx.store.findIdentityProvider(rest[0].raw);
  if (!idp) throw notFound(rest[0].raw);
  return entity(ctx, `${set}/$entity`, clone(idp));
}
