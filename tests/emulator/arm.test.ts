/**
 * The emulator's Azure Resource Manager surface for the tenant resource (arm-and-auth reference §1, §3):
 * ciamDirectories create/read/update/delete as long-running operations, name availability, provider registration,
 * ARM's token, api-version, subscription and resource-group checks, and every switch both ways.
 *
 * Does not prove: that real ARM words its errors exactly so where the reference tags the shape [inferred] (the
 * refusal code `DirectoryNotEmpty`, `AlreadyExists`, `InvalidResourceName` are the emulator's), nor real timings.
 */
import { ClientSecretCredential } from "@azure/identity";
import { Emulator, EmulatorOptions, startEmulator } from "./index";
import { armCall, call, createDirectoryBody, directoryPath } from "./helpers";
import type { JsonObject } from "./types";

const FAST: Partial<EmulatorOptions> = { armRetryAfterSeconds: 0, armAsyncPolls: 2 };

let emu: Emulator;
async function start(o: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  emu = await startEmulator({ subdomain: "contosoarm", ...FAST, ...o });
  return emu;
}
afterEach(async () => {
  await emu?.stop();
});

const err = (r: { json: JsonObject }): JsonObject => r.json.error as JsonObject;

/** Polls an Azure-AsyncOperation URL until a terminal status; returns every body seen. */
async function pollToEnd(url: string): Promise<JsonObject[]> {
  const seen: JsonObject[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await armCall(emu, "GET", url);
    expect(r.status).toBe(200);
    seen.push(r.json);
    if (["Succeeded", "Failed", "Canceled"].includes(r.json.status as string)) return seen;
  }
  throw new Error("operation never ended");
}

async function emptyTheTenant(): Promise<void> {
  for (const a of emu.store.listApplications()) emu.store.deleteApplication(a.appId as string);
  for (const f of emu.store.listFlows()) emu.store.deleteFlow(f.id as string);
  emu.store.purgeDeletedItems();
}

describe("create (PUT) as a long-running operation", () => {
  test("GIVEN no tenant yet WHEN ciamDirectories/<subdomain> is PUT THEN 201 + Azure-AsyncOperation + Retry-After, Provisioning until the n-th poll, and the final GET carries tenantId and domainName", async () => {
    await start({ tenantProvisioned: false, armAsyncPolls: 3, armRetryAfterSeconds: 60 });
    const path = directoryPath(emu, "contosoarm");
    expect((await armCall(emu, "GET", path)).status).toBe(404);
    const put = await armCall(emu, "PUT", path, { body: createDirectoryBody() });
    expect(put.status).toBe(201);
    const asyncUrl = put.headers.get("azure-asyncoperation") as string;
    expect(asyncUrl).toMatch(new RegExp(`^${emu.armUrl}/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory/operationStatuses/[0-9a-f-]{36}\\?api-version=2023-05-17-preview$`));
    expect(put.headers.get("retry-after")).toBe("60");
    expect(put.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // The 201 quirks of the spec example: name with the domain suffix, no domainName, an all-zero tenantId.
    expect(put.json).toMatchObject({
      name: "contosoarm.onmicrosoft.com",
      type: "Microsoft.AzureActiveDirectory/ciamDirectories",
      location: "United States",
      properties: { provisioningState: "Provisioning", tenantId: "00000000-0000-0000-0000-000000000000", createTenantProperties: { displayName: "Contoso customers", countryCode: "US" } },
    });
    expect((put.json.properties as JsonObject).domainName).toBeUndefined();
    const statuses = await pollToEnd(asyncUrl);
    expect(statuses.map((s) => s.status)).toEqual(["Provisioning", "Provisioning", "Succeeded"]);
    expect(statuses[2]).toMatchObject({ name: asyncUrl.split("/").pop()?.split("?")[0], startTime: expect.any(String), endTime: expect.any(String) });
    expect(statuses[2].error).toBeUndefined();
    const get = await armCall(emu, "GET", path);
    expect(get.status).toBe(200);
    expect(get.json).toMatchObject({
      id: path,
      name: "contosoarm",
      properties: { provisioningState: "Succeeded", tenantId: emu.tenantId, domainName: "contosoarm.onmicrosoft.com", billingConfig: { billingType: "MAU" } },
    });
    // The id in the 201 body (`…/contosoarm.onmicrosoft.com`) does not find it (the B2C "later GET 404").
    expect((await armCall(emu, "GET", put.json.id as string)).status).toBe(404);
    expect(emu.armWrites().map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 201"]);
    expect(emu.writes()).toEqual([]);
  });

  test("GIVEN a running create WHEN the resource is read instead of the operation THEN each GET counts as a poll too", async () => {
    await start({ tenantProvisioned: false, armAsyncPolls: 2 });
    const path = directoryPath(emu, "contosoarm");
    await armCall(emu, "PUT", path, { body: createDirectoryBody() });
    expect(((await armCall(emu, "GET", path)).json.properties as JsonObject).provisioningState).toBe("Provisioning");
    expect(((await armCall(emu, "GET", path)).json.properties as JsonObject).provisioningState).toBe("Succeeded");
  });

  test("GIVEN armAsyncPolls 0 WHEN the tenant-level operation URL is read THEN the first poll already shows Succeeded", async () => {
    await start({ tenantProvisioned: false, armAsyncPolls: 0 });
    const put = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody() });
    const id = (put.headers.get("azure-asyncoperation") as string).split("/").pop()?.split("?")[0] as string;
    const r = await armCall(emu, "GET", `/providers/Microsoft.AzureActiveDirectory/operationStatuses/${id}`);
    expect(r.json).toMatchObject({ status: "Succeeded", id: `/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory/operationStatuses/${id}` });
  });

  test("GIVEN an existing tenant WHEN PUT again with the same create-only properties and new tags/sku THEN 200 and they change; a changed displayName is 400", async () => {
    await start();
    const path = directoryPath(emu, "contosoarm");
    const r = await armCall(emu, "PUT", path, { body: createDirectoryBody({ sku: { name: "PremiumP1", tier: "A0" }, tags: { env: "test" } }) });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ tags: { env: "test" }, properties: { provisioningState: "Succeeded" } });
    const changed = createDirectoryBody({ properties: { createTenantProperties: { displayName: "Other", countryCode: "US" } } });
    const bad = await armCall(emu, "PUT", path, { body: changed });
    expect(bad.status).toBe(400);
    expect(err(bad).message).toMatch(/createTenantProperties/);
    expect(emu.arm.getDirectory("contosoarm")?.tags).toEqual({ env: "test" });
  });

  test("GIVEN a second sub domain WHEN it is created THEN it gets its own tenant id, its metadata answers, but the deployment app has no token there (AADSTS700016)", async () => {
    await start();
    const put = await armCall(emu, "PUT", directoryPath(emu, "fabrikam"), { body: createDirectoryBody() });
    expect(put.status).toBe(201);
    await pollToEnd(put.headers.get("azure-asyncoperation") as string);
    const tid = ((await armCall(emu, "GET", directoryPath(emu, "fabrikam"))).json.properties as JsonObject).tenantId as string;
    expect(tid).toMatch(/^[0-9a-f-]{36}$/);
    expect(tid).not.toBe(emu.tenantId);
    expect((await fetch(`${emu.url}/${tid}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    expect((await fetch(`${emu.url}/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    const token = await fetch(`${emu.url}/${tid}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: `${emu.url}/.default` }),
    });
    expect(((await token.json()) as { error_codes: number[] }).error_codes).toEqual([700016]);
    const list = await armCall(emu, "GET", `/subscriptions/${emu.subscriptionId}/resourceGroups/${emu.resourceGroup}/providers/Microsoft.AzureActiveDirectory/ciamDirectories`);
    expect((list.json.value as JsonObject[]).map((d) => d.name).sort()).toEqual(["contosoarm", "fabrikam"]);
    const bySub = await armCall(emu, "GET", `/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory/ciamDirectories`);
    expect((bySub.json.value as JsonObject[]).length).toBe(2);
  });
});

describe("create validation (before anything is created)", () => {
  beforeEach(async () => {
    await start({ tenantProvisioned: false });
  });
  afterEach(() => {
    expect(emu.arm.listDirectories()).toEqual([]);
  });

  test.each([
    ["a 27-character name", "InvalidResourceName", "a".repeat(27), createDirectoryBody()],
    ["a name with a dash", "InvalidResourceName", "contoso-test", createDirectoryBody()],
    ["an Azure region as location", "LocationNotAvailableForResourceType", "contosoarm", createDirectoryBody({ location: "westeurope" })],
    ["no location", "LocationRequired", "contosoarm", createDirectoryBody({ location: undefined as never })],
    ["no sku", "BadRequest", "contosoarm", createDirectoryBody({ sku: undefined as never })],
    ["tier A1", "BadRequest", "contosoarm", createDirectoryBody({ sku: { name: "Standard", tier: "A1" } })],
    ["sku Free", "BadRequest", "contosoarm", createDirectoryBody({ sku: { name: "Free", tier: "A0" } })],
    ["no createTenantProperties", "BadRequest", "contosoarm", createDirectoryBody({ properties: {} })],
    ["a three-letter countryCode", "BadRequest", "contosoarm", createDirectoryBody({ properties: { createTenantProperties: { displayName: "C", countryCode: "USA" } } })],
  ])("GIVEN %s WHEN PUT THEN 400 %s in the ARM envelope", async (_what, code, name, body) => {
    const r = await armCall(emu, "PUT", directoryPath(emu, name), { body: JSON.parse(JSON.stringify(body)) as JsonObject });
    expect(r.status).toBe(400);
    expect(err(r).code).toBe(code);
    expect(typeof err(r).message).toBe("string");
  });

  test("GIVEN the location as ARM normalizes it ('unitedstates') WHEN PUT THEN accepted and read back in the documented form", async () => {
    const r = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody({ location: "unitedstates" }) });
    expect(r.status).toBe(201);
    expect(r.json.location).toBe("United States");
    emu.arm.deleteDirectory("contosoarm");
  });
});

describe("switch onmicrosoftResourceName (reference §1.4 [inferred])", () => {
  test("GIVEN 'rejected' (default) WHEN PUT contosoarm.onmicrosoft.com THEN 400 and the name check says Invalid", async () => {
    await start({ tenantProvisioned: false });
    expect((await armCall(emu, "PUT", directoryPath(emu, "contosoarm.onmicrosoft.com"), { body: createDirectoryBody() })).status).toBe(400);
    const check = await armCall(emu, "POST", `/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory/checkNameAvailability`, { body: { name: "contosoarm.onmicrosoft.com", countryCode: "US" } });
    expect(check.json).toMatchObject({ nameAvailable: false, reason: "Invalid" });
  });

  test("GIVEN 'accepted' WHEN PUT contosoarm.onmicrosoft.com THEN the directory is created under its prefix", async () => {
    await start({ tenantProvisioned: false });
    emu.options.onmicrosoftResourceName = "accepted";
    const r = await armCall(emu, "PUT", directoryPath(emu, "contosoarm.onmicrosoft.com"), { body: createDirectoryBody() });
    expect(r.status).toBe(201);
    emu.arm.completeOperations();
    expect(emu.arm.getDirectory("contosoarm")).toMatchObject({ name: "contosoarm", properties: { tenantId: emu.tenantId } });
    expect((await armCall(emu, "GET", r.json.id as string)).json.name).toBe("contosoarm");
  });
});

describe("switch skuReadBack (reference §1.3 [third-party])", () => {
  test.each([
    ["Base", "Base"],
    ["asSent", "Standard"],
  ] as const)("GIVEN skuReadBack %s WHEN a Standard tenant is read THEN sku.name is %s", async (mode, expected) => {
    await start({ skuReadBack: mode });
    const r = await armCall(emu, "GET", directoryPath(emu, "contosoarm"));
    expect(r.json.sku).toEqual({ name: expected, tier: "A0" });
  });
});

describe("checkNameAvailability (reference §1.8)", () => {
  const path = (e: Emulator): string => `/subscriptions/${e.subscriptionId}/providers/Microsoft.AzureActiveDirectory/checkNameAvailability`;

  test("GIVEN a free name, a name taken by another customer and the existing tenant's name WHEN checked THEN available / AlreadyExists with the documented message", async () => {
    await start();
    emu.arm.markNameTaken("Fabrikam");
    const free = await armCall(emu, "POST", path(emu), { body: { name: "freename", countryCode: "US" } });
    expect(free.status).toBe(200);
    expect(free.json).toEqual({ nameAvailable: true, reason: null, message: null });
    for (const name of ["fabrikam", "CONTOSOARM"]) {
      const r = await armCall(emu, "POST", path(emu), { body: { name, countryCode: "US" } });
      expect(r.json).toEqual({ nameAvailable: false, reason: "AlreadyExists", message: "A tenant with this sub domain name already exists. Please choose another." });
    }
    emu.arm.releaseName("fabrikam");
    expect((await armCall(emu, "POST", path(emu), { body: { name: "fabrikam", countryCode: "US" } })).json.nameAvailable).toBe(true);
    expect(emu.armWrites()).toEqual([]);
  });

  test("GIVEN an invalid name WHEN checked THEN nameAvailable false, reason Invalid", async () => {
    await start();
    const r = await armCall(emu, "POST", path(emu), { body: { name: "bad_name", countryCode: "US" } });
    expect(r.json).toMatchObject({ nameAvailable: false, reason: "Invalid" });
  });

  test.each([
    ["no countryCode", { name: "freename" }],
    ["no name", { countryCode: "US" }],
  ])("GIVEN %s WHEN checked THEN 400 (both are required)", async (_w, b) => {
    await start();
    const r = await armCall(emu, "POST", path(emu), { body: b });
    expect(r.status).toBe(400);
    expect(err(r).code).toBe("BadRequest");
  });
});

describe("switch takenNameOnCreate (reference §1.4: B2C clash only in the async operation)", () => {
  test("GIVEN asyncFailed (default) WHEN a taken name is PUT THEN 201, the operation ends Failed with AlreadyExists, and nothing exists", async () => {
    await start({ tenantProvisioned: false });
    emu.arm.markNameTaken("contosoarm");
    const put = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody() });
    expect(put.status).toBe(201);
    const end = (await pollToEnd(put.headers.get("azure-asyncoperation") as string)).pop() as JsonObject;
    expect(end).toMatchObject({ status: "Failed", error: { code: "AlreadyExists", message: "A tenant with this sub domain name already exists. Please choose another." } });
    expect((await armCall(emu, "GET", directoryPath(emu, "contosoarm"))).status).toBe(404);
    expect(emu.arm.graphTenant).toBe("absent");
    expect((await fetch(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`)).status).toBe(400);
  });

  test("GIVEN 409 WHEN a taken name is PUT THEN 409 AlreadyExists at once and no operation starts", async () => {
    await start({ tenantProvisioned: false, takenNameOnCreate: "409" });
    emu.arm.markNameTaken("contosoarm");
    const put = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody() });
    expect(put.status).toBe(409);
    expect(err(put).code).toBe("AlreadyExists");
    expect(emu.arm.listOperations()).toEqual([]);
    expect(emu.arm.listDirectories()).toEqual([]);
  });
});

describe("provider registration (reference §1.9)", () => {
  const providerPath = (e: Emulator): string => `/subscriptions/${e.subscriptionId}/providers/Microsoft.AzureActiveDirectory`;

  test("GIVEN NotRegistered WHEN the provider is read, a tenant PUT and a name checked THEN NotRegistered, and 409 MissingSubscriptionRegistration naming the namespace", async () => {
    await start({ providerRegistration: "NotRegistered", tenantProvisioned: false });
    const p = await armCall(emu, "GET", providerPath(emu), { apiVersion: "2021-04-01" });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ namespace: "Microsoft.AzureActiveDirectory", registrationState: "NotRegistered" });
    for (const r of [
      await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody() }),
      await armCall(emu, "POST", `${providerPath(emu)}/checkNameAvailability`, { body: { name: "x", countryCode: "US" } }),
    ]) {
      expect(r.status).toBe(409);
      expect(err(r)).toEqual({
        code: "MissingSubscriptionRegistration",
        message: "The subscription is not registered to use namespace 'Microsoft.AzureActiveDirectory'. See https://aka.ms/rps-not-found for how to register subscriptions.",
        details: [{ code: "MissingSubscriptionRegistration", target: "Microsoft.AzureActiveDirectory", message: expect.any(String) }],
      });
    }
    expect(emu.arm.listDirectories()).toEqual([]);
  });

  test("GIVEN NotRegistered WHEN POST …/register THEN Registering, then Registered and a PUT works", async () => {
    await start({ providerRegistration: "NotRegistered", tenantProvisioned: false });
    const reg = await armCall(emu, "POST", `${providerPath(emu)}/register`, { apiVersion: "2021-04-01" });
    expect(reg.json.registrationState).toBe("Registering");
    expect((await armCall(emu, "GET", providerPath(emu), { apiVersion: "2021-04-01" })).json.registrationState).toBe("Registered");
    expect((await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody() })).status).toBe(201);
    expect(emu.armWrites().map((r) => r.method)).toEqual(["POST", "PUT"]);
  });

  test("GIVEN the provider endpoint WHEN read with the ciamDirectories api-version THEN 400 InvalidApiVersionParameter (it is a Microsoft.Resources API)", async () => {
    await start();
    const r = await armCall(emu, "GET", providerPath(emu));
    expect(r.status).toBe(400);
    expect(err(r).code).toBe("InvalidApiVersionParameter");
  });
});

describe("ARM request checks", () => {
  test.each([
    ["no api-version", "MissingApiVersionParameter", null],
    ["an unsupported api-version", "NoRegisteredProviderFound", "2024-05-01"],
    ["a malformed api-version", "InvalidApiVersionParameter", "latest"],
  ])("GIVEN %s WHEN a tenant is read THEN 400 %s", async (_w, code, v) => {
    await start();
    const r = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { apiVersion: v });
    expect(r.status).toBe(400);
    expect(err(r).code).toBe(code);
    if (code === "NoRegisteredProviderFound") expect(err(r).message).toMatch(/The supported api-versions are '2023-05-17-preview'/);
  });

  test("GIVEN an unknown subscription, resource group or name WHEN read THEN 404 SubscriptionNotFound / ResourceGroupNotFound / ResourceNotFound", async () => {
    await start();
    const otherSub = await armCall(emu, "GET", `/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/${emu.resourceGroup}/providers/Microsoft.AzureActiveDirectory/ciamDirectories/contosoarm`);
    expect([otherSub.status, err(otherSub).code]).toEqual([404, "SubscriptionNotFound"]);
    const otherRg = await armCall(emu, "GET", directoryPath(emu, "contosoarm", "rg-other"));
    expect([otherRg.status, err(otherRg).code, err(otherRg).message]).toEqual([404, "ResourceGroupNotFound", "Resource group 'rg-other' could not be found."]);
    const missing = await armCall(emu, "GET", directoryPath(emu, "nothere"));
    expect([missing.status, err(missing).code]).toEqual([404, "ResourceNotFound"]);
  });

  test("GIVEN a client correlation id WHEN ARM answers THEN it is echoed with a fresh x-ms-request-id", async () => {
    await start();
    const r = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { headers: { "x-ms-correlation-request-id": "corr-1" } });
    expect(r.headers.get("x-ms-correlation-request-id")).toBe("corr-1");
    expect(r.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get("request-id")).toBeNull();
  });

  test("GIVEN an ARM fault rule WHEN ARM and Graph are called THEN only ARM gets 429 TooManyRequests with Retry-After, once", async () => {
    await start();
    emu.faults.inject({ service: "arm", status: 429, retryAfterSeconds: 7, times: 1 });
    const graph = await call(emu, "GET", "/v1.0/organization");
    expect(graph.status).toBe(200);
    const first = await armCall(emu, "GET", directoryPath(emu, "contosoarm"));
    expect([first.status, err(first).code, first.headers.get("retry-after")]).toEqual([429, "TooManyRequests", "7"]);
    expect((await armCall(emu, "GET", directoryPath(emu, "contosoarm"))).status).toBe(200);
    expect(emu.faults.pending()).toEqual([]);
  });

  test("GIVEN a 503 rule on a path WHEN the PUT is sent THEN 503 ServiceUnavailable and nothing is created", async () => {
    await start({ tenantProvisioned: false });
    emu.faults.inject({ service: "arm", method: "PUT", path: /ciamDirectories/, status: 503, times: 1 });
    const r = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody() });
    expect([r.status, err(r).code]).toEqual([503, "ServiceUnavailable"]);
    expect(emu.arm.listDirectories()).toEqual([]);
  });
});

describe("ARM authentication (reference §3: ARM tokens come from the subscription's home tenant)", () => {
  function credential(tenant: string): ClientSecretCredential {
    return new ClientSecretCredential(tenant, emu.clientId, emu.clientSecret, { authorityHost: emu.url, disableInstanceDiscovery: true });
  }

  test("GIVEN ClientSecretCredential on the home tenant WHEN it asks for emu.armScope or the public management scope THEN ARM accepts both tokens", async () => {
    await start();
    for (const scope of [emu.armScope, "https://management.azure.com/.default", "https://management.core.windows.net//.default"]) {
      const token = await credential(emu.homeTenantId).getToken(scope);
      const r = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { token: token.token });
      expect(r.status).toBe(200);
    }
    const byDomain = await credential("contosohome.onmicrosoft.com").getToken(emu.armScope);
    expect((await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { token: byDomain.token })).status).toBe(200);
  });

  test("GIVEN a token of the CIAM tenant for ARM WHEN ARM is called THEN 401 InvalidAuthenticationTokenTenant naming the home tenant", async () => {
    await start();
    const token = await credential(emu.tenantId).getToken(emu.armScope);
    const r = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { token: token.token });
    expect(r.status).toBe(401);
    expect(err(r).code).toBe("InvalidAuthenticationTokenTenant");
    expect(err(r).message).toContain(`https://sts.windows.net/${emu.homeTenantId}/`);
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  test("GIVEN a Graph token WHEN ARM is called THEN 401 InvalidAuthenticationTokenAudience; and an ARM token on Graph THEN 401", async () => {
    await start();
    const graphToken = emu.accessToken();
    const r = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { token: graphToken });
    expect([r.status, err(r).code]).toEqual([401, "InvalidAuthenticationTokenAudience"]);
    const g = await call(emu, "GET", "/v1.0/organization", { token: emu.armAccessToken() });
    expect(g.status).toBe(401);
    const homeGraph = await call(emu, "GET", "/v1.0/organization", { token: emu.accessToken({ tenantId: emu.homeTenantId }) });
    expect(homeGraph.status).toBe(401);
  });

  test("GIVEN no, a forged or an expired token WHEN ARM is called THEN 401 AuthenticationFailed / InvalidAuthenticationToken / ExpiredAuthenticationToken", async () => {
    await start();
    const none = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { anonymous: true });
    expect([none.status, err(none).code, err(none).message]).toEqual([401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."]);
    const forged = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { token: "a.b.c" });
    expect([forged.status, err(forged).code]).toEqual([401, "InvalidAuthenticationToken"]);
    const expired = await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { token: emu.accessToken({ tenantId: emu.homeTenantId, audience: emu.armUrl, lifetimeSeconds: -10 }) });
    expect([expired.status, err(expired).code]).toEqual([401, "ExpiredAuthenticationToken"]);
  });

  test("GIVEN the home tenant WHEN an unknown resource is asked for THEN AADSTS500011 names the home tenant", async () => {
    await start();
    await expect(credential(emu.homeTenantId).getToken("https://vault.azure.net/.default")).rejects.toThrow(/AADSTS500011/);
  });
});

describe("PATCH (reference §1.6: sku and tags only)", () => {
  test("GIVEN a tenant WHEN PATCHed with tags THEN 200 with the tags; with location THEN 400 and nothing changes", async () => {
    await start();
    const path = directoryPath(emu, "contosoarm");
    const ok = await armCall(emu, "PATCH", path, { body: { tags: { owner: "ci" } } });
    expect(ok.status).toBe(200);
    expect(ok.json.tags).toEqual({ owner: "ci" });
    const bad = await armCall(emu, "PATCH", path, { body: { location: "Europe" } });
    expect(bad.status).toBe(400);
    expect(emu.arm.getDirectory("contosoarm")?.location).toBe("United States");
  });
});

describe("DELETE (reference §1.7)", () => {
  test("GIVEN the seeded tenant (b2c-extensions-app and the deployment app exist) WHEN DELETEd with deleteWhileNotEmpty asyncFailed THEN 202 + Azure-AsyncOperation + Location, and the operation fails naming what remains", async () => {
    await start();
    const path = directoryPath(emu, "contosoarm");
    const del = await armCall(emu, "DELETE", path);
    expect(del.status).toBe(202);
    expect(del.headers.get("azure-asyncoperation")).toMatch(/\/operationStatuses\/[0-9a-f-]{36}\?api-version=2023-05-17-preview$/);
    expect(del.headers.get("location")).toMatch(/\/operationResults\/[0-9a-f-]{36}\?api-version=2023-05-17-preview$/);
    expect(del.headers.get("retry-after")).toBe("0");
    expect(((await armCall(emu, "GET", path)).json.properties as JsonObject).provisioningState).toBe("Deleting");
    const end = (await pollToEnd(del.headers.get("azure-asyncoperation") as string)).pop() as JsonObject;
    expect(end.status).toBe("Failed");
    expect((end.error as JsonObject).code).toBe("DirectoryNotEmpty");
    expect((end.error as JsonObject).message).toMatch(/2 application registration\(s\) \(including b2c-extensions-app\)/);
    const after = await armCall(emu, "GET", path);
    expect(((after.json.properties as JsonObject).provisioningState)).toBe("Succeeded");
    expect((await fetch(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    const result = await armCall(emu, "GET", del.headers.get("location") as string);
    expect([result.status, err(result).code]).toEqual([409, "DirectoryNotEmpty"]);
  });

  test("GIVEN deleteWhileNotEmpty 409 WHEN a non-empty tenant is DELETEd THEN 409 at once and no operation starts", async () => {
    await start({ deleteWhileNotEmpty: "409" });
    emu.store.addFlow({
      "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
      displayName: "SignUpSignIn",
      onAuthenticationMethodLoadStart: { "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp", identityProviders: [{ id: "EmailPassword-OAUTH" }] },
      onInteractiveAuthFlowStart: { "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp", isSignUpAllowed: true },
    });
    for (const a of emu.store.listApplications()) emu.store.deleteApplication(a.appId as string);
    emu.store.purgeDeletedItems();
    const del = await armCall(emu, "DELETE", directoryPath(emu, "contosoarm"));
    expect([del.status, err(del).code]).toEqual([409, "DirectoryNotEmpty"]);
    expect(err(del).message).toMatch(/1 user flow\(s\)/);
    expect(emu.arm.listOperations()).toEqual([]);
    expect(emu.arm.deletionBlockers()).toEqual({ users: 0, applications: 0, userFlows: 1 });
  });

  test("GIVEN an emptied tenant WHEN DELETEd and the Location polled THEN 202 until done, then 204; the resource, metadata, tokens and Graph are gone and the name is free", async () => {
    await start();
    const staleToken = emu.accessToken();
    await emptyTheTenant();
    expect(emu.arm.deletionBlockers()).toEqual({ users: 0, applications: 0, userFlows: 0 });
    const path = directoryPath(emu, "contosoarm");
    const del = await armCall(emu, "DELETE", path);
    const location = del.headers.get("location") as string;
    expect((await armCall(emu, "GET", location)).status).toBe(202);
    expect((await armCall(emu, "GET", location)).status).toBe(204);
    expect((await armCall(emu, "GET", path)).status).toBe(404);
    expect((await armCall(emu, "DELETE", path)).status).toBe(204);
    expect(emu.arm.graphTenant).toBe("deleted");
    const meta = await fetch(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(meta.status).toBe(400);
    expect(((await meta.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
    expect((await fetch(`${emu.url}/contosoarm.onmicrosoft.com/v2.0/.well-known/openid-configuration`)).status).toBe(400);
    const token = await fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: `${emu.url}/.default` }),
    });
    expect(token.status).toBe(400);
    expect(((await token.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
    // MSAL reads the metadata first, so the real credential fails there.
    await expect(
      new ClientSecretCredential(emu.tenantId, emu.clientId, emu.clientSecret, { authorityHost: emu.url, disableInstanceDiscovery: true }).getToken(`${emu.url}/.default`),
    ).rejects.toThrow(/endpoints_resolution_error/);
    expect((await call(emu, "GET", "/v1.0/organization", { token: staleToken })).status).toBe(401);
    const check = await armCall(emu, "POST", `/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory/checkNameAvailability`, { body: { name: "contosoarm", countryCode: "US" } });
    expect(check.json.nameAvailable).toBe(true);
  });

  test("GIVEN deleteLeavesDirectory (the B2C failure) WHEN an emptied tenant is deleted THEN ARM says gone but metadata, tokens and Graph still answer and the name stays taken", async () => {
    await start({ deleteLeavesDirectory: true, armAsyncPolls: 1 });
    await emptyTheTenant();
    const path = directoryPath(emu, "contosoarm");
    const del = await armCall(emu, "DELETE", path);
    expect((await pollToEnd(del.headers.get("azure-asyncoperation") as string)).pop()?.status).toBe("Succeeded");
    expect((await armCall(emu, "GET", path)).status).toBe(404);
    expect(emu.arm.graphTenant).toBe("active");
    expect((await fetch(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    // The emptied tenant no longer holds the deployment app: the token endpoint knows the tenant (700016, not 90002).
    const token = await fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: `${emu.url}/.default` }),
    });
    expect(((await token.json()) as { error_codes: number[] }).error_codes).toEqual([700016]);
    expect((await call(emu, "GET", "/v1.0/organization")).status).toBe(200);
    const check = await armCall(emu, "POST", `/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory/checkNameAvailability`, { body: { name: "contosoarm", countryCode: "US" } });
    expect(check.json.reason).toBe("AlreadyExists");
  });

  test("GIVEN a running operation WHEN the tenant is PUT or DELETEd again THEN 409 AnotherOperationInProgress", async () => {
    await start({ armAsyncPolls: 5 });
    const path = directoryPath(emu, "contosoarm");
    expect((await armCall(emu, "DELETE", path)).status).toBe(202);
    const again = await armCall(emu, "DELETE", path);
    expect([again.status, err(again).code]).toEqual([409, "AnotherOperationInProgress"]);
    const put = await armCall(emu, "PUT", path, { body: createDirectoryBody() });
    expect(put.status).toBe(409);
  });
});

describe("ARM request bodies", () => {
  test("GIVEN a form-encoded or a malformed JSON body WHEN PUT THEN 415 UnsupportedMediaType / 400 InvalidRequestContent, nothing created", async () => {
    await start({ tenantProvisioned: false });
    const form = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: Buffer.from("location=Europe"), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect([form.status, err(form).code]).toEqual([415, "UnsupportedMediaType"]);
    const bad = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: Buffer.from("{not json"), headers: { "Content-Type": "application/json" } });
    expect([bad.status, err(bad).code]).toEqual([400, "InvalidRequestContent"]);
    expect(emu.arm.listDirectories()).toEqual([]);
  });
});

describe("switch armCreateIdentity (reference §1.9: only a user can create)", () => {
  test("GIVEN userOnly (default) WHEN the app's own ARM token PUTs a new tenant THEN 401 Unauthenticated (target Authentication) and nothing is created; reads and name checks still work", async () => {
    await start({ tenantProvisioned: false });
    const app = await new ClientSecretCredential(emu.homeTenantId, emu.clientId, emu.clientSecret, { authorityHost: emu.url, disableInstanceDiscovery: true }).getToken(emu.armScope);
    const put = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody(), token: app.token });
    expect(put.status).toBe(401);
    expect(err(put)).toEqual({ code: "Unauthenticated", message: "Unauthenticated", target: "Authentication" });
    expect(emu.arm.listDirectories()).toEqual([]);
    expect((await armCall(emu, "GET", directoryPath(emu, "contosoarm"), { token: app.token })).status).toBe(404);
    const check = await armCall(emu, "POST", `/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory/checkNameAvailability`, { body: { name: "contosoarm", countryCode: "US" }, token: app.token });
    expect(check.json.nameAvailable).toBe(true);
    // The admin's delegated token (as `az login` gives) may create.
    expect((await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody() })).status).toBe(201);
  });

  test("GIVEN any WHEN the app's token PUTs a new tenant THEN 201", async () => {
    await start({ tenantProvisioned: false, armCreateIdentity: "any" });
    const put = await armCall(emu, "PUT", directoryPath(emu, "contosoarm"), { body: createDirectoryBody(), token: emu.armAccessToken({ app: true }) });
    expect(put.status).toBe(201);
  });
});
