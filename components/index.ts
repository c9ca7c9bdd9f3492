/** The program's component resources and the logical names of their children. */
export { CiamTenant, MICROSOFT_GRAPH_APP_ID } from "./tenant";
export type { CiamTenantArgs } from "./tenant";
export { SpaApplication, GRAPH_DELEGATED_SCOPES } from "./spa-application";
export type { SpaApplicationArgs, SpaApplicationTenant, MsalBrowserConfig } from "./spa-application";
export { SignInExperience } from "./sign-in-experience";
export type { SignInExperienceArgs, SignInApp } from "./sign-in-experience";
export * from "./naming";
