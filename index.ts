/**
 * ciam-tenant: a Microsoft Entra External ID (CIAM) tenant as code.
 *
 * Reads and validates the stack config (every problem reported at once, before any resource is registered), then
 * composes the tenant, its apps and its sign-in experience. Nothing else happens here: see docs/design.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, appleKeyRenewBy, identityProviderRedirectUris, loadIdentityProviderSecrets, loadStackConfig } from "./config/schema";
import { CiamTenant } from "./components/tenant";
import { MsalBrowserConfig, SpaApplication } from "./components/spa-application";
import { SignInApp, SignInExperience } from "./components/sign-in-experience";
import { componentNames } from "./components/naming";
import { AutomationIdentity, AutomationOutput, stackFeatures } from "./components/automation-identity";
import { DestroyGuard } from "./dynamic-providers/tenant/destroy-guard";

const config = loadConfigOrStop();
const identityProviderSecrets = stopOnConfigProblem(() => loadIdentityProviderSecrets(config));

/**
 * The validated stack config. A config mistake is a user's, not the program's: it stops the run as a
 * `pulumi.RunError`, which the engine prints as its message alone — every problem once, no Node trace and no
 * inspected `problems` array after it.
 */
function loadConfigOrStop(): ReturnType<typeof loadStackConfig> {
  return stopOnConfigProblem(loadStackConfig);
}

function stopOnConfigProblem<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ConfigValidationError || (e instanceof Error && e.name === "ConfigValidationError")) throw new pulumi.RunError(e.message);
    throw e;
  }
}

// Which parts of the stack call Graph: what a pipeline's identity must be allowed (checked before any write) and
// what the automation identity is granted.
const features = stackFeatures(config);

const tenant = new CiamTenant(componentNames.tenant, {
  tenant: config.tenant,
  endpoints: config.endpoints,
  graph: config.graph,
  lifecycle: config.lifecycle,
  features,
  readiness: config.readiness,
  teardown: config.teardown,
});

// Off unless configured: the pipelines' identity in the tenant, with exactly the Graph permissions this config needs.
const automationIdentity = config.automation
  ? new AutomationIdentity(componentNames.automation, { automation: config.automation, features, tenant })
  : undefined;
// The automation identity owns the apps, so Application.ReadWrite.OwnedBy reaches them in pipeline runs.
const owners = automationIdentity ? { owners: [automationIdentity.servicePrincipalObjectId] } : {};

// The tenant's azuread provider is created by the first app the stack registers; existing apps need none.
const spaApps = Object.fromEntries(
  config.apps.map((app) => [app.key, new SpaApplication(componentNames.app(app.key), { app, tenant, ...owners })]),
);

const signIn = new SignInExperience(componentNames.signInExperience, {
  connection: tenant.graphConnection,
  ready: tenant.ready,
  customAttributes: config.customAttributes,
  identityProviders: config.identityProviders,
  identityProviderSecrets,
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
  { dependsOn: [tenant, ...Object.values(spaApps), signIn, ...(automationIdentity ? [automationIdentity] : [])] },
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
/**
 * Per configured identity provider: its Graph id, the redirect URIs to register at the provider's console
 * (README, "Sign in with Google, Facebook, Apple or OpenID Connect") and, for Apple, the date its key must be
 * renewed by (6 months after it was last applied).
 */
export const identityProviders =
  config.identityProviders.length === 0
    ? undefined
    : pulumi
        .all([tenant.tenantId, pulumi.all(Object.values(signIn.identityProviders).map((p) => pulumi.all([p.providerId, p.secretAppliedAt])))])
        .apply(([tid, applied]) =>
          Object.fromEntries(
            config.identityProviders.map((p, i) => {
              const [providerId, appliedAt] = applied[i]!;
              const redirectUris = identityProviderRedirectUris(p.type, { subdomain: config.tenant.subdomain, tenantId: tid });
              return [p.key, { type: p.type, providerId, redirectUris, ...(p.type === "apple" && appliedAt ? { keyRenewBy: appleKeyRenewBy(appliedAt) } : {}) }];
            }),
          ),
        );

/**
 * The automation identity for pipelines (when `automation` is configured): client id, tenant id, granted Graph
 * permissions, trusted OIDC subjects and the variables to set in GitHub / Azure DevOps.
 */
export const automation: pulumi.Output<AutomationOutput> | undefined = automationIdentity?.output;
