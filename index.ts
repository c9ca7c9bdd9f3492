/**
 * ciam-tenant: a Microsoft Entra External ID (CIAM) tenant as code.
 *
 * Reads and validates the stack config (every problem reported at once, before any resource is registered), then
 * composes the tenant, its apps and its sign-in experience. Nothing else happens here: see docs/design.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config/schema";
import { CiamTenant } from "./components/tenant";
import { MsalBrowserConfig, SpaApplication } from "./components/spa-application";
import { SignInApp, SignInExperience } from "./components/sign-in-experience";
import { componentNames } from "./components/naming";
import { DestroyGuard } from "./dynamic-providers/destroy-guard";

const config = loadStackConfig();

const tenant = new CiamTenant(componentNames.tenant, {
  tenant: config.tenant,
  endpoints: config.endpoints,
  graph: config.graph,
  lifecycle: config.lifecycle,
  readiness: config.readiness,
  teardown: config.teardown,
});

// The tenant's azuread provider is created by the first app the stack registers; existing apps need none.
const spaApps = Object.fromEntries(config.apps.map((app) => [app.key, new SpaApplication(componentNames.app(app.key), { app, tenant })]));

const signIn = new SignInExperience(componentNames.signInExperience, {
  connection: tenant.graphConnection,
  ready: tenant.ready,
  customAttributes: config.customAttributes,
  userFlows: config.userFlows,
  apps: Object.fromEntries(
    Object.entries(spaApps).map(([key, app]): [string, SignInApp] => [
      key,
      app.servicePrincipal ? { clientId: app.clientId, servicePrincipal: app.servicePrincipal } : { clientId: app.clientId },
    ]),
  ),
  ...(config.branding ? { branding: config.branding } : {}),
});

// Registered last and depending on everything, so `pulumi destroy` deletes it first: on a protected stack it stops
// the destroy before anything else is deleted, saying how to make the stack disposable.
new DestroyGuard(
  componentNames.destroyGuard,
  { lifecycle: config.lifecycle, stack: pulumi.getStack() },
  { dependsOn: [tenant, ...Object.values(spaApps), signIn] },
);

/** Directory (tenant) id of the external tenant. */
export const tenantId = tenant.tenantId;
/** Initial domain, `<subdomain>.onmicrosoft.com`. */
export const domainName = tenant.domainName;
/** Sign-in authority, `https://<subdomain>.ciamlogin.com/`. */
export const authority = tenant.authority;
/** What each app exports: what a front-end needs to sign in against the tenant. */
export interface AppOutput {
  readonly clientId: string;
  readonly redirectUris: string[];
  readonly msalConfig: MsalBrowserConfig;
}
/** Per app key: client id, registered redirect URIs and the MSAL.js `auth` settings of the CIAM sample. */
export const apps: pulumi.Output<Record<string, AppOutput>> = pulumi
  .all(Object.values(spaApps).map((app) => pulumi.all([app.clientId, app.redirectUris, app.msalConfig])))
  .apply((values) =>
    Object.fromEntries(
      Object.keys(spaApps).map((key, i): [string, AppOutput] => {
        const [clientId, redirectUris, msalConfig] = values[i]!;
        return [key, { clientId, redirectUris, msalConfig }];
      }),
    ),
  );
/** Graph ids of the user flows, by config key. */
export const userFlowIds = signIn.userFlowIds;
