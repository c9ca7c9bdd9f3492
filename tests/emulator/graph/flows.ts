/**
 * `identity/authenticationEventsFlows`: user flows, their IdP and attribute `$ref` collections and app links
 * (reference §3.1–§3.6).
 */
import { randomUUID } from "node:crypto";
import {
  collection,
  entity,
  GraphRequestContext,
  GraphResponse,
  isObject,
  jsonBody,
  noContent,
  refTarget,
  requireBoolean,
  requireString,
  Segment,
  visible,
} from "../context";
import { badRequest, conflict, GraphHttpError, methodNotAllowed, notFound, segmentNotFound } from "../errors";
import { clone, EmulatorStore, FLOW_TYPE, FlowRecord } from "../store";
import type { EmulatorOptions, JsonObject, JsonValue } from "../types";

const HANDLER_TYPES = {
  onAuthenticationMethodLoadStart: "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
  onInteractiveAuthFlowStart: "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
  onAttributeCollection: "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp",
  onUserCreateStart: "#microsoft.graph.onUserCreateStartExternalUsersSelfServiceSignUp",
} as const;
type HandlerName = keyof typeof HANDLER_TYPES;

const INPUT_TYPES = ["text", "radioSingleSelect", "checkboxMultiSelect", "boolean", "unknownFutureValue"];
const USER_TYPES = ["member", "guest"];

const CAST_FLOW = "graph.externalusersselfservicesignupeventsflow";
const CAST_METHOD_LOAD = "graph.onauthenticationmethodloadstartexternalusersselfservicesignup";
const CAST_ATTR_COLLECTION = "graph.onattributecollectionexternalusersselfservicesignup";

/** Everything a flow write needs besides the request: the store, the switches, and how to see lagging objects. */
export interface FlowEnv {
  store: EmulatorStore;
  options: EmulatorOptions;
  /** True when an object is still replicating (invisible to this request). */
  lagging: (rec: object) => boolean;
}

function envOf(ctx: GraphRequestContext): FlowEnv {
  return { store: ctx.store, options: ctx.options, lagging: (rec) => ctx.store.lagging(rec, ctx.lagScope) };
}

function sameType(actual: JsonValue | undefined, expected: string): boolean {
  if (typeof actual !== "string") return false;
  const norm = (s: string): string => s.toLowerCase().replace(/^#/, "");
  return norm(actual) === norm(expected);
}

function enumValue(v: JsonValue | undefined, allowed: string[], name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  const found = typeof v === "string" ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  if (!found) throw badRequest(`Invalid value ${JSON.stringify(v)} for property '${name}'. Allowed values: ${allowed.join(", ")}.`);
  return found;
}

function unknownRef(env: FlowEnv, kind: string, id: string): GraphHttpError {
  return env.options.unknownReference === "404"
    ? notFound(id)
    : badRequest(`The ${kind} '${id}' does not exist in the tenant.`);
}

/** The handler object with its `@odata.type` checked (required per reference §2 when the switch says so). */
function handler(env: FlowEnv, body: JsonObject, name: HandlerName): JsonObject | null | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (!isObject(v)) throw badRequest(`Invalid value for property '${name}': an object is expected.`);
  const t = v["@odata.type"];
  if (t === undefined) {
    if (env.options.handlerODataTypeRequired) {
      throw badRequest(`The property '${name}' requires '@odata.type' '${HANDLER_TYPES[name]}'.`);
    }
  } else if (!sameType(t, HANDLER_TYPES[name])) {
    throw badRequest(`Invalid '@odata.type' ${JSON.stringify(t)} for property '${name}'.`);
  }
  return v;
}

function resolveIdps(env: FlowEnv, list: JsonValue | undefined, name: string): string[] {
  if (!Array.isArray(list)) throw badRequest(`Invalid value for property '${name}': an array is expected.`);
  const ids: string[] = [];
  for (const item of list) {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id !== "string") throw badRequest(`Each item of '${name}' needs an 'id'.`);
    const idp = env.store.findIdentityProvider(id);
    if (!idp) throw unknownRef(env, "identity provider", id);
    if (!ids.some((x) => x.toLowerCase() === id.toLowerCase())) ids.push(String(idp.id));
  }
  return ids;
}

function resolveAttributes(env: FlowEnv, list: JsonValue | undefined): string[] {
  if (!Array.isArray(list)) throw badRequest(`Invalid value for property 'attributes': an array is expected.`);
  const ids: string[] = [];
  for (const item of list) {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id !== "string") throw badRequest(`Each item of 'attributes' needs an 'id'.`);
    const a = env.store.findAttribute(id);
    if (!a || env.lagging(a)) throw unknownRef(env, "user flow attribute", id);
    if (!ids.some((x) => x.toLowerCase() === id.toLowerCase())) ids.push(a.id);
  }
  return ids;
}

function normalizeInput(env: FlowEnv, input: JsonValue): JsonObject {
  if (!isObject(input)) throw badRequest("Each item of 'inputs' must be an object.");
  const attribute = requireString(input.attribute, "attribute", false);
  if (!attribute) throw badRequest("Each input needs an 'attribute'.");
  const attr = env.store.findAttribute(attribute);
  if (!attr || env.lagging(attr)) throw unknownRef(env, "user flow attribute", attribute);
  const options = input.options ?? [];
  if (!Array.isArray(options) || !options.every((o) => isObject(o) && typeof o.label === "string" && typeof o.value === "string")) {
    throw badRequest("Invalid value for property 'options': a list of {label, value} is expected.");
  }
  return {
    attribute: attr.id,
    label: requireString(input.label, "label") ?? attr.displayName,
    inputType: enumValue(input.inputType, INPUT_TYPES, "inputType") ?? (attr.dataType === "boolean" ? "boolean" : "text"),
    defaultValue: requireString(input.defaultValue, "defaultValue") ?? null,
    hidden: requireBoolean(input.hidden, "hidden") ?? false,
    editable: requireBoolean(input.editable, "editable") ?? true,
    writeToDirectory: requireBoolean(input.writeToDirectory, "writeToDirectory") ?? true,
    required: requireBoolean(input.required, "required") ?? false,
    validationRegEx: requireString(input.validationRegEx, "validationRegEx") ?? "^.*",
    options: clone(options),
  };
}

/** The default input a `$ref` attribute add creates (reference §3.7: "default input settings"). */
export function defaultInput(env: FlowEnv, attributeId: string): JsonObject {
  return normalizeInput(env, { attribute: attributeId });
}

function normalizeAttributeCollection(env: FlowEnv, h: JsonObject): JsonObject {
  const page = h.attributeCollectionPage ?? { views: [] };
  if (!isObject(page)) throw badRequest("Invalid value for property 'attributeCollectionPage'.");
  const views = page.views ?? [];
  if (!Array.isArray(views)) throw badRequest("Invalid value for property 'views': an array is expected.");
  return {
    "@odata.type": HANDLER_TYPES.onAttributeCollection,
    accessPackages: [],
    attributeCollectionPage: {
      customStringsFileId: requireString(page.customStringsFileId, "customStringsFileId") ?? null,
      views: views.map((view) => {
        if (!isObject(view)) throw badRequest("Each item of 'views' must be an object.");
        const inputs = view.inputs ?? [];
        if (!Array.isArray(inputs)) throw badRequest("Invalid value for property 'inputs': an array is expected.");
        return {
          title: requireString(view.title, "title") ?? null,
          description: requireString(view.description, "description") ?? null,
          inputs: inputs.map((i) => normalizeInput(env, i)),
        };
      }),
    },
  };
}

/** `attributesMustMatchInputs` [unknown]: every input names a flow attribute and every attribute has an input. */
export function checkInputsMatch(env: FlowEnv, attributes: string[], collectionHandler: JsonValue | undefined): void {
  if (!env.options.attributesMustMatchInputs || !isObject(collectionHandler)) return;
  const page = collectionHandler.attributeCollectionPage;
  const views = isObject(page) && Array.isArray(page.views) ? page.views : [];
  const inputs = views.flatMap((v) => (isObject(v) && Array.isArray(v.inputs) ? v.inputs : [])).map((i) => (isObject(i) ? String(i.attribute) : ""));
  const has = (list: string[], id: string): boolean => list.some((x) => x.toLowerCase() === id.toLowerCase());
  for (const i of inputs) {
    if (!has(attributes, i)) throw badRequest(`The attribute '${i}' has an input in attributeCollectionPage but is not one of the flow's attributes.`);
  }
  for (const a of attributes) {
    if (!has(inputs, a)) throw badRequest(`The attribute '${a}' is one of the flow's attributes but has no input in attributeCollectionPage.`);
  }
}

function normalizeUserCreateStart(h: JsonObject): JsonObject {
  return {
    "@odata.type": HANDLER_TYPES.onUserCreateStart,
    userTypeToCreate: enumValue(h.userTypeToCreate, USER_TYPES, "userTypeToCreate") ?? "member",
    accessPackages: [],
  };
}

function normalizeInteractive(h: JsonObject): JsonObject {
  return {
    "@odata.type": HANDLER_TYPES.onInteractiveAuthFlowStart,
    isSignUpAllowed: requireBoolean(h.isSignUpAllowed, "isSignUpAllowed") ?? true,
  };
}

function checkRootType(body: JsonObject): void {
  const t = body["@odata.type"];
  if (t === undefined) {
    throw badRequest(`The request body must specify '@odata.type' of the derived type, e.g. '${FLOW_TYPE}'.`);
  }
  if (!sameType(t, FLOW_TYPE)) throw badRequest(`Invalid '@odata.type' ${JSON.stringify(t)}: ${FLOW_TYPE} is the only supported type.`);
}

function checkDisplayName(env: FlowEnv, name: JsonValue | undefined, self: FlowRecord | undefined): string {
  if (typeof name !== "string" || name.trim() === "") throw badRequest("The property 'displayName' is required.");
  const dup = env.store.flows.find((f) => f !== self && String(f.data.displayName).toLowerCase() === name.toLowerCase());
  if (dup) {
    const msg = `A user flow with the display name '${name}' already exists.`;
    throw env.options.duplicateFlowName === 409 ? conflict(msg) : badRequest(msg);
  }
  return name;
}

function linkError(env: FlowEnv, which: "sp" | "conflict", appId: string): GraphHttpError {
  if (which === "sp") {
    return env.options.linkWithoutServicePrincipal === "404"
      ? notFound(appId)
      : badRequest(`The application '${appId}' does not have a service principal in the tenant.`);
  }
  // Kept generic: Graph would not name the other flow.
  const msg = "The application is already linked to a user flow. An application can only be linked to one user flow.";
  return env.options.linkConflict === "409" ? conflict(msg) : badRequest(msg);
}

/** Validation shared by POST includeApplications and app lists in flow bodies (reference §3.5). */
function checkLinkable(env: FlowEnv, appId: JsonValue | undefined, self: FlowRecord | undefined): string {
  if (typeof appId !== "string" || !/^[0-9a-f-]{36}$/i.test(appId)) throw badRequest(`Invalid value for property 'appId': ${JSON.stringify(appId)}.`);
  const sp = env.store.findServicePrincipal({ appId });
  const app = env.store.findApplication({ appId });
  // A just-created app or service principal is not visible yet: 404 like any replicating object (reference §6).
  const spLagging = sp ? env.lagging(sp) : false;
  const appLagging = app ? env.lagging(app) : false;
  if (spLagging || appLagging) throw notFound(appId);
  if (!sp) throw linkError(env, "sp", appId);
  const linked = env.store.flowLinkedTo(appId);
  if (linked && linked !== self) throw linkError(env, "conflict", appId);
  if (linked === self && self) throw linkError(env, "conflict", appId);
  return sp.appId;
}

function appListFromConditions(env: FlowEnv, conditions: JsonValue | undefined, self: FlowRecord | undefined): string[] | undefined {
  if (conditions === undefined || conditions === null) return undefined;
  if (!isObject(conditions)) throw badRequest("Invalid value for property 'conditions'.");
  const apps = conditions.applications;
  if (apps === undefined || apps === null) return undefined;
  if (!isObject(apps)) throw badRequest("Invalid value for property 'applications'.");
  requireBoolean(apps.includeAllApplications, "includeAllApplications");
  const list = apps.includeApplications;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw badRequest("Invalid value for property 'includeApplications': an array is expected.");
  const out: string[] = [];
  for (const item of list) {
    if (!isObject(item)) throw badRequest("Each item of 'includeApplications' must be an object.");
    const t = item["@odata.type"];
    if (t !== undefined && !sameType(t, "#microsoft.graph.authenticationConditionApplication")) throw badRequest(`Invalid '@odata.type' ${JSON.stringify(t)}.`);
    const appId = checkLinkable(env, item.appId, self);
    if (out.some((x) => x.toLowerCase() === appId.toLowerCase())) throw linkError(env, "conflict", appId);
    out.push(appId);
  }
  return out;
}

function conditionsData(conditions: JsonValue | undefined): JsonObject {
  const apps = isObject(conditions) && isObject(conditions.applications) ? conditions.applications : {};
  return { applications: { includeAllApplications: typeof apps.includeAllApplications === "boolean" ? apps.includeAllApplications : false } };
}

/** Creates a flow from a POST body; used by the handler and by the store's out-of-band helper. */
export function createFlow(env: FlowEnv, body: JsonObject): FlowRecord {
  checkRootType(body);
  const displayName = checkDisplayName(env, body.displayName, undefined);
  const description = requireString(body.description, "description") ?? null;
  const priority = body.priority === undefined || body.priority === null ? 500 : body.priority;
  if (typeof priority !== "number" || !Number.isInteger(priority)) throw badRequest("Invalid value for property 'priority': an Int32 is expected.");

  const methodLoad = handler(env, body, "onAuthenticationMethodLoadStart");
  const interactive = handler(env, body, "onInteractiveAuthFlowStart");
  const collectionH = handler(env, body, "onAttributeCollection");
  const userCreate = handler(env, body, "onUserCreateStart");
  if (!interactive) throw badRequest("The property 'onInteractiveAuthFlowStart' is required.");
  if (!methodLoad) throw badRequest("The property 'onAuthenticationMethodLoadStart' is required: a user flow must have at least one identity provider.");
  const idps = resolveIdps(env, methodLoad.identityProviders, "identityProviders");
  if (idps.length === 0) throw badRequest("Must have at least one identity provider linked.");
  const attributes = collectionH && collectionH.attributes !== undefined ? resolveAttributes(env, collectionH.attributes) : [];
  const collectionData = collectionH ? normalizeAttributeCollection(env, collectionH) : null;
  checkInputsMatch(env, attributes, collectionData);
  const apps = appListFromConditions(env, body.conditions, undefined) ?? [];

  const id = randomUUID();
  const data: JsonObject = {
    "@odata.type": FLOW_TYPE,
    id,
    displayName,
    description,
    priority,
    onAttributeCollectionStart: null,
    onAttributeCollectionSubmit: null,
    onUserCreateStart: userCreate ? normalizeUserCreateStart(userCreate) : null,
    conditions: conditionsData(body.conditions),
    onInteractiveAuthFlowStart: normalizeInteractive(interactive),
    onAuthenticationMethodLoadStart: { "@odata.type": HANDLER_TYPES.onAuthenticationMethodLoadStart },
    onAttributeCollection: collectionData,
  };
  const rec: FlowRecord = {
    id,
    data,
    identityProviders: idps,
    attributes,
    includeApplications: apps,
    attributeCollectionAtCreation: collectionData !== null,
  };
  env.store.startLag(rec);
  env.store.flows.push(rec);
  return rec;
}

const PATCHABLE = new Set([
  "@odata.type",
  "displayName",
  "description",
  "conditions",
  "onInteractiveAuthFlowStart",
  "onAuthenticationMethodLoadStart",
  "onAttributeCollection",
  "onUserCreateStart",
  "priority",
]);

/** PATCH semantics (reference §3.3): root type required, complex properties replaced whole, all-or-nothing. */
export function patchFlow(env: FlowEnv, rec: FlowRecord, body: JsonObject, version: string): void {
  checkRootType(body);
  for (const k of Object.keys(body)) {
    if (!PATCHABLE.has(k) && !k.startsWith("@odata.")) throw badRequest(`Property '${k}' is read-only or does not exist on the user flow.`);
    if (k === "priority" && version === "v1.0") throw badRequest("Property 'priority' can be updated only in beta.");
  }
  const next = clone(rec.data);
  let idps = rec.identityProviders;
  let attributes = rec.attributes;
  let apps = rec.includeApplications;

  if (body.displayName !== undefined) next.displayName = checkDisplayName(env, body.displayName, rec);
  if (body.description !== undefined) next.description = requireString(body.description, "description") ?? null;
  if (body.priority !== undefined) {
    if (typeof body.priority !== "number" || !Number.isInteger(body.priority)) throw badRequest("Invalid value for property 'priority': an Int32 is expected.");
    next.priority = body.priority;
  }
  if (body.conditions !== undefined) {
    const c = body.conditions;
    const listed = isObject(c) && isObject(c.applications) && c.applications.includeApplications !== undefined;
    if (listed && env.options.patchIncludeApplications === "rejected") {
      throw badRequest("includeApplications cannot be updated with PATCH; use the includeApplications endpoints.");
    }
    const list = appListFromConditions(env, c, rec);
    if (list) apps = list;
    next.conditions = conditionsData(c);
  }
  const interactive = handler(env, body, "onInteractiveAuthFlowStart");
  if (interactive !== undefined) {
    if (interactive === null) throw badRequest("The property 'onInteractiveAuthFlowStart' cannot be null.");
    next.onInteractiveAuthFlowStart = normalizeInteractive(interactive);
  }
  const methodLoad = handler(env, body, "onAuthenticationMethodLoadStart");
  if (methodLoad !== undefined) {
    if (methodLoad === null || methodLoad.identityProviders === undefined) throw badRequest("Must have at least one identity provider linked.");
    idps = resolveIdps(env, methodLoad.identityProviders, "identityProviders");
    if (idps.length === 0) throw badRequest("Must have at least one identity provider linked.");
  }
  const collectionH = handler(env, body, "onAttributeCollection");
  if (collectionH !== undefined) {
    if (!rec.attributeCollectionAtCreation) {
      throw badRequest("onAttributeCollection can be updated only when it was configured at creation; use the attributes $ref API instead.");
    }
    if (collectionH === null) throw badRequest("The property 'onAttributeCollection' cannot be null.");
    if (collectionH.attributes !== undefined) attributes = resolveAttributes(env, collectionH.attributes);
    next.onAttributeCollection = normalizeAttributeCollection(env, collectionH);
    checkInputsMatch(env, attributes, next.onAttributeCollection);
  }
  const userCreate = handler(env, body, "onUserCreateStart");
  if (userCreate !== undefined) next.onUserCreateStart = userCreate === null ? null : normalizeUserCreateStart(userCreate);

  rec.data = next;
  rec.identityProviders = idps;
  rec.attributes = attributes;
  rec.includeApplications = apps;
}

// ------------------------------------------------------------------------------------------------ routing

function flowContext(ctx: GraphRequestContext, id: string): string {
  return `identity/authenticationEventsFlows('${id}')`;
}

/** Handles `identity/authenticationEventsFlows...`; `rest` = segments after `authenticationEventsFlows`. */
export function handleFlows(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  const env = envOf(ctx);
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method === "GET") {
      const items = store.flows.map((f) => store.renderFlow(f, ctx.versionBase));
      return collection(ctx, "identity/authenticationEventsFlows", items);
    }
    if (ctx.method === "POST") {
      const rec = createFlow(env, jsonBody(ctx));
      return entity(ctx, "identity/authenticationEventsFlows/$entity", clone(rec.data), 201);
    }
    throw methodNotAllowed();
  }
  const id = rest[0].raw;
  const rec = (): FlowRecord => visible(ctx, store.findFlow(id), id);
  let tail = rest.slice(1);
  if (tail.length === 0) {
    switch (ctx.method) {
      case "GET":
        return entity(ctx, "identity/authenticationEventsFlows/$entity", store.renderFlow(rec(), ctx.versionBase));
      case "PATCH":
        patchFlow(env, rec(), jsonBody(ctx), ctx.version);
        return noContent();
      case "DELETE": {
        // "This operation also removes or unlinks all applications from the flow" (reference §3.4).
        const r = rec();
        store.flows.splice(store.flows.indexOf(r), 1);
        return noContent();
      }
      default:
        throw methodNotAllowed();
    }
  }
  const hadFlowCast = tail[0].key === CAST_FLOW;
  if (hadFlowCast) tail = tail.slice(1);
  const keys = tail.map((s) => s.key);
  if (keys[0] === "conditions" && keys[1] === "applications" && keys[2] === "includeapplications") {
    return handleLinks(ctx, env, rec, id, tail.slice(3));
  }
  if (!hadFlowCast) throw segmentNotFound(tail[0]?.raw ?? "");
  if (keys[0] === "onauthenticationmethodloadstart" && keys[1] === CAST_METHOD_LOAD && keys[2] === "identityproviders") {
    return handleIdpRefs(ctx, env, rec, id, tail.slice(3));
  }
  if (keys[0] === "onattributecollection" && keys[1] === CAST_ATTR_COLLECTION && keys[2] === "attributes") {
    return handleAttributeRefs(ctx, env, rec, id, tail.slice(3));
  }
  const bad = tail.find((s, i) => i > 0 && !s.key.startsWith("graph.")) ?? tail[0];
  throw segmentNotFound(bad.raw);
}

function handleLinks(ctx: GraphRequestContext, env: FlowEnv, rec: () => FlowRecord, id: string, rest: Segment[]): GraphResponse {
  const ctxPath = `${flowContext(ctx, id)}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications`;
  if (rest.length === 0) {
    if (ctx.method === "GET") return collection(ctx, ctxPath, rec().includeApplications.map((appId) => ({ appId })));
    if (ctx.method === "POST") {
      const flow = rec();
      const body = jsonBody(ctx);
      const t = body["@odata.type"];
      if (t !== undefined && !sameType(t, "#microsoft.graph.authenticationConditionApplication")) throw badRequest(`Invalid '@odata.type' ${JSON.stringify(t)}.`);
      const appId = checkLinkable(env, body.appId, flow);
      flow.includeApplications.push(appId);
      return entity(ctx, `${ctxPath}/$entity`, { appId }, 201);
    }
    throw methodNotAllowed();
  }
  if (rest.length !== 1) throw segmentNotFound(rest[1].raw);
  const appId = rest[0].raw;
  const flow = rec();
  const idx = flow.includeApplications.findIndex((a) => a.toLowerCase() === appId.toLowerCase());
  if (idx < 0) throw notFound(appId);
  if (ctx.method === "GET") return entity(ctx, `${ctxPath}/$entity`, { appId: flow.includeApplications[idx] });
  if (ctx.method === "DELETE") {
    flow.includeApplications.splice(idx, 1);
    return noContent();
  }
  throw methodNotAllowed();
}

function handleIdpRefs(ctx: GraphRequestContext, env: FlowEnv, rec: () => FlowRecord, id: string, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method !== "GET") throw methodNotAllowed();
    const items = rec().identityProviders.flatMap((p) => {
      const o = store.findIdentityProvider(p);
      return o ? [clone(o)] : [];
    });
    return collection(ctx, `${flowContext(ctx, id)}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`, items);
  }
  if (rest.length === 1 && rest[0].key === "$ref") {
    if (ctx.method !== "POST") throw methodNotAllowed();
    const flow = rec();
    const target = refTarget(ctx).map((s) => s);
    const keys = target.map((s) => s.key);
    let idpId: string | undefined;
    if (keys.length === 2 && keys[0] === "identityproviders") idpId = target[1].raw;
    else if (keys.length === 3 && keys[0] === "identity" && keys[1] === "identityproviders") idpId = target[2].raw;
    if (!idpId) throw badRequest(`Invalid '@odata.id': an identity provider URL (…/identityProviders/{id}) is expected.`);
    const idp = store.findIdentityProvider(idpId);
    if (!idp) throw unknownRef(env, "identity provider", idpId);
    if (flow.identityProviders.some((p) => p.toLowerCase() === idpId!.toLowerCase())) {
      throw badRequest("One or more added object references already exist for the following modified properties: 'identityProviders'.");
    }
    flow.identityProviders.push(String(idp.id));
    return noContent();
  }
  if (rest.length === 2 && rest[1].key === "$ref") {
    if (ctx.method !== "DELETE") throw methodNotAllowed();
    const flow = rec();
    const idx = flow.identityProviders.findIndex((p) => p.toLowerCase() === rest[0].key);
    if (idx < 0) throw notFound(rest[0].raw);
    if (flow.identityProviders.length === 1) throw badRequest("Must have at least one identity provider linked: the last identity provider of a user flow cannot be removed.");
    flow.identityProviders.splice(idx, 1);
    return noContent();
  }
  if (rest.length === 1 && ctx.method === "GET") {
    const flow = rec();
    const p = flow.identityProviders.find((x) => x.toLowerCase() === rest[0].key);
    const o = p ? store.findIdentityProvider(p) : undefined;
    if (!o) throw notFound(rest[0].raw);
    return entity(ctx, "identityProviders/$entity", clone(o));
  }
  throw segmentNotFound(rest[rest.length - 1].raw);
}

function handleAttributeRefs(ctx: GraphRequestContext, env: FlowEnv, rec: () => FlowRecord, id: string, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method !== "GET") throw methodNotAllowed();
    const items = rec().attributes.flatMap((a) => {
      const o = store.findAttribute(a);
      return o ? [{ id: o.id, displayName: o.displayName, description: o.description, userFlowAttributeType: o.userFlowAttributeType, dataType: o.dataType }] : [];
    });
    return collection(ctx, `${flowContext(ctx, id)}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`, items);
  }
  if (rest.length === 1 && rest[0].key === "$ref") {
    if (ctx.method !== "POST") throw methodNotAllowed();
    const flow = rec();
    const target = refTarget(ctx);
    const keys = target.map((s) => s.key);
    if (!(keys.length === 3 && keys[0] === "identity" && keys[1] === "userflowattributes")) {
      throw badRequest("Invalid '@odata.id': a user flow attribute URL (…/identity/userFlowAttributes/{id}) is expected.");
    }
    const attrId = target[2].raw;
    const attr = store.findAttribute(attrId);
    if (!attr || env.lagging(attr)) throw unknownRef(env, "user flow attribute", attrId);
    if (flow.attributes.some((a) => a.toLowerCase() === attrId.toLowerCase())) {
      throw badRequest("One or more added object references already exist for the following modified properties: 'attributes'.");
    }
    // Adds the attribute and a default input to the page (reference §3.7).
    const h = isObject(flow.data.onAttributeCollection)
      ? flow.data.onAttributeCollection
      : normalizeAttributeCollection(env, { attributeCollectionPage: { views: [{ inputs: [] }] } });
    const page = h.attributeCollectionPage as JsonObject;
    const views = page.views as JsonObject[];
    if (views.length === 0) views.push({ title: null, description: null, inputs: [] });
    const inputs = views[0].inputs as JsonValue[];
    if (!views.some((v) => (v.inputs as JsonObject[]).some((i) => String(i.attribute).toLowerCase() === attr.id.toLowerCase()))) {
      inputs.push(defaultInput(env, attr.id));
    }
    flow.data.onAttributeCollection = h;
    flow.attributes.push(attr.id);
    return noContent();
  }
  if (rest.length === 2 && rest[1].key === "$ref") {
    if (ctx.method !== "DELETE") throw methodNotAllowed();
    const flow = rec();
    const idx = flow.attributes.findIndex((a) => a.toLowerCase() === rest[0].key);
    if (idx < 0) throw notFound(rest[0].raw);
    // The input stays on the page until a PATCH drops it (reference §3.7).
    flow.attributes.splice(idx, 1);
    return noContent();
  }
  throw segmentNotFound(rest[rest.length - 1].raw);
}
