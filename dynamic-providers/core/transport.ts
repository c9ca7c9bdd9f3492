/**
 * What the Graph layer and the ARM layer share about talking to a Microsoft REST service: reading `Retry-After`,
 * jittered back-off, the one retry-or-give-up decision against a deadline, and the `{error: {code, message}}`
 * envelope both services answer with. Pure functions only: this module stays serializable by value (the form of the
 * providers in older states), so it holds no SDK object and reads nothing at load time.
 */

/** Statuses worth another attempt on Graph and ARM alike: throttled, unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: readonly number[] = [429, 503, 504];

/** Upper bound of one back-off step when the service gives no Retry-After. */
export const MAX_BACKOFF_MS = 60_000;

/** `Retry-After` in seconds or as an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Jittered exponential back-off: min·2^(n-1), capped, times a factor in [0.5, 1). */
export function backoff(minDelayMs: number, attempt: number, maxDelayMs = MAX_BACKOFF_MS): number {
  const base = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt - 1, 16));
  return Math.max(minDelayMs, Math.round(base * (0.5 + Math.random() / 2)));
}

/**
 * How long to wait before attempt `attempt + 1`, or `undefined` when that wait would end past `deadline` (epoch
 * ms): the server's `Retry-After` when it sent one, else back-off. One rule for every retry and poll loop.
 */
export function nextWait(retryAfterMs: number | undefined, minDelayMs: number, attempt: number, deadline: number, maxDelayMs?: number): number | undefined {
  // Never less than the smallest back-off: a `Retry-After: 0` (or a date already past) would otherwise make every
  // loop spin without pause until its deadline.
  const wait = Math.max(retryAfterMs ?? backoff(minDelayMs, attempt, maxDelayMs), minDelayMs);
  return Date.now() + wait > deadline ? undefined : wait;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The parts of a Microsoft error response a user needs: code, message, detail codes, request id. */
export interface ErrorEnvelope {
  readonly code: string;
  readonly message: string;
  readonly detailCodes: string[];
  readonly requestId?: string;
}

/**
 * Reads `{"error": {"code", "message", "details": [{code}], "innerError": {"request-id"}}}` (Graph and ARM share
 * the shape); a body that is not JSON (gateways answer some 5xx in HTML) is kept as the message.
 */
export function parseErrorEnvelope(status: number, statusText: string, text: string, headerRequestId: string | undefined): ErrorEnvelope {
  let code = `HTTP${status}`;
  let message = text.slice(0, 500) || statusText || "no response body";
  let requestId = headerRequestId;
  let detailCodes: string[] = [];
  try {
    const envelope = JSON.parse(text) as {
      error?: { code?: string; message?: string; innerError?: Record<string, string>; details?: { code?: string }[] };
    };
    if (envelope.error) {
      code = envelope.error.code ?? code;
      message = envelope.error.message ?? message;
      requestId = envelope.error.innerError?.["request-id"] ?? requestId;
      detailCodes = (envelope.error.details ?? []).map((d) => d.code ?? "").filter(Boolean);
    }
  } catch {
    // Not JSON: keep the raw text.
  }
  return { code, message, detailCodes, ...(requestId ? { requestId } : {}) };
}

/** A path without its query string, for error messages (queries may be long and hold filters). */
export function stripQuery(path: string): string {
  return path.split("?")[0]!;
}

/** One look at something being waited for: done (with its value), or not yet (why, and when to look again). */
export type PollAnswer<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly reason: string; readonly retryAfterMs?: number };

export interface PollOptions<T> {
  /** Give up after this many seconds. */
  readonly deadlineSeconds: number;
  /** First back-off step when the probe names no Retry-After; doubles up to `maxDelayMs`. */
  readonly minDelayMs: number;
  readonly maxDelayMs?: number;
  readonly probe: () => Promise<PollAnswer<T>>;
  /** Called before each wait, so a long wait shows progress (see provider-kit `progress`). */
  readonly onWait?: (attempt: number, reason: string, waitMs: number, deadline: Date) => void;
}

/** The outcome of {@link pollUntil}: the value, or the last reason when the deadline came first. */
export type PollOutcome<T> = { readonly done: true; readonly value: T; readonly attempts: number } | { readonly done: false; readonly reason: string; readonly attempts: number };

/**
 * Asks `probe` until it answers done or the deadline is reached, waiting between looks what the service asked
 * (`retryAfterMs`) or jittered back-off — never a fixed sleep. A probe that throws ends the wait with that error.
 */
export async function pollUntil<T>(opts: PollOptions<T>): Promise<PollOutcome<T>> {
  const deadline = Date.now() + opts.deadlineSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    const answer = await opts.probe();
    if (answer.done) return { done: true, value: answer.value, attempts: attempt };
    const wait = nextWait(answer.retryAfterMs, opts.minDelayMs, attempt, deadline, opts.maxDelayMs);
    if (wait === undefined) return { done: false, reason: answer.reason, attempts: attempt };
    opts.onWait?.(attempt, answer.reason, wait, new Date(deadline));
    await delay(wait);
  }
}

/**
 * Causes (undici's `cause.code`) of a request that got no answer and may be sent again: the connection was reset or
 * closed under it (a keep-alive connection the server or a proxy had just closed), or it timed out. A refused
 * connection, an unknown host or a certificate error is not among them: it names a wrong endpoint or a broken
 * network, and waiting would only delay the error.
 */
export const TRANSIENT_NETWORK_CODES: readonly string[] = [
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
];

/** A request that got no HTTP answer: what the connection said, and whether the same request may be sent again. */
export interface NetworkFailure {
  /** `ECONNRESET`, `UND_ERR_SOCKET`, `ENOTFOUND`, … or `unknown`. */
  readonly code: string;
  /** `UND_ERR_SOCKET: other side closed`: the cause as the user should read it. */
  readonly detail: string;
  readonly transient: boolean;
}

/**
 * What a `fetch()` rejection says about the connection, or `undefined` when it is not a network failure. Node's
 * fetch (undici) rejects every network failure as `TypeError: fetch failed` with the socket's error as `cause`;
 * duck-typed, since serialized provider code may see errors of another realm.
 * @see https://undici.nodejs.org/#/docs/api/Errors
 */
export function networkFailure(e: unknown): NetworkFailure | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const err = e as { name?: unknown; message?: unknown; cause?: unknown };
  if (err.name !== "TypeError" || err.message !== "fetch failed") return undefined;
  const cause = (typeof err.cause === "object" && err.cause !== null ? err.cause : {}) as { code?: unknown; message?: unknown };
  const code = typeof cause.code === "string" && cause.code !== "" ? cause.code : "unknown";
  const message = typeof cause.message === "string" && cause.message !== "" ? cause.message : "no cause given";
  return { code, detail: code === "unknown" ? message : `${code}: ${message}`, transient: TRANSIENT_NETWORK_CODES.includes(code) };
}

/**
 * May a request with this method be sent again when it is unknown whether the service received it? Every GET, PUT
 * and DELETE, and this project's PATCHes (each sets absolute values: sending one twice ends in the same object).
 * A POST creates or links something, so sending it twice could make two: its caller looks for what it made first.
 */
export function isRepeatable(method: string): boolean {
  return method.toUpperCase() !== "POST";
}
