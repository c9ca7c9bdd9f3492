/**
 * TenantPreflight against the emulator (ARM + login): `check` rejects a taken subdomain and an unregistered
 * resource provider before anything is created, and asks ARM nothing when inputs are unknown, already passed, or
 * name our own directory; `delete` on an ephemeral stack proves the directory is gone (ARM and login), fails loudly
 * when it survives, and passes on a rerun once it is gone; a protected stack's delete calls nothing.
 *
 * Not proven here: that the engine shows check failures during `pulumi preview` (pulumi-notes §2 says check runs
 * in preview), nor how long a real deletion takes to reach the login service (the emulator counts answers).
 */
import type { Emulator } from "../emulator";
import { lifecycleHarness } from "./lifecycle-fixtures";
import { armCall, directoryPath } from "../emulator/helpers";
import { DirectorySurvivedError, tenantPreflightProvider, type TenantPreflightInputs } from "../../dynamic-providers/tenant/preflight";
import { UNKNOWN } from "../../dynamic-providers/provider-kit";

let emu: Emulator;
const harness = lifecycleHarness();
beforeEach(async () => {
  emu = await harness.start({ subdomain: "contosoours" });
  emu.clearLog();
});

function inputs(overrides: Partial<TenantPreflightInputs> = {}): TenantPreflightInputs {
  return {
    arm: {
      homeTenantId: emu.homeTenantId,
      subscriptionId: emu.subscriptionId,
      resourceManagerEndpoint: emu.armUrl,
      authorityHost: emu.url,
      retryDeadlineSeconds: 2,
      minRetryDelayMs: 1,
    },
    resourceGroupName: emu.resourceGroup,
    subdomain: "contosonew",
    countryCode: "US",
    lifecycle: "ephemeral",
    deletionDeadlineSeconds: 2,
    ...overrides,
  };
}

const check = async (news: TenantPreflightInputs, olds: Partial<TenantPreflightInputs> = {}) => {
  const result = await tenantPreflightProvider.check!(olds as TenantPreflightInputs, news);
  return { inputs: result.inputs, failures: result.failures ?? [] };
};
/** Login metadata requests for the CIAM tenant's domain (the ARM token's own discovery of the home tenant aside). */
const domainMetadata = () => emu.requests.filter((r) => r.service === "login" && r.path.startsWith("/contosoours.onmicrosoft.com/")).map((r) => [r.path, r.status]);
const armCalls = () => emu.requests.filter((r) => r.service === "arm").map((r) => `${r.method} ${r.path.replace(`/subscriptions/${emu.subscriptionId}`, "")}`);

describe("check (preview and up)", () => {
  test("GIVEN a free subdomain WHEN checked THEN no failure, after reading the registration, our directory and the name", async () => {
    const result = await check(inputs());
    expect(result.failures).toEqual([]);
    expect(armCalls()).toEqual([
      "GET /providers/Microsoft.AzureActiveDirectory",
      `GET /resourceGroups/${emu.resourceGroup}/providers/Microsoft.AzureActiveDirectory/ciamDirectories/contosonew`,
      "POST /providers/Microsoft.AzureActiveDirectory/checkNameAvailability",
    ]);
    expect(emu.requests.find((r) => /checkNameAvailability/.test(r.path))!.body).toEqual({ name: "contosonew", countryCode: "US" });
    expect(emu.armWrites()).toEqual([]);
  });

  test("GIVEN a subdomain another tenant has WHEN checked THEN one failure on subdomain names the value, ARM's reason and the config key to change", async () => {
    emu.arm.markNameTaken("contosotaken");
    const result = await check(inputs({ subdomain: "contosotaken" }));
    expect(result.failures).toEqual([
      {
        property: "subdomain",
        reason:
          'subdomain: "contosotaken" cannot be used for a new tenant: AlreadyExists: A tenant with this sub domain name already exists. Please choose another.; ' +
          "allowed: a subdomain no other tenant has — change ciam-tenant:tenant.create.subdomain or set ciam-tenant:tenant.create.subdomainSuffix: stack",
      },
    ]);
    expect(emu.armWrites()).toEqual([]);
  });

  test("GIVEN an unregistered resource provider WHEN checked THEN one failure names the subscription, the state and the register command, and nothing else is asked", async () => {
    emu.options.providerRegistration = "NotRegistered";
    const result = await check(inputs());
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.property).toBe("arm.subscriptionId");
    expect(result.failures[0]!.reason).toContain(`subscription ${emu.subscriptionId} is not registered for the resource provider Microsoft.AzureActiveDirectory (registrationState "NotRegistered")`);
    expect(result.failures[0]!.reason).toContain(`az provider register --namespace Microsoft.AzureActiveDirectory --subscription ${emu.subscriptionId}`);
    expect(armCalls()).toEqual(["GET /providers/Microsoft.AzureActiveDirectory"]);
  });

  test("GIVEN the stack's own existing tenant (first run of this version on an old stack) WHEN checked THEN it passes without a name check", async () => {
    const result = await check(inputs({ subdomain: "contosoours" }));
    expect(result.failures).toEqual([]);
    expect(armCalls().some((c) => /checkNameAvailability/.test(c))).toBe(false);
  });

  test("GIVEN inputs already passed for the same tenant (later previews) WHEN checked THEN ARM is not asked, even though the name is now taken by us", async () => {
    emu.arm.markNameTaken("contosonew");
    const result = await check(inputs(), inputs({ lifecycle: "protected" }));
    expect(result.failures).toEqual([]);
    expect(emu.requests.filter((r) => r.service === "arm")).toEqual([]);
  });

  test("GIVEN a renamed subdomain WHEN checked against the old inputs THEN the new name is checked", async () => {
    emu.arm.markNameTaken("contosotaken");
    const result = await check(inputs({ subdomain: "contosotaken" }), inputs());
    expect(result.failures.map((f) => f.property)).toEqual(["subdomain"]);
  });

  test("GIVEN an unknown subdomain (preview) WHEN checked THEN ARM is not asked", async () => {
    const result = await check(inputs({ subdomain: UNKNOWN }));
    expect(result.failures).toEqual([]);
    expect(emu.requests).toEqual([]);
  });

  test("GIVEN invalid inputs WHEN checked THEN each failure names the property and the value, and ARM is not asked", async () => {
    const result = await check(inputs({ subdomain: "bad-name", countryCode: "us", lifecycle: "temporary" as never }));
    expect(result.failures.map((f) => f.property)).toEqual(["subdomain", "countryCode", "lifecycle"]);
    expect(result.failures[0]!.reason).toBe('subdomain: "bad-name" is not valid; 1-26 ASCII letters or digits');
    expect(emu.requests).toEqual([]);
  });
});

describe("delete (after the tenant's ARM delete)", () => {
  async function deleteDirectoryThroughArm(name: string): Promise<void> {
    // What azure-native does on destroy: DELETE and follow the operation.
    const del = await armCall(emu, "DELETE", directoryPath(emu, name));
    expect(del.status).toBe(202);
    await armCall(emu, "GET", del.headers.get("azure-asyncoperation") as string);
  }
  const state = (o: Partial<TenantPreflightInputs> = {}) => ({ ...inputs({ subdomain: "contosoours", ...o }), stateVersion: 1 });

  test("GIVEN an ephemeral tenant deleted through ARM WHEN its preflight is deleted THEN ARM and login both say gone and delete succeeds", async () => {
    emu.store.purgeDeletedItems();
    // An emptied tenant (the teardown's job, tested on its own): nothing but the admin.
    for (const app of emu.store.listApplications()) emu.store.deleteApplication(app.appId as string);
    emu.store.purgeDeletedItems();
    await deleteDirectoryThroughArm("contosoours");
    emu.clearLog();
    await tenantPreflightProvider.delete!("id", state());
    expect(armCalls()).toEqual([`GET /resourceGroups/${emu.resourceGroup}/providers/Microsoft.AzureActiveDirectory/ciamDirectories/contosoours`]);
    expect(domainMetadata()).toEqual([["/contosoours.onmicrosoft.com/v2.0/.well-known/openid-configuration", 400]]);
  });

  test("GIVEN a directory that survives its ARM delete WHEN its preflight is deleted THEN it fails loudly after its deadline, saying it is not deleted", async () => {
    emu.options.deleteLeavesDirectory = true;
    for (const app of emu.store.listApplications()) emu.store.deleteApplication(app.appId as string);
    emu.store.purgeDeletedItems();
    await deleteDirectoryThroughArm("contosoours");
    const error = await tenantPreflightProvider.delete!("id", state({ deletionDeadlineSeconds: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectorySurvivedError);
    expect((error as Error).message).toMatch(/^the tenant contosoours\.onmicrosoft\.com was deleted through ARM, but 1s later it is still there \(the login service still answers for contosoours\.onmicrosoft\.com/);
    expect((error as Error).message).toContain("It is NOT deleted");
    expect(harness.progress.some((line) => /^\[tenant-deletion\] contosoours\.onmicrosoft\.com not gone yet/.test(line))).toBe(true);
    expect(emu.armWrites().filter((r) => r.method === "DELETE")).toHaveLength(1); // only the one the test made
  });

  test("GIVEN a check that gave up while login still answered WHEN pulumi destroy runs again THEN the rerun waits through the rest and passes", async () => {
    emu.options.deletionPropagation = { metadata: 3 };
    for (const app of emu.store.listApplications()) emu.store.deleteApplication(app.appId as string);
    emu.store.purgeDeletedItems();
    await deleteDirectoryThroughArm("contosoours");
    await expect(tenantPreflightProvider.delete!("id", state({ deletionDeadlineSeconds: 0 }))).rejects.toBeInstanceOf(DirectorySurvivedError);
    emu.clearLog();
    await tenantPreflightProvider.delete!("id", state({ deletionDeadlineSeconds: 10 }));
    expect(domainMetadata().map(([, status]) => status)).toEqual([200, 200, 400]);
  });

  test("GIVEN a deletion that reaches login a few answers late WHEN its preflight is deleted THEN it waits through them and succeeds", async () => {
    emu.options.deletionPropagation = { metadata: 2 };
    for (const app of emu.store.listApplications()) emu.store.deleteApplication(app.appId as string);
    emu.store.purgeDeletedItems();
    await deleteDirectoryThroughArm("contosoours");
    emu.clearLog();
    await tenantPreflightProvider.delete!("id", state({ deletionDeadlineSeconds: 10 }));
    expect(domainMetadata().map(([, status]) => status)).toEqual([200, 200, 400]);
  });

  test("GIVEN a protected stack WHEN its preflight is deleted THEN nothing is asked (the tenant was retained)", async () => {
    await tenantPreflightProvider.delete!("id", state({ lifecycle: "protected" }));
    expect(emu.requests).toEqual([]);
  });
});

describe("diff", () => {
  test("GIVEN the same tenant and a new lifecycle WHEN diffed THEN an in-place change; GIVEN another subdomain THEN a replacement", async () => {
    const olds = { ...inputs(), stateVersion: 1 };
    expect(await tenantPreflightProvider.diff!("id", olds, inputs({ lifecycle: "protected" }))).toEqual({ changes: true, replaces: [] });
    expect(await tenantPreflightProvider.diff!("id", olds, inputs())).toEqual({ changes: false, replaces: [] });
    expect((await tenantPreflightProvider.diff!("id", olds, inputs({ subdomain: "contosoother" }))).replaces).toEqual(["subdomain"]);
  });

  test("GIVEN the same inputs and a new release of the provider code WHEN diffed THEN nothing changes (the serialized provider is not an input)", async () => {
    const olds = { ...inputs(), __provider: "exports.handler = old", stateVersion: 1 };
    const news = { ...inputs(), __provider: "exports.handler = new" } as TenantPreflightInputs;
    expect(await tenantPreflightProvider.diff!("id", olds, news)).toEqual({ changes: false, replaces: [] });
  });
});

describe("check of unknown inputs", () => {
  test("GIVEN the ARM settings unknown as a whole during preview WHEN checked THEN no failure is reported for them and ARM is not called", async () => {
    emu.clearLog();
    const news = { ...inputs(), arm: UNKNOWN } as unknown as TenantPreflightInputs;
    const result = await tenantPreflightProvider.check!({} as TenantPreflightInputs, news);
    expect(result.failures ?? []).toEqual([]);
    expect(emu.requests).toEqual([]);
  });
});
