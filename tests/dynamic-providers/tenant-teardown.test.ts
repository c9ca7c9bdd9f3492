/**
 * TenantTeardown against the emulator: on delete of an ephemeral stack it removes exactly what blocks the tenant's
 * deletion (user flows, custom attributes, the tenant's own service principals and app registrations with
 * b2c-extensions-app, users other than the Global Administrator, their soft-deleted copies, the app running the stack
 * last) — after which ARM's delete goes through and the preflight proves the directory gone; a protected stack's
 * delete calls nothing; a failure half-way resumes on a rerun; a refused delete fails loudly.
 *
 * Not proven here: which objects really block a CIAM tenant's deletion beyond the documented ones (soft-deleted items
 * are a switch: arm-and-auth §1.7 [inferred]), nor Graph's real throttling (faults stand in for it).
 */
import type { Emulator, EmulatorOptions } from "../emulator";
import { lifecycleHarness } from "./lifecycle-fixtures";
import { armCall, directoryPath, minimalFlowBody } from "../emulator/helpers";
import { emptyTenant, tenantTeardownProvider, type TenantTeardownInputs } from "../../dynamic-providers/tenant/teardown";
import { tenantPreflightProvider } from "../../dynamic-providers/tenant/preflight";
import { GraphRequestError } from "../../dynamic-providers/graph";

let emu: Emulator;
const harness = lifecycleHarness();
const progressLines = harness.progress;
async function start(o: Partial<EmulatorOptions> = {}): Promise<void> {
  // pageSize 2: every list below spans pages.
  emu = await harness.start({ subdomain: "contosotest", pageSize: 2, ...o });
}

function state(lifecycle: TenantTeardownInputs["lifecycle"] = "ephemeral", tuning: { retryDeadlineSeconds?: number } = {}) {
  return {
    connection: { tenantId: emu.tenantId, graphEndpoint: emu.url, authorityHost: emu.url, apiVersion: "beta" as const, minRetryDelayMs: 1, retryDeadlineSeconds: 2, ...tuning },
    lifecycle,
    stateVersion: 1,
  };
}

/** What a used test tenant holds besides the seed: sign-ups, apps registered by hand, flows, an attribute. */
function fill(): { users: string[]; apps: { appId: string; applicationObjectId: string; servicePrincipalObjectId: string }[] } {
  const users = [emu.store.addUser({ displayName: "Ann" }), emu.store.addUser({ displayName: "Bob" }), emu.store.addUser({ displayName: "Cy" })];
  const apps = [emu.store.addApplication({ displayName: "portal-made" }), emu.store.addApplication({ displayName: "other" })] as {
    appId: string;
    applicationObjectId: string;
    servicePrincipalObjectId: string;
  }[];
  emu.store.addFlow(minimalFlowBody("SignUpSignIn"));
  emu.store.addFlow(minimalFlowBody("Other"));
  emu.store.addCustomAttribute("LoyaltyNumber");
  emu.store.settle();
  return { users, apps };
}

const writeKeys = () => emu.writes().map((w) => `${w.method} ${w.path} ${w.status}`);

describe("delete of an ephemeral stack", () => {
  test("GIVEN a used tenant WHEN the teardown is deleted THEN exactly the blocking objects are deleted, in order, the admin and Microsoft's service principals stay, and ARM can then delete the tenant", async () => {
    await start();
    const { users, apps } = fill();
    const seedApps = emu.store.listApplications();
    const b2c = seedApps.find((a) => String(a.displayName).startsWith("b2c-extensions-app."))!;
    const deployment = seedApps.find((a) => a.appId === emu.clientId)!;
    const sps = emu.store.listServicePrincipals();
    const spOf = (appId: unknown) => sps.find((sp) => sp.appId === appId)!.id;
    const graphSp = sps.find((sp) => sp.appId === "00000003-0000-0000-c000-000000000000")!;
    const flows = emu.store.listFlows().map((f) => f.id);
    const attribute = emu.store.listUserFlowAttributes().find((a) => a.userFlowAttributeType === "custom")!.id;
    emu.clearLog();

    await tenantTeardownProvider.delete!("id", state());

    const writes = writeKeys();
    const expected = [
      ...flows.map((id) => `DELETE /identity/authenticationEventsFlows/${id} 204`),
      `DELETE /identity/userFlowAttributes/${attribute} 204`,
      ...[...apps.map((a) => a.appId), b2c.appId].map((appId) => `DELETE /servicePrincipals/${spOf(appId)} 204`),
      ...[...apps.map((a) => a.applicationObjectId), b2c.id].map((id) => `DELETE /applications/${id} 204`),
      ...users.map((id) => `DELETE /users/${id} 204`),
      ...[...users, ...apps.map((a) => a.applicationObjectId), b2c.id].map((id) => `DELETE /directory/deletedItems/${id} 204`),
      `DELETE /servicePrincipals/${spOf(emu.clientId)} 204`,
      `DELETE /applications/${deployment.id} 204`,
      `DELETE /directory/deletedItems/${deployment.id} 204`,
    ];
    expect([...writes].sort()).toEqual([...expected].sort());
    // Order: flows before attributes before apps; b2c-extensions-app after the other apps; the deployment app last.
    const at = (s: string) => writes.indexOf(s);
    expect(Math.max(...flows.map((id) => at(`DELETE /identity/authenticationEventsFlows/${id} 204`)))).toBeLessThan(at(`DELETE /identity/userFlowAttributes/${attribute} 204`));
    expect(at(`DELETE /applications/${b2c.id} 204`)).toBeGreaterThan(Math.max(...apps.map((a) => at(`DELETE /applications/${a.applicationObjectId} 204`))));
    expect(writes.slice(-3)).toEqual(expected.slice(-3));

    expect(emu.store.deletionBlockers()).toEqual({ users: 0, applications: 0, userFlows: 0 });
    expect(emu.store.listUsers().map((u) => u.id)).toEqual([emu.store.adminUserId]);
    expect(emu.store.listServicePrincipals().map((sp) => sp.id)).toEqual([graphSp.id]);
    expect(emu.store.listDeletedItems()).toEqual([]);
    expect(progressLines.some((l) => /deleting 2 user flow\(s\)/.test(l))).toBe(true);

    // The engine's next step: azure-native's ARM delete, then the preflight's proof.
    const del = await armCall(emu, "DELETE", directoryPath(emu, "contosotest"));
    expect(del.status).toBe(202);
    const op = await armCall(emu, "GET", del.headers.get("azure-asyncoperation") as string);
    expect(op.json.status).toBe("Succeeded");
    await tenantPreflightProvider.delete!("id", {
      arm: { homeTenantId: emu.homeTenantId, subscriptionId: emu.subscriptionId, resourceManagerEndpoint: emu.armUrl, authorityHost: emu.url, minRetryDelayMs: 1 },
      resourceGroupName: emu.resourceGroup,
      subdomain: "contosotest",
      countryCode: "US",
      lifecycle: "ephemeral",
      deletionDeadlineSeconds: 5,
      stateVersion: 1,
    } as never);
  });

  test("GIVEN the tenant is not emptied WHEN ARM deletes it THEN the operation fails (what the teardown prevents)", async () => {
    await start();
    fill();
    const del = await armCall(emu, "DELETE", directoryPath(emu, "contosotest"));
    const op = await armCall(emu, "GET", del.headers.get("azure-asyncoperation") as string);
    expect(op.json.status).toBe("Failed");
    expect(emu.arm.graphTenant).toBe("active");
  });

  test("GIVEN a failure half-way (users' deletes unavailable past the retry deadline) WHEN destroy is run again THEN the rerun finishes and each object is deleted once", async () => {
    await start();
    const { users } = fill();
    emu.clearLog();
    emu.faults.inject({ method: "DELETE", path: /^\/users\//, status: 503, times: 1 });
    const error = await tenantTeardownProvider.delete!("id", state("ephemeral", { retryDeadlineSeconds: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as Error).message).toMatch(/^emptying tenant .+ before its deletion stopped: Graph DELETE \/users\/.+ failed: 503 .+Run pulumi destroy again to carry on\.$/);
    expect(emu.store.deletionBlockers().userFlows).toBe(0); // the steps before the failure are done
    expect(emu.store.deletionBlockers().users).toBeGreaterThan(0);

    await tenantTeardownProvider.delete!("id", state());
    expect(emu.store.deletionBlockers()).toEqual({ users: 0, applications: 0, userFlows: 0 });
    const succeeded = emu.writes().filter((w) => w.status === 204).map((w) => w.path);
    expect(new Set(succeeded).size).toBe(succeeded.length);
    for (const id of users) expect(succeeded).toContain(`/users/${id}`);
  });

  test("GIVEN throttling (429 with Retry-After) on deletes WHEN the teardown runs THEN it waits as told and finishes", async () => {
    await start();
    fill();
    emu.faults.inject({ method: "DELETE", status: 429, retryAfterSeconds: 0, times: 3 });
    await tenantTeardownProvider.delete!("id", state());
    expect(emu.store.deletionBlockers()).toEqual({ users: 0, applications: 0, userFlows: 0 });
    expect(emu.writes().filter((w) => w.status === 429)).toHaveLength(3);
  });

  test("GIVEN the directory refuses to delete b2c-extensions-app WHEN the teardown runs THEN it fails loudly naming the app's path and the 403", async () => {
    await start({ b2cExtensionsAppDelete: "refused" });
    const b2c = emu.store.listApplications().find((a) => String(a.displayName).startsWith("b2c-extensions-app."))!;
    const error = await tenantTeardownProvider.delete!("id", state()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as Error).message).toContain(`Graph DELETE /applications/${b2c.id} failed: 403 Authorization_RequestDenied`);
    expect(emu.store.deletionBlockers().applications).toBeGreaterThan(0);
  });

  test("GIVEN an empty tenant (a rerun after success) WHEN the teardown runs THEN it only lists", async () => {
    await start();
    await emptyTenant(state().connection);
    emu.clearLog();
    const report = await emptyTenant(state().connection);
    expect(emu.writes()).toEqual([]);
    expect(report).toEqual({ userFlows: [], customAttributes: [], servicePrincipals: [], applications: [], users: [], keptUsers: [emu.store.adminUserId] });
  });
});

describe("protected stacks and the rest of the life", () => {
  test("GIVEN a protected stack WHEN the teardown is deleted THEN nothing is called, and users, apps and flows stay", async () => {
    await start();
    fill();
    const before = emu.store.counts();
    emu.clearLog();
    await tenantTeardownProvider.delete!("id", state("protected"));
    expect(emu.requests).toEqual([]);
    expect(emu.store.counts()).toEqual(before);
  });

  test("GIVEN create, update and diff WHEN called THEN nothing is called and the lifecycle is recorded", async () => {
    await start();
    const s = state("protected");
    const { stateVersion: _v, ...inputs } = s;
    expect(await tenantTeardownProvider.create!(inputs)).toEqual({ id: emu.tenantId, outs: s });
    const next = { ...inputs, lifecycle: "ephemeral" as const };
    expect(await tenantTeardownProvider.diff!("id", s, next)).toMatchObject({ changes: true, replaces: [] });
    expect(await tenantTeardownProvider.update!("id", s, next)).toEqual({ outs: { ...next, stateVersion: 1 } });
    expect((await tenantTeardownProvider.check!({} as TenantTeardownInputs, { ...inputs, lifecycle: "disposable" as never })).failures).toEqual([
      { property: "lifecycle", reason: 'lifecycle: "disposable" is not valid; allowed: "protected", "ephemeral"' },
    ]);
    expect(emu.requests).toEqual([]);
  });
});
