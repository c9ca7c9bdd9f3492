/**
 * The store helpers tests use for out-of-band changes ("someone used the portal") and assertions: what they change
 * is what Graph then answers.
 */
import { Emulator, startEmulator } from "./index";
import { attributeCollection, call, minimalFlowBody } from "./helpers";
import type { JsonObject } from "./types";

const F = "/beta/identity/authenticationEventsFlows";
let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.stop();
});

test("GIVEN a flow added out of band WHEN Graph lists flows THEN it is there, and no Graph write was recorded", async () => {
  const id = emu.store.addFlow(minimalFlowBody("Portal", { onAttributeCollection: attributeCollection(["email"]) }));
  const r = await call(emu, "GET", `${F}?$filter=displayName eq 'Portal'`);
  expect((r.json.value as JsonObject[]).map((f) => f.id)).toEqual([id]);
  expect(emu.writes()).toEqual([]);
  expect(() => emu.store.addFlow(minimalFlowBody("portal"))).toThrow(/already exists/);
});

test("GIVEN drift on a flow WHEN Graph reads it THEN the drifted values show", async () => {
  const id = emu.store.addFlow(minimalFlowBody("Drift"));
  const app = emu.store.addApplication();
  emu.store.patchFlow("Drift", { description: "edited in the portal" });
  emu.store.setFlowIdentityProviders(id, ["EmailOtpSignup-OAUTH"]);
  emu.store.setFlowApplications(id, [app.appId]);
  const got = (await call(emu, "GET", `${F}/${id}`)).json;
  expect(got.description).toBe("edited in the portal");
  expect(((got.onAuthenticationMethodLoadStart as JsonObject).identityProviders as JsonObject[]).map((p) => p.id)).toEqual(["EmailOtpSignup-OAUTH"]);
  expect(((got.conditions as JsonObject).applications as JsonObject).includeApplications).toEqual([{ appId: app.appId }]);
  expect(emu.store.getFlow(id)?.description).toBe("edited in the portal");
  expect(emu.store.listFlows()).toHaveLength(1);
  expect(emu.store.deleteFlow("Drift")).toBe(true);
  expect((await call(emu, "GET", `${F}/${id}`)).status).toBe(404);
});

test("GIVEN branding set out of band WHEN Graph reads it THEN properties and stream bytes match the snapshot", async () => {
  emu.store.patchBranding("0", { signInPageText: "Portal text" });
  emu.store.setStream("0", "bannerLogo", Buffer.from([1, 2, 3]), "image/png");
  const b = `/beta/organization/${emu.tenantId}/branding`;
  expect((await call(emu, "GET", b, { headers: { "Accept-Language": "0" } })).json.signInPageText).toBe("Portal text");
  expect((await call(emu, "GET", `${b}/localizations/0/bannerLogo`)).body).toEqual(Buffer.from([1, 2, 3]));
  const snap = emu.store.getDefaultBranding();
  expect(snap?.streams.bannerLogo).toEqual({
    contentType: "image/png",
    bytes: Buffer.from([1, 2, 3]),
    sha256: "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81",
  });
  expect(emu.store.listLocalizations().map((l) => l.id)).toEqual(["0"]);
  expect(emu.store.deleteBranding("0")).toBe(true);
  expect((await call(emu, "GET", b, { headers: { "Accept-Language": "0" } })).status).toBe(404);
});

test("GIVEN directory edits out of band WHEN counted and read THEN counts and Graph agree", async () => {
  const before = emu.store.counts();
  expect(before).toEqual({
    flows: 0, customAttributes: 0, flowLinks: 0, applications: 2, servicePrincipals: 3, grants: 0,
    defaultBranding: 0, localizations: 0, brandingStreams: 0, users: 1, deletedItems: 0,
  });
  const a = emu.store.addApplication({ displayName: "x", withServicePrincipal: false });
  expect(a.servicePrincipalObjectId).toBeUndefined();
  const spId = emu.store.addServicePrincipal(a.appId);
  emu.store.patchApplication(a.appId, { displayName: "renamed" });
  emu.store.patchServicePrincipal(spId, { tags: ["HideApp"] });
  expect((await call(emu, "GET", `/v1.0/applications/${a.applicationObjectId}`)).json.displayName).toBe("renamed");
  expect((await call(emu, "GET", `/v1.0/servicePrincipals/${spId}`)).json.tags).toEqual(["HideApp"]);
  const attr = emu.store.addCustomAttribute("Loyalty Number", "int64");
  expect(attr).toMatch(/^extension_[0-9a-f]{32}_loyaltyNumber$/);
  expect(emu.store.counts()).toMatchObject({ applications: 3, servicePrincipals: 4, customAttributes: 1 });
  expect(emu.store.deleteServicePrincipal(a.appId)).toBe(true);
  expect(emu.store.deleteApplication(a.applicationObjectId)).toBe(true);
  expect(emu.store.deleteUserFlowAttribute(attr)).toBe(true);
  // The application is soft-deleted (directory/deletedItems); everything else is as before.
  expect(emu.store.counts()).toEqual({ ...before, deletedItems: 1 });
});

test("GIVEN an unsupported $filter WHEN listing THEN 400 Request_UnsupportedQuery", async () => {
  const r = await call(emu, "GET", `${F}?$filter=${encodeURIComponent("displayName eq")}`);
  expect(r.status).toBe(400);
  expect((r.json.error as JsonObject).code).toBe("Request_UnsupportedQuery");
});

test("GIVEN an unknown segment or method WHEN called THEN 400 segment error / 405", async () => {
  expect((await call(emu, "GET", "/beta/identity/b2cUserFlows")).status).toBe(400);
  expect((await call(emu, "PUT", F, { body: {} })).status).toBe(405);
});
