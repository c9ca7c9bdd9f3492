/**
 * The stack configuration (namespace `ciam-tenant`): its schema, its defaults and the values derived from it.
 *
 * `index.ts` calls {@link loadStackConfig} once, before any resource is registered; components receive the typed,
 * defaults-applied {@link StackConfig} and never read Pulumi config themselves. Every problem in the config is
 * reported at once, one line each, as `<path>: <value> <what is wrong>; allowed: <what is allowed>`.
 *
 * One file per section, each holding its schema and the types derived from it (`z.output`), so every shape is
 * written once: `tenant.ts`, `apps.ts`, `user-flows.ts`, `branding.ts` (with `images.ts`), `automation.ts`,
 * `settings.ts` (endpoints, Graph tuning, readiness, teardown, lifecycle); `references.ts` checks across sections,
 * `stack.ts` composes them, `load.ts` reads Pulumi config, `messages.ts` and `fields.ts` are the shared message
 * style and leaf builders. This module is the one import for everything else.
 *
 * The contract is the "Stack configuration" section of `docs/design.md`.
 */
export type { BrandingAsset, BrandingAssetKind } from "./images";
export { CONFIG_NAMESPACE, ConfigValidationError, describeProblem, formatConfigPath } from "./messages";
export { GUID_SOURCES, NIL_GUID, placeholderProblem } from "./fields";
export {
  DATA_LOCATIONS,
  ISO_3166_ALPHA2,
  SUBDOMAIN_SUFFIXES,
  SUBDOMAIN_SUFFIX_LENGTH,
  TENANT_SKUS,
  stackSubdomainSuffix,
  type CreateTenantConfig,
  type DataLocation,
  type ExistingTenantConfig,
  type ResourceGroupConfig,
  type TenantConfig,
  type TenantDerived,
  type TenantSku,
} from "./tenant";
export { MAX_REDIRECT_URIS, redirectUriMatchKey, redirectUriProblem, type AppConfig, type ExistingAppConfig, type SpaAppConfig } from "./apps";
export {
  BUILT_IN_ATTRIBUTES,
  CUSTOM_ATTRIBUTE_DATA_TYPES,
  IDENTITY_PROVIDER_IDS,
  IDENTITY_PROVIDER_KINDS,
  type CustomAttributeConfig,
  type CustomAttributeDataType,
  type IdentityProviderKind,
  type UserFlowAttributeConfig,
  type UserFlowConfig,
} from "./user-flows";
export {
  localeKeyProblem,
  type BrandingConfig,
  type BrandingImages,
  type BrandingPropertiesConfig,
  type LoginPageLayoutConfiguration,
  type LoginPageTextVisibilitySettings,
} from "./branding";
export {
  DEFAULT_GRAPH_TUNING,
  DEFAULT_READINESS,
  DEFAULT_TEARDOWN,
  PUBLIC_CLOUD_ENDPOINTS,
  type EndpointsConfig,
  type GraphTuningConfig,
  type Lifecycle,
  type ReadinessConfig,
  type TeardownConfig,
} from "./settings";
export {
  GITHUB_OIDC_ISSUER,
  MAX_FEDERATED_CREDENTIALS,
  automationSubjects,
  branchNameProblem,
  type AutomationConfig,
  type AzureDevOpsAutomationConfig,
  type FederatedSubject,
  type GitHubAutomationConfig,
} from "./automation";
export { appleKeyRenewBy, identityProviderRedirectUris, type IdentityProviderConfig } from "./identity-providers";
export { parseStackConfig, stackConfigSchema, type ParseStackConfigOptions, type StackConfig } from "./stack";
export { loadIdentityProviderSecrets, loadStackConfig } from "./load";
