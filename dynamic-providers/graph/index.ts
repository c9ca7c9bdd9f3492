/** The Graph layer: the only way the dynamic providers reach Microsoft Graph. */
export { graphClient, accessTokenFor, callerIdentity, identityOfToken, type GraphClient, type RequestOptions, type BinaryContent, type CallerIdentity } from "./client";
export { resolveConnection, graphScope, PUBLIC_CLOUD, type GraphConnection, type GraphApiVersion, type ResolvedConnection } from "./connection";
export { GRAPH_OPERATIONS, operationFor, allows, requiredApplicationPermissions, deniedOperations, type GraphOperation, type StackFeature, type StackFeatures } from "./permissions";
export { decodeClaims, isAppOnly, tenantProblem, missingPermissionsProblem, forbiddenHint, audienceProblem, type TokenClaims } from "./diagnosis";
export { tenantMetadata } from "./metadata";
export { GraphRequestError, GraphAuthError, GraphIdentityError, isGraphError, isConflict, type GraphErrorDetails } from "./errors";
