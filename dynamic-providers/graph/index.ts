/** The Graph layer: the only way the dynamic providers reach Microsoft Graph. */
export { graphClient, accessTokenFor, callerIdentity, identityOfToken, parseRetryAfter, backoff, type GraphClient, type RequestOptions, type BinaryContent, type CallerIdentity } from "./client";
export { resolveConnection, graphScope, PUBLIC_CLOUD, type GraphConnection, type GraphApiVersion, type ResolvedConnection } from "./connection";
export { credentialFor, gitHubActionsAssertion, type CredentialTarget } from "./credentials";
export { selectIdentity, azureadSelection, identityDisagreement, describeSelection, IdentityConfigurationError, type IdentitySelection, type CredentialKind } from "./identity";
export { GRAPH_OPERATIONS, operationFor, allows, requiredApplicationPermissions, deniedOperations, type GraphOperation, type StackFeature, type StackFeatures } from "./permissions";
export { decodeClaims, isAppOnly, tenantProblem, missingPermissionsProblem, forbiddenHint, type TokenClaims } from "./diagnosis";
export { GraphRequestError, GraphAuthError, GraphIdentityError, ServiceUnreachableError, isGraphError, isUnreachable, isAnswerLost, isNotFound, isConflict, repairError, endSentence } from "./errors";
