/**
 * Errors of the ARM layer. As in the Graph layer, every failure names the call, the HTTP status, ARM's error code
 * and message and the request ids Azure support asks for (`x-ms-request-id`, `x-ms-correlation-request-id`).
 */
import { endSentence, redactCredentials, repairError } from "../graph/errors";

export interface ArmErrorDetails {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
  readonly armMessage: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly attempts: number;
  /** Why retrying or polling stopped, when it did. */
  readonly gaveUp?: string;
}

export class ArmRequestError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
  readonly armMessage: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly attempts: number;

  constructor(d: ArmErrorDetails) {
    const extra = [
      d.requestId ? `x-ms-request-id ${d.requestId}` : "no request id",
      d.correlationId ? `correlation id ${d.correlationId}` : undefined,
      d.attempts > 1 ? `${d.attempts} attempts` : undefined,
      d.gaveUp,
    ].filter(Boolean);
    const message = `ARM ${d.method} ${d.path} failed: ${d.status} ${d.code}: ${d.armMessage} (${extra.join("; ")})`;
    super(message);
    this.name = "ArmRequestError";
    repairError(this, ArmRequestError, message);
    this.method = d.method;
    this.path = d.path;
    this.status = d.status;
    this.code = d.code;
    this.armMessage = d.armMessage;
    this.requestId = d.requestId;
    this.correlationId = d.correlationId;
    this.attempts = d.attempts;
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
  return e instanceof Error && e.name === "ArmRequestError";
}
