/**
 * The one Azure Resource Manager transport of the project, beside the Graph layer and built on the same rules
 * (shared with it through `../transport`):
 *
 * - The token comes from `credentialFor` (graph/credentials.ts), the project's single credential entry point,
 *   asked for the HOME tenant (the subscription's) and the ARM `.default` scope. It is obtained before each request
 *   (the credential caches it), so every credential failure is one ArmAuthError.
 * - Retried: 429/503/504, honouring `Retry-After`, else jittered back-off, until `retryDeadlineSeconds`; nothing
 *   else. The final error keeps ARM's code and message and the `x-ms-request-id` / correlation id.
 * - Long-running operations: `waitForOperation` follows `Azure-AsyncOperation` (preferred) or `Location`, sleeping
 *   what each answer's `Retry-After` asks (ARM sends 60 s on a tenant create), until a deadline.
 *   @see https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/async-operations
 *
 * Plain `fetch`, required SDK objects inside functions only: this file stays serializable by value, as the providers.
 */
import { credentialFor, isNotFound, ServiceUnreachableError, delay, isRepeatable, networkFailure, nextWait, parseErrorEnvelope, parseRetryAfter, RETRYABLE_STATUSES, stripQuery, ProviderError } from "../core";
import { armScope, resolveArmConnection, type ArmConnection, type ResolvedArmConnection } from "./connection";
import { ArmAuthError, ArmRequestError } from "./errors";

/** One ARM answer: status, headers and the JSON body (undefined when empty). */
export interface ArmResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface ArmClient {
  readonly connection: ResolvedArmConnection;
  /** GET; fails on any non-2xx answer. */
  get<T>(path: string, apiVersion: string): Promise<T>;
  /** GET that answers `undefined` on 404 (the resource, its group or its subscription is not there). */
  getOrUndefined<T>(path: string, apiVersion: string): Promise<T | undefined>;
  post<T>(path: string, apiVersion: string, body: unknown): Promise<T>;
  /** Any verb, answering the raw response (for long-running operations, see waitForOperation). */
  send<T = unknown>(method: HttpMethod, path: string, apiVersion: string, body?: unknown): Promise<ArmResponse<T>>;
  /**
   * Follows a long-running operation started by `started` until it ends: resolves with the final resource body (or
   * undefined), throws ArmRequestError when the operation fails, is canceled or outlives `deadlineSeconds`.
   */
  waitForOperation<T = unknown>(started: ArmResponse, deadlineSeconds: number, onProgress?: (status: string) => void): Promise<T | undefined>;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export function armClient(connection: ArmConnection): ArmClient {
  const conn = resolveArmConnection(connection);
  const client: ArmClient = {
    connection: conn,
    async get<T>(path: string, apiVersion: string) {
      return (await sendWithRetries<T>(conn, "GET", withApiVersion(path, apiVersion))).body;
    },
    async getOrUndefined<T>(path: string, apiVersion: string) {
      try {
        return (await sendWithRetries<T>(conn, "GET", withApiVersion(path, apiVersion))).body;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async post<T>(path: string, apiVersion: string, body: unknown) {
      return (await sendWithRetries<T>(conn, "POST", withApiVersion(path, apiVersion), body)).body;
    },
    send<T>(method: HttpMethod, path: string, apiVersion: string, body?: unknown) {
      return sendWithRetries<T>(conn, method, withApiVersion(path, apiVersion), body);
    },
    waitForOperation<T>(started: ArmResponse, deadlineSeconds: number, onProgress?: (status: string) => void) {
      return waitForOperation<T>(conn, started, deadlineSeconds, onProgress);
    },
  };
  return client;
}

function withApiVersion(path: string, apiVersion: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}api-version=${encodeURIComponent(apiVersion)}`;
}

async function sendWithRetries<T>(conn: ResolvedArmConnection, method: HttpMethod, pathOrUrl: string, body?: unknown): Promise<ArmResponse<T>> {
  const started = Date.now();
  const deadline = started + conn.retryDeadlineSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await sendOnce(conn, method, pathOrUrl, body);
    } catch (e) {
      const failure = networkFailure(e);
      if (!failure) throw e;
      const unanswered = new ServiceUnreachableError({
        service: "ARM", method, path: displayPath(pathOrUrl), origin: new URL(conn.resourceManagerEndpoint).origin, networkCode: failure.code,
        detail: failure.detail, transient: failure.transient, attempts: attempt, retryDeadlineSeconds: conn.retryDeadlineSeconds,
      });
      // checkNameAvailability is a read sent as POST: repeatable too. Any other POST (provider registration) is not.
      const repeatable = isRepeatable(method) || /\/checkNameAvailability(\?|$)/i.test(pathOrUrl);
      const wait = failure.transient && repeatable ? nextWait(undefined, conn.minRetryDelayMs, attempt, deadline) : undefined;
      if (wait === undefined) throw unanswered;
      await delay(wait);
      continue;
    }
    if (res.ok) return { status: res.status, headers: res.headers, body: (await readJson(res, method, pathOrUrl)) as T };
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    const err = await toArmError(res, method, pathOrUrl, attempt);
    if (!RETRYABLE_STATUSES.includes(res.status)) throw err;
    const wait = nextWait(retryAfterMs, conn.minRetryDelayMs, attempt, deadline);
    if (wait === undefined) {
      throw new ArmRequestError({
        method: err.method, path: err.path, status: err.status, code: err.code, serviceMessage: err.serviceMessage, requestId: err.requestId,
        correlationId: err.correlationId, attempts: attempt,
        gaveUp: `gave up: still failing when the ${conn.retryDeadlineSeconds}s retry deadline was reached`,
      });
    }
    await delay(wait);
  }
}

async function sendOnce(conn: ResolvedArmConnection, method: HttpMethod, pathOrUrl: string, body: unknown): Promise<Response> {
  const url = resolveUrl(conn, pathOrUrl);
  const token = await tokenFor(conn);
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  // A throw here is a network failure (reset, DNS, TLS, refused): sendWithRetries decides what it means.
  return await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

/**
 * A path joins the configured endpoint; an absolute URL (an operation-status URL ARM handed back) must be on that
 * same origin, since it receives the bearer token.
 */
function resolveUrl(conn: ResolvedArmConnection, pathOrUrl: string): string {
  const base = new URL(conn.resourceManagerEndpoint);
  if (!/^https?:\/\//i.test(pathOrUrl)) return `${base.origin}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
  const url = new URL(pathOrUrl);
  if (url.origin !== base.origin) {
    throw new ProviderError("UnsafeUrl", `ARM handed back an operation URL on ${url.origin}, not on the configured endpoint ${base.origin}; refusing to send it a token`);
  }
  return url.toString();
}

async function tokenFor(conn: ResolvedArmConnection): Promise<string> {
  try {
    // The one credential entry point, signed in to the HOME tenant (the subscription's), not the CIAM tenant.
    const credential = credentialFor({ tenantId: conn.homeTenantId, authorityHost: conn.authorityHost });
    const token = await credential.getToken(armScope(conn.resourceManagerEndpoint));
    if (!token?.token) throw new ProviderError("Credential", "the credential returned no token");
    return token.token;
  } catch (e) {
    throw new ArmAuthError(conn.homeTenantId, conn.authorityHost, e);
  }
}

async function toArmError(res: Response, method: string, pathOrUrl: string, attempts: number): Promise<ArmRequestError> {
  const text = await res.text().catch(() => "");
  const e = parseErrorEnvelope(res.status, res.statusText, text, res.headers.get("x-ms-request-id") ?? undefined);
  return new ArmRequestError({
    method, path: displayPath(pathOrUrl), status: res.status, code: e.code, serviceMessage: e.message, requestId: e.requestId,
    correlationId: res.headers.get("x-ms-correlation-request-id") ?? undefined, attempts,
  });
}

function displayPath(pathOrUrl: string): string {
  return stripQuery(/^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl);
}

async function readJson(res: Response, method: string, pathOrUrl: string): Promise<unknown> {
  const text = await res.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError("UnexpectedAnswer", `ARM ${method} ${displayPath(pathOrUrl)} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Terminal statuses of an ARM asynchronous operation (`Azure-AsyncOperation` body `status`). */
const FAILED_STATUSES = ["failed", "canceled", "cancelled"];

async function waitForOperation<T>(
  conn: ResolvedArmConnection,
  started: ArmResponse,
  deadlineSeconds: number,
  onProgress?: (status: string) => void,
): Promise<T | undefined> {
  const asyncUrl = started.headers.get("azure-asyncoperation");
  const locationUrl = started.headers.get("location");
  if (!asyncUrl && !locationUrl) return started.body as T | undefined; // finished synchronously (200/204)
  const deadline = Date.now() + deadlineSeconds * 1000;
  let retryAfterMs = parseRetryAfter(started.headers.get("retry-after"));
  for (let poll = 1; ; poll++) {
    const wait = nextWait(retryAfterMs, conn.minRetryDelayMs, poll, deadline);
    if (wait === undefined) {
      throw new ArmRequestError({
        method: "GET", path: displayPath(asyncUrl ?? locationUrl!), status: started.status, code: "OperationTimeout",
        serviceMessage: `the operation had not finished after ${deadlineSeconds}s (${poll - 1} polls)`, attempts: poll - 1,
        gaveUp: "gave up at the polling deadline",
      });
    }
    await delay(wait);
    const res = await sendWithRetries<{ status?: string; error?: { code?: string; message?: string } }>(conn, "GET", asyncUrl ?? locationUrl!);
    retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    if (asyncUrl) {
      const status = res.body?.status ?? "";
      onProgress?.(status);
      if (status.toLowerCase() === "succeeded") return started.body as T | undefined;
      if (FAILED_STATUSES.includes(status.toLowerCase())) {
        throw new ArmRequestError({
          method: "GET", path: displayPath(asyncUrl), status: res.status, code: res.body?.error?.code ?? status,
          serviceMessage: res.body?.error?.message ?? `the operation ended ${status}`, requestId: res.headers.get("x-ms-request-id") ?? undefined,
          correlationId: res.headers.get("x-ms-correlation-request-id") ?? undefined, attempts: poll,
        });
      }
    } else {
      onProgress?.(String(res.status));
      if (res.status !== 202) return res.body as T | undefined;
    }
  }
}
