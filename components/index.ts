/** The program's component resources and the logical names of their children. */
export { CiamTenant, MICROSOFT_GRAPH_APP_ID } from "./tenant";
export type { CiamTenantArgs, GraphServicePrincipal } from "./tenant";
export { SpaApplication, GRAPH_DELEGATED_SCOPES } from "./spa-application";
export type { SpaApplicationArgs, SpaApplicationTenant, MsalBrowserConfig } from "./spa-application";
export { SignInExperience } from "./sign-in-experience";
export { AutomationIdentity, stackFeatures, TOKEN_EXCHANGE_AUDIENCE } from "./automation-identity";
export type { AutomationIdentityArgs, AutomationTenant, AutomationOutput, GitHubPipelineVariables, AzureDevOpsPipelineVariables } from "./automation-identity";
export type { SignInExperienceArgs, SignInApp } from "./sign-in-experience";
export * from "./naming";
