/**
 * The one Graph transport of the project: every dynamic provider talks to Microsoft Graph through
 * `graphClient(connection)`.
 *
 * - Requests go through the stock `@microsoft/microsoft-graph-client`, with a token obtained first from
 *   `@azure/identity` (so every credential failure is one GraphAuthError) and with the SDK's RetryHandler left out
 *   of the chain: retries live here, where they have a deadline and where the final error keeps Graph's code,
 *   message and request-id.
 * - Retried: 429/503/504, honouring `Retry-After` (seconds or HTTP date), else jittered exponential back-off; and,
 *   only when the caller says the object was just created, replication-lag 404s and 400
 *   `NoBackingApplicationObject` (reference: "designing for eventual consistency"). Nothing else is retried.
 * - A request that gets no answer (connection reset or closed, timeout) is sent again within the same deadline when
 *   sending it twice is harmless (every method but POST); otherwise, and for a refused connection or an unknown
 *   host, it fails at once as a ServiceUnreachableError naming the call and the connection's own words.
 * - At most `maxConcurrentRequests` calls per tenant are in flight in one provider process, and a 429 with
 *   `Retry-After` pauses every call to that tenant, so a large config stays under Graph's throttling budget.
 *
 * Nothing here is created at module load: this file stays serializable by value (the providers' form in older
 * states), so SDK objects are required and built inside the functions, and shared state lives on `globalThis` of the process.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import { credentialFor, isNotFound, ServiceUnreachableError, IdentityConfigurationError, selectIdentity, delay, isRepeatable, networkFailure, nextWait, parseErrorEnvelope, parseRetryAfter, RETRYABLE_STATUSES, stripQuery, ProviderError } from "../core";
import { graphScope, resolveConnection, type GraphApiVersion, type GraphConnection, type ResolvedConnection } from "./connection";
import { decodeClaims, forbiddenHint, tenantProblem, type TokenClaims } from "./diagnosis";
import { GraphAuthError, GraphIdentityError, GraphRequestError } from "./errors";


export interface RequestOptions {
  /** API version for this call; defaults to the connection's. */
  readonly version?: GraphApiVersion;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The addressed object (or one it depends on) was created moments ago: retry 404 and 400
   * `NoBackingApplicationObject` for `replicationWaitSeconds`, since Graph reads may lag its writes.
   */
  readonly replicationLag?: boolean;
}

export interface BinaryContent {
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface GraphClient {
  readonly connection: ResolvedConnection;
  get<T>(path: string, opts?: RequestOptions): Promise<T>;
  /** GET that answers `undefined` on 404 instead of failing. */
  getOrUndefined<T>(path: string, opts?: RequestOptions): Promise<T | undefined>;
  /** GET of a collection, following `@odata.nextLink` to the end. */
  list<T>(path: string, opts?: RequestOptions): Promise<T[]>;
  post<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T>;
  patch(path: string, body: unknown, opts?: RequestOptions): Promise<void>;
  /** PUT of a binary stream (images, CSS). */
  putContent(path: string, content: Uint8Array, contentType: string, opts?: RequestOptions): Promise<void>;
  /** GET of a stream: bytes and content type, or `undefined` on 404. */
  getContent(path: string, opts?: RequestOptions): Promise<BinaryContent | undefined>;
  /** DELETE; an object that is already gone (404) is not an error. */
  delete(path: string, opts?: RequestOptions): Promise<"deleted" | "absent">;
}

export function graphClient(connection: GraphConnection): GraphClient {
  const conn = resolveConnection(connection);
  const send = (method: HttpMethod, path: string, body: unknown, opts: RequestOptions = {}, contentType?: string) =>
    sendWithRetries(conn, method, path, body, opts, contentType);
  return {
    connection: conn,
    async get<T>(path: string, opts?: RequestOptions) {
      return (await readJson(await send("GET", path, undefined, opts))) as T;
    },
    async getOrUndefined<T>(path: string, opts?: RequestOptions) {
      try {
        return (await readJson(await send("GET", path, undefined, opts))) as T;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async list<T>(path: string, opts?: RequestOptions) {
      const items: T[] = [];
      let next: string | undefined = path;
      for (let page = 0; next; page++) {
        if (page >= 1000) throw new ProviderError("UnexpectedAnswer", `Graph GET ${path}: more than 1000 pages; refusing to read further`);
        const body = (await readJson(await send("GET", next, undefined, opts))) as { value?: T[]; "@odata.nextLink"?: string };
        items.push(...(body.value ?? []));
        next = body["@odata.nextLink"];
      }
      return items;
    },
    async post<T>(path: string, body: unknown, opts?: RequestOptions) {
      return (await readJson(await send("POST", path, body, opts))) as T;
    },
    async patch(path: string, body: unknown, opts?: RequestOptions) {
      await send("PATCH", path, body, opts);
    },
    async putContent(path: string, content: Uint8Array, contentType: string, opts?: RequestOptions) {
      await send("PUT", path, Buffer.from(content), opts, contentType);
    },
    async getContent(path: string, opts?: RequestOptions) {
      try {
        const res = await send("GET", path, undefined, opts);
        return {
          contentType: res.headers.get("content-type") ?? "application/octet-stream",
          bytes: Buffer.from(await res.arrayBuffer()),
        };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async delete(path: string, opts?: RequestOptions) {
      try {
        await send("DELETE", path, undefined, opts);
        return "deleted";
      } catch (e) {
        if (isNotFound(e)) return "absent";
        throw e;
      }
    },
  };
}

type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

async function sendWithRetries(
  conn: ResolvedConnection,
  method: HttpMethod,
  path: string,
  body: unknown,
  opts: RequestOptions,
  contentType: string | undefined,
): Promise<Response> {
  const started = Date.now();
  const throttleDeadline = started + conn.retryDeadlineSeconds * 1000;
  const lagDeadline = started + conn.replicationWaitSeconds * 1000;
  const limiter = tenantLimiter(conn);
  for (let attempt = 1; ; attempt++) {
    // The token first, outside the slot: a wrong identity fails here, before anything is sent.
    const accessToken = await accessTokenFor(conn);
    await limiter.acquire();
    let res: Response | undefined;
    let retryAfterMs: number | undefined;
    let unanswered: ServiceUnreachableError | undefined;
    try {
      res = await sendOnce(conn, accessToken, method, path, body, opts, contentType);
      retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      // Pause the whole tenant before giving the slot to the next queued call, or it would go out regardless.
      if (RETRYABLE_STATUSES.includes(res.status) && retryAfterMs !== undefined) limiter.pauseFor(retryAfterMs);
    } catch (e) {
      const failure = networkFailure(e);
      if (!failure) throw e;
      unanswered = new ServiceUnreachableError({
        service: "Graph", method, path: stripQuery(path), origin: new URL(conn.graphEndpoint).origin, networkCode: failure.code,
        detail: failure.detail, transient: failure.transient, attempts: attempt, retryDeadlineSeconds: conn.retryDeadlineSeconds,
      });
      if (!failure.transient || !isRepeatable(method)) throw unanswered;
    } finally {
      limiter.release();
    }
    if (unanswered || !res) {
      // No answer to a repeatable request: send it again after back-off, within the throttling deadline.
      const wait = nextWait(undefined, conn.minRetryDelayMs, attempt, throttleDeadline);
      if (wait === undefined) throw unanswered;
      await delay(wait);
      continue;
    }
    if (res.ok) return res;

    const err = await toGraphError(res, method, path, attempt, res.status === 403 ? accessToken : undefined);
    let deadline: number | undefined;
    if (RETRYABLE_STATUSES.includes(res.status)) {
      deadline = throttleDeadline;
    } else if (opts.replicationLag && isReplicationLag(err)) {
      deadline = lagDeadline;
    }
    if (deadline === undefined) throw err;

    const wait = nextWait(retryAfterMs, conn.minRetryDelayMs, attempt, deadline);
    if (wait === undefined) {
      const seconds = Math.round((deadline - started) / 1000);
      throw new GraphRequestError({
        method, path, status: err.status, code: err.code, serviceMessage: err.serviceMessage, requestId: err.requestId,
        attempts: attempt, detailCodes: err.detailCodes,
        gaveUp: `gave up: still failing when the ${seconds}s retry deadline was reached`,
      });
    }
    await delay(wait);
  }
}

async function sendOnce(
  conn: ResolvedConnection,
  accessToken: string,
  method: HttpMethod,
  path: string,
  body: unknown,
  opts: RequestOptions,
  contentType: string | undefined,
): Promise<Response> {
  const graph: typeof import("@microsoft/microsoft-graph-client") = require("@microsoft/microsoft-graph-client");
  const transport: FetchTransport = { failure: undefined };
  let request = sdkClient(conn, accessToken, transport).api(path).version(opts.version ?? conn.apiVersion).responseType(graph.ResponseType.RAW);
  for (const [name, value] of Object.entries(opts.headers ?? {})) request = request.header(name, value);
  if (contentType) request = request.header("Content-Type", contentType);
  // With ResponseType.RAW the SDK hands back every HTTP response; a throw here is a network failure, which the SDK
  // rewraps without its cause ("fetch failed", code "TypeError"): rethrow fetch's own error, which names it.
  try {
    switch (method) {
      case "GET":
        return await request.get();
      case "POST":
        return await request.post(body);
      case "PATCH":
        return await request.patch(body);
      case "PUT":
        return await request.put(body);
      case "DELETE":
        return await request.delete();
    }
  } catch (e) {
    throw transport.failure ?? e;
  }
}

/**
 * A Graph token for the connection's tenant, obtained before the request so that every credential failure (wrong
 * tenant, expired login, wrong secret, unreachable authority) surfaces as one GraphAuthError, and checked against the
 * tenant: a token issued for another tenant (a home-tenant identity) is refused here, before any call is sent, with
 * the fix — Graph would only answer 401. Contradictory credential variables are a GraphIdentityError. The credential
 * caches tokens.
 */
export async function accessTokenFor(conn: ResolvedConnection): Promise<string> {
  let token: string;
  let environmentTenantId: string | undefined;
  try {
    environmentTenantId = selectIdentity(process.env).environmentTenantId;
    const t = await credentialFor(conn).getToken(graphScope(conn.graphEndpoint));
    if (!t?.token) throw new ProviderError("Credential", "the credential returned no token");
    token = t.token;
  } catch (e) {
    if (e instanceof IdentityConfigurationError) throw new GraphIdentityError(e.message);
    throw new GraphAuthError(conn.tenantId, conn.authorityHost, e);
  }
  const problem = tenantProblem(decodeClaims(token), conn.tenantId, environmentTenantId);
  if (problem) throw new GraphIdentityError(problem);
  return token;
}

/** Who the stack's credential is in the tenant: a signed-in user (delegated token) or an app (app-only token). */
export type CallerIdentity = { readonly kind: "user"; readonly objectId: string } | { readonly kind: "app"; readonly appId?: string } | { readonly kind: "unknown" };

/**
 * The identity behind the tenant's token, read from the token's own claims (`scp` + `oid` for a user, `appid`/`azp`
 * for an app). Used only so that a teardown does not delete the identity running it; access tokens are meant to be
 * opaque to clients, so an unreadable one is `unknown`, never an error.
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference
 */
export async function callerIdentity(connection: GraphConnection): Promise<CallerIdentity> {
  return identityOfToken(await accessTokenFor(resolveConnection(connection)));
}

export function identityOfToken(jwt: string): CallerIdentity {
  const claims: (TokenClaims & { oid?: unknown }) | undefined = decodeClaims(jwt);
  if (!claims) return { kind: "unknown" };
  if (typeof claims.scp === "string" && typeof claims.oid === "string") return { kind: "user", objectId: claims.oid.toLowerCase() };
  const appId = typeof claims.appid === "string" ? claims.appid : typeof claims.azp === "string" ? claims.azp : undefined;
  return appId ? { kind: "app", appId: appId.toLowerCase() } : { kind: "unknown" };
}

/** The last handler of the SDK chain, keeping fetch's own rejection (the SDK's error drops its cause). */
interface FetchTransport {
  failure: unknown;
}

/** A Graph SDK client for the connection that sends the given token through `transport`. */
function sdkClient(conn: ResolvedConnection, accessToken: string, transport: FetchTransport): Client {
  const graph: typeof import("@microsoft/microsoft-graph-client") = require("@microsoft/microsoft-graph-client");
  // The default chain minus RetryHandler (retries are ours, with deadlines): auth → redirect → telemetry → fetch.
  const authentication = new graph.AuthenticationHandler({ getAccessToken: async () => accessToken });
  const redirect = new graph.RedirectHandler();
  const telemetry = new graph.TelemetryHandler();
  authentication.setNext(redirect);
  redirect.setNext(telemetry);
  // What HTTPMessageHandler does (fetch(request, options) into context.response), keeping a rejection's cause.
  const send: import("@microsoft/microsoft-graph-client").Middleware = {
    async execute(context) {
      try {
        context.response = await fetch(context.request, context.options);
      } catch (e) {
        transport.failure = e;
        throw e;
      }
    },
  };
  telemetry.setNext(send);
  return graph.Client.initWithMiddleware({
    middleware: authentication,
    baseUrl: conn.graphEndpoint,
    defaultVersion: conn.apiVersion,
    // Auth headers are only attached for known Graph hosts or these (https only, host names without port).
    customHosts: new Set([new URL(conn.graphEndpoint).hostname.toLowerCase()]),
  });
}

async function toGraphError(res: Response, method: string, path: string, attempts: number, forbiddenToken?: string): Promise<GraphRequestError> {
  const text = await res.text().catch(() => "");
  const e = parseErrorEnvelope(res.status, res.statusText, text, res.headers.get("request-id") ?? undefined);
  const hint = forbiddenToken === undefined ? undefined : forbiddenHint(method, stripQuery(path), decodeClaims(forbiddenToken));
  return new GraphRequestError({
    method, path: stripQuery(path), status: res.status, code: e.code, serviceMessage: e.message, requestId: e.requestId, attempts, detailCodes: e.detailCodes, hint,
  });
}

/** The JSON body of a successful response; `undefined` for 204 or an empty body. */
async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError("UnexpectedAnswer", `Graph answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

function isReplicationLag(e: GraphRequestError): boolean {
  return (
    e.status === 404 ||
    (e.status === 400 && (e.detailCodes.includes("NoBackingApplicationObject") || /NoBackingApplicationObject/.test(e.serviceMessage)))
  );
}

interface TenantLimiter {
  acquire(): Promise<void>;
  release(): void;
  /** Hold every call to the tenant back for `ms` (Graph asked the app to slow down). */
  pauseFor(ms: number): void;
}

interface LimiterState {
  active: number;
  waiting: (() => void)[];
  pausedUntil: number;
}

/** Per-tenant concurrency limit, shared by every resource of the provider process (kept on globalThis). */
function tenantLimiter(conn: ResolvedConnection): TenantLimiter {
  const g = globalThis as unknown as Record<string, Record<string, LimiterState> | undefined>;
  const all = (g["ciam-tenant.graph.limiters"] ??= {});
  const state = (all[`${conn.graphEndpoint}|${conn.tenantId.toLowerCase()}`] ??= { active: 0, waiting: [], pausedUntil: 0 });
  const max = Math.max(1, conn.maxConcurrentRequests);
  return {
    async acquire() {
      if (state.active >= max) await new Promise<void>((resolve) => state.waiting.push(resolve));
      else state.active++;
      // A slot handed over by release() keeps `active` counted for us.
      while (state.pausedUntil > Date.now()) await delay(state.pausedUntil - Date.now());
    },
    release() {
      const next = state.waiting.shift();
      if (next) next();
      else state.active--;
    },
    pauseFor(ms: number) {
      state.pausedUntil = Math.max(state.pausedUntil, Date.now() + ms);
    },
  };
}
