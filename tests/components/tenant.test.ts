/**
 * CiamTenant with strict mocks: which ARM and lifecycle resources each tenant mode registers, with which options and
 * dependencies (the engine's create/delete order), and what the component exports. Does not prove that ARM accepts
 * the request or that the lifecycle providers work (no Azure call is made; see tests/dynamic-providers).
 */
import type { CiamTenantArgs } from "../../components/tenant";
import { GRAPH_SP_OBJECT_ID, Harness, MS_GRAPH_APP_ID, TENANT_ID, installMocks, promiseOf, providerRef } from "./harness";

const endpoints = {
  graph: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  graphApiVersion: "beta",
  resourceManager: "https://management.azure.com",
} as const;
const graph = { retryDeadlineSeconds: 300, replicationWaitSeconds: 120, maxConcurrentRequests: 4 };
const readiness = { deadlineSeconds: 900 };
const teardown = { deletionDeadlineSeconds: 1800 };
const SUBSCRIPTION = "aaaaaaaa-0000-4000-8000-000000000001";
const HOME_TENANT = "bbbbbbbb-0000-4000-8000-000000000002";
const LIFECYCLE = ["pulumi-nodejs:dynamic/arm:TenantPreflight", "pulumi-nodejs:dynamic/graph:IdentityCheck", "pulumi-nodejs:dynamic/graph:TenantReadiness", "pulumi-nodejs:dynamic/graph:TenantTeardown"];

function createArgs(overrides: Partial<CiamTenantArgs> = {}, rgCreate = true): CiamTenantArgs {
  return {
    tenant: {
      kind: "create",
      subscriptionId: SUBSCRIPTION,
      homeTenantId: HOME_TENANT,
      subdomainSuffix: "none",
      resourceGroup: { name: "rg-ciam-dev", location: "westeurope", create: rgCreate },
      subdomain: "contosociamdev",
      displayName: "Contoso customers",
      countryCode: "US",
      dataLocation: "United States",
      sku: "Standard",
      authority: "https://contosociamdev.ciamlogin.com/",
      domainName: "contosociamdev.onmicrosoft.com",
    },
    endpoints,
    graph,
    lifecycle: "protected",
    readiness,
    teardown,
    ...overrides,
  };
}

const existingArgs: CiamTenantArgs = {
  tenant: {
    kind: "existing",
    tenantId: "abcdefab-1234-5678-9abc-def012345678",
    subdomain: "contosociam",
    authority: "https://contosociam.ciamlogin.com/",
    domainName: "contosociam.onmicrosoft.com",
  },
  endpoints,
  graph,
  lifecycle: "protected",
  readiness,
  teardown,
};

async function build(args: CiamTenantArgs) {
  jest.resetModules();
  const h = await installMocks();
  const { CiamTenant } = await import("../../components/tenant");
  const tenant = new CiamTenant("ciam", args);
  return { h, tenant };
}

function types(h: Harness): string[] {
  return h.registrations.map((r) => r.type).sort();
}

describe("CiamTenant", () => {
  test("GIVEN a create config with a new resource group WHEN constructed THEN exactly the component, the group and the CIAMTenant are registered, protected and retained", async () => {
    const { h, tenant } = await build(createArgs());
    await promiseOf(tenant.graphConnection);
    await h.settle();

    expect(types(h)).toEqual(["azure-native:azureactivedirectory:CIAMTenant", "azure-native:resources:ResourceGroup", "ciam-tenant:index:Tenant", ...LIFECYCLE]);
    const component = h.byName("ciam");
    const rg = h.byName("ciam-rg");
    const dir = h.byName("ciam-tenant");
    expect(component.parent).toBe("");
    expect(rg.parent).toBe(component.urn);
    expect(dir.parent).toBe(component.urn);

    expect(rg.inputs).toEqual({ resourceGroupName: "rg-ciam-dev", location: "westeurope" });
    expect(rg.protect).toBe(true);
    expect(rg.retainOnDelete).toBe(true);

    expect(dir.inputs).toEqual({
      resourceGroupName: "rg-ciam-dev",
      resourceName: "contosociamdev",
      location: "United States",
      sku: { name: "Standard", tier: "A0" },
      createTenantProperties: { displayName: "Contoso customers", countryCode: "US" },
    });
    expect(dir.inputs).not.toHaveProperty("tenantId");
    expect(dir.dependencies).toContain(rg.urn);
    expect(dir.dependencies).toContain(h.byName("ciam-preflight").urn);
    expect(dir.protect).toBe(true);
    expect(dir.retainOnDelete).toBe(true);
    expect(dir.ignoreChanges).toEqual(["sku"]);
  });

  test("GIVEN a create config WHEN outputs resolve THEN tenantId comes from ARM and the authority, domain and Graph connection are derived", async () => {
    const { tenant } = await build(createArgs());
    expect(await promiseOf(tenant.tenantId)).toBe(TENANT_ID);
    expect(await promiseOf(tenant.domainName)).toBe("contosociamdev.onmicrosoft.com");
    expect(await promiseOf(tenant.subdomain)).toBe("contosociamdev");
    expect(await promiseOf(tenant.authority)).toBe("https://contosociamdev.ciamlogin.com/");
    expect(await promiseOf(tenant.graphConnection)).toEqual({
      tenantId: TENANT_ID,
      graphEndpoint: "https://graph.microsoft.com",
      authorityHost: "https://login.microsoftonline.com",
      apiVersion: "beta",
      retryDeadlineSeconds: 300,
      replicationWaitSeconds: 120,
      maxConcurrentRequests: 4,
    });
  });

  test("GIVEN lifecycle ephemeral WHEN constructed THEN neither the group nor the tenant is protected or retained", async () => {
    const { h, tenant } = await build(createArgs({ lifecycle: "ephemeral" }));
    await promiseOf(tenant.tenantId);
    await h.settle();
    for (const name of ["ciam-rg", "ciam-tenant"]) {
      expect(h.byName(name).protect).toBe(false);
      expect(h.byName(name).retainOnDelete).toBe(false);
    }
    expect(h.byName("ciam-tenant").ignoreChanges).toEqual(["sku"]);
  });

  test("GIVEN an existing resource group WHEN constructed THEN no group is registered and the tenant names it", async () => {
    const { h, tenant } = await build(createArgs({}, false));
    await promiseOf(tenant.tenantId);
    await h.settle();
    expect(types(h)).toEqual(["azure-native:azureactivedirectory:CIAMTenant", "ciam-tenant:index:Tenant", ...LIFECYCLE]);
    expect(h.byName("ciam-tenant").inputs.resourceGroupName).toBe("rg-ciam-dev");
  });

  test("GIVEN an existing tenant WHEN constructed THEN only the component is registered and outputs come from config", async () => {
    const { h, tenant } = await build(existingArgs);
    expect(await promiseOf(tenant.tenantId)).toBe("abcdefab-1234-5678-9abc-def012345678");
    expect(await promiseOf(tenant.authority)).toBe("https://contosociam.ciamlogin.com/");
    expect(await promiseOf(tenant.domainName)).toBe("contosociam.onmicrosoft.com");
    expect((await promiseOf(tenant.graphConnection)).tenantId).toBe("abcdefab-1234-5678-9abc-def012345678");
    await h.settle();
    expect(types(h)).toEqual(["ciam-tenant:index:Tenant", "pulumi-nodejs:dynamic/graph:IdentityCheck", "pulumi-nodejs:dynamic/graph:TenantReadiness"]);
    expect(h.invokes).toEqual([]);
  });

  test("GIVEN a tenant WHEN azureadProvider() and the Graph SP lookup are used twice THEN one provider (tenantId only, parented) and one invoke through it", async () => {
    // A pipeline-like identity under the azuread provider's own names (the Graph layer reads them too).
    Object.assign(process.env, { ARM_CLIENT_ID: "0a0b0c0d-1111-4222-8333-444455556666", ARM_CLIENT_SECRET: "planted-secret-arm" });
    try {
      const { h, tenant } = await build(existingArgs);
      expect(tenant.azureadProvider()).toBe(tenant.azureadProvider());
      expect(await promiseOf(tenant.graphServicePrincipalObjectId())).toBe(GRAPH_SP_OBJECT_ID);
      expect(tenant.graphServicePrincipalObjectId()).toBe(tenant.graphServicePrincipalObjectId());
      await h.settle();

      const providers = h.byType("pulumi:providers:azuread");
      expect(providers).toHaveLength(1);
      const p = providers[0]!;
      expect(p.name).toBe("ciam-azuread");
      expect(p.parent).toBe(h.byName("ciam").urn);
      expect(p.inputs.tenantId).toBe("abcdefab-1234-5678-9abc-def012345678");
      expect(p.inputs.environment).toBe("public"); // public cloud: left to the SDK, whose default this is
      for (const key of ["clientId", "clientSecret", "clientCertificate", "clientCertificatePassword", "oidcToken", "oidcRequestToken"]) {
        expect(p.inputs).not.toHaveProperty(key);
      }
      expect(JSON.stringify(p.rawInputs)).not.toContain("planted-secret");

      expect(h.invokes).toEqual([
        { token: "azuread:index/getServicePrincipal:getServicePrincipal", inputs: { clientId: MS_GRAPH_APP_ID }, provider: providerRef(p) },
      ]);
    } finally {
      delete process.env.ARM_CLIENT_SECRET;
      delete process.env.ARM_CLIENT_ID;
    }
  });

  test("GIVEN a tenant whose azureadProvider() is never called WHEN constructed THEN no provider is registered and nothing is invoked", async () => {
    const { h, tenant } = await build(createArgs());
    await promiseOf(tenant.graphConnection);
    await h.settle();
    expect(h.byType("pulumi:providers:azuread")).toEqual([]);
    expect(h.invokes).toEqual([]);
  });
});

describe("CiamTenant lifecycle wiring", () => {
  test("GIVEN a create config WHEN constructed THEN the preflight gets the ARM connection (no secret), the name, the country and the lifecycle, and the group and the tenant wait for it", async () => {
    const { h, tenant } = await build(createArgs());
    await promiseOf(tenant.graphConnection);
    await h.settle();
    const preflight = h.byName("ciam-preflight");
    expect(preflight.parent).toBe(h.byName("ciam").urn);
    const { __provider: _p, ...inputs } = preflight.inputs;
    expect(inputs).toEqual({
      arm: {
        homeTenantId: HOME_TENANT,
        subscriptionId: SUBSCRIPTION,
        resourceManagerEndpoint: "https://management.azure.com",
        authorityHost: "https://login.microsoftonline.com",
        retryDeadlineSeconds: 300,
      },
      resourceGroupName: "rg-ciam-dev",
      subdomain: "contosociamdev",
      countryCode: "US",
      lifecycle: "protected",
      deletionDeadlineSeconds: 1800,
    });
    // Created before, deleted after, the group and the directory.
    expect(h.byName("ciam-rg").dependencies).toContain(preflight.urn);
    expect(h.byName("ciam-tenant").dependencies).toContain(preflight.urn);
    // Nothing lifecycle-related is protected: protecting them would block an ephemeral destroy.
    for (const name of ["ciam-preflight", "ciam-ready", "ciam-teardown"]) expect([h.byName(name).protect, h.byName(name).retainOnDelete]).toEqual([false, false]);
  });

  test("GIVEN a create config WHEN constructed THEN readiness waits for the directory, teardown for readiness, and the gate everything else depends on is the teardown", async () => {
    const { h, tenant } = await build(createArgs({ lifecycle: "ephemeral" }));
    await promiseOf(tenant.graphConnection);
    await h.settle();
    const dir = h.byName("ciam-tenant");
    const ready = h.byName("ciam-ready");
    const teardown = h.byName("ciam-teardown");
    expect(ready.dependencies).toContain(dir.urn);
    expect(ready.inputs.connection.tenantId).toBe(TENANT_ID);
    expect(ready.inputs.deadlineSeconds).toBe(900);
    expect(ready.inputs.tenantOrigin).toBe("created"); // its provisioning answers are waited through
    expect(teardown.dependencies).toContain(ready.urn);
    expect(teardown.inputs.lifecycle).toBe("ephemeral");
    expect(teardown.inputs.connection.tenantId).toBe(TENANT_ID);
    expect(tenant.ready).toBe(tenant.teardown);
    expect(h.byName("ciam-preflight").inputs.lifecycle).toBe("ephemeral");
  });

  test("GIVEN an existing tenant WHEN constructed THEN readiness and the identity check are registered (no preflight, no teardown) and the check, after readiness, is the gate", async () => {
    const { h, tenant } = await build({ ...existingArgs, readiness: { deadlineSeconds: 60 } });
    await promiseOf(tenant.graphConnection);
    await h.settle();
    expect(tenant.preflight).toBeUndefined();
    expect(tenant.teardown).toBeUndefined();
    expect(tenant.ready).toBe(tenant.identityCheck);
    const ready = h.byName("ciam-ready");
    expect(ready.inputs.deadlineSeconds).toBe(60);
    expect(ready.inputs.tenantOrigin).toBe("existing"); // one look, no waiting
    expect(ready.inputs.connection.tenantId).toBe("abcdefab-1234-5678-9abc-def012345678");
    expect(ready.dependencies).toEqual([]);
    // A tenant that does not answer yet refuses tokens too: the identity check waits for readiness.
    expect(h.byName("ciam-identity-check").dependencies).toEqual([ready.urn]);
  });
});

describe("azureadEnvironment", () => {
  test("GIVEN a Graph endpoint WHEN mapped THEN national clouds get their azuread environment and others none", async () => {
    const { azureadEnvironment } = await import("../../components/tenant");
    expect(azureadEnvironment("https://graph.microsoft.com")).toBeUndefined();
    expect(azureadEnvironment("https://graph.microsoft.us")).toBe("usgovernment");
    expect(azureadEnvironment("https://dod-graph.microsoft.us")).toBe("dod");
    expect(azureadEnvironment("https://microsoftgraph.chinacloudapi.cn")).toBe("china");
    expect(azureadEnvironment("https://localhost:8443")).toBeUndefined();
  });

  test("GIVEN a US Government Graph endpoint WHEN the tenant's azuread provider is made THEN it targets that cloud", async () => {
    const { h, tenant } = await build({
      ...existingArgs,
      endpoints: { ...endpoints, graph: "https://graph.microsoft.us", authorityHost: "https://login.microsoftonline.us", resourceManager: "https://management.usgovcloudapi.net" },
    });
    tenant.azureadProvider();
    await h.settle();
    expect(h.byType("pulumi:providers:azuread")[0]!.inputs.environment).toBe("usgovernment");
  });
});


describe("CiamTenant identity check", () => {
  test("GIVEN features WHEN constructed THEN one identity check gets the tenant's connection and those features, and the azuread provider and the Graph connection depend on it", async () => {
    const features = { apps: true, customAttributes: false, userFlows: true, branding: false, identityProviders: false };
    const { h, tenant } = await build({ ...existingArgs, features });
    tenant.azureadProvider();
    const connection = await promiseOf(tenant.graphConnection);
    await h.settle();
    const check = h.byName("ciam-identity-check");
    expect(check.type).toBe("pulumi-nodejs:dynamic/graph:IdentityCheck");
    expect(check.parent).toBe(h.byName("ciam").urn);
    const { __provider: _p, ...inputs } = check.inputs;
    expect(inputs).toEqual({ connection, features });
    expect(connection.tenantId).toBe("abcdefab-1234-5678-9abc-def012345678");
    expect(h.byName("ciam-azuread").dependencies).toContain(check.urn);
  });

  test("GIVEN no features WHEN constructed THEN the check requires none (only the token's tenant is checked)", async () => {
    const { h } = await build(existingArgs);
    await h.settle();
    expect(h.byName("ciam-identity-check").inputs.features).toEqual({ apps: false, customAttributes: false, userFlows: false, branding: false });
  });

  test("GIVEN AZURE_CLIENT_ID for GitHub OIDC but no ARM_* WHEN the azuread provider is requested THEN the program stops, naming the ARM_* variables, and registers no provider", async () => {
    Object.assign(process.env, {
      AZURE_CLIENT_ID: "0a0b0c0d-1111-4222-8333-444455556666",
      ACTIONS_ID_TOKEN_REQUEST_URL: "https://example.invalid/token?x=1",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
    });
    try {
      const { h, tenant } = await build(existingArgs);
      expect(() => tenant.azureadProvider()).toThrow("set ARM_CLIENT_ID=0a0b0c0d-1111-4222-8333-444455556666 and ARM_USE_OIDC=true");
      await h.settle();
      expect(h.byType("pulumi:providers:azuread")).toEqual([]);
    } finally {
      for (const k of ["AZURE_CLIENT_ID", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) delete process.env[k];
    }
  });
});
