/**
 * Every user-facing failure reaches the terminal once, without a stack trace, on the real engine: a config mistake
 * (the program stops with a pulumi.RunError), a refused token request, a missing Graph permission, a tenant refusal
 * that waiting cannot heal, a Graph request refused on a write (user flow create) and an ARM refusal in the
 * create-mode preflight. Before, a config error was "Running program … failed with an
 * unhandled exception", a coloured Node trace and every problem again in an inspected `problems: [...]`; a provider
 * error thrown from check/diff/read/delete was printed by the dynamic-provider host as `Name: msg: Name: msg` and
 * its frames, next to the engine's own `error: msg`.
 *
 * How the engine shows a failure (Pulumi CLI 3.248.0, non-interactive display): the first line of the error in the
 * resource's live row (once or twice, as the row changes) and the whole message once under "Diagnostics:". So "once"
 * is counted in the Diagnostics section; the whole output is checked for frames, colour codes and class names.
 *
 * What this does not prove: real Entra/Graph answers (the emulator's), the interactive display.
 */
import { Scenario, startScenario } from "./scenario";
import type { RunResult } from "./engine";

jest.setTimeout(10 * 60_000);

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ streamDelete: "supported" });
});

afterAll(async () => {
  await s?.emu.stop();
  s?.stack.dispose();
});

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** stdout and stderr of a failed run, with the part under "Diagnostics:" on its own. */
async function failing(args: string[]): Promise<{ all: string; diagnostics: string }> {
  const r: RunResult = await s.stack.run(args, { okCodes: [1, 255], timeoutMs: 5 * 60_000 });
  const all = `${r.stdout}\n${r.stderr}`;
  const at = all.indexOf("\nDiagnostics:\n");
  expect(at).toBeGreaterThanOrEqual(0);
  return { all, diagnostics: all.slice(at) };
}

/** No trace of any kind, no colour codes, no class-name prefix, and `message` once under Diagnostics. */
function expectClean(out: { all: string; diagnostics: string }, message: string, classNames: string[] = []): void {
  expect(out.all).not.toMatch(/^\s+at /m);
  expect(out.all).not.toMatch(/\u001b\[/);
  expect(out.all).not.toContain("unhandled exception");
  for (const c of classNames) expect(out.all).not.toContain(`${c}:`);
  expect(occurrences(out.diagnostics, message)).toBe(1);
}

test("a stack config with two problems: preview stops with each problem once, no trace, no problems array", async () => {
  s.stack.writeConfig({ ...s.config, lifecycle: "bogus", graph: { ...s.config.graph, retryDeadlineSeconds: -1 } });
  try {
    const out = await failing(["preview"]);
    expectClean(out, "Stack configuration", ["ConfigValidationError"]);
    expect(out.all).not.toMatch(/problems: \[/);
    // Each problem is printed once in the whole output (only the message's first line is shown in the live row).
    expect(occurrences(out.all, "graph.retryDeadlineSeconds")).toBe(1);
    expect(occurrences(out.all, '"bogus"')).toBe(1);
  } finally {
    s.stack.writeConfig(s.config);
  }
});

test("a token request the login endpoint refuses (wrong client secret): preview prints the credential error once, no trace", async () => {
  const saved = s.stack.env.AZURE_CLIENT_SECRET;
  s.stack.env.AZURE_CLIENT_SECRET = "not-the-secret";
  try {
    const out = await failing(["preview"]);
    expectClean(out, "Could not get a Microsoft Graph token for tenant", ["GraphAuthError"]);
    expect(out.diagnostics).toContain("AADSTS7000215");
  } finally {
    s.stack.env.AZURE_CLIENT_SECRET = saved;
  }
  expect(s.emu.writes()).toEqual([]);
});

test("a token missing Graph permissions: preview (identity check) and up (readiness gate, 403) print the error once, no trace", async () => {
  const savedRoles = s.emu.options.appRoles;
  s.emu.options.enforceAppRoles = true;
  s.emu.options.appRoles = ["EventListener.ReadWrite.All"];
  try {
    const preview = await failing(["preview"]);
    expectClean(preview, "lacks Microsoft Graph application permissions this stack's config needs", ["GraphIdentityError"]);
    expect(occurrences(preview.diagnostics, "It carries: EventListener.ReadWrite.All")).toBe(1);

    const up = await failing(["up", "--yes", "--skip-preview"]);
    expectClean(up, "403 Authorization_RequestDenied", ["GraphRequestError", "GraphIdentityError"]);
    expect(up.diagnostics).toContain("Organization.Read.All");
  } finally {
    s.emu.options.enforceAppRoles = false;
    s.emu.options.appRoles = savedRoles;
  }
  expect(s.emu.writes()).toEqual([]);
});

test("an existing tenant that refuses the token for good (issued for another audience): up fails at the first look, once, no trace", async () => {
  // Graph refuses a token of another resource as 401 "Invalid audience" however long one waits; before, the
  // readiness gate took every 401 for a tenant still starting and waited out its 15-minute deadline.
  s.emu.options.tokenAudience = "https://management.azure.com";
  s.emu.clearLog();
  try {
    const up = await failing(["up", "--yes", "--skip-preview"]);
    expectClean(up, "was issued for the audience https://management.azure.com", ["TenantUnusableError", "GraphRequestError"]);
    expect(up.diagnostics).toContain("401 InvalidAuthenticationToken");
    expect(up.diagnostics).toContain("ciam-tenant:endpoints.graph");
    expect(up.all).not.toContain("not usable yet"); // no waiting loop, not even one progress line
    // One look: the readiness gate's single Graph read, refused; nothing after it was attempted.
    expect(s.emu.requests.filter((r) => r.version !== null)).toHaveLength(1);
  } finally {
    s.emu.options.tokenAudience = undefined;
  }
  expect(s.emu.writes()).toEqual([]);
});

test("an existing tenant id no tenant answers to: up fails at the first look naming tenant.existing.tenantId, once, no trace", async () => {
  const saved = s.emu.options.tenantId;
  s.emu.clearLog();
  const unknown = "3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b";
  s.stack.writeConfig({ ...s.config, tenant: { existing: { ...s.config.tenant.existing, tenantId: unknown } } });
  try {
    const up = await failing(["up", "--yes", "--skip-preview"]);
    expectClean(up, `tenant ${unknown} is not known to`, ["TenantUnusableError"]);
    expect(up.diagnostics).toContain("ciam-tenant:tenant.existing.tenantId");
    expect(up.all).not.toContain("not usable yet");
    expect(s.emu.requests.filter((r) => r.version !== null)).toEqual([]); // the metadata said no: Graph never asked
  } finally {
    s.stack.writeConfig(s.config);
    expect(s.emu.options.tenantId).toBe(saved);
  }
  expect(s.emu.writes()).toEqual([]);
});

test("a Graph write refused with 400 (user flow naming an attribute the tenant lacks): up prints Graph's error once, no trace", async () => {
  // The built-in attribute "city" is gone from this tenant, and Graph answers an unknown reference with 400.
  s.emu.options.unknownReference = "400";
  expect(s.emu.store.deleteUserFlowAttribute("city")).toBe(true);
  s.stack.writeConfig({
    ...s.config,
    customAttributes: [],
    branding: undefined,
    userFlows: [
      {
        key: "sisu",
        displayName: "SignUpSignIn",
        identityProviders: ["emailPassword"],
        attributes: [
          { attribute: "email", required: true },
          { attribute: "city", required: false },
        ],
        apps: ["spa"],
      },
    ],
  });
  const up = await failing(["up", "--yes", "--skip-preview"]);
  expectClean(up, "400 Request_BadRequest", ["GraphRequestError"]);
  expect(up.diagnostics).toMatch(/Graph POST \S*authenticationEventsFlows failed: 400 Request_BadRequest: The user flow attribute 'city' does not exist/);
  expect(s.emu.writes().filter((w) => w.status === 400)).toHaveLength(1);
});

test("an ARM refusal in a create-mode preview (a subscription ARM does not know): preview prints ARM's error once, no trace", async () => {
  // The preflight asks ARM in check, before anything is created; a subscription id that is not the home tenant's
  // (a typo, another account's) is answered 404 SubscriptionNotFound. No azure-native resource is registered: the
  // tenant depends on the preflight, so the engine never gets that far and needs no azure-native plugin.
  const unknownSubscription = "7c4e2a91-5b3d-4f8e-9a6c-2d1b0e3f4a5c";
  s.emu.clearLog();
  s.stack.writeConfig({
    ...s.config,
    tenant: {
      create: {
        subscriptionId: unknownSubscription,
        homeTenantId: s.emu.options.homeTenantId,
        resourceGroup: { name: s.emu.options.resourceGroup, location: "westeurope", create: false },
        subdomain: s.emu.options.subdomain,
        displayName: "Contoso CIAM",
        countryCode: "US",
        dataLocation: "United States",
      },
    },
    endpoints: { ...s.config.endpoints, resourceManager: s.emu.armUrl },
  });
  try {
    const preview = await failing(["preview"]);
    expectClean(preview, "404 SubscriptionNotFound", ["ArmRequestError"]);
    expect(preview.diagnostics).toMatch(new RegExp(`ARM GET /subscriptions/${unknownSubscription}/\\S+ failed: 404 SubscriptionNotFound`));
    expect(s.emu.requests.filter((r) => r.service === "arm")).not.toEqual([]);
  } finally {
    s.stack.writeConfig(s.config);
  }
  expect(s.emu.writes()).toEqual([]);
  expect(s.emu.armWrites()).toEqual([]);
});
