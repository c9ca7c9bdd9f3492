/**
 * The emulated tenant's metadata and its first minutes (arm-and-auth reference §6): OpenID metadata by tenant id and
 * by domain, "tenant not found" before creation and after deletion, and the deterministic "not ready yet" window
 * after creation on each surface (metadata, token endpoint, Graph), with every Graph answer of `notReadyGraph`.
 *
 * Does not prove: how long a real tenant stays unready (unknown), nor which of 401/403/404 real Graph gives (the
 * switch covers all three).
 */
import { ClientSecretCredential } from "@azure/identity";
import { Emulator, EmulatorOptions, startEmulator } from "./index";
import { armCall, call, createDirectoryBody, directoryPath } from "./helpers";
import type { JsonObject } from "./types";

let emu: Emulator;
async function start(o: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  emu = await startEmulator({ subdomain: "contosoready", armRetryAfterSeconds: 0, armAsyncPolls: 1, ...o });
  return emu;
}
afterEach(async () => {
  jest.restoreAllMocks();
  await emu?.stop();
});

const metadata = async (tenant = emu.tenantId): Promise<number> =>
  (await fetch(`${emu.url}/${tenant}/v2.0/.well-known/openid-configuration`)).status;

async function tokenCall(): Promise<{ status: number; codes: number[] }> {
  const r = await fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: `${emu.url}/.default` }),
  });
  const body = (await r.json()) as { error_codes?: number[] };
  return { status: r.status, codes: body.error_codes ?? [] };
}

const graphStatus = async (): Promise<number> => (await call(emu, "GET", "/v1.0/organization")).status;

async function createTenant(): Promise<void> {
  const put = await armCall(emu, "PUT", directoryPath(emu, "contosoready"), { body: createDirectoryBody() });
  expect(put.status).toBe(201);
  const op = await armCall(emu, "GET", put.headers.get("azure-asyncoperation") as string);
  expect(op.json.status).toBe("Succeeded");
}

describe("before creation", () => {
  test("GIVEN tenantProvisioned false WHEN metadata, a token and Graph are asked for THEN 400 AADSTS90002, 400 AADSTS90002, 401", async () => {
    await start({ tenantProvisioned: false });
    expect(await metadata()).toBe(400);
    expect(await metadata("contosoready.onmicrosoft.com")).toBe(400);
    expect(await tokenCall()).toEqual({ status: 400, codes: [90002] });
    expect(await graphStatus()).toBe(401);
    expect(emu.arm.graphTenant).toBe("absent");
  });

  test("GIVEN a running create WHEN metadata is read THEN still tenant not found until the operation completes", async () => {
    await start({ tenantProvisioned: false, armAsyncPolls: 2, notReadyWindow: undefined });
    const put = await armCall(emu, "PUT", directoryPath(emu, "contosoready"), { body: createDirectoryBody() });
    expect(emu.arm.graphTenant).toBe("provisioning");
    expect(await metadata()).toBe(400);
    await armCall(emu, "GET", put.headers.get("azure-asyncoperation") as string);
    expect(await metadata()).toBe(400);
    await armCall(emu, "GET", put.headers.get("azure-asyncoperation") as string);
    expect(await metadata()).toBe(200);
  });
});

describe("the not-ready window after creation", () => {
  test("GIVEN a window of 2 metadata, 1 token and 3 Graph requests WHEN each surface is polled THEN each fails exactly that often, independently, then answers", async () => {
    await start({ tenantProvisioned: false, notReadyWindow: { metadata: 2, token: 1, graph: 3 } });
    await createTenant();
    expect(emu.arm.notReadyRemaining()).toEqual({ metadata: 2, token: 1, graph: 3 });
    expect([await metadata(), await metadata("contosoready.onmicrosoft.com"), await metadata()]).toEqual([400, 400, 200]);
    expect(await tokenCall()).toEqual({ status: 400, codes: [90002] });
    expect((await tokenCall()).status).toBe(200);
    expect([await graphStatus(), await graphStatus(), await graphStatus(), await graphStatus()]).toEqual([401, 401, 401, 200]);
    expect(emu.arm.notReadyRemaining()).toBeUndefined();
    expect(await metadata()).toBe(200);
  });

  test.each([
    ["401", 401, "InvalidAuthenticationToken"],
    ["403", 403, "Authorization_RequestDenied"],
    ["404", 404, "Request_ResourceNotFound"],
  ] as const)("GIVEN notReadyGraph %s WHEN Graph is called during the window THEN %s %s in the Graph envelope, then 200", async (mode, status, code) => {
    await start({ notReadyGraph: mode });
    emu.arm.startNotReadyWindow({ graph: 1 });
    const r = await call(emu, "GET", "/v1.0/organization");
    expect(r.status).toBe(status);
    expect((r.json.error as JsonObject).code).toBe(code);
    expect(((r.json.error as JsonObject).innerError as JsonObject)["request-id"]).toEqual(expect.any(String));
    expect(await graphStatus()).toBe(200);
  });

  test("GIVEN a window WHEN Graph is called without a token THEN the 401 for the missing token comes first and consumes nothing", async () => {
    await start();
    emu.arm.startNotReadyWindow({ graph: 1 });
    expect((await call(emu, "GET", "/v1.0/organization", { anonymous: true })).status).toBe(401);
    expect(emu.arm.notReadyRemaining()).toEqual({ metadata: 0, token: 0, graph: 1 });
  });

  test("GIVEN one real ClientSecretCredential WHEN it is retried through a 1-metadata, 1-token window THEN it fails on metadata, then on the token (AADSTS90002), then succeeds (the same instance recovers)", async () => {
    await start({ tenantProvisioned: false, notReadyWindow: { metadata: 1, token: 1, graph: 0 } });
    await createTenant();
    const credential = new ClientSecretCredential(emu.tenantId, emu.clientId, emu.clientSecret, { authorityHost: emu.url, disableInstanceDiscovery: true });
    await expect(credential.getToken(`${emu.url}/.default`)).rejects.toThrow(/endpoints_resolution_error/);
    await expect(credential.getToken(`${emu.url}/.default`)).rejects.toThrow(/AADSTS90002/);
    const token = await credential.getToken(`${emu.url}/.default`);
    expect((await call(emu, "GET", "/v1.0/organization", { token: token.token })).status).toBe(200);
  });

  test("GIVEN notReadyWindow undefined WHEN the create completes THEN the tenant answers at once", async () => {
    await start({ tenantProvisioned: false, notReadyWindow: undefined });
    await createTenant();
    expect([await metadata(), (await tokenCall()).status, await graphStatus()]).toEqual([200, 200, 200]);
  });

  test("GIVEN a duration window WHEN requests come before and after it THEN all surfaces fail until it ends, without counting", async () => {
    await start({ tenantProvisioned: false, notReadyWindow: { ms: 60_000 } });
    const t0 = Date.now();
    await createTenant();
    expect([await metadata(), (await tokenCall()).status, await graphStatus(), await metadata()]).toEqual([400, 400, 401, 400]);
    jest.spyOn(Date, "now").mockReturnValue(t0 + 61_000);
    expect([await metadata(), (await tokenCall()).status, await graphStatus()]).toEqual([200, 200, 200]);
  });

  test("GIVEN the seeded tenant WHEN a window is started and ended by hand THEN it fails, then answers; JWKS reads do not consume it", async () => {
    await start();
    emu.arm.startNotReadyWindow({ metadata: 1 });
    expect((await fetch(`${emu.url}/${emu.tenantId}/discovery/v2.0/keys`)).status).toBe(400);
    expect(emu.arm.notReadyRemaining()).toEqual({ metadata: 1, token: 0, graph: 0 });
    emu.arm.endNotReadyWindow();
    expect(await metadata()).toBe(200);
    expect(emu.arm.notReadyRemaining()).toBeUndefined();
  });

  test("GIVEN a window on the emulated tenant WHEN the home tenant is asked THEN it is unaffected", async () => {
    await start();
    emu.arm.startNotReadyWindow({ metadata: 5, token: 5 });
    expect(await metadata(emu.homeTenantId)).toBe(200);
    expect(await metadata("contosohome.onmicrosoft.com")).toBe(200);
    expect(emu.arm.notReadyRemaining()).toEqual({ metadata: 5, token: 5, graph: 0 });
  });
});

describe("switch metadataIssuer", () => {
  test.each([
    ["authorityHost", (e: Emulator) => `${e.url}/${e.tenantId}/v2.0`],
    ["ciamlogin", (e: Emulator) => `https://${e.tenantId}.ciamlogin.com/${e.tenantId}/v2.0`],
  ] as const)("GIVEN metadataIssuer %s WHEN the metadata is read THEN issuer has that form and MSAL still gets a token with the tenant id as authority", async (mode, expected) => {
    await start({ metadataIssuer: mode });
    const body = (await (await fetch(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(body.issuer).toBe(expected(emu));
    expect(body.token_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
    const token = await new ClientSecretCredential(emu.tenantId, emu.clientId, emu.clientSecret, { authorityHost: emu.url, disableInstanceDiscovery: true }).getToken(`${emu.url}/.default`);
    expect(token.token).toBeTruthy();
  });
});

describe("switch deletionPropagation (after the ARM delete, reference §1.7/§6 [unknown])", () => {
  async function deleteTenant(): Promise<void> {
    for (const a of emu.store.listApplications()) emu.store.deleteApplication(a.appId as string);
    emu.store.purgeDeletedItems();
    const del = await armCall(emu, "DELETE", directoryPath(emu, "contosoready"));
    expect((await armCall(emu, "GET", del.headers.get("azure-asyncoperation") as string)).json.status).toBe("Succeeded");
  }

  test("GIVEN undefined (default) WHEN the delete completes THEN metadata, token and Graph are gone at once", async () => {
    await start();
    const before = emu.accessToken();
    await deleteTenant();
    expect(emu.arm.deletionPropagationRemaining()).toBeUndefined();
    expect([await metadata(), (await tokenCall()).codes, (await call(emu, "GET", "/v1.0/organization", { token: before })).status]).toEqual([400, [90002], 401]);
  });

  test("GIVEN 2 metadata, 1 token and 1 Graph requests WHEN the delete completes THEN each surface still answers that often, then says gone", async () => {
    await start({ deletionPropagation: { metadata: 2, token: 1, graph: 1 } });
    const before = emu.accessToken();
    await deleteTenant();
    expect(emu.arm.graphTenant).toBe("deleted");
    expect(emu.arm.deletionPropagationRemaining()).toEqual({ metadata: 2, token: 1, graph: 1 });
    expect([await metadata(), await metadata(), await metadata()]).toEqual([200, 200, 400]);
    // The deployment app went with the emptied tenant: the token endpoint still knows the tenant (700016), then not (90002).
    expect((await tokenCall()).codes).toEqual([700016]);
    expect((await tokenCall()).codes).toEqual([90002]);
    const graph = [(await call(emu, "GET", "/v1.0/organization", { token: before })).status, (await call(emu, "GET", "/v1.0/organization", { token: before })).status];
    expect(graph).toEqual([200, 401]);
    expect(emu.arm.deletionPropagationRemaining()).toBeUndefined();
    expect((await armCall(emu, "GET", directoryPath(emu, "contosoready"))).status).toBe(404);
  });

  test("GIVEN a duration WHEN the delete completes THEN metadata answers until it has passed", async () => {
    await start({ deletionPropagation: { ms: 60_000 } });
    const t0 = Date.now();
    await deleteTenant();
    expect([await metadata(), await metadata()]).toEqual([200, 200]);
    jest.spyOn(Date, "now").mockReturnValue(t0 + 61_000);
    expect(await metadata()).toBe(400);
  });
});
