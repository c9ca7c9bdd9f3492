import type { JsonObject } from "./types";

/** One `details[]` entry of a directory error (reference §6). */
export interface GraphErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** Thrown by handlers; rendered as the Graph error envelope (reference §6). */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: GraphErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): GraphHttpError =>
  new GraphHttpError(
    404,
    "Request_ResourceNotFound",
    `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (message: string, details?: GraphErrorDetail[]): GraphHttpError =>
  new GraphHttpError(400, "Request_BadRequest", message, details);

export const conflict = (message: string): GraphHttpError =>
  new GraphHttpError(409, "Request_MultipleObjectsWithSameKeyValue", message);

export const unsupportedQuery = (message: string): GraphHttpError =>
  new GraphHttpError(400, "Request_UnsupportedQuery", message);

export const segmentNotFound = (segment: string): GraphHttpError =>
  new GraphHttpError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);

export const methodNotAllowed = (): GraphHttpError =>
  new GraphHttpError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");

/** `{"error":{code,message,innerError:{request-id,date,client-request-id}}}` (reference §6). */
export function errorEnvelope(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string | undefined,
  details?: GraphErrorDetail[],
): JsonObject {
  const inner: JsonObject = { date: new Date().toISOString().slice(0, 19), "request-id": requestId };
  if (clientRequestId) inner["client-request-id"] = clientRequestId;
  const error: JsonObject = { code, message };
  if (details && details.length > 0) error.details = details.map((d) => ({ ...d }));
  error.innerError = inner;
  return { error };
}
