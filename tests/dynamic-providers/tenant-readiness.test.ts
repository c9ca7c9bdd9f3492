/**
 * TenantReadiness against the emulator: a new tenant's create waits through the not-ready window (metadata, token,
 * Graph) with back-off and progress lines, gives up cleanly past its deadline with the last reason, resumes on a
 * rerun; an existing, ready tenant costs exactly one metadata read and one Graph read; nothing is ever written.
 *
 * Not proven here: how long a real tenant stays unready (unknown; the emulator counts answers), nor that the engine
 * shows stderr lines (checked by hand with the Pulumi CLI, see provider-kit `progress`).
 */
import type { Emulator, EmulatorOptions } from "../emulator";
import { lifecycleHarness } from "./lifecycle-fixtures";
import { armCall, createDirectoryBody, directoryPath } from "../emulator/helpers";
import { TenantNotReadyError, tenantReadinessProvider, type TenantReadinessInputs } from "../../dynamic-providers/tenant/readiness";
import { UNKNOWN } from "../../dynamic-providers/provider-kit";
import { graphClient } from "../../dynamic-providers/graph";

let emu: Emulator;
const harness = lifecycleHarness();
const progressLines = harness.progress;
async function start(o: Partial<EmulatorOptions> = {}): Promise<void> {
  emu = await harness.start({ subdomain: "contosoready", ...o });
}

function inputs(deadlineSeconds = 10, tenantOrigin?: "created" | "existing"): TenantReadinessInputs {
  return {
    connection: { tenantId: emu.tenantId, graphEndpoint: emu.url, authorityHost: emu.url, apiVersion: "beta", minRetryDelayMs: 1, retryDeadlineSeconds: 2 },
    deadlineSeconds,
    ...(tenantOrigin ? { tenantOrigin } : {}),
  };
}

/** Creates the emulated tenant through ARM as the admin would (azure-native's PUT and poll). */
async function createTenant(): Promise<void> {
  const put = await armCall(emu, "PUT", directoryPath(emu, "contosoready"), { body: createDirectoryBody() });
  expect(put.status).toBe(201);
  await armCall(emu, "GET", put.headers.get("azure-asyncoperation") as string);
  expect(emu.arm.graphTenant).toBe("active");
}

const tenantCalls = () =>
  emu.requests
    .filter((r) => (r.service === "graph" || r.path.includes(emu.tenantId)) && !r.path.endsWith("/keys"))
    .map((r) => `${r.service} ${r.path.includes("openid-configuration") ? "metadata" : r.path.includes("/token") ? "token" : r.path} ${r.status}`);

describe("create", () => {
  test("GIVEN a tenant just created (2 metadata, 2 token, 3 Graph answers not ready) WHEN readiness is created THEN it waits through each, reports progress, succeeds and writes nothing", async () => {
    await start({ tenantProvisioned: false, notReadyWindow: { metadata: 2, token: 2, graph: 3 } });
    await createTenant();
    emu.clearLog();
    const result = await tenantReadinessProvider.create!(inputs());
    expect(result.id).toBe(emu.tenantId);
    expect(result.outs).toMatchObject({ deadlineSeconds: 10, stateVersion: 1, issuer: `${emu.url}/${emu.tenantId}/v2.0` });
    expect(emu.arm.notReadyRemaining()).toBeUndefined();
    const calls = tenantCalls();
    expect(calls.filter((c) => c.startsWith("login metadata"))[0]).toBe("login metadata 400");
    expect(calls[calls.length - 1]).toBe(`graph /organization/${emu.tenantId} 200`);
    expect(calls.filter((c) => / \/organization\//.test(c)).map((c) => c.split(" ").pop())).toEqual(["401", "401", "401", "200"]);
    expect(emu.writes()).toEqual([]);
    expect(progressLines.length).toBeGreaterThanOrEqual(3);
    // The AADSTS description is cut after its first sentence (no trace ids, no advice) to keep lines readable.
    expect(progressLines[0]).toMatch(
      new RegExp(`^\\[tenant-readiness\\] tenant ${emu.tenantId} not usable yet \\(check 1: OpenID metadata: 400 invalid_request: AADSTS90002: Tenant '${emu.tenantId}' not found\\.\\); next check in \\d+s, giving up at \\d{4}-`),
    );
    expect(progressLines[progressLines.length - 1]).toMatch(/answers \(after \d+ checks\)/);
  });

  test.each(["403", "404"] as const)("GIVEN Graph answers %s while not ready WHEN readiness is created THEN it waits through it too", async (notReadyGraph) => {
    await start({ notReadyGraph });
    emu.arm.startNotReadyWindow({ graph: 2 });
    emu.clearLog();
    await tenantReadinessProvider.create!(inputs());
    expect(tenantCalls().filter((c) => / \/organization\//.test(c)).map((c) => c.split(" ").pop())).toEqual([notReadyGraph, notReadyGraph, "200"]);
  });

  test("GIVEN a tenant that stays unready past the deadline WHEN readiness is created THEN it fails cleanly naming the tenant, the deadline and the last answer; a rerun with the window over succeeds", async () => {
    await start();
    emu.arm.startNotReadyWindow({ ms: 60_000 });
    const error = await tenantReadinessProvider.create!(inputs(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantNotReadyError);
    expect((error as Error).message).toMatch(new RegExp(`^tenant ${emu.tenantId} did not answer within 1s \\(\\d+ checks\\); last answer: OpenID metadata: 400 invalid_request: AADSTS90002`));
    expect((error as Error).message).toContain("run pulumi up again to keep waiting, or raise ciam-tenant:readiness.deadlineSeconds");
    expect(emu.writes()).toEqual([]);

    emu.arm.endNotReadyWindow();
    await expect(tenantReadinessProvider.create!(inputs(1))).resolves.toMatchObject({ id: emu.tenantId });
  });

  test("GIVEN an existing, ready tenant WHEN readiness is created THEN it costs one metadata read and one Graph read and prints nothing", async () => {
    await start();
    // The credential's first token (MSAL's own discovery and token requests) is not readiness's cost: warm it.
    await graphClient(inputs().connection).get("/organization");
    emu.clearLog();
    await tenantReadinessProvider.create!(inputs());
    expect(emu.requests.map((r) => `${r.service} ${r.path} ${r.status}`)).toEqual([
      `login /${emu.tenantId}/v2.0/.well-known/openid-configuration 200`,
      `graph /organization/${emu.tenantId} 200`,
    ]);
    expect(progressLines).toEqual([]);
  });

  test("GIVEN a credential the tenant refuses (not a readiness problem that passes) WHEN the deadline comes THEN the error carries the token failure", async () => {
    await start();
    process.env.AZURE_CLIENT_SECRET = "wrong";
    const error = await tenantReadinessProvider.create!(inputs(0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantNotReadyError);
    expect((error as Error).message).toContain("Could not get a Microsoft Graph token");
  });

  test("GIVEN an app token without any permission GET /organization accepts (Graph enforcing app roles) WHEN readiness is created THEN it fails at once naming Organization.Read.All, instead of waiting to its deadline", async () => {
    await start({ enforceAppRoles: true, appRoles: ["EventListener.ReadWrite.All"] });
    emu.clearLog();
    let error: unknown;
    await tenantReadinessProvider.create!(inputs(600)).catch((e: unknown) => (error = e));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("Organization.Read.All");
    expect((error as Error).message).toContain("EventListener.ReadWrite.All"); // what the token carries
    expect(emu.requests.filter((r) => r.service === "graph").map((r) => r.status)).toEqual([403]); // one look, no waiting
    expect(progressLines).toEqual([]);
  });

  test("GIVEN an app token holding Organization.Read.All WHEN readiness is created under enforcement THEN the tenant answers", async () => {
    await start({ enforceAppRoles: true, appRoles: ["Organization.Read.All"] });
    const result = await tenantReadinessProvider.create!(inputs());
    expect(result.id).toBe(emu.tenantId);
  });
});

describe("answers waiting cannot change: one look, whatever the deadline", () => {
  const graphStatuses = () => emu.requests.filter((r) => r.service === "graph").map((r) => r.status);
  async function failure(i: TenantReadinessInputs): Promise<Error> {
    const error = await tenantReadinessProvider.create!(i).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toMatch(/\.\./);
    expect(progressLines).toEqual([]); // no "not usable yet": nothing was waited for
    return error as Error;
  }

  test.each(["created", "existing"] as const)("GIVEN a Graph token issued for another audience WHEN readiness of a %s tenant is created THEN it fails at the first Graph answer, naming the audience and the fix", async (origin) => {
    await start({ tokenAudience: "https://management.azure.com" });
    emu.clearLog();
    const e = await failure(inputs(600, origin));
    expect(e.message).toContain("Invalid audience");
    expect(e.message).toContain("was issued for the audience https://management.azure.com");
    expect(e.message).toContain("Fix: set ciam-tenant:endpoints.graph");
    expect(graphStatuses()).toEqual([401]);
    expect(emu.writes()).toEqual([]);
  });

  test.each(["created", "existing"] as const)("GIVEN a token issued for another tenant WHEN readiness of a %s tenant is created THEN it fails before any Graph call, naming both tenants", async (origin) => {
    await start();
    const other = "11111111-2222-4333-8444-555555555555";
    emu.options.tokenTenantId = other;
    emu.clearLog();
    const e = await failure(inputs(600, origin));
    expect(e.message).toContain(`issued for tenant ${other}`);
    expect(e.message).toContain(emu.tenantId);
    expect(graphStatuses()).toEqual([]);
  });

  test("GIVEN an app token without the permission WHEN readiness of an existing tenant is created THEN one 403, naming Organization.Read.All", async () => {
    await start({ enforceAppRoles: true, appRoles: ["EventListener.ReadWrite.All"] });
    emu.clearLog();
    const e = await failure(inputs(600, "existing"));
    expect(e.message).toContain("Organization.Read.All");
    expect(graphStatuses()).toEqual([403]);
  });

  test.each(["401", "404"] as const)("GIVEN an existing tenant whose Graph answers %s WHEN readiness is created THEN one look, failing with the answer and the tenant.existing fix", async (notReadyGraph) => {
    await start({ notReadyGraph });
    emu.arm.startNotReadyWindow({ graph: 5 });
    emu.clearLog();
    const e = await failure(inputs(600, "existing"));
    expect(e.message).toContain(`failed: ${notReadyGraph}`);
    expect(e.message).toContain("ciam-tenant:tenant.existing.tenantId");
    expect(graphStatuses()).toEqual([Number(notReadyGraph)]);
  });

  test("GIVEN an existing tenant the authority does not know WHEN readiness is created THEN one metadata read, naming AADSTS90002 and the fix", async () => {
    await start();
    emu.arm.startNotReadyWindow({ metadata: 5 });
    emu.clearLog();
    const e = await failure(inputs(600, "existing"));
    expect(e.message).toContain("AADSTS90002");
    expect(e.message).toContain("ciam-tenant:tenant.existing.tenantId");
    expect(emu.requests.filter((r) => r.path.includes("openid-configuration"))).toHaveLength(1);
    expect(graphStatuses()).toEqual([]);
  });

  test("GIVEN a wrong client secret WHEN readiness of an existing tenant is created THEN it fails at once with the token failure", async () => {
    await start();
    process.env.AZURE_CLIENT_SECRET = "wrong";
    const e = await failure(inputs(600, "existing"));
    expect(e.message).toContain("Could not get a Microsoft Graph token");
    expect(e.message).toContain("AADSTS7000215");
  });

  test("GIVEN an existing tenant whose Graph answers 503 once WHEN readiness is created THEN the Graph layer's retry carries it: one metadata read, 503 then 200", async () => {
    await start();
    emu.faults.inject({ service: "graph", status: 503, times: 1 });
    emu.clearLog();
    await expect(tenantReadinessProvider.create!(inputs(600, "existing"))).resolves.toMatchObject({ id: emu.tenantId });
    // Readiness's own metadata read (MSAL reads it too, for its first token: user agent azsdk-js-identity).
    expect(emu.requests.filter((r) => r.path.includes("openid-configuration") && !String(r.headers["user-agent"]).startsWith("azsdk"))).toHaveLength(1);
    expect(graphStatuses()).toEqual([503, 200]);
  });

  test("GIVEN an existing tenant whose metadata read loses its connection once WHEN readiness is created THEN it reads again and succeeds (a broken connection is not a wrong authority host)", async () => {
    await start();
    emu.faults.inject({ service: "login", path: /openid-configuration/, status: "reset", times: 1 });
    emu.clearLog();
    await expect(tenantReadinessProvider.create!(inputs(600, "existing"))).resolves.toMatchObject({ id: emu.tenantId });
    const metadataReads = emu.requests.filter((r) => r.path.includes("openid-configuration") && !String(r.headers["user-agent"]).startsWith("azsdk"));
    expect(metadataReads.map((r) => r.reset === true)).toEqual([true, false]);
  });

  test("GIVEN an authority host that refuses connections WHEN readiness of an existing tenant is created THEN it fails at once naming the authority host key", async () => {
    await start();
    const e = await failure({ ...inputs(600, "existing"), connection: { ...inputs(600, "existing").connection, authorityHost: "https://127.0.0.1:1" } });
    expect(e.message).toContain("ciam-tenant:endpoints.authorityHost");
  });
});

describe("check, diff, update, delete", () => {
  test("GIVEN state written before tenantOrigin existed WHEN diffed against inputs with it THEN no change", async () => {
    await start();
    const olds = { ...inputs(), issuer: "x", stateVersion: 1 };
    expect(await tenantReadinessProvider.diff!("id", olds, inputs(10, "existing"))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN unknown or invalid inputs WHEN checked THEN unknowns pass and a bad deadline is named", async () => {
    await start();
    expect((await tenantReadinessProvider.check!({} as TenantReadinessInputs, { ...inputs(), deadlineSeconds: UNKNOWN as unknown as number })).failures).toEqual([]);
    expect((await tenantReadinessProvider.check!({} as TenantReadinessInputs, { ...inputs(), deadlineSeconds: -1 })).failures).toEqual([
      { property: "deadlineSeconds", reason: "deadlineSeconds: -1 is not valid; a whole number of seconds ≥ 0 is required" },
    ]);
    expect(emu.requests).toEqual([]);
  });

  test("GIVEN a new deadline WHEN diffed and updated THEN an in-place change that calls nothing; another tenant replaces", async () => {
    await start();
    const olds = { ...inputs(), issuer: "x", stateVersion: 1 };
    expect(await tenantReadinessProvider.diff!("id", olds, inputs(20))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await tenantReadinessProvider.diff!("id", olds, { ...inputs(), connection: { ...inputs().connection, tenantId: "00000000-0000-4000-8000-000000000000" } })).replaces).toEqual(["connection"]);
    expect(await tenantReadinessProvider.update!("id", olds, inputs(20))).toEqual({ outs: { ...inputs(20), issuer: "x", stateVersion: 1 } });
    await tenantReadinessProvider.delete!("id", olds);
    expect(emu.requests).toEqual([]);
  });
});
