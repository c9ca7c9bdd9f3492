/**
 * AutomationIdentity with strict mocks, inside a real CiamTenant (existing mode): the app registration, service
 * principal, federated identity credentials (issuer, subject, audience) and exactly the Graph app role assignments
 * the config's features need — with role ids read from the tenant's Graph service principal — and the `automation`
 * output with the pipeline variables.
 *
 * Does not prove: that Entra accepts these objects or that GitHub/Azure DevOps tokens match the subjects (no call is
 * made; subject formats are checked against their documentation in tests/config/automation.test.ts).
 */
import { DEFAULT_GRAPH_TUNING, DEFAULT_READINESS, DEFAULT_TEARDOWN, PUBLIC_CLOUD_ENDPOINTS, type AutomationConfig } from "../../config/schema";
import type { StackFeatures } from "../../dynamic-providers/graph";
import { GRAPH_APP_ROLE_IDS, GRAPH_SP_OBJECT_ID, MS_GRAPH_APP_ID, fakeId, installMocks, promiseOf, providerRef } from "./harness";

const TENANT_ID = "abcdefab-1234-5678-9abc-def012345678";
const ORG_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const ALL: StackFeatures = { apps: true, customAttributes: true, userFlows: true, branding: true, identityProviders: true };
const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

const FIC = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const ROLE = "azuread:index/appRoleAssignment:AppRoleAssignment";

const fullConfig: AutomationConfig = {
  displayName: "ciam-tenant automation",
  github: { repository: "contoso/ciam-tenant", branches: ["main"], environments: ["production"], pullRequests: true },
  azureDevOps: { organization: "contoso", project: "ciam", serviceConnection: "ciam-tenant", issuer: `https://vstoken.dev.azure.com/${ORG_ID}`, subject: "sc://contoso/ciam/ciam-tenant" },
};

async function build(automation: AutomationConfig, features: StackFeatures) {
  jest.resetModules();
  const h = await installMocks();
  const { CiamTenant } = await import("../../components/tenant");
  const { AutomationIdentity } = await import("../../components/automation-identity");
  const tenant = new CiamTenant("ciam", {
    tenant: { kind: "existing", tenantId: TENANT_ID, subdomain: "contosociam", authority: "https://contosociam.ciamlogin.com/", domainName: "contosociam.onmicrosoft.com" },
    endpoints: PUBLIC_CLOUD_ENDPOINTS,
    graph: DEFAULT_GRAPH_TUNING,
    lifecycle: "protected",
    readiness: DEFAULT_READINESS,
    teardown: DEFAULT_TEARDOWN,
  });
  const identity = new AutomationIdentity("ciam-automation", { automation, features, tenant });
  const output = await promiseOf(identity.output);
  await h.settle();
  return { h, identity, output };
}

describe("AutomationIdentity", () => {
  test("GIVEN GitHub (branch, environment, pull requests) and Azure DevOps WHEN constructed THEN one app, one SP and one federated credential per subject, each with the token-exchange audience", async () => {
    const { h } = await build(fullConfig, ALL);
    const fics = h.byType(FIC).map((r) => ({ name: r.name, ...r.inputs }));
    const appId = `/applications/${fakeId("app", "ciam-automation-app")}`;
    expect(fics).toEqual([
      { name: "ciam-automation-fic-github-branch-main", applicationId: appId, displayName: "github-branch-main", description: "ciam-tenant: repo:contoso/ciam-tenant:ref:refs/heads/main", issuer: GITHUB_ISSUER, subject: "repo:contoso/ciam-tenant:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"] },
      { name: "ciam-automation-fic-github-env-production", applicationId: appId, displayName: "github-env-production", description: "ciam-tenant: repo:contoso/ciam-tenant:environment:production", issuer: GITHUB_ISSUER, subject: "repo:contoso/ciam-tenant:environment:production", audiences: ["api://AzureADTokenExchange"] },
      { name: "ciam-automation-fic-github-pull-request", applicationId: appId, displayName: "github-pull-request", description: "ciam-tenant: repo:contoso/ciam-tenant:pull_request", issuer: GITHUB_ISSUER, subject: "repo:contoso/ciam-tenant:pull_request", audiences: ["api://AzureADTokenExchange"] },
      { name: "ciam-automation-fic-azure-devops", applicationId: appId, displayName: "azure-devops", description: "ciam-tenant: sc://contoso/ciam/ciam-tenant", issuer: `https://vstoken.dev.azure.com/${ORG_ID}`, subject: "sc://contoso/ciam/ciam-tenant", audiences: ["api://AzureADTokenExchange"] },
    ]);
    const types = h.registrations.map((r) => r.type).sort();
    expect(types.filter((t) => t !== ROLE && t !== FIC)).toEqual([
      "azuread:index/application:Application",
      "azuread:index/servicePrincipal:ServicePrincipal",
      "ciam-tenant:index:AutomationIdentity",
      "ciam-tenant:index:Tenant",
      "pulumi-nodejs:dynamic/graph:IdentityCheck",
      "pulumi-nodejs:dynamic/graph:TenantReadiness",
      "pulumi:providers:azuread",
    ]);
    // No password, certificate or any other credential than the federated ones.
    expect(types.some((t) => /password|certificate|secret/i.test(t))).toBe(false);
    const provider = providerRef(h.byType("pulumi:providers:azuread")[0]!);
    const component = h.byName("ciam-automation");
    for (const r of h.registrations.filter((x) => x.type.startsWith("azuread:"))) {
      expect(r.provider).toBe(provider);
      expect(r.parent).toBe(component.urn);
    }
  });

  test("GIVEN an automation identity WHEN constructed THEN each of its resources waits for the tenant's gate (so a teardown deletes after them)", async () => {
    const { h } = await build(fullConfig, ALL);
    const gate = h.byName("ciam-identity-check").urn;
    const own = h.registrations.filter((r) => r.type.startsWith("azuread:index/") && r.name.startsWith("ciam-automation-"));
    expect(own.length).toBeGreaterThan(3);
    for (const r of own) expect([r.name, r.dependencies]).toEqual([r.name, expect.arrayContaining([gate])]);
  });

  test("GIVEN every feature WHEN constructed THEN exactly the seven least privileged Graph permissions are assigned, with the tenant's role ids, to the automation SP on Graph's SP", async () => {
    const { h } = await build(fullConfig, ALL);
    const expected = [
      "Application.ReadWrite.OwnedBy",
      "DelegatedPermissionGrant.ReadWrite.All",
      "EventListener.ReadWrite.All",
      "IdentityProvider.ReadWrite.All",
      "IdentityUserFlow.ReadWrite.All",
      "Organization.Read.All", // the readiness gate's read of the tenant, whatever the config
      "OrganizationalBranding.ReadWrite.All",
    ];
    const roles = h.byType(ROLE);
    expect(roles.map((r) => r.name).sort()).toEqual(expected.map((p) => `ciam-automation-role-${p}`));
    for (const r of roles) {
      const permission = r.name.slice("ciam-automation-role-".length);
      expect(r.inputs).toEqual({ appRoleId: GRAPH_APP_ROLE_IDS[permission], principalObjectId: fakeId("sp", "ciam-automation-sp"), resourceObjectId: GRAPH_SP_OBJECT_ID });
    }
    const app = h.byName("ciam-automation-app");
    expect(app.inputs).toEqual({
      displayName: "ciam-tenant automation",
      signInAudience: "AzureADMyOrg",
      requiredResourceAccesses: [{ resourceAppId: MS_GRAPH_APP_ID, resourceAccesses: expected.map((p) => ({ id: GRAPH_APP_ROLE_IDS[p], type: "Role" })) }],
    });
    expect(h.byName("ciam-automation-sp").inputs).toEqual({ clientId: fakeId("client", "ciam-automation-app") });
  });

  test("GIVEN a stack that only links existing apps to flows WHEN constructed THEN only EventListener.ReadWrite.All is assigned, besides the readiness gate's Organization.Read.All", async () => {
    const { h, identity } = await build(fullConfig, { apps: false, customAttributes: false, userFlows: true, branding: false, identityProviders: false });
    expect(identity.permissions).toEqual(["EventListener.ReadWrite.All", "Organization.Read.All"]);
    expect(h.byType(ROLE).map((r) => r.inputs.appRoleId)).toEqual([GRAPH_APP_ROLE_IDS["EventListener.ReadWrite.All"], GRAPH_APP_ROLE_IDS["Organization.Read.All"]]);
  });

  test("GIVEN a stack that registers apps but has no flows or branding WHEN constructed THEN no EventListener, IdentityUserFlow or branding permission is assigned", async () => {
    const { h } = await build(fullConfig, { apps: true, customAttributes: false, userFlows: false, branding: false, identityProviders: false });
    expect(h.byType(ROLE).map((r) => r.name).sort()).toEqual([
      "ciam-automation-role-Application.ReadWrite.OwnedBy",
      "ciam-automation-role-DelegatedPermissionGrant.ReadWrite.All",
      "ciam-automation-role-Organization.Read.All",
    ]);
  });

  test("GIVEN GitHub and Azure DevOps WHEN the output resolves THEN it holds the client id, tenant id, permissions, subjects and the variables of both pipeline systems", async () => {
    const { output } = await build(fullConfig, { apps: false, customAttributes: false, userFlows: true, branding: false, identityProviders: false });
    const clientId = fakeId("client", "ciam-automation-app");
    expect(output).toEqual({
      clientId,
      tenantId: TENANT_ID,
      permissions: ["EventListener.ReadWrite.All", "Organization.Read.All"],
      federatedCredentials: [
        { issuer: GITHUB_ISSUER, subject: "repo:contoso/ciam-tenant:ref:refs/heads/main" },
        { issuer: GITHUB_ISSUER, subject: "repo:contoso/ciam-tenant:environment:production" },
        { issuer: GITHUB_ISSUER, subject: "repo:contoso/ciam-tenant:pull_request" },
        { issuer: `https://vstoken.dev.azure.com/${ORG_ID}`, subject: "sc://contoso/ciam/ciam-tenant" },
      ],
      pipelineVariables: {
        github: { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: TENANT_ID },
        azureDevOps: {
          serviceConnection: {
            organization: "contoso",
            project: "ciam",
            name: "ciam-tenant",
            authenticationScheme: "WorkloadIdentityFederation",
            servicePrincipalId: clientId,
            tenantId: TENANT_ID,
            issuer: `https://vstoken.dev.azure.com/${ORG_ID}`,
            subject: "sc://contoso/ciam/ciam-tenant",
          },
          variables: { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: TENANT_ID },
        },
      },
    });
  });

  test("GIVEN GitHub only WHEN the output resolves THEN there are no Azure DevOps variables and no Azure DevOps credential", async () => {
    const { h, output } = await build({ displayName: "x", github: { repository: "contoso/ciam", branches: ["main"], environments: [], pullRequests: false } }, ALL);
    expect(Object.keys((output as { pipelineVariables: object }).pipelineVariables)).toEqual(["github"]);
    expect(h.byType(FIC).map((r) => r.inputs.subject)).toEqual(["repo:contoso/ciam:ref:refs/heads/main"]);
  });

  test("GIVEN a Graph service principal without one of the needed app roles WHEN its id is read THEN the error names the tenant, the role and the roles it has", async () => {
    jest.resetModules();
    const { appRoleId } = await import("../../components/automation-identity");
    const sp = { objectId: GRAPH_SP_OBJECT_ID, appRoleIds: { "EventListener.ReadWrite.All": "e1", "Application.Read.All": "a1" } };
    expect(appRoleId(sp, "EventListener.ReadWrite.All", TENANT_ID)).toBe("e1");
    expect(() => appRoleId(sp, "OrganizationalBranding.ReadWrite.All", TENANT_ID)).toThrow(
      `The Microsoft Graph service principal of tenant ${TENANT_ID} has no app role "OrganizationalBranding.ReadWrite.All"; known: Application.Read.All, EventListener.ReadWrite.All`,
    );
  });
});
