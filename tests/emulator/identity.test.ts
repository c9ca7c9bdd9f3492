/**
 * Fidelity of `identity/userFlowAttributes` and the identity provider sets (reference §3.6, §3.7) and of the
 * tenant seed (§9.4).
 */
import { Emulator, startEmulator } from "./index";
import { call } from "./helpers";
import type { JsonObject } from "./types";

const A = "/beta/identity/userFlowAttributes";
const B2C = "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9";
const GOOGLE = "5a415368-1111-4222-8333-444455556666";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({
    b2cExtensionsAppId: B2C,
    socialIdentityProviders: [{ id: GOOGLE, identityProviderType: "Google", clientId: "g-client" }],
  });
});
afterEach(async () => {
  await emu.stop();
});

describe("seed", () => {
  test("GIVEN a fresh tenant WHEN the IdPs are listed under identity/ and legacy paths THEN four built-ins and the GUID-id social IdP", async () => {
    const r = await call(emu, "GET", "/beta/identity/identityProviders");
    expect(r.json.value).toEqual([
      { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailPassword-OAUTH", displayName: "Email with password", identityProviderType: "EmailPassword", state: null },
      { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailOtpSignup-OAUTH", displayName: "Email one-time passcode", identityProviderType: "EmailOTP", state: null },
      { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "AADSignup-OAUTH", displayName: "Microsoft Entra ID Sign up", identityProviderType: "AADSignup", state: null },
      { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "MSASignup-OAUTH", displayName: "Microsoft Account", identityProviderType: "MicrosoftAccount", state: null },
      { "@odata.type": "#microsoft.graph.socialIdentityProvider", id: GOOGLE, displayName: "Google", identityProviderType: "Google", clientId: "g-client", clientSecret: "******" },
    ]);
    const legacy = await call(emu, "GET", "/v1.0/identityProviders");
    expect((legacy.json.value as JsonObject[]).map((p) => p.id)).toEqual((r.json.value as JsonObject[]).map((p) => p.id));
    expect((await call(emu, "GET", `/v1.0/identityProviders/${GOOGLE}`)).json.identityProviderType).toBe("Google");
    expect((await call(emu, "GET", "/beta/identity/identityProviders/emailpassword-oauth")).json.id).toBe("EmailPassword-OAUTH");
    expect((await call(emu, "GET", "/beta/identity/identityProviders/Google-OAUTH")).status).toBe(404);
  });

  test("GIVEN a fresh tenant WHEN attributes are listed THEN exactly the ten built-ins", async () => {
    const r = await call(emu, "GET", A);
    expect((r.json.value as JsonObject[]).map((a) => [a.id, a.userFlowAttributeType, a.dataType])).toEqual(
      ["city", "country", "displayName", "email", "givenName", "jobTitle", "postalCode", "state", "streetAddress", "surname"].map((id) => [id, "builtIn", "string"]),
    );
  });

  test("GIVEN a fresh tenant WHEN organization and Graph SP are read THEN CIAM tenant, verified domain and the documented scope ids", async () => {
    const org = await call(emu, "GET", "/v1.0/organization");
    expect(org.json.value).toEqual([
      expect.objectContaining({
        id: emu.tenantId,
        tenantType: "CIAM",
        displayName: "Contoso customers",
        verifiedDomains: [expect.objectContaining({ name: "contosociamtest.onmicrosoft.com", isDefault: true, isInitial: true })],
      }),
    ]);
    const sp = await call(emu, "GET", "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')");
    expect(sp.status).toBe(200);
    const scopes = Object.fromEntries((sp.json.oauth2PermissionScopes as JsonObject[]).map((s) => [s.value, s.id]));
    expect(scopes).toEqual({
      openid: "37f7f235-527c-4136-accd-4a02d197296e",
      offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
      profile: "14dad69e-099b-42c9-810b-d002981feec1",
      email: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
      "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    });
    const b2c = await call(emu, "GET", `/v1.0/applications?$filter=appId eq '${B2C}'`);
    expect((b2c.json.value as JsonObject[]).map((a) => a.displayName)).toEqual(["b2c-extensions-app. Do not modify. Used by AADB2C for storing user data."]);
  });
});

describe("userFlowAttributes", () => {
  test("GIVEN a custom attribute WHEN POSTed THEN 201, Location header and the extension_<b2cAppId>_<Name> id", async () => {
    const r = await call(emu, "POST", A, { body: { displayName: "Hobby", description: "Your hobby", dataType: "string" } });
    expect(r.status).toBe(201);
    const id = "extension_0a1b2c3d4e5f40618293a4b5c6d7e8f9_Hobby";
    expect(r.headers.get("location")).toBe(`${emu.url}/beta/identity/userFlowAttributes('${id}')`);
    expect(r.json).toEqual({
      "@odata.context": `${emu.url}/beta/$metadata#identity/userFlowAttributes/$entity`,
      id,
      displayName: "Hobby",
      description: "Your hobby",
      userFlowAttributeType: "custom",
      dataType: "string",
    });
    expect((await call(emu, "GET", `/beta/identity/userFlowAttributes('${id}')`)).json.id).toBe(id);
  });

  test("GIVEN a name with a space WHEN POSTed THEN the id camel-cases it", async () => {
    const r = await call(emu, "POST", A, { body: { displayName: "Loyalty Number", dataType: "Int64" } });
    expect(r.json.id).toBe("extension_0a1b2c3d4e5f40618293a4b5c6d7e8f9_loyaltyNumber");
    expect(r.json.dataType).toBe("int64");
  });

  test("GIVEN an existing custom attribute WHEN POSTed again THEN 409 and one attribute", async () => {
    await call(emu, "POST", A, { body: { displayName: "Hobby", dataType: "string" } });
    const r = await call(emu, "POST", A, { body: { displayName: "Hobby", dataType: "boolean" } });
    expect(r.status).toBe(409);
    expect(emu.store.counts().customAttributes).toBe(1);
  });

  test("GIVEN create types WHEN dataType is stringCollection or dateTime or builtIn is asked THEN 400", async () => {
    expect((await call(emu, "POST", A, { body: { displayName: "Tags", dataType: "stringCollection" } })).status).toBe(400);
    expect((await call(emu, "POST", A, { body: { displayName: "When", dataType: "dateTime" } })).status).toBe(400);
    expect((await call(emu, "POST", A, { body: { displayName: "Town", dataType: "string", userFlowAttributeType: "builtIn" } })).status).toBe(400);
  });

  test("GIVEN $filter forms WHEN listing THEN eq/ne on id, displayName, userFlowAttributeType and dataType", async () => {
    await call(emu, "POST", A, { body: { displayName: "Hobby", dataType: "string" } });
    await call(emu, "POST", A, { body: { displayName: "Vip", dataType: "boolean" } });
    const ids = async (f: string): Promise<unknown[]> =>
      ((await call(emu, "GET", `${A}?$filter=${encodeURIComponent(f)}`)).json.value as JsonObject[]).map((a) => a.displayName);
    expect(await ids("userFlowAttributeType eq 'custom'")).toEqual(["Hobby", "Vip"]);
    expect(await ids("dataType eq 'boolean'")).toEqual(["Vip"]);
    expect(await ids("displayName eq 'City'")).toEqual(["City"]);
    expect(await ids("id eq 'email'")).toEqual(["Email Address"]);
    expect((await ids("userFlowAttributeType ne 'custom'")).length).toBe(10);
  });

  test("GIVEN a custom attribute WHEN PATCHed THEN description changes (204); dataType or displayName changes are 400", async () => {
    const id = (await call(emu, "POST", A, { body: { displayName: "Hobby", dataType: "string" } })).json.id as string;
    expect((await call(emu, "PATCH", `${A}/${id}`, { body: { description: "new" } })).status).toBe(204);
    expect((await call(emu, "PATCH", `${A}/${id}`, { body: { dataType: "boolean" } })).status).toBe(400);
    expect((await call(emu, "PATCH", `${A}/${id}`, { body: { displayName: "Other" } })).status).toBe(400);
    expect(emu.store.listUserFlowAttributes().find((a) => a.id === id)).toEqual({ id, displayName: "Hobby", description: "new", userFlowAttributeType: "custom", dataType: "string" });
  });

  test("GIVEN built-ins WHEN PATCHed or DELETEd THEN 400; custom DELETE THEN 204 then 404", async () => {
    expect((await call(emu, "DELETE", `${A}/city`)).status).toBe(400);
    expect((await call(emu, "PATCH", `${A}/city`, { body: { description: "x" } })).status).toBe(400);
    const id = (await call(emu, "POST", A, { body: { displayName: "Hobby", dataType: "string" } })).json.id as string;
    expect((await call(emu, "DELETE", `${A}/${id}`)).status).toBe(204);
    expect((await call(emu, "DELETE", `${A}/${id}`)).status).toBe(404);
  });
});
