/**
 * SpaApplication with strict mocks, inside a real CiamTenant (existing mode, so the tenant registers nothing of its
 * own): the app registration, service principal and admin consent, their provider and parents, and the MSAL config.
 * Does not prove that Entra accepts these objects (no Graph call is made).
 */
import type { AppConfig } from "../../config/schema";
import { GRAPH_SP_OBJECT_ID, Harness, MS_GRAPH_APP_ID, fakeId, installMocks, promiseOf, providerRef } from "./harness";

const TENANT_ID = "abcdefab-1234-5678-9abc-def012345678";
const OPENID = "37f7f235-527c-4136-accd-4a02d197296e";
const OFFLINE_ACCESS = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182";

const spa: AppConfig = {
  kind: "spa",
  key: "spa",
  displayName: "ciam-spa-sample",
  redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"],
  signInAudience: "AzureADMyOrg",
  sampleRedirectUri: "http://localhost:3000/redirect",
};
const existing: AppConfig = { kind: "existing", key: "legacy", clientId: "0f0e0d0c-0b0a-4909-8807-060504030201" };

async function build(...apps: AppConfig[]) {
  jest.resetModules();
  const h = await installMocks();
  const { CiamTenant } = await import("../../components/tenant");
  const { SpaApplication } = await import("../../components/spa-application");
  const tenant = new CiamTenant("ciam", {
    tenant: { kind: "existing", tenantId: TENANT_ID, subdomain: "contosociam", authority: "https://contosociam.ciamlogin.com/", domainName: "contosociam.onmicrosoft.com" },
    endpoints: { graph: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com", graphApiVersion: "beta", resourceManager: "https://management.azure.com" },
    graph: { retryDeadlineSeconds: 300, replicationWaitSeconds: 120, maxConcurrentRequests: 4 },
    lifecycle: "protected",
    readiness: { deadlineSeconds: 900 },
    teardown: { deletionDeadlineSeconds: 1800 },
  });
  const built = apps.map((app) => new SpaApplication(app.key, { app, tenant }));
  for (const app of built) await promiseOf(app.msalConfig);
  await h.settle();
  return { h, tenant, apps: built };
}

const types = (h: Harness) => h.registrations.map((r) => r.type).sort();

describe("SpaApplication", () => {
  test("GIVEN a spa app WHEN constructed THEN exactly an application, a service principal and an admin-consent grant are registered under the component, all through the tenant's provider", async () => {
    const { h } = await build(spa);
    expect(types(h)).toEqual([
      "azuread:index/application:Application",
      "azuread:index/servicePrincipal:ServicePrincipal",
      "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
      "ciam-tenant:index:SpaApplication",
      "ciam-tenant:index:Tenant",
      "pulumi-nodejs:dynamic/graph:IdentityCheck",
      "pulumi-nodejs:dynamic/graph:TenantReadiness",
      "pulumi:providers:azuread",
    ]);
    const component = h.byName("spa");
    expect(component.type).toBe("ciam-tenant:index:SpaApplication");
    expect(component.parent).toBe("");
    const provider = h.byType("pulumi:providers:azuread")[0]!;
    expect(provider.parent).toBe(h.byName("ciam").urn);
    for (const name of ["spa-app", "spa-sp", "spa-consent"]) {
      const r = h.byName(name);
      expect(r.parent).toBe(component.urn);
      expect(r.provider).toBe(providerRef(provider));
    }
  });

  test("GIVEN a spa app WHEN registered THEN the application is a single-tenant SPA with no implicit grant requesting Graph openid + offline_access", async () => {
    const { h } = await build(spa);
    expect(h.byName("spa-app").inputs).toEqual({
      displayName: "ciam-spa-sample",
      signInAudience: "AzureADMyOrg",
      singlePageApplication: { redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"] },
      web: { implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
      requiredResourceAccesses: [
        {
          resourceAppId: MS_GRAPH_APP_ID,
          resourceAccesses: [
            { id: OPENID, type: "Scope" },
            { id: OFFLINE_ACCESS, type: "Scope" },
          ],
        },
      ],
    });
  });

  test("GIVEN a spa app WHEN registered THEN its service principal uses the app's client id and the grant is tenant-wide consent to Graph", async () => {
    const { h } = await build(spa);
    const app = h.byName("spa-app");
    const sp = h.byName("spa-sp");
    expect(sp.inputs).toEqual({ clientId: fakeId("client", "spa-app"), tags: ["WindowsAzureActiveDirectoryIntegratedApp"] });
    expect(sp.dependencies).toContain(app.urn);

    const grant = h.byName("spa-consent");
    expect(grant.inputs).toEqual({
      servicePrincipalObjectId: fakeId("sp", "spa-sp"),
      resourceServicePrincipalObjectId: GRAPH_SP_OBJECT_ID,
      claimValues: ["openid", "offline_access"],
    });
    expect(grant.inputs).not.toHaveProperty("userObjectId");
    expect(grant.dependencies).toContain(sp.urn);
    expect(h.invokes.map((i) => [i.token, i.inputs.clientId])).toEqual([["azuread:index/getServicePrincipal:getServicePrincipal", MS_GRAPH_APP_ID]]);
  });

  test("GIVEN a spa app WHEN outputs resolve THEN clientId, redirectUris and the sample's msalConfig are exported", async () => {
    const { apps } = await build(spa);
    const app = apps[0]!;
    expect(await promiseOf(app.clientId)).toBe(fakeId("client", "spa-app"));
    expect(await promiseOf(app.redirectUris)).toEqual(["http://localhost:3000", "http://localhost:3000/redirect"]);
    expect(await promiseOf(app.msalConfig)).toEqual({
      auth: { clientId: fakeId("client", "spa-app"), authority: "https://contosociam.ciamlogin.com/", redirectUri: "http://localhost:3000/redirect" },
    });
    expect(app.servicePrincipal).toBeDefined();
  });

  test("GIVEN only an existing app WHEN constructed THEN no application, service principal, grant, provider or invoke exists", async () => {
    const { h, apps } = await build(existing);
    expect(types(h)).toEqual(["ciam-tenant:index:SpaApplication", "ciam-tenant:index:Tenant", "pulumi-nodejs:dynamic/graph:IdentityCheck", "pulumi-nodejs:dynamic/graph:TenantReadiness"]);
    expect(h.invokes).toEqual([]);
    const app = apps[0]!;
    expect(app.servicePrincipal).toBeUndefined();
    expect(await promiseOf(app.clientId)).toBe("0f0e0d0c-0b0a-4909-8807-060504030201");
    expect(await promiseOf(app.redirectUris)).toEqual([]);
    expect(await promiseOf(app.msalConfig)).toEqual({ auth: { clientId: "0f0e0d0c-0b0a-4909-8807-060504030201", authority: "https://contosociam.ciamlogin.com/" } });
  });

  test("GIVEN a spa app WHEN constructed THEN its application, service principal and grant all wait for the tenant's readiness gate", async () => {
    const { h, tenant } = await build(spa);
    // An existing tenant: its gate is the identity check, which itself waits for readiness.
    const gate = h.byName("ciam-identity-check");
    expect(tenant.ready).toBe(tenant.identityCheck);
    for (const name of ["spa-app", "spa-sp", "spa-consent"]) expect(h.byName(name).dependencies).toContain(gate.urn);
  });

  test("GIVEN two spa apps WHEN constructed THEN they share one provider and one Graph service-principal lookup", async () => {
    const { h } = await build(spa, { ...spa, key: "admin", displayName: "admin-spa" } as AppConfig);
    expect(h.byType("pulumi:providers:azuread")).toHaveLength(1);
    expect(h.invokes).toHaveLength(1);
    expect(h.byType("azuread:index/application:Application").map((r) => r.name).sort()).toEqual(["admin-app", "spa-app"]);
  });
});
