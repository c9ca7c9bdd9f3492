/**
 * What a Graph handler sees of a request, and what it answers. Also the shared helpers every handler uses: JSON
 * body checks, collection responses (filter/select/orderby/paging) and `@odata.id` parsing.
 */
import { badRequest, GraphHttpError, notFound } from "./errors";
import { applyOrderBy, applySelect, decodeSkipToken, encodeSkipToken, matchesFilter, parseFilter } from "./odata";
import type { EmulatorStore, LagScope, Lagging } from "./store";
import type { BinaryBody, EmulatorOptions, GraphVersion, JsonObject, JsonValue } from "./types";

/** A path segment: `raw` as sent (decoded), `key` lower-cased with casts normalized to `graph.x`. */
export interface Segment {
  raw: string;
  key: string;
}

export interface GraphRequestContext {
  method: string;
  version: GraphVersion;
  segments: Segment[];
  /** Path as recorded (decoded, no version prefix). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON, binary, or undefined. */
  body: JsonValue | BinaryBody | undefined;
  contentType: string;
  /** `https://host:port` as the client addressed it. */
  origin: string;
  /** `${origin}/${version}`. */
  versionBase: string;
  store: EmulatorStore;
  options: EmulatorOptions;
  lagScope: LagScope;
}

export interface GraphResponse {
  status: number;
  body?: JsonValue | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export const ok = (body: JsonValue, status = 200, headers?: Record<string, string>): GraphResponse => ({ status, body, headers });
export const noContent = (): GraphResponse => ({ status: 204 });

export function isBinary(b: unknown): b is BinaryBody {
  return typeof b === "object" && b !== null && Buffer.isBuffer((b as BinaryBody).bytes);
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** The JSON object body of a write; 400 when absent, not JSON, or not an object (reference §2: JSON writes). */
export function jsonBody(ctx: GraphRequestContext): JsonObject {
  if (ctx.body === undefined) throw badRequest("Write requests (excluding DELETE) must contain the Content-Type header declaration.");
  if (isBinary(ctx.body) || !/^application\/json/i.test(ctx.contentType)) {
    throw badRequest("Write requests must have Content-Type: application/json.");
  }
  if (!isObject(ctx.body)) throw badRequest("Invalid request body: a JSON object is expected.");
  return ctx.body;
}

/** 404 (`Request_ResourceNotFound`) when `rec` is missing or still replicating. */
export function visible<T extends Lagging>(ctx: GraphRequestContext, rec: T | undefined, what: string): T {
  if (!rec || ctx.store.lagging(rec, ctx.lagScope)) throw notFound(what);
  return rec;
}

/**
 * A collection response: `$filter`, `$orderby`, `$select`, then paging by `$top` (or `options.pageSize`) with an
 * `@odata.nextLink` on the request's own scheme and host.
 */
export function collection(ctx: GraphRequestContext, contextPath: string, items: JsonObject[], defaultSelect?: string): GraphResponse {
  let list = items;
  const filter = ctx.query["$filter"];
  if (filter !== undefined) {
    const node = parseFilter(filter);
    list = list.filter((i) => matchesFilter(node, i));
  }
  list = applyOrderBy(list, ctx.query["$orderby"]);
  let pageSize = ctx.options.pageSize;
  const top = ctx.query["$top"];
  if (top !== undefined) {
    if (!/^\d+$/.test(top) || Number(top) < 1) throw badRequest(`Invalid value '${top}' for $top.`);
    pageSize = Math.min(Number(top), 999);
  }
  let offset = 0;
  const skipToken = ctx.query["$skiptoken"];
  if (skipToken !== undefined) {
    try {
      offset = decodeSkipToken(skipToken);
    } catch {
      throw new GraphHttpError(400, "Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.");
    }
  }
  const page = list.slice(offset, offset + pageSize).map((i) => applySelect(i, ctx.query["$select"] ?? defaultSelect));
  const body: JsonObject = { "@odata.context": `${ctx.versionBase}/$metadata#${contextPath}` };
  if (offset + pageSize < list.length) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(ctx.query)) if (k !== "$skiptoken") params.set(k, v);
    params.set("$skiptoken", encodeSkipToken(offset + pageSize));
    body["@odata.nextLink"] = `${ctx.versionBase}${encodePath(ctx.path)}?${params.toString().replace(/\+/g, "%20").replace(/%24/g, "$")}`;
  }
  body.value = page;
  return ok(body);
}

function encodePath(path: string): string {
  return path.split("/").map((s) => encodeURIComponent(s).replace(/%24/g, "$").replace(/%40/g, "@").replace(/%3A/gi, ":").replace(/%27/g, "'").replace(/%28/g, "(").replace(/%29/g, ")").replace(/%3D/gi, "=")).join("/");
}

/**
 * A single entity response with its `@odata.context`; `defaultSelect` is the property set shown without `$select`
 * (users show only a default subset).
 */
export function entity(
  ctx: GraphRequestContext,
  contextPath: string,
  item: JsonObject,
  status = 200,
  headers?: Record<string, string>,
  defaultSelect?: string,
): GraphResponse {
  const selected = applySelect(item, ctx.query["$select"] ?? defaultSelect);
  return ok({ "@odata.context": `${ctx.versionBase}/$metadata#${contextPath}`, ...selected }, status, headers);
}

/**
 * The target of a `$ref` body `{"@odata.id": "<url>"}`: path segments after the host and version, lower-cased
 * keys plus raw values. Accepts absolute URLs on any host (graph.microsoft.com or the emulator), v1.0 or beta, and
 * host-relative or version-relative paths (reference §9.1).
 */
export function refTarget(ctx: GraphRequestContext): Segment[] {
  const body = jsonBody(ctx);
  const ref = body["@odata.id"];
  if (typeof ref !== "string" || ref.length === 0) throw badRequest("The request body must contain '@odata.id'.");
  let path: string;
  try {
    path = /^https?:\/\//i.test(ref) ? new URL(ref).pathname : ref;
  } catch {
    throw badRequest(`Invalid '@odata.id' value '${ref}'.`);
  }
  const segs = splitPath(path);
  if (segs.length > 0 && (segs[0].key === "v1.0" || segs[0].key === "beta")) segs.shift();
  return segs;
}

/** Splits a URL path into decoded segments; `name(key)` becomes two segments; empty segments are dropped. */
export function splitPath(pathname: string): Segment[] {
  const out: Segment[] = [];
  for (const part of pathname.split("/")) {
    if (part === "") continue;
    let raw: string;
    try {
      raw = decodeURIComponent(part);
    } catch {
      raw = part;
    }
    const m = /^([^()]+)\((.*)\)$/.exec(raw);
    if (m) {
      out.push(seg(m[1]));
      let key = m[2];
      const alt = /^(\w+)=(.*)$/.exec(key);
      if (alt) key = alt[2];
      key = key.replace(/^'(.*)'$/, "$1").replace(/''/g, "'");
      out.push({ raw: alt ? `${alt[1]}=${key}` : key, key: (alt ? `${alt[1]}=${key}` : key).toLowerCase() });
    } else {
      out.push(seg(raw));
    }
  }
  return out;
}

function seg(raw: string): Segment {
  const lower = raw.toLowerCase();
  return { raw, key: lower.startsWith("microsoft.graph.") ? lower.slice("microsoft.".length) : lower };
}

/** Booleans must be JSON booleans (reference §2, entra-docs#777). */
export function requireBoolean(v: JsonValue | undefined, name: string, optional = true): boolean | undefined {
  if (v === undefined || (v === null && optional)) return undefined;
  if (typeof v !== "boolean") {
    throw badRequest(`Invalid value for property '${name}': a Boolean is expected, got ${JSON.stringify(v)}.`);
  }
  return v;
}

export function requireString(v: JsonValue | undefined, name: string, optional = true): string | undefined {
  if (v === undefined || (v === null && optional)) return undefined;
  if (typeof v !== "string") throw badRequest(`Invalid value for property '${name}': a String is expected, got ${JSON.stringify(v)}.`);
  return v;
}
