/**
 * `organization/{tenantId}/branding`: the default company branding ("0"), its localizations and their streams
 * (reference §4).
 */
import {
  collection,
  entity,
  GraphRequestContext,
  GraphResponse,
  isBinary,
  isObject,
  jsonBody,
  noContent,
  ok,
  Segment,
  visible,
} from "../context";
import { badRequest, conflict, GraphHttpError, methodNotAllowed, notFound, unsupportedQuery } from "../errors";
import { BRANDING_PROPERTIES, BrandingRecord, clone, EmulatorStore, STREAM_NAMES, StreamName } from "../store";
import type { JsonObject, JsonValue } from "../types";

const LOCALE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;
const READ_ONLY = new Set<string>([...BRANDING_PROPERTIES.filter((p) => p.endsWith("RelativeUrl")), "cdnList"]);
const DO_NOT_USE = new Set(["customCannotAccessYourAccountUrl", "customResetItNowText"]);
const TEXT_LIMITS: Record<string, number> = {
  signInPageText: 1024,
  usernameHintText: 64,
  customCannotAccessYourAccountText: 256,
  customForgotMyPasswordText: 256,
  customPrivacyAndCookiesText: 256,
  customTermsOfUseText: 256,
};
const URLS = new Set(["customAccountResetCredentialsUrl", "customPrivacyAndCookiesUrl", "customTermsOfUseUrl"]);
const COLORS = new Set(["backgroundColor", "headerBackgroundColor"]);
const VISIBILITY = [
  "hideAccountResetCredentials",
  "hideCannotAccessYourAccount",
  "hideForgotMyPassword",
  "hidePrivacyAndCookies",
  "hideResetItNow",
  "hideTermsOfUse",
];
const LAYOUTS = ["default", "verticalSplit"];

const invalidLocale = (value: string): GraphHttpError =>
  unsupportedQuery(`Invalid locale id value ${value}. It must be a valid ISO-639 locale.`);

const isDefaultId = (id: string): boolean => id === "0" || id.toLowerCase() === "default";

function streamName(key: string): StreamName | undefined {
  return STREAM_NAMES.find((s) => s.toLowerCase() === key);
}

/** Validates a JSON write of branding properties (reference §4.3) and returns the normalized changes. */
function brandingChanges(body: JsonObject, allowId: boolean): JsonObject {
  const keys = Object.keys(body);
  if (keys.some((k) => streamName(k.toLowerCase()))) {
    throw badRequest("You can't update Stream types with other data types in the same request. Upload images and CSS with PUT …/localizations/{id}/{stream}.");
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === "@odata.type") continue;
    if (k === "id") {
      if (allowId) continue;
      throw badRequest("Property 'id' is read-only.");
    }
    if (READ_ONLY.has(k)) throw badRequest(`Property '${k}' is read-only.`);
    if (DO_NOT_USE.has(k)) throw badRequest(`Property '${k}' is not supported (DO NOT USE).`);
    if (!(BRANDING_PROPERTIES as readonly string[]).includes(k)) throw badRequest(`Property '${k}' does not exist on organizationalBranding.`);
    out[k] = validateProperty(k, v);
  }
  return out;
}

function validateProperty(k: string, v: JsonValue): JsonValue {
  if (v === null) return null;
  if (COLORS.has(k)) {
    if (typeof v !== "string" || !/^#[0-9a-f]{6}$/i.test(v)) throw badRequest(`Invalid value for property '${k}': ${JSON.stringify(v)}. A hex colour like #FFFFFF is expected.`);
    return v;
  }
  if (k in TEXT_LIMITS) {
    if (typeof v !== "string") throw badRequest(`Invalid value for property '${k}': a String is expected.`);
    if (v.length > TEXT_LIMITS[k]) throw badRequest(`Invalid value for property '${k}': at most ${TEXT_LIMITS[k]} characters are allowed (got ${v.length}).`);
    return v;
  }
  if (URLS.has(k)) {
    // eslint-disable-next-line no-control-regex
    if (typeof v !== "string" || v.length > 128 || !/^[\x00-\x7F]*$/.test(v)) {
      throw badRequest(`Invalid value for property '${k}': an ASCII URL of at most 128 characters is expected.`);
    }
    return v;
  }
  if (k === "loginPageLayoutConfiguration") {
    if (!isObject(v)) throw badRequest(`Invalid value for property '${k}': an object is expected.`);
    const out: JsonObject = {};
    for (const [p, x] of Object.entries(v)) {
      if (p === "@odata.type") continue;
      if (p === "layoutTemplateType") {
        const t = typeof x === "string" ? LAYOUTS.find((l) => l.toLowerCase() === x.toLowerCase()) : undefined;
        if (x !== null && !t) throw badRequest(`Invalid value ${JSON.stringify(x)} for property 'layoutTemplateType'. Allowed values: ${LAYOUTS.join(", ")}.`);
        out[p] = t ?? null;
      } else if (p === "isHeaderShown" || p === "isFooterShown") {
        if (x !== null && typeof x !== "boolean") throw badRequest(`Invalid value for property '${p}': a Boolean is expected.`);
        out[p] = x;
      } else {
        throw badRequest(`Property '${p}' does not exist on loginPageLayoutConfiguration.`);
      }
    }
    return out;
  }
  if (k === "loginPageTextVisibilitySettings") {
    if (!isObject(v)) throw badRequest(`Invalid value for property '${k}': an object is expected.`);
    const out: JsonObject = {};
    for (const [p, x] of Object.entries(v)) {
      if (p === "@odata.type") continue;
      if (!VISIBILITY.includes(p)) throw badRequest(`Property '${p}' does not exist on loginPageTextVisibilitySettings.`);
      if (x !== null && typeof x !== "boolean") throw badRequest(`Invalid value for property '${p}': a Boolean is expected.`);
      out[p] = x;
    }
    return out;
  }
  if (k === "contentCustomization") {
    if (!isObject(v)) throw badRequest(`Invalid value for property '${k}': an object is expected.`);
    const out: JsonObject = {};
    for (const [p, x] of Object.entries(v)) {
      if (p === "@odata.type") continue;
      if (p === "attributeCollection" || p === "registrationCampaign") {
        if (!Array.isArray(x) || !x.every((e) => isObject(e) && typeof e.key === "string" && typeof e.value === "string")) {
          throw badRequest(`Invalid value for property '${p}': a list of {key, value} is expected.`);
        }
        out[p] = clone(x);
      } else if (p === "attributeCollectionRelativeUrl" || p === "registrationCampaignRelativeUrl") {
        throw badRequest(`Property '${p}' is read-only.`);
      } else {
        throw badRequest(`Property '${p}' does not exist on contentCustomization.`);
      }
    }
    return out;
  }
  throw badRequest(`Property '${k}' cannot be written.`);
}

/** The entity as GET shows it: every property, null when unset; `localizationReads` decides inheritance. */
function render(store: EmulatorStore, b: BrandingRecord, inherit: boolean): JsonObject {
  const out: JsonObject = { id: b.id };
  const parent = b.id !== "0" && inherit ? store.defaultBranding : undefined;
  for (const p of BRANDING_PROPERTIES) {
    let v: JsonValue | undefined = b.props[p];
    if ((v === undefined || v === null) && parent && !READ_ONLY.has(p)) v = parent.props[p];
    out[p] = v === undefined ? (p === "cdnList" ? [] : null) : clone(v);
  }
  return out;
}

/** The requested locale of `Accept-Language`: "0", a locale, or undefined when missing or `*` (reference §4.2). */
function acceptedLocale(ctx: GraphRequestContext): string | undefined {
  const h = ctx.headers["accept-language"];
  if (h === undefined) return undefined;
  const first = h.split(",")[0].split(";")[0].trim();
  if (first === "" || first === "*") return undefined;
  return isDefaultId(first) ? "0" : first;
}

function missingDefault(ctx: GraphRequestContext): GraphHttpError {
  return notFound(ctx.options.tenantId);
}

function deleteDefault(ctx: GraphRequestContext): GraphResponse {
  const store = ctx.store;
  const def = visible(ctx, store.defaultBranding, ctx.options.tenantId);
  if (ctx.options.deleteDefault === "refused") throw badRequest("The default branding can not be deleted once it is configured.");
  if (def.streams.size > 0) throw badRequest("All images (Stream types) of the default branding must be removed before it can be deleted.");
  if (store.localizations.size > 0) {
    if (ctx.options.deleteDefaultWithLocalizations === "refused") {
      throw badRequest("The default branding cannot be deleted while localizations exist.");
    }
    if ([...store.localizations.values()].some((l) => l.streams.size > 0)) {
      throw badRequest("All images (Stream types) of every localization must be removed before the default branding can be deleted.");
    }
    store.localizations.clear();
  }
  store.defaultBranding = undefined;
  return noContent();
}

export function handleBranding(ctx: GraphRequestContext, rest: Segment[]): GraphResponse {
  const store = ctx.store;
  const tid = ctx.options.tenantId;
  const inherit = ctx.options.localizationReads === "inherited";
  const ctxBase = `organization('${tid}')/branding`;

  if (rest.length === 0) {
    switch (ctx.method) {
      case "GET": {
        let loc = acceptedLocale(ctx);
        if (loc === undefined) {
          if (ctx.options.unspecifiedAcceptLanguage === "400") {
            throw badRequest("The Accept-Language header must name a locale, or 0/default for the default branding.");
          }
          loc = "0";
        }
        if (loc === "0") return entity(ctx, `${ctxBase}/$entity`, render(store, visible(ctx, store.defaultBranding, tid), inherit));
        if (!LOCALE.test(loc)) throw invalidLocale(loc);
        return entity(ctx, `${ctxBase}/$entity`, render(store, visible(ctx, store.localizations.get(loc.toLowerCase()), loc), inherit));
      }
      case "PATCH": {
        const loc = acceptedLocale(ctx);
        if (loc === undefined) throw badRequest("The Accept-Language header is required: use 0 for the default branding.");
        const changes = brandingChanges(jsonBody(ctx), false);
        let target: BrandingRecord;
        if (loc === "0") {
          if (!store.defaultBranding) {
            if (ctx.options.patchMissingDefault === "404") throw missingDefault(ctx);
            store.defaultBranding = { id: "0", props: {}, streams: new Map() };
          }
          target = visible(ctx, store.defaultBranding, tid);
        } else {
          if (!LOCALE.test(loc)) throw invalidLocale(loc);
          target = visible(ctx, store.localizations.get(loc.toLowerCase()), loc);
        }
        Object.assign(target.props, changes);
        return noContent();
      }
      case "DELETE":
        return deleteDefault(ctx);
      default:
        throw methodNotAllowed();
    }
  }

  // `…/branding/{x}`: anything but `localizations` is parsed as a locale key (reference §4.5, docs#12856).
  if (rest[0].key !== "localizations") throw invalidLocale(rest[0].raw);
  const locs = rest.slice(1);

  if (locs.length === 0) {
    if (ctx.method === "GET") {
      const all = [...(store.defaultBranding ? [store.defaultBranding] : []), ...store.localizations.values()];
      return collection(ctx, `${ctxBase}/localizations`, all.map((b) => render(store, b, inherit)));
    }
    if (ctx.method !== "POST") throw methodNotAllowed();
    const body = jsonBody(ctx);
    const idIn = body.id ?? ctx.headers["content-language"];
    if (idIn === undefined || idIn === null || idIn === "") throw badRequest("The localization 'id' (a locale) is required.");
    if (typeof idIn !== "string") throw badRequest("Invalid value for property 'id': a String is expected.");
    if (isDefaultId(idIn)) throw badRequest(`You can't create the default branding by setting the value of id to '${idIn}'.`);
    if (!LOCALE.test(idIn)) throw invalidLocale(idIn);
    const changes = brandingChanges(body, true);
    if (store.localizations.has(idIn.toLowerCase())) throw conflict(`A localization with id '${idIn}' already exists.`);
    // "creates a localized branding and at the same time, the default branding if it doesn't exist" (reference §4.4).
    if (!store.defaultBranding) {
      store.defaultBranding = { id: "0", props: {}, streams: new Map() };
      store.startLag(store.defaultBranding);
    }
    const rec: BrandingRecord = { id: idIn, props: changes, streams: new Map() };
    store.startLag(rec);
    store.localizations.set(idIn.toLowerCase(), rec);
    return entity(ctx, `${ctxBase}/localizations/$entity`, render(store, rec, inherit), 201);
  }

  const locId = locs[0].raw;
  const find = (): BrandingRecord => {
    if (!isDefaultId(locId) && !LOCALE.test(locId)) throw invalidLocale(locId);
    return visible(ctx, store.findBranding(locId), isDefaultId(locId) ? tid : locId);
  };
  const locCtx = `${ctxBase}/localizations('${isDefaultId(locId) ? "0" : locId}')`;

  if (locs.length === 1) {
    switch (ctx.method) {
      case "GET":
        return entity(ctx, `${ctxBase}/localizations/$entity`, render(store, find(), inherit));
      case "PATCH": {
        const target = find();
        Object.assign(target.props, brandingChanges(jsonBody(ctx), false));
        return noContent();
      }
      case "DELETE": {
        if (isDefaultId(locId)) return deleteDefault(ctx);
        const target = find();
        if (target.streams.size > 0) throw badRequest("All images (Stream types) of the localization must be removed before it can be deleted.");
        store.localizations.delete(locId.toLowerCase());
        return noContent();
      }
      default:
        throw methodNotAllowed();
    }
  }

  if (locs.length > 2) throw unsupportedQuery(`Resource not found for the segment '${locs[2].raw}'.`);
  const prop = locs[1];
  const stream = streamName(prop.key);
  if (stream) {
    switch (ctx.method) {
      case "PUT": {
        const target = find();
        const body = ctx.body;
        if (!isBinary(body) || body.bytes.length === 0) throw badRequest(`The ${stream} upload needs a binary body.`);
        const ct = body.contentType.split(";")[0].trim().toLowerCase();
        const allowed = stream === "customCSS" ? ["text/css"] : ["image/png", "image/jpeg"];
        if (!allowed.includes(ct)) throw badRequest(`Content-Type '${body.contentType}' is not supported for ${stream}: use ${allowed.join(" or ")}.`);
        store.writeStream(target, stream, body.bytes, ct);
        return noContent();
      }
      case "GET": {
        const s = find().streams.get(stream);
        if (!s) return ok({});
        return { status: 200, body: Buffer.from(s.bytes), contentType: s.contentType };
      }
      case "DELETE": {
        if (ctx.options.streamDelete === "unsupported") {
          throw new GraphHttpError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
        }
        const target = find();
        if (!target.streams.has(stream)) throw notFound(`${locId}/${stream}`);
        store.removeStream(target, stream);
        return noContent();
      }
      default:
        throw methodNotAllowed();
    }
  }
  const propName = ["id", ...BRANDING_PROPERTIES].find((p) => p.toLowerCase() === prop.key);
  if (!propName) throw unsupportedQuery(`Resource not found for the segment '${prop.raw}'.`);
  if (ctx.method !== "GET") throw methodNotAllowed();
  const value = render(store, find(), inherit)[propName];
  return ok({ "@odata.context": `${ctx.versionBase}/$metadata#${locCtx}/${propName}`, value: value ?? null });
}
