/** The Graph layer: the only way the dynamic providers reach Microsoft Graph. */
export { graphClient, callerIdentity, identityOfToken, parseRetryAfter, backoff, type GraphClient, type RequestOptions, type BinaryContent, type CallerIdentity } from "./client";
export { resolveConnection, graphScope, PUBLIC_CLOUD, type GraphConnection, type GraphApiVersion, type ResolvedConnection } from "./connection";
export { credentialKind } from "./credentials";
export { GraphRequestError, GraphAuthError, isGraphError, isNotFound, isConflict, repairError } from "./errors";
