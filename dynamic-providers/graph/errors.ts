/**
 * Errors of the Graph layer. Every failure a user sees names the call, the HTTP status, Graph's error code and
 * message and the request-id Microsoft support asks for.
 */

export interface GraphErrorDetails {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
  readonly graphMessage: string;
  readonly requestId?: string;
  readonly attempts: number;
  /** Why retrying stopped, when it did (deadline reached). */
  readonly gaveUp?: string;
  /** Graph's `error.details[]` codes, e.g. `NoBackingApplicationObject`. */
  readonly detailCodes?: readonly string[];
  /** What to do about it (403: the permission the call needs and how to grant it). */
  readonly hint?: string;
}

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

export class GraphRequestError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
  readonly graphMessage: string;
  readonly requestId?: string;
  readonly attempts: number;
  readonly detailCodes: readonly string[];

  constructor(d: GraphErrorDetails) {
    const extra = [
      d.requestId ? `request-id ${d.requestId}` : "no request-id",
      d.attempts > 1 ? `${d.attempts} attempts` : undefined,
      d.gaveUp,
    ].filter(Boolean);
    const message =
      `Graph ${d.method} ${d.path} failed: ${d.status} ${d.code}: ${d.graphMessage} (${extra.join("; ")})` + (d.hint ? `. ${d.hint}` : "");
    super(message);
    this.name = "GraphRequestError";
    repairError(this, GraphRequestError, message);
    this.method = d.method;
    this.path = d.path;
    this.status = d.status;
    this.code = d.code;
    this.graphMessage = d.graphMessage;
    this.requestId = d.requestId;
    this.attempts = d.attempts;
    this.detailCodes = d.detailCodes ?? [];
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

/** A token could not be obtained for the tenant: wrong tenant, missing login, wrong secret. */
export class GraphAuthError extends Error {
  constructor(tenantId: string, authorityHost: string, cause: unknown) {
    const why = redactCredentials(cause instanceof Error ? cause.message : String(cause));
    const message =
      `Could not get a Microsoft Graph token for tenant ${tenantId} from ${authorityHost}: ${endSentence(why)} ` +
      `Sign in to that tenant (az login --tenant ${tenantId} --allow-no-subscriptions) or set AZURE_CLIENT_ID ` +
      `with AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE for an app registered in that tenant.`;
    super(message);
    this.name = "GraphAuthError";
    repairError(this, GraphAuthError, message);
  }
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

export function isGraphError(e: unknown): e is GraphRequestError {
  return e instanceof Error && e.name === "GraphRequestError";
}

/** 404: the object (or its parent) does not exist — gone, or not yet replicated right after a create. */
export function isNotFound(e: unknown): boolean {
  return isGraphError(e) && e.status === 404;
}

/** 409, or the directory's duplicate-key code on a 400. */
export function isConflict(e: unknown): boolean {
  return isGraphError(e) && (e.status === 409 || e.code === "Request_MultipleObjectsWithSameKeyValue");
}

/**
 * The identity the run would act as cannot do what the stack needs (token for another tenant, missing Graph
 * permission, contradictory credential variables). Raised before the call it is about is sent.
 */
export class GraphIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GraphIdentityError";
    repairError(this, GraphIdentityError, message);
  }
}
