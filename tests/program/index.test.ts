/**
 * The program (`index.ts`) with strict mocks, fed the example stack `Pulumi.dev.yaml` (the CIAM quickstart) and
 * variants of it: the exact resource graph, options, key inputs, dependencies and stack outputs, and that nothing is
 * registered when the config is invalid.
 *
 * What this does not prove: that ARM, Entra or Graph accept the requests, or that the dynamic providers work
 * (emulator and engine tests cover those); mocks never run provider code.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { filledExampleStackText } from "../support/example-stack";
import { parse } from "yaml";
import { DYNAMIC_TYPES, GRAPH_SP_OBJECT_ID, Harness, MS_GRAPH_APP_ID, Registration, TENANT_ID, fakeId, MockOptions, installMocks, parentChain, promiseOf, providerRef } from "../components/harness";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const NS = "ciam-tenant";
// A coherent pipeline identity (the Graph layer and the azuread provider must agree, or the program refuses to run):
// the same app and secret under both names, plus a literal OIDC token.
const PLANTED = {
  AZURE_CLIENT_ID: "0a0b0c0d-1111-4222-8333-444455556666",
  ARM_CLIENT_ID: "0a0b0c0d-1111-4222-8333-444455556666",
  AZURE_CLIENT_SECRET: "planted-secret-7f3a",
  ARM_CLIENT_SECRET: "planted-secret-7f3a",
  ARM_OIDC_TOKEN: "planted-secret-oidc-5d0e",
};

/** The `ciam-tenant:*` keys of Pulumi.dev.yaml, without namespace. */
function devStackConfig(): Record<string, unknown> {
  const doc = parse(filledExampleStackText()) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.slice(NS.length + 1), v]));
}

/** Config as the engine hands it to a program: structured values as JSON strings. */
function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [`${NS}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

interface Program {
  h: Harness;
  outputs: { tenantId: unknown; domainName: unknown; authority: unknown; apps: Record<string, any>; userFlowIds: unknown; automation: any };
}

async function runProgram(config: Record<string, unknown>, mockOptions: MockOptions = {}): Promise<Program> {
  jest.resetModules();
  const h = await installMocks(mockOptions);
  h.pulumi.runtime.setAllConfig(toPulumiConfig(config));
  const program = await import("../../index");
  const outputs = {
    tenantId: await promiseOf(program.tenantId),
    domainName: await promiseOf(program.domainName),
    authority: await promiseOf(program.authority),
    apps: await promiseOf(program.apps),
    userFlowIds: await promiseOf(program.userFlowIds),
    automation: program.automation === undefined ? undefined : await promiseOf(program.automation),
  };
  await h.settle();
  return { h, outputs };
}

/** [type, name, parent name] of every registration, sorted: the whole graph in one comparable value. */
function graphOf(h: Harness): [string, string, string][] {
  return h.registrations
    .map((r): [string, string, string] => [r.type, r.name, r.parent ? h.byUrn(r.parent).name : ""])
    .sort((a, b) => (a[1] + a[0]).localeCompare(b[1] + b[0]));
}

const APP = "azuread:index/application:Application";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const GRANT = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
const dyn = (t: string) => `pulumi-nodejs:dynamic/graph:${t}`;

const QUICKSTART_GRAPH: [string, string, string][] = (
  [
    ["ciam-tenant:index:Tenant", "ciam", ""],
    ["pulumi-nodejs:dynamic/arm:TenantPreflight", "ciam-preflight", "ciam"],
    ["azure-native:resources:ResourceGroup", "ciam-rg", "ciam"],
    ["azure-native:azureactivedirectory:CIAMTenant", "ciam-tenant", "ciam"],
    [dyn("TenantReadiness"), "ciam-ready", "ciam"],
    [dyn("TenantTeardown"), "ciam-teardown", "ciam"],
    ["pulumi-nodejs:dynamic/stack:DestroyGuard", "destroy-guard", ""],
    ["pulumi:providers:azuread", "ciam-azuread", "ciam"],
    [dyn("IdentityCheck"), "ciam-identity-check", "ciam"],
    ["ciam-tenant:index:SpaApplication", "spa", ""],
    [APP, "spa-app", "spa"],
    [SP, "spa-sp", "spa"],
    [GRANT, "spa-consent", "spa"],
    ["ciam-tenant:index:SignInExperience", "sign-in", ""],
    [dyn("UserFlow"), "sign-in-flow-signup-signin", "sign-in"],
    [dyn("UserFlowAppLink"), "sign-in-link-signup-signin-spa", "sign-in"],
    [dyn("DefaultBranding"), "sign-in-branding-default", "sign-in"],
    [dyn("BrandingLocalization"), "sign-in-branding-fr-FR", "sign-in"],
    [dyn("BrandingAsset"), "sign-in-asset-default-bannerLogo", "sign-in"],
    [dyn("BrandingAsset"), "sign-in-asset-default-squareLogo", "sign-in"],
    [dyn("BrandingAsset"), "sign-in-asset-fr-FR-bannerLogo", "sign-in"],
  ] as [string, string, string][]
).sort((a, b) => (a[1] + a[0]).localeCompare(b[1] + b[0]));

const without = (graph: [string, string, string][], names: string[]) => graph.filter(([, n]) => !names.includes(n));

let cwd: string;
beforeAll(() => {
  // Branding paths in the config are relative to the project directory, as under `pulumi up`.
  cwd = process.cwd();
  process.chdir(PROJECT_DIR);
});
afterAll(() => process.chdir(cwd));

describe("program (index.ts) on the quickstart stack Pulumi.dev.yaml", () => {
  let run: Program;
  beforeAll(async () => {
    Object.assign(process.env, PLANTED);
    try {
      run = await runProgram(devStackConfig());
    } finally {
      for (const k of Object.keys(PLANTED)) delete process.env[k];
    }
  });

  test("GIVEN the quickstart config WHEN the program runs THEN exactly these resources are registered, with these parents", () => {
    expect(graphOf(run.h)).toEqual(QUICKSTART_GRAPH);
    expect(run.h.failures).toEqual([]);
    // Every child's parent chain ends at a top-level component; components have no parent (the stack); the destroy
    // guard is top level too (it depends on everything, and nothing on it).
    for (const r of run.h.registrations) {
      const chain = parentChain(run.h, r);
      if (r.name === "destroy-guard") expect(chain).toEqual([]);
      else if (r.custom || r.type.startsWith("pulumi:providers:")) expect(chain.length).toBe(1);
      else expect(chain).toEqual([]);
    }
  });

  test("GIVEN the quickstart config WHEN the tenant is registered THEN it carries the subdomain, data location, SKU and create properties and is protected, retained and blind to SKU read-back", () => {
    const dir = run.h.byName("ciam-tenant");
    expect(dir.inputs).toEqual({
      resourceGroupName: "rg-ciam-dev",
      resourceName: "contosociamdev",
      location: "United States",
      sku: { name: "Standard", tier: "A0" },
      createTenantProperties: { displayName: "Contoso customers", countryCode: "US" },
    });
    expect([...dir.dependencies].sort()).toEqual([run.h.byName("ciam-rg").urn, run.h.byName("ciam-preflight").urn].sort());
    expect([dir.protect, dir.retainOnDelete, dir.ignoreChanges]).toEqual([true, true, ["sku"]]);
    const rg = run.h.byName("ciam-rg");
    expect(rg.inputs).toEqual({ resourceGroupName: "rg-ciam-dev", location: "westeurope" });
    expect([rg.protect, rg.retainOnDelete]).toEqual([true, true]);
    // Nothing else is protected.
    expect(run.h.registrations.filter((r) => r.protect).map((r) => r.name).sort()).toEqual(["ciam-rg", "ciam-tenant"]);
  });

  test("GIVEN the quickstart config WHEN azuread resources are registered THEN every one uses the tenant's explicit provider, which holds only the tenant id", () => {
    const provider = run.h.byName("ciam-azuread");
    expect(provider.inputs.tenantId).toBe(TENANT_ID);
    expect(provider.dependencies).toContain(run.h.byName("ciam-tenant").urn);
    for (const key of ["clientId", "clientSecret", "clientCertificate", "clientCertificatePassword", "oidcToken", "oidcRequestToken"]) {
      expect(provider.inputs).not.toHaveProperty(key);
    }
    const azuread = run.h.registrations.filter((r) => r.type.startsWith("azuread:"));
    expect(azuread.map((r) => r.name).sort()).toEqual(["spa-app", "spa-consent", "spa-sp"]);
    for (const r of azuread) expect(r.provider).toBe(providerRef(provider));
    expect(run.h.invokes).toEqual([
      { token: "azuread:index/getServicePrincipal:getServicePrincipal", inputs: { clientId: MS_GRAPH_APP_ID }, provider: providerRef(provider) },
    ]);
  });

  test("GIVEN the quickstart config WHEN the SPA is registered THEN it has the sample's redirect URIs, Graph openid + offline_access, and tenant-wide consent to both", () => {
    const app = run.h.byName("spa-app");
    expect(app.inputs.displayName).toBe("ciam-spa-sample");
    expect(app.inputs.signInAudience).toBe("AzureADMyOrg");
    expect(app.inputs.singlePageApplication).toEqual({ redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"] });
    expect(app.inputs.web).toEqual({ implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } });
    expect(app.inputs.requiredResourceAccesses).toEqual([
      {
        resourceAppId: MS_GRAPH_APP_ID,
        resourceAccesses: [
          { id: "37f7f235-527c-4136-accd-4a02d197296e", type: "Scope" },
          { id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", type: "Scope" },
        ],
      },
    ]);
    const sp = run.h.byName("spa-sp");
    expect(sp.inputs).toEqual({ clientId: fakeId("client", "spa-app"), tags: ["WindowsAzureActiveDirectoryIntegratedApp"] });
    const grant = run.h.byName("spa-consent");
    expect(grant.inputs).toEqual({
      servicePrincipalObjectId: fakeId("sp", "spa-sp"),
      resourceServicePrincipalObjectId: GRAPH_SP_OBJECT_ID,
      claimValues: ["openid", "offline_access"],
    });
  });

  test("GIVEN the quickstart config WHEN Graph resources are registered THEN the link waits for the SP and each asset for its own branding object", () => {
    const h = run.h;
    const flow = h.byName("sign-in-flow-signup-signin");
    expect(flow.inputs).toMatchObject({
      displayName: "SignUpSignIn",
      isSignUpAllowed: true,
      identityProviders: ["EmailPassword-OAUTH"],
      attributes: [
        { id: "email", required: true, hidden: false },
        { id: "displayName", required: false, hidden: false },
      ],
    });
    const link = h.byName("sign-in-link-signup-signin-spa");
    expect(link.inputs).toMatchObject({ userFlowId: fakeId("flow", flow.name), appId: fakeId("client", "spa-app") });
    expect(link.dependencies).toEqual(expect.arrayContaining([h.byName("spa-sp").urn, flow.urn]));

    const def = h.byName("sign-in-branding-default");
    const fr = h.byName("sign-in-branding-fr-FR");
    expect(fr.dependencies).toContain(def.urn);
    expect(fr.inputs.locale).toBe("fr-FR");
    const assets: Record<string, [Registration, string, string, string]> = {
      "sign-in-asset-default-bannerLogo": [def, "0", "bannerLogo", "branding/banner.png"],
      "sign-in-asset-default-squareLogo": [def, "0", "squareLogo", "branding/square.png"],
      "sign-in-asset-fr-FR-bannerLogo": [fr, "fr-FR", "bannerLogo", "branding/banner-fr.png"],
    };
    for (const [name, [owner, locale, kind, filePath]] of Object.entries(assets)) {
      const a = h.byName(name);
      expect(a.inputs).toMatchObject({ locale, kind, filePath, contentType: "image/png" });
      expect(a.inputs.contentSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(a.dependencies).toContain(owner.urn);
    }
    // Every Graph resource talks to the created tenant.
    for (const r of h.registrations.filter((r) => DYNAMIC_TYPES.has(r.type))) expect(r.inputs.connection.tenantId).toBe(TENANT_ID);
  });

  test("GIVEN secrets planted in the environment WHEN dynamic resources serialize their providers THEN each __provider is a non-empty string capturing no secret and no input anywhere holds a planted value", () => {
    const dynamic = run.h.registrations.filter((r) => DYNAMIC_TYPES.has(r.type));
    expect(dynamic).toHaveLength(8);
    for (const r of dynamic) {
      expect(typeof r.inputs.__provider).toBe("string");
      expect(r.inputs.__provider.length).toBeGreaterThan(100);
      // The SDK marks __provider secret only when the closure captured a secret Output: none may be captured.
      expect(r.secretInputs).not.toContain("__provider");
    }
    for (const r of run.h.registrations) {
      const wire = JSON.stringify(r.rawInputs);
      for (const value of Object.values(PLANTED)) expect(wire).not.toContain(value);
    }
  });

  test("GIVEN the quickstart config WHEN outputs resolve THEN the stack exports the tenant, the sample's msalConfig per app and the flow ids", () => {
    const clientId = fakeId("client", "spa-app");
    expect(run.outputs).toEqual({
      tenantId: TENANT_ID,
      domainName: "contosociamdev.onmicrosoft.com",
      authority: "https://contosociamdev.ciamlogin.com/",
      apps: {
        spa: {
          clientId,
          redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"],
          msalConfig: { auth: { clientId, authority: "https://contosociamdev.ciamlogin.com/", redirectUri: "http://localhost:3000/redirect" } },
        },
      },
      userFlowIds: { "signup-signin": fakeId("flow", "sign-in-flow-signup-signin") },
    });
  });
});

describe("program (index.ts) on variants of the quickstart", () => {
  test("GIVEN the quickstart without automation WHEN the program runs THEN no automation identity exists and no app has owners", async () => {
    const { h, outputs } = await runProgram(devStackConfig());
    expect(outputs.automation).toBeUndefined();
    expect(h.byName("spa-app").inputs).not.toHaveProperty("owners");
    expect(h.byName("spa-sp").inputs).not.toHaveProperty("owners");
  });

  test("GIVEN automation for a GitHub repository WHEN the program runs THEN the identity gets the quickstart's permissions, owns the SPA and is exported", async () => {
    const { h, outputs } = await runProgram({ ...devStackConfig(), automation: { github: { repository: "contoso/ciam-tenant" } } });
    const ROLE = "azuread:index/appRoleAssignment:AppRoleAssignment";
    expect(graphOf(h).filter(([t]) => t !== ROLE)).toEqual(
      [
        ...QUICKSTART_GRAPH,
        ["ciam-tenant:index:AutomationIdentity", "ciam-automation", ""],
        [APP, "ciam-automation-app", "ciam-automation"],
        [SP, "ciam-automation-sp", "ciam-automation"],
        ["azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential", "ciam-automation-fic-github-branch-main", "ciam-automation"],
      ].sort((a, b) => (a[1] + a[0]).localeCompare(b[1] + b[0])),
    );
    // The quickstart registers an app, one flow and branding (no custom attribute), and every stack reads the tenant
    // in its readiness gate: exactly these five permissions.
    expect(outputs.automation.permissions).toEqual([
      "Application.ReadWrite.OwnedBy",
      "DelegatedPermissionGrant.ReadWrite.All",
      "EventListener.ReadWrite.All",
      "Organization.Read.All",
      "OrganizationalBranding.ReadWrite.All",
    ]);
    expect(h.byType(ROLE).map((r) => r.name).sort()).toEqual(outputs.automation.permissions.map((p: string) => `ciam-automation-role-${p}`));
    const automationSp = fakeId("sp", "ciam-automation-sp");
    expect(h.byName("spa-app").inputs.owners).toEqual([automationSp]);
    expect(h.byName("spa-sp").inputs.owners).toEqual([automationSp]);
    const clientId = fakeId("client", "ciam-automation-app");
    expect(outputs.automation).toMatchObject({
      clientId,
      tenantId: TENANT_ID,
      pipelineVariables: { github: { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: TENANT_ID } },
    });
    expect(outputs.automation.pipelineVariables).not.toHaveProperty("azureDevOps");
  });

  test("GIVEN lifecycle ephemeral WHEN the program runs THEN nothing is protected or retained", async () => {
    const { h } = await runProgram({ ...devStackConfig(), lifecycle: "ephemeral" });
    expect(graphOf(h)).toEqual(QUICKSTART_GRAPH);
    expect(h.registrations.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
  });

  test("GIVEN an existing tenant WHEN the program runs THEN no resource group or tenant is registered and everything targets the configured tenant", async () => {
    const existingId = "abcdefab-1234-5678-9abc-def012345678";
    const { h, outputs } = await runProgram({ ...devStackConfig(), tenant: { existing: { tenantId: existingId, subdomain: "contosociam" } } });
    expect(graphOf(h)).toEqual(without(QUICKSTART_GRAPH, ["ciam-rg", "ciam-tenant", "ciam-preflight", "ciam-teardown"]));
    expect(h.byName("ciam-azuread").inputs.tenantId).toBe(existingId);
    expect(h.registrations.filter((r) => r.protect)).toEqual([]);
    expect(outputs).toMatchObject({ tenantId: existingId, domainName: "contosociam.onmicrosoft.com", authority: "https://contosociam.ciamlogin.com/" });
    expect(outputs.apps.spa.msalConfig.auth.authority).toBe("https://contosociam.ciamlogin.com/");
  });

  test("GIVEN only an existing app WHEN the program runs THEN no application, service principal, grant, azuread provider or invoke exists and the link depends on its flow only", async () => {
    const clientId = "0f0e0d0c-0b0a-4909-8807-060504030201";
    const { h, outputs } = await runProgram({ ...devStackConfig(), apps: [{ key: "spa", existing: { clientId } }] });
    expect(graphOf(h)).toEqual(without(QUICKSTART_GRAPH, ["ciam-azuread", "spa-app", "spa-sp", "spa-consent"]));
    expect(h.invokes).toEqual([]);
    const link = h.byName("sign-in-link-signup-signin-spa");
    expect(link.inputs.appId).toBe(clientId);
    // The flow, the tenant and the identity check (through the Graph connection) and the tenant's gate; no service principal.
    expect([...link.dependencies].sort()).toEqual(
      [h.byName("ciam-tenant").urn, h.byName("ciam-identity-check").urn, h.byName("ciam-teardown").urn, h.byName("sign-in-flow-signup-signin").urn].sort(),
    );
    expect(outputs.apps).toEqual({
      spa: { clientId, redirectUris: [], msalConfig: { auth: { clientId, authority: "https://contosociamdev.ciamlogin.com/" } } },
    });
  });

  test("GIVEN a spa app and an existing app WHEN the program runs THEN one provider serves the spa app and both apps are exported", async () => {
    const base = devStackConfig();
    const clientId = "0f0e0d0c-0b0a-4909-8807-060504030201";
    const { h, outputs } = await runProgram({ ...base, apps: [...(base.apps as unknown[]), { key: "legacy", existing: { clientId } }] });
    expect(h.byType("pulumi:providers:azuread")).toHaveLength(1);
    expect(h.byType(APP).map((r) => r.name)).toEqual(["spa-app"]);
    expect(Object.keys(outputs.apps).sort()).toEqual(["legacy", "spa"]);
    expect(outputs.apps.legacy.clientId).toBe(clientId);
  });

  test("GIVEN no branding, a custom attribute and two flows WHEN the program runs THEN no branding is registered and the flow depends on the attribute", async () => {
    const base = devStackConfig();
    const { branding: _branding, ...rest } = base;
    const flows = base.userFlows as Record<string, unknown>[];
    const { h, outputs } = await runProgram({
      ...rest,
      customAttributes: [{ name: "LoyaltyNumber", dataType: "string" }],
      userFlows: [
        { ...flows[0], attributes: [{ attribute: "email", required: true }, { attribute: "LoyaltyNumber" }] },
        { key: "otp", displayName: "OtpOnly", identityProviders: ["emailOtp"] },
      ],
    });
    expect(h.registrations.filter((r) => /Branding/.test(r.type))).toEqual([]);
    const attr = h.byName("sign-in-attr-LoyaltyNumber");
    expect(attr.parent).toBe(h.byName("sign-in").urn);
    const flow = h.byName("sign-in-flow-signup-signin");
    expect(flow.dependencies).toContain(attr.urn);
    expect(flow.inputs.attributes[1]).toEqual({ id: "extension_b2cextensionsapp_LoyaltyNumber", required: false, hidden: false });
    expect(h.byName("sign-in-flow-otp").inputs).toMatchObject({ isSignUpAllowed: true, identityProviders: ["EmailOtpSignup-OAUTH"] });
    expect(h.byType(dyn("UserFlowAppLink")).map((r) => r.name)).toEqual(["sign-in-link-signup-signin-spa"]);
    expect(Object.keys(outputs.userFlowIds as object).sort()).toEqual(["otp", "signup-signin"]);
  });

  test("GIVEN a preview of a tenant not created yet WHEN the program runs THEN the same graph is planned, the Graph SP lookup is skipped and tenant-bound outputs are unknown", async () => {
    const { h, outputs } = await runProgram(devStackConfig(), { preview: true, tenantId: null });
    expect(graphOf(h)).toEqual(QUICKSTART_GRAPH);
    expect(h.invokes).toEqual([]);
    expect(outputs.tenantId).toBeUndefined();
    expect(outputs.authority).toBe("https://contosociamdev.ciamlogin.com/");
  });

  test("GIVEN the quickstart config WHEN the program runs THEN every resource that writes into the tenant depends on its gate, and the gate on the tenant", async () => {
    const { h } = await runProgram(devStackConfig());
    const gate = h.byName("ciam-teardown");
    expect(gate.dependencies).toContain(h.byName("ciam-ready").urn);
    expect(gate.dependencies).toContain(h.byName("ciam-identity-check").urn);
    expect(h.byName("ciam-identity-check").dependencies).toContain(h.byName("ciam-ready").urn);
    expect(h.byName("ciam-ready").dependencies).toContain(h.byName("ciam-tenant").urn);
    // Everything inside the tenant, but the identity check, which sits before the gate.
    const inside = h.registrations.filter(
      (r) => (DYNAMIC_TYPES.has(r.type) && r.name !== "ciam-identity-check") || r.type.startsWith("azuread:"),
    );
    expect(inside.length).toBe(10);
    for (const r of inside) expect([r.name, r.dependencies.includes(gate.urn)]).toEqual([r.name, true]);
  });

  test.each(["protected", "ephemeral"])("GIVEN lifecycle %s WHEN the program runs THEN the destroy guard depends on every other custom resource and records the lifecycle and stack", async (lifecycle) => {
    const { h } = await runProgram({ ...devStackConfig(), lifecycle });
    const guard = h.byName("destroy-guard");
    const { __provider: _p, ...inputs } = guard.inputs;
    expect(inputs).toEqual({ lifecycle, stack: "test" });
    const others = h.registrations.filter((r) => r.custom && r !== guard && !r.type.startsWith("pulumi:providers:"));
    expect(others.length).toBe(16);
    for (const r of others) expect([r.name, guard.dependencies.includes(r.urn)]).toEqual([r.name, true]);
    expect(guard.protect).toBe(false);
  });

  test("GIVEN an ephemeral stack with subdomainSuffix stack WHEN the program runs THEN the tenant, its preflight and the outputs use the suffixed subdomain", async () => {
    const base = devStackConfig();
    const tenant = base.tenant as { create: Record<string, unknown> };
    const { h, outputs } = await runProgram({ ...base, lifecycle: "ephemeral", tenant: { create: { ...tenant.create, subdomain: "ciamci", subdomainSuffix: "stack" } } });
    const name = h.byName("ciam-tenant").inputs.resourceName as string;
    expect(name).toMatch(/^ciamci[0-9a-z]{6}$/);
    expect(h.byName("ciam-preflight").inputs.subdomain).toBe(name);
    expect(outputs.authority).toBe(`https://${name}.ciamlogin.com/`);
  });

  test("GIVEN an invalid config WHEN the program loads THEN it fails listing every problem and registers nothing", async () => {
    jest.resetModules();
    const h = await installMocks();
    const base = devStackConfig();
    const tenant = base.tenant as { create: Record<string, unknown> };
    h.pulumi.runtime.setAllConfig(
      toPulumiConfig({
        ...base,
        tenant: { create: { ...tenant.create, dataLocation: "westeurope" } },
        apps: [{ key: "spa", displayName: "x", redirectUris: ["http://example.com/redirect"] }],
      }),
    );
    const load = import("../../index");
    await expect(load).rejects.toThrow(/tenant\.create\.dataLocation[\s\S]*apps\[0\]\.redirectUris\[0\]/);
    await h.settle();
    expect(h.registrations).toEqual([]);
    expect(h.invokes).toEqual([]);
  });
});

describe("entry point (main.ts, Pulumi.yaml's main)", () => {
  test("GIVEN the SDK modules Pulumi's language host has loaded before the program WHEN main.ts is loaded THEN it loads only the warm-up and the SDK's invoke, not @pulumi/pulumi's index, so that the request goes out before the program's slow loading", () => {
    // A fresh Node.js, as the language host: the runtime it runs the program in, then the entry point through ts-node.
    const script = [
      'require("ts-node").register({ transpileOnly: true });',
      'for (const m of ["log", "runtime/settings", "runtime/stack"]) require("@pulumi/pulumi/" + m);',
      "const before = new Set(Object.keys(require.cache));",
      'require("./main");',
      "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => !before.has(k))));",
    ].join("\n");
    const r = spawnSync(process.execPath, ["-e", script], { cwd: path.resolve(__dirname, "../.."), encoding: "utf8" });
    expect(r.stderr).toBe("");
    const loaded = (JSON.parse(r.stdout) as string[]).map((f) => path.relative(path.resolve(__dirname, "../.."), f)).sort();
    expect(loaded).toEqual(["dynamic-providers/warm-up.ts", "main.ts", "node_modules/@pulumi/pulumi/runtime/invoke.js"]);
  });

  test("GIVEN the quickstart config WHEN the entry point runs THEN it asks for the dynamic-provider process before any resource is registered, and the stack's outputs are index.ts's", async () => {
    Object.assign(process.env, PLANTED);
    try {
      jest.resetModules();
      const h = await installMocks();
      h.pulumi.runtime.setAllConfig(toPulumiConfig(devStackConfig()));
      // When each invoke reaches the engine (here the mocks' monitor), how many resources it had registered.
      const monitor = h.pulumi.runtime.getMonitor() as { invoke(req: any, cb: unknown): unknown };
      const invoke = monitor.invoke.bind(monitor);
      const seen: [string, number][] = [];
      monitor.invoke = (req, cb) => {
        seen.push([req.getTok(), h.registrations.length]);
        return invoke(req, cb);
      };
      const { WARM_UP_TOKEN } = await import("../../dynamic-providers/warm-up");
      const main = require("../../main") as () => Promise<Record<string, unknown>>;
      const outputs = await main();
      await h.settle();

      // The warm-up comes first; the mocks refuse it as the dynamic-provider process does, and the run goes on.
      expect(seen[0]).toEqual([WARM_UP_TOKEN, 0]);
      expect(h.invokes.filter((i) => i.token === WARM_UP_TOKEN)).toHaveLength(1);
      expect(graphOf(h)).toEqual(QUICKSTART_GRAPH);
      const index = (await import("../../index")) as Record<string, unknown>;
      expect(Object.keys(outputs).sort()).toEqual(Object.keys(index).filter((k) => k !== "__esModule").sort());
      expect(await promiseOf(outputs.tenantId as never)).toBe(TENANT_ID);
      expect(await promiseOf(outputs.apps as never)).toEqual(await promiseOf(index.apps as never));
    } finally {
      for (const k of Object.keys(PLANTED)) delete process.env[k];
    }
  });
});
