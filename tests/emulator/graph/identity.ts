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
import { randomUUID } from "node:crypto";
import { badRequest, conflict, GraphHttpError, methodNotAllowed, notFound, segmentNotFound } from "../errors";
import { attributeJson, clone, UserFlowAttributeRecord } from "../store";
import type { JsonObject, JsonValue } from "../types";

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

/** appId of the "Azure Active Directory Authentication Extensions" app (external-id-features §1.8). */
export const AUTH_EXTENSIONS_APP_ID = "99045fe1-7639-4a75-9d4a-577b6ca3810f";

/** What Graph shows for a write-only value (§1.4: "******" in real responses). */
const MASK = "******";

type IdpKind = "social" | "apple" | "oidc";

/** `@odata.type` of a create, in any of the documented spellings (with or without `#`, any case: §1.2). */
function idpKind(type: JsonValue | undefined): IdpKind | undefined {
  if (typeof type !== "string") return undefined;
  const t = type.replace(/^#/, "").toLowerCase();
  if (t === "microsoft.graph.socialidentityprovider") return "social";
  if (t === "microsoft.graph.applemanagedidentityprovider") return "apple";
  if (t === "microsoft.graph.oidcidentityprovider") return "oidc";
  return undefined;
}

function kindOf(idp: JsonObject): IdpKind | "builtIn" {
  return idpKind(idp["@odata.type"]) ?? "builtIn";
}

/** Properties each kind takes; `secret` ones are write-only (§1.4). The beta create page says all are required. */
const IDP_PROPERTIES: Record<IdpKind, { required: string[]; optional: string[]; updatable: string[] }> = {
  social: { required: ["displayName", "identityProviderType", "clientId", "clientSecret"], optional: [], updatable: ["displayName", "clientId", "clientSecret"] },
  apple: {
    required: ["displayName", "developerId", "serviceId", "keyId", "certificateData"],
    optional: [],
    updatable: ["displayName", "developerId", "serviceId", "keyId", "certificateData"],
  },
  oidc: {
    required: ["displayName", "clientId", "issuer", "responseType", "scope", "clientAuthentication"],
    optional: ["wellKnownEndpoint", "inboundClaimMapping"],
    updatable: ["displayName", "clientId", "issuer", "responseType", "scope", "clientAuthentication", "wellKnownEndpoint", "inboundClaimMapping"],
  },
};

const ODATA_NAME: Record<IdpKind, string> = {
  social: "#microsoft.graph.socialIdentityProvider",
  apple: "#microsoft.graph.appleManagedIdentityProvider",
  oidc: "#microsoft.graph.oidcIdentityProvider",
};

/** Checks one property value of a create or update; returns the value to store (secrets are stored apart). */
function checkIdpProperty(kind: IdpKind, key: string, v: JsonValue | undefined): JsonValue {
  if (key === "clientAuthentication") {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw badRequest(`Invalid value for property 'clientAuthentication': an object is expected.`);
    const t = typeof v["@odata.type"] === "string" ? String(v["@odata.type"]).replace(/^#/, "").toLowerCase() : "";
    if (t === "microsoft.graph.oidcclientsecretauthentication") {
      requireString(v.clientSecret, "clientAuthentication.clientSecret", false);
      if (v.clientSecretAuthenticationType !== undefined && !["client_secret_post", "client_secret_jwt"].includes(String(v.clientSecretAuthenticationType))) {
        throw badRequest(`Invalid value for property 'clientSecretAuthenticationType': ${JSON.stringify(v.clientSecretAuthenticationType)}. client_secret_basic is not supported.`);
      }
    } else if (t !== "microsoft.graph.oidcprivatejwtkeyclientauthentication") {
      throw badRequest(`Invalid value for property 'clientAuthentication': '@odata.type' must be #microsoft.graph.oidcClientSecretAuthentication or #microsoft.graph.oidcPrivateJwtKeyClientAuthentication.`);
    }
    return v;
  }
  if (key === "inboundClaimMapping") {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw badRequest(`Invalid value for property 'inboundClaimMapping': an object is expected.`);
    return v;
  }
  const value = requireString(v, key, false)!;
  if (value === "") throw badRequest(`Invalid value for property '${key}': it must not be empty.`);
  if (kind === "social" && key === "identityProviderType" && !["Google", "Facebook"].includes(value)) {
    throw badRequest(`Invalid value for property 'identityProviderType': ${JSON.stringify(value)}. External tenants accept Google and Facebook.`);
  }
  if (kind === "oidc" && key === "responseType" && value !== "code") throw badRequest(`Invalid value for property 'responseType': ${JSON.stringify(value)}. Only code is supported at the moment.`);
  if (kind === "oidc" && (key === "issuer" || key === "wellKnownEndpoint")) {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "https:") throw badRequest(`Invalid value for property '${key}': ${JSON.stringify(value)} is not an https URL.`);
  }
  return value;
}

/**
 * The stored form: write-only values masked, their real values kept apart (store.identityProviderSecrets). A value
 * sent is stored as sent, the mask included: whether Graph would ignore a PATCH that sends `******` back is unknown,
 * so the emulator takes the answer that breaks a read-modify-write client.
 */
function storeSecrets(ctx: GraphRequestContext, id: string, kind: IdpKind, rec: JsonObject, sent: JsonObject): void {
  const secrets = { ...(ctx.store.identityProviderSecrets.get(id) ?? {}) };
  if (kind === "social" && typeof sent.clientSecret === "string") {
    secrets.clientSecret = sent.clientSecret;
    rec.clientSecret = MASK;
  }
  if (kind === "apple" && typeof sent.certificateData === "string") {
    secrets.certificateData = sent.certificateData;
    rec.certificateData = MASK;
  }
  const auth = sent.clientAuthentication;
  if (kind === "oidc" && typeof auth === "object" && auth !== null && !Array.isArray(auth) && typeof auth.clientSecret === "string") {
    secrets.clientSecret = auth.clientSecret;
    rec.clientAuthentication = { ...auth, clientSecret: MASK };
  }
  ctx.store.identityProviderSecrets.set(id, secrets);
}

/** The provider that `candidate` would duplicate: one Google, Facebook and Apple per tenant; one OIDC provider per issuer. */
function duplicateOf(ctx: GraphRequestContext, kind: IdpKind, candidate: JsonObject): JsonObject | undefined {
  return ctx.store.identityProviders.find((p) => {
    if (kindOf(p) !== kind) return false;
    if (kind === "social") return p.identityProviderType === candidate.identityProviderType;
    if (kind === "apple") return true;
    return String(p.issuer).replace(/\/+$/, "").toLowerCase() === String(candidate.issuer).replace(/\/+$/, "").toLowerCase();
  });
}

/**
 * `identity/identityProviders` and legacy `identityProviders` (§1.1): the tenant's built-in providers (read-only)
 * and the social, Apple and OIDC providers the stack may create, update and delete. Write-only values read back
 * masked; a create needs the Authentication Extensions service principal (option `missingAuthExtensionsSp`).
 */
export function handleIdentityProviders(ctx: GraphRequestContext, rest: Segment[], legacy: boolean): GraphResponse {
  const set = legacy ? "identityProviders" : "identity/identityProviders";
  const store = ctx.store;
  if (rest.length === 0) {
    if (ctx.method === "GET") return collection(ctx, set, store.identityProviders.map((p) => clone(p)));
    if (ctx.method !== "POST") throw methodNotAllowed();
    return createIdentityProvider(ctx, set);
  }
  if (rest.length > 1) throw segmentNotFound(rest[1].raw);
  const idp = store.findIdentityProvider(rest[0].raw);
  if (!idp) throw notFound(rest[0].raw);
  const kind = kindOf(idp);
  switch (ctx.method) {
    case "GET":
      return entity(ctx, `${set}/$entity`, clone(idp));
    case "PATCH": {
      if (kind === "builtIn") throw badRequest("Built-in identity providers cannot be updated.");
      const body = jsonBody(ctx);
      const next: JsonObject = { ...idp };
      for (const [k, v] of Object.entries(body)) {
        if (k === "@odata.type") {
          if (idpKind(v) !== kind) throw badRequest("The '@odata.type' of an identity provider cannot be changed.");
          continue;
        }
        if (k === "identityProviderType" && kind === "social") {
          if (v === idp.identityProviderType) continue;
          throw badRequest("The property 'identityProviderType' cannot be changed after the identity provider is created.");
        }
        if (!IDP_PROPERTIES[kind].updatable.includes(k)) throw badRequest(`Property '${k}' is read-only or does not exist on ${ODATA_NAME[kind].slice(17)}.`);
        next[k] = checkIdpProperty(kind, k, v);
      }
      if (kind === "oidc") {
        const dup = duplicateOf(ctx, "oidc", next);
        if (dup && dup !== idp) throw duplicateError(ctx, `An identity provider with the issuer '${String(next.issuer)}' already exists.`);
      }
      storeSecrets(ctx, String(idp.id), kind, next, body);
      Object.assign(idp, next);
      return noContent();
    }
    case "DELETE": {
      if (kind === "builtIn") throw badRequest("Built-in identity providers cannot be deleted.");
      const users = store.flows.filter((f) => f.identityProviders.some((p) => p.toLowerCase() === String(idp.id).toLowerCase()));
      if (users.length > 0) {
        if (ctx.options.deleteIdentityProviderInUse === "refused") {
          throw badRequest(`The identity provider '${String(idp.id)}' is used by the user flow(s) ${users.map((f) => `'${f.data.displayName as string}'`).join(", ")}: remove it from them first.`);
        }
        for (const f of users) f.identityProviders = f.identityProviders.filter((p) => p.toLowerCase() !== String(idp.id).toLowerCase());
      }
      store.identityProviders.splice(store.identityProviders.indexOf(idp), 1);
      store.identityProviderSecrets.delete(String(idp.id));
      return noContent();
    }
    default:
      throw methodNotAllowed();
  }
}

function duplicateError(ctx: GraphRequestContext, message: string): GraphHttpError {
  return ctx.options.duplicateIdentityProvider === 409 ? conflict(message) : badRequest(message);
}

function createIdentityProvider(ctx: GraphRequestContext, set: string): GraphResponse {
  const store = ctx.store;
  const body = jsonBody(ctx);
  const kind = idpKind(body["@odata.type"]);
  if (!kind) {
    throw badRequest(
      `Invalid '@odata.type' ${JSON.stringify(body["@odata.type"] ?? null)}: an external tenant creates #microsoft.graph.socialIdentityProvider, #microsoft.graph.appleManagedIdentityProvider or #microsoft.graph.oidcIdentityProvider.`,
    );
  }
  const props = IDP_PROPERTIES[kind];
  const rec: JsonObject = { "@odata.type": ODATA_NAME[kind] };
  for (const k of Object.keys(body)) {
    if (k === "@odata.type") continue;
    if (!props.required.includes(k) && !props.optional.includes(k)) throw badRequest(`Property '${k}' does not exist on ${ODATA_NAME[kind].slice(17)}.`);
  }
  for (const k of props.required) {
    if (body[k] === undefined || body[k] === null) throw badRequest(`Property '${k}' is required.`);
  }
  for (const k of [...props.required, ...props.optional]) if (body[k] !== undefined) rec[k] = checkIdpProperty(kind, k, body[k]);
  // §1.8 [observed]: without the Authentication Extensions app's service principal (or before it has replicated).
  const mode = ctx.options.missingAuthExtensionsSp;
  if (mode !== "ignored") {
    const sp = store.findServicePrincipal({ appId: AUTH_EXTENSIONS_APP_ID });
    if (!sp || store.lagging(sp, ctx.lagScope)) throw new GraphHttpError(Number(mode), "AADB2C90063", "There is a problem with the service.");
  }
  const dup = duplicateOf(ctx, kind, rec);
  if (dup) {
    throw duplicateError(
      ctx,
      kind === "oidc" ? `An identity provider with the issuer '${String(rec.issuer)}' already exists.` : `An identity provider of type '${kind === "apple" ? "Apple" : String(rec.identityProviderType)}' already exists in this tenant.`,
    );
  }
  const id = kind === "apple" ? "Apple-Managed-OIDC" : randomUUID();
  rec.id = id;
  storeSecrets(ctx, id, kind, rec, rec);
  const ordered: JsonObject = { "@odata.type": rec["@odata.type"], id, ...Object.fromEntries(Object.entries(rec).filter(([k]) => k !== "@odata.type" && k !== "id")) };
  store.identityProviders.push(ordered);
  return entity(ctx, `${set}/$entity`, clone(ordered), 201, { Location: `${ctx.versionBase}/${set}/${id}` });
}
