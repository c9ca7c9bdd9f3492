/**
 * Directory objects (reference §5, checklist §9.6): applications, service principals, admin-consent grants.
 */
import { Emulator, GRAPH_APP_ID, startEmulator } from "./index";
import { call } from "./helpers";
import type { JsonObject } from "./types";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.stop();
});

async function graphSpId(): Promise<string> {
  const r = await call(emu, "GET", `/v1.0/servicePrincipals?$filter=appId eq '${GRAPH_APP_ID}'`);
  return ((r.json.value as JsonObject[])[0]).id as string;
}

describe("applications and service principals", () => {
  test("GIVEN a new application WHEN its SP is created THEN 201 and both are found by appId in every documented form", async () => {
    const app = await call(emu, "POST", "/v1.0/applications", { body: { displayName: "ciam-spa", spa: { redirectUris: ["http://localhost:3000"] } } });
    expect(app.status).toBe(201);
    const appId = app.json.appId as string;
    const sp = await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId, tags: ["WindowsAzureActiveDirectoryIntegratedApp"] } });
    expect(sp.status).toBe(201);
    expect(sp.json).toMatchObject({ appId, displayName: "ciam-spa", tags: ["WindowsAzureActiveDirectoryIntegratedApp"] });
    expect((await call(emu, "GET", `/v1.0/servicePrincipals(appId='${appId}')`)).json.id).toBe(sp.json.id);
    expect((await call(emu, "GET", `/v1.0/servicePrincipals/${sp.json.id as string}`)).json.appId).toBe(appId);
    expect(((await call(emu, "GET", `/v1.0/applications?$filter=appId eq '${appId}'`)).json.value as JsonObject[]).map((a) => a.id)).toEqual([app.json.id]);
    expect((await call(emu, "GET", `/v1.0/applications(appId='${appId}')`)).json.id).toBe(app.json.id);
  });

  test("GIVEN an appId with no application WHEN an SP is POSTed THEN 400 Request_BadRequest with NoBackingApplicationObject details", async () => {
    const r = await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId: "33333333-3333-3333-3333-333333333333" } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({
      code: "Request_BadRequest",
      message: "The appId '33333333-3333-3333-3333-333333333333' of the service principal does not reference a valid application object.",
      details: [{ code: "NoBackingApplicationObject", target: "appId" }],
    });
  });

  test("GIVEN an app with an SP WHEN a second SP is POSTed THEN 409", async () => {
    const a = emu.store.addApplication();
    expect((await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId: a.appId } })).status).toBe(409);
  });

  test("GIVEN an app WHEN DELETEd THEN 204 and its SP and grants go too; a second DELETE is 404", async () => {
    const a = emu.store.addApplication();
    await call(emu, "POST", "/v1.0/oauth2PermissionGrants", {
      body: { clientId: a.servicePrincipalObjectId as string, consentType: "AllPrincipals", resourceId: await graphSpId(), scope: "openid" },
    });
    const before = emu.store.counts();
    expect((await call(emu, "DELETE", `/v1.0/applications/${a.applicationObjectId}`)).status).toBe(204);
    expect(emu.store.counts()).toMatchObject({ applications: before.applications - 1, servicePrincipals: before.servicePrincipals - 1, grants: 0 });
    expect((await call(emu, "DELETE", `/v1.0/applications/${a.applicationObjectId}`)).status).toBe(404);
  });
});

describe("oauth2PermissionGrants", () => {
  test("GIVEN a client SP and the Graph SP WHEN an AllPrincipals grant is POSTed THEN 201 with an opaque 43-char id; duplicate THEN 409", async () => {
    const a = emu.store.addApplication();
    const body = { clientId: a.servicePrincipalObjectId as string, consentType: "AllPrincipals", resourceId: await graphSpId(), scope: "openid offline_access User.Read profile" };
    const r = await call(emu, "POST", "/v1.0/oauth2PermissionGrants", { body });
    expect(r.status).toBe(201);
    expect(r.json.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.json).toMatchObject({ ...body, principalId: null });
    const dup = await call(emu, "POST", "/v1.0/oauth2PermissionGrants", { body: { ...body, scope: "openid" } });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toMatchObject({ code: "Request_MultipleObjectsWithSameKeyValue", message: "Permission entry already exists." });
    expect(emu.store.counts().grants).toBe(1);
  });

  test("GIVEN a grant WHEN found by $filter and rescoped by PATCH THEN 204 and the scope changes; DELETE 204", async () => {
    const a = emu.store.addApplication();
    const graph = await graphSpId();
    const id = (await call(emu, "POST", "/v1.0/oauth2PermissionGrants", { body: { clientId: a.servicePrincipalObjectId as string, consentType: "AllPrincipals", resourceId: graph, scope: "openid" } })).json.id as string;
    const found = await call(emu, "GET", `/v1.0/oauth2PermissionGrants?$filter=${encodeURIComponent(`clientId eq '${a.servicePrincipalObjectId as string}' and resourceId eq '${graph}'`)}`);
    expect((found.json.value as JsonObject[]).map((g) => g.id)).toEqual([id]);
    expect((await call(emu, "PATCH", `/v1.0/oauth2PermissionGrants/${id}`, { body: { scope: "openid profile" } })).status).toBe(204);
    expect(emu.store.listGrants()[0].scope).toBe("openid profile");
    expect((await call(emu, "PATCH", `/v1.0/oauth2PermissionGrants/${id}`, { body: { scope: "Directory.ReadWrite.All" } })).status).toBe(400);
    expect((await call(emu, "DELETE", `/v1.0/oauth2PermissionGrants/${id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/v1.0/oauth2PermissionGrants/${id}`)).status).toBe(404);
  });

  test("GIVEN an application object id (not the SP id) as clientId WHEN granting THEN 404 and nothing is written", async () => {
    const a = emu.store.addApplication();
    const r = await call(emu, "POST", "/v1.0/oauth2PermissionGrants", { body: { clientId: a.applicationObjectId, consentType: "AllPrincipals", resourceId: await graphSpId(), scope: "openid" } });
    expect(r.status).toBe(404);
    expect(emu.store.counts().grants).toBe(0);
  });
});
