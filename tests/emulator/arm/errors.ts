/**
 * Azure Resource Manager errors: `{"error":{"code","message","details"?}}` with `x-ms-request-id` /
 * `x-ms-correlation-request-id` headers (arm-and-auth reference §1.2; the envelope is ARM's common ErrorResponse,
 * `common-types/resource-management/v5/types.json`).
 */
import { GraphErrorDetail, GraphHttpError } from "../errors";
import type { JsonObject } from "../types";

export type ArmErrorDetail = GraphErrorDetail;

/** Same carrier as Graph's (status, code, message, details, headers); rendered with ARM's envelope and headers. */
export class ArmHttpError extends GraphHttpError {
  /** Top-level `error.target`, when ARM names one. */
  target?: string;
}

export function armEnvelope(code: string, message: string, details?: ArmErrorDetail[], target?: string): JsonObject {
  const error: JsonObject = { code, message };
  if (target) error.target = target;
  if (details && details.length > 0) error.details = details.map((d) => ({ ...d }));
  return { error };
}

export const armBadRequest = (message: string, code = "BadRequest"): ArmHttpError => new ArmHttpError(400, code, message);

/** The resource itself is missing (ARM's wording, with its aka.ms pointer). */
export const resourceNotFound = (type: string, name: string, resourceGroup: string): ArmHttpError =>
  new ArmHttpError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
