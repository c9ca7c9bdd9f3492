/**
 * The emulator's test machinery (checklist §9.7–§9.9): faults, replication lag, paging, the request log and stop().
 */
import { ClientSecretCredential } from "@azure/identity";
import { Client, PageIterator, PageCollection, RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { createServer } from "node:net";
import { Emulator, startEmulator } from "./index";
import { call, minimalFlowBody } from "./helpers";
import type { JsonObject } from "./types";

const F = "/beta/identity/authenticationEventsFlows";

let emu: Emulator;
afterEach(async () => {
  await emu?.stop().catch(() => undefined);
});

function graphClient(e: Emulator): Client {
  const credential = new ClientSecretCredential(e.tenantId, e.clientId, e.clientSecret, { authorityHost: e.url, disableInstanceDiscovery: true });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [`${e.url}/.default`] });
  return Client.initWithMiddleware({ authProvider, baseUrl: e.url, customHosts: new Set(["localhost"]), defaultVersion: "beta" });
}

describe("faults", () => {
  beforeEach(async () => {
    emu = await startEmulator();
  });

  test("GIVEN a 429 with Retry-After on flow POSTs WHEN a POST is sent THEN 429 in the Graph envelope, recorded, no flow; then the rule passes", async () => {
    emu.faults.inject({ method: "POST", path: /^\/identity\/authenticationEventsFlows$/, status: 429, retryAfterSeconds: 7, times: 1 });
    const r = await call(emu, "POST", F, { body: minimalFlowBody("Throttled") });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("7");
    expect(r.json.error).toMatchObject({ code: "TooManyRequests" });
    expect(emu.store.counts().flows).toBe(0);
    expect(emu.writes().map((w) => [w.method, w.path, w.status])).toEqual([["POST", "/identity/authenticationEventsFlows", 429]]);
    expect(emu.faults.pending()).toEqual([]);
    expect((await call(emu, "POST", F, { body: minimalFlowBody("Throttled") })).status).toBe(201);
    expect(emu.store.counts().flows).toBe(1);
  });

  test("GIVEN 503 then 504 with a custom code WHEN matching requests arrive THEN those statuses in order, other paths unaffected", async () => {
    emu.faults.inject({ path: /branding/, status: 503, times: 1, code: "UnknownError" });
    emu.faults.inject({ path: /branding/, status: 504, times: 1 });
    expect((await call(emu, "GET", "/v1.0/organization")).status).toBe(200);
    const b = `/beta/organization/${emu.tenantId}/branding`;
    const first = await call(emu, "GET", b, { headers: { "Accept-Language": "0" } });
    expect(first.status).toBe(503);
    expect((first.json.error as JsonObject).code).toBe("UnknownError");
    expect(first.headers.get("retry-after")).toBeNull();
    expect((await call(emu, "GET", b, { headers: { "Accept-Language": "0" } })).status).toBe(504);
    expect((await call(emu, "GET", b, { headers: { "Accept-Language": "0" } })).status).toBe(404);
  });

  test("GIVEN the real Graph client WHEN its POST meets one 429 (Retry-After 0) THEN it retries, one flow exists and the log shows 429 then 201", async () => {
    emu.faults.inject({ method: "POST", status: 429, retryAfterSeconds: 0, times: 1 });
    const client = graphClient(emu);
    const created = (await client.api("/identity/authenticationEventsFlows").middlewareOptions([new RetryHandlerOptions(0, 3)]).post(minimalFlowBody("Retried"))) as JsonObject;
    expect(created.displayName).toBe("Retried");
    expect(emu.store.counts().flows).toBe(1);
    expect(emu.writes().map((w) => w.status)).toEqual([429, 201]);
  });

  test("GIVEN faults.clear() WHEN requests follow THEN none fail", async () => {
    emu.faults.inject({ status: 503, times: 5 });
    emu.faults.clear();
    expect((await call(emu, "GET", F)).status).toBe(200);
  });
});

describe("replication lag", () => {
  test("GIVEN lag of 2 requests WHEN a flow is created THEN the next 2 reads by id are 404 and the third is 200; a retry never duplicates", async () => {
    emu = await startEmulator({ replicationLag: { requests: 2 } });
    const id = (await call(emu, "POST", F, { body: minimalFlowBody("Lagging") })).json.id as string;
    expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(404);
    const patch = await call(emu, "PATCH", `${F}/${id}`, { body: { "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow", description: "x" } });
    expect(patch.status).toBe(404);
    expect((patch.json.error as JsonObject).code).toBe("Request_ResourceNotFound");
    expect(emu.store.getFlow(id)?.description).toBeNull();
    expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(200);
    expect((await call(emu, "POST", F, { body: minimalFlowBody("Lagging") })).status).toBe(409);
    expect(emu.store.counts().flows).toBe(1);
  });

  test("GIVEN lag WHEN an app is added via the store THEN its SP creation is 400 NoBackingApplicationObject and links are 404 until replicated", async () => {
    emu = await startEmulator({ replicationLag: { requests: 1 } });
    const flow = (await call(emu, "POST", F, { body: minimalFlowBody("Host") })).json.id as string;
    emu.store.settle();
    const noSp = emu.store.addApplication({ withServicePrincipal: false });
    const sp = await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId: noSp.appId } });
    expect(sp.status).toBe(400);
    expect(((sp.json.error as JsonObject).details as JsonObject[])[0].code).toBe("NoBackingApplicationObject");
    expect((await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId: noSp.appId } })).status).toBe(201);
    const withSp = emu.store.addApplication();
    const link = await call(emu, "POST", `${F}/${flow}/conditions/applications/includeApplications`, { body: { appId: withSp.appId } });
    expect(link.status).toBe(404);
    expect((link.json.error as JsonObject).code).toBe("Request_ResourceNotFound");
    expect((await call(emu, "POST", `${F}/${flow}/conditions/applications/includeApplications`, { body: { appId: withSp.appId } })).status).toBe(201);
  });

  test("GIVEN lag WHEN a custom attribute and a localization are created THEN by-id reads are 404 once, then found", async () => {
    emu = await startEmulator({ replicationLag: { requests: 1 } });
    const attr = (await call(emu, "POST", "/beta/identity/userFlowAttributes", { body: { displayName: "Hobby", dataType: "string" } })).json.id as string;
    expect((await call(emu, "GET", `/beta/identity/userFlowAttributes/${attr}`)).status).toBe(404);
    expect((await call(emu, "GET", `/beta/identity/userFlowAttributes/${attr}`)).status).toBe(200);
    const b = `/beta/organization/${emu.tenantId}/branding`;
    expect((await call(emu, "POST", `${b}/localizations`, { body: { id: "fr-FR" } })).status).toBe(201);
    expect((await call(emu, "GET", `${b}/localizations/fr-FR`)).status).toBe(404);
    expect((await call(emu, "GET", `${b}/localizations/fr-FR`)).status).toBe(200);
  });

  test("GIVEN a time lag WHEN the window passes THEN the object appears", async () => {
    emu = await startEmulator({ replicationLag: { ms: 150 } });
    const id = (await call(emu, "POST", F, { body: minimalFlowBody("Timed") })).json.id as string;
    expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 200));
    expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(200);
  });

  test("GIVEN a fault and a lagging object WHEN the faulted request addresses it THEN the lag is not consumed", async () => {
    emu = await startEmulator({ replicationLag: { requests: 1 } });
    const id = (await call(emu, "POST", F, { body: minimalFlowBody("Both") })).json.id as string;
    emu.faults.inject({ status: 503, times: 1 });
    expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(503);
    expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(404);
    expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(200);
  });
});

describe("paging", () => {
  test("GIVEN pageSize 2 and 5 flows WHEN listing THEN nextLinks on the emulator host walk every flow once, filter kept", async () => {
    emu = await startEmulator({ pageSize: 2 });
    for (let i = 0; i < 5; i++) await call(emu, "POST", F, { body: minimalFlowBody(`Flow${i}`) });
    const seen: string[] = [];
    let next: string | undefined = `${emu.url}${F}?$filter=${encodeURIComponent("startswith(displayName,'Flow')")}`;
    let pages = 0;
    while (next) {
      expect(next.startsWith(`${emu.url}/beta/identity/authenticationEventsFlows?`)).toBe(true);
      const r = await call(emu, "GET", next);
      seen.push(...(r.json.value as JsonObject[]).map((f) => String(f.displayName)));
      next = r.json["@odata.nextLink"] as string | undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(["Flow0", "Flow1", "Flow2", "Flow3", "Flow4"]);
  });

  test("GIVEN $top 3 WHEN listing attributes THEN 3 per page with a nextLink", async () => {
    emu = await startEmulator();
    const r = await call(emu, "GET", "/beta/identity/userFlowAttributes?$top=3");
    expect((r.json.value as JsonObject[]).length).toBe(3);
    expect(r.json["@odata.nextLink"]).toMatch(/\$top=3&\$skiptoken=/);
  });

  test("GIVEN the real Graph client PageIterator WHEN iterating a paged list THEN it follows the https nextLinks to the end", async () => {
    emu = await startEmulator({ pageSize: 3 });
    const client = graphClient(emu);
    const first = (await client.api("/identity/userFlowAttributes").get()) as PageCollection;
    const ids: string[] = [];
    const it = new PageIterator(client, first, (item: { id: string }) => {
      ids.push(item.id);
      return true;
    });
    await it.iterate();
    expect(ids).toHaveLength(10);
  });
});

describe("request log", () => {
  test("GIVEN reads, writes and token calls WHEN the log is read THEN requests holds all in order and writes() only Graph mutations", async () => {
    emu = await startEmulator();
    const client = graphClient(emu);
    await client.api("/identity/authenticationEventsFlows").get();
    const created = (await client.api("/identity/authenticationEventsFlows").post(minimalFlowBody("Logged"))) as { id: string };
    await client.api(`/identity/authenticationEventsFlows/${created.id}`).query({ $select: "id" }).get();
    await client.api(`/identity/authenticationEventsFlows/${created.id}`).delete();
    expect(emu.requests.filter((r) => r.version === null).length).toBeGreaterThanOrEqual(1);
    expect(emu.requests.filter((r) => r.version !== null).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /identity/authenticationEventsFlows 200",
      "POST /identity/authenticationEventsFlows 201",
      `GET /identity/authenticationEventsFlows/${created.id} 200`,
      `DELETE /identity/authenticationEventsFlows/${created.id} 204`,
    ]);
    expect(emu.writes().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /identity/authenticationEventsFlows", `DELETE /identity/authenticationEventsFlows/${created.id}`]);
    const post = emu.writes()[0];
    expect(post.version).toBe("beta");
    expect(post.body).toEqual(minimalFlowBody("Logged"));
    expect(post.headers.authorization).toBe("<redacted>");
    expect(post.headers["content-type"]).toMatch(/^application\/json/);
    expect(emu.requests.find((r) => r.query.$select === "id")).toBeDefined();
    expect(post.at).toBeLessThanOrEqual(Date.now());
    emu.clearLog();
    expect(emu.requests).toEqual([]);
    expect(emu.writes()).toEqual([]);
  });
});

describe("stop", () => {
  test("GIVEN a running emulator WHEN stopped with an open keep-alive connection THEN the port can be bound again", async () => {
    const e = await startEmulator();
    await call(e, "GET", "/v1.0/organization");
    const port = Number(new URL(e.url).port);
    await e.stop();
    await new Promise<void>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => s.close(() => resolve()));
    });
  });
});
