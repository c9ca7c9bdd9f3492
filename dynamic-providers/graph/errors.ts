/**
 * Errors of the Graph layer. Every failure a user sees names the call, the HTTP status, Graph's error code and
 * message and the request-id Microsoft support asks for. The shared vocabulary (base class, not-found test,
 * unreachable service, redaction) lives in ../core/errors.ts; this file holds what only Graph has.
 */
import { endSentence, isRequestError, redactCredentials, repairError, ServiceRequestError, type RequestErrorDetails } from "../core";

export interface GraphErrorDetails extends RequestErrorDetails {
  /** Graph's `error.message`. */
  readonly serviceMessage: string;
  /** Graph's `error.details[]` codes, e.g. `NoBackingApplicationObject`. */
  readonly detailCodes?: readonly string[];
  /** What to do about it (403: the permission the call needs and how to grant it). */
  readonly hint?: string;
}

/** A failure Graph answered: the shared fields, plus Graph's detail codes. */
export class GraphRequestError extends ServiceRequestError {
  readonly detailCodes: readonly string[];

  constructor(d: GraphErrorDetails) {
    super("Graph", d, [d.requestId ? `request-id ${d.requestId}` : "no request-id"], d.hint);
    this.name = "GraphRequestError";
    repairError(this, GraphRequestError, this.message);
    this.detailCodes = d.detailCodes ?? [];
  }
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

export function isGraphError(e: unknown): e is GraphRequestError {
  return isRequestError(e) && e.service === "Graph";
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
