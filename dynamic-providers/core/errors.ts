/**
 * The one error vocabulary below both transports (Graph and ARM) and the providers: the base of every failure a
 * service answered, the failure of a request that got no answer, the coded failure of a provider, and what makes
 * any of them reach the terminal as its message alone (see reportable() in provider-kit.ts).
 */

/**
 * Makes an instance of an Error subclass whole when its class was rewritten by Pulumi's closure serializer, as it
 * is inside every deployed dynamic provider: the rewrite calls `Error.call(this, message)` (which sets nothing on
 * `this`) and links the constructor, not its prototype, to Error. Without this the provider reports errors with
 * no text, no stack and failing `instanceof Error`. Harmless for the original class.
 */
export function repairError(self: Error, ctor: { prototype: object }, message: string): void {
  if (!(ctor.prototype instanceof Error)) Object.setPrototypeOf(ctor.prototype, Error.prototype);
  self.message = message;
  if (!self.stack || !self.stack.includes(message)) Error.captureStackTrace?.(self, repairError);
  // Every error class of the project calls this: each is a failure whose message is complete (cause and fix), so
  // the providers report it as its message alone, without a trace (see reportable() in provider-kit.ts).
  Object.defineProperty(self, USER_FACING, { value: true, enumerable: false, configurable: true, writable: true });
}

/** Property naming an error as user-facing: its message says everything, a stack trace would only add noise. */
export const USER_FACING = "ciamUserFacing";

/**
 * True for the project's own errors (Graph, ARM, credential, permission, readiness, guard): failures a person fixes
 * from the message alone. False for anything else — a TypeError is a bug, and its trace is what finds it.
 */
export function isUserFacing(e: unknown): e is Error {
  // No instanceof: an error built by serialized code may come from another realm (tests, vm contexts).
  return typeof e === "object" && e !== null && (e as Record<string, unknown>)[USER_FACING] === true && typeof (e as Error).message === "string";
}

/** The service a request went to. */
export type Service = "Graph" | "ARM";

/** What every failed request names, whichever service answered. */
export interface RequestErrorDetails {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The service's error code (`Request_ResourceNotFound`, `SubscriptionNotFound`, …). */
  readonly code: string;
  readonly requestId?: string;
  readonly attempts: number;
  /** Why retrying or polling stopped, when it did. */
  readonly gaveUp?: string;
}

/** Marks a ServiceRequestError without instanceof, which fails across realms and in serialized provider code. */
const REQUEST_ERROR = "ciamRequestError";

/**
 * A request the service answered with an error status: the call, the status, the service's code and message and
 * the request ids support asks for, in one message. GraphRequestError and ArmRequestError are thin subclasses that
 * add what only their service has (Graph's detail codes and permission hint, ARM's correlation id). Fields only:
 * a method here would be lost when Pulumi's closure serializer rewrites the classes.
 */
export class ServiceRequestError extends Error {
  readonly service: Service;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
  /** The service's own words (`error.message`). */
  readonly serviceMessage: string;
  readonly requestId?: string;
  readonly attempts: number;

  /** `ids`: how the service's request ids read in the message (`request-id …`, `no request id`, …). */
  protected constructor(service: Service, d: RequestErrorDetails & { readonly serviceMessage: string }, ids: readonly (string | undefined)[], hint?: string) {
    const extra = [...ids, d.attempts > 1 ? `${d.attempts} attempts` : undefined, d.gaveUp].filter(Boolean);
    const message = `${service} ${d.method} ${d.path} failed: ${d.status} ${d.code}: ${d.serviceMessage} (${extra.join("; ")})` + (hint ? `. ${hint}` : "");
    super(message);
    repairError(this, ServiceRequestError, message);
    Object.defineProperty(this, REQUEST_ERROR, { value: true, enumerable: false, configurable: true, writable: true });
    this.service = service;
    this.method = d.method;
    this.path = d.path;
    this.status = d.status;
    this.code = d.code;
    this.serviceMessage = d.serviceMessage;
    this.requestId = d.requestId;
    this.attempts = d.attempts;
  }
}

/** A failure Graph or ARM answered (any status). */
export function isRequestError(e: unknown): e is ServiceRequestError {
  return typeof e === "object" && e !== null && (e as Record<string, unknown>)[REQUEST_ERROR] === true;
}

/**
 * The one not-found test, for both services: 404, the object (or its parent) does not exist — gone, or not yet
 * replicated right after a create.
 */
export function isNotFound(e: unknown): e is ServiceRequestError {
  return isRequestError(e) && e.status === 404;
}

/**
 * A request to Graph or ARM got no HTTP answer (reset, refused, unknown host, TLS, timeout), after the retries a
 * repeatable request gets. Names the call, the origin and the connection's own words, and what to do.
 */
export class ServiceUnreachableError extends Error {
  readonly service: "Graph" | "ARM";
  readonly method: string;
  readonly path: string;
  /** The connection's error code (`ECONNRESET`, `ENOTFOUND`, …). */
  readonly networkCode: string;
  /** The connection broke (reset, closed, timed out), as opposed to a refused connection or an unknown host. */
  readonly transient: boolean;
  readonly attempts: number;

  constructor(d: { service: "Graph" | "ARM"; method: string; path: string; origin: string; networkCode: string; detail: string; transient: boolean; attempts: number; retryDeadlineSeconds?: number }) {
    const endpointKey = d.service === "Graph" ? "ciam-tenant:endpoints.graph" : "ciam-tenant:endpoints.resourceManager";
    const fix = !d.transient
      ? `Check ${endpointKey} (${d.origin}) and that this machine reaches it (DNS, proxy, firewall, TLS certificates).`
      : d.method.toUpperCase() === "POST"
        ? `The connection broke before ${d.service} answered, so it is not known whether the request took effect; run pulumi up again: a create first looks for the object it would make and adopts it.`
        : `The connection kept breaking until the ${d.retryDeadlineSeconds ?? "?"}s retry deadline (ciam-tenant:graph.retryDeadlineSeconds): check the network to ${d.origin}, then run pulumi up again.`;
    const message =
      `${d.service} ${d.method} ${d.path} got no answer from ${d.origin}: ${d.detail}` +
      (d.attempts > 1 ? ` (${d.attempts} attempts)` : "") +
      `. ${fix}`;
    super(message);
    this.name = "ServiceUnreachableError";
    repairError(this, ServiceUnreachableError, message);
    this.service = d.service;
    this.method = d.method;
    this.path = d.path;
    this.networkCode = d.networkCode;
    this.transient = d.transient;
    this.attempts = d.attempts;
  }
}

export function isUnreachable(e: unknown): e is ServiceUnreachableError {
  return e instanceof Error && e.name === "ServiceUnreachableError";
}

/**
 * A POST whose connection broke before the answer came: it may or may not have taken effect. A create then looks
 * for what it would have made, and sends the POST once more only when that is not there.
 */
export function isAnswerLost(e: unknown): boolean {
  return isUnreachable(e) && e.transient && e.method.toUpperCase() === "POST";
}

/** What went wrong, when it is not an error status of Graph or ARM: one stable code per kind of failure. */
export type ProviderErrorCode =
  /** A service answered success with a body the provider cannot use (no id, not JSON, endless paging). */
  | "UnexpectedAnswer"
  /** The tenant holds an object that contradicts the config (same name, other type; app linked elsewhere). */
  | "Conflict"
  /** An object the state knows is gone from the tenant: `pulumi refresh` makes the stack create it again. */
  | "Gone"
  /** Graph refused to delete an object; it stays in the tenant until removed by hand. */
  | "DeleteRefused"
  /** A temporary object the provider made could not be removed, or no free name was left to make one. */
  | "Leftover"
  /** A file named in the config cannot be read. */
  | "FileUnreadable"
  /** A file changed between the program's hash and the upload. */
  | "FileChanged"
  /** The state was written by a newer version of the provider, or by one no upgrade path knows. */
  | "StateVersion"
  /** No token could be had (the credential returned none, the CI issued none, an identity the layers cannot use). */
  | "Credential"
  /** A service handed back a URL off its configured origin, which would receive the token. */
  | "UnsafeUrl"
  /** The providers package in node_modules is missing, cannot be built, or does not know a provider state names. */
  | "ProvidersPackage";

/**
 * A coded failure of the project's own code (never a bare Error): `code` is stable for callers of the Automation
 * API; the message is complete (what failed, the value, what to do) and reaches the terminal alone, without frames.
 */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;

  constructor(code: ProviderErrorCode, message: string) {
    super(message);
    this.name = "ProviderError";
    repairError(this, ProviderError, message);
    this.code = code;
  }
}

/**
 * The text of a credential failure without what could be a credential: `@azure/identity` sometimes quotes a whole
 * HTTP exchange in its errors (AzurePipelinesCredential puts `JSON.stringify(response)`, request headers included,
 * into the message when the OIDC response is empty), and these messages reach the CLI, CI logs and update logs.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]")
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted-jwt]")
    .replace(/((?:client_secret|client_assertion|access_token|refresh_token|id_token)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, "$1[redacted]");
}

/** Ends quoted text with exactly one full stop: the Azure CLI's own texts end in one already ("run 'az login'."). */
export function endSentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
