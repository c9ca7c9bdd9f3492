/**
 * Errors of the ARM layer. As in the Graph layer, every failure names the call, the HTTP status, ARM's error code
 * and message and the request ids Azure support asks for (`x-ms-request-id`, `x-ms-correlation-request-id`).
 */
import { endSentence, isRequestError, redactCredentials, repairError, ServiceRequestError, type RequestErrorDetails } from "../core";

export interface ArmErrorDetails extends RequestErrorDetails {
  /** ARM's `error.message`. */
  readonly serviceMessage: string;
  readonly correlationId?: string;
}

/** A failure ARM answered: the shared fields, plus ARM's correlation id. */
export class ArmRequestError extends ServiceRequestError {
  readonly correlationId?: string;

  constructor(d: ArmErrorDetails) {
    super("ARM", d, [
      d.requestId ? `x-ms-request-id ${d.requestId}` : "no request id",
      d.correlationId ? `correlation id ${d.correlationId}` : undefined,
    ]);
    this.name = "ArmRequestError";
    repairError(this, ArmRequestError, this.message);
    this.correlationId = d.correlationId;
  }
}

/** No ARM token for the home tenant: not signed in, signed in elsewhere, or an app where a user is required. */
export class ArmAuthError extends Error {
  constructor(homeTenantId: string, authorityHost: string, cause: unknown) {
    const why = redactCredentials(cause instanceof Error ? cause.message : String(cause));
    const message =
      `Could not get an Azure Resource Manager token for tenant ${homeTenantId} from ${authorityHost}: ${endSentence(why)} ` +
      `Sign in as a user of that tenant who holds Tenant Creator (or Contributor) on the subscription ` +
      `(az login --tenant ${homeTenantId}); creating an external tenant needs a user (ARM scope user_impersonation).`;
    super(message);
    this.name = "ArmAuthError";
    repairError(this, ArmAuthError, message);
  }
}

export function isArmError(e: unknown): e is ArmRequestError {
  return isRequestError(e) && e.service === "ARM";
}
