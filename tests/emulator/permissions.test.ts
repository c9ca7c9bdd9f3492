/**
 * The emulator's token claims and its optional enforcement of documented application permissions: issued tokens
 * carry `tid`, `roles` and `idtyp`; `appRoles` and `tokenTenantId` change them; with `enforceAppRoles` a token
 * without an accepted permission gets Graph's 403, and without it every token may do everything (the default the
 * other tests rely on).
 *
 * Does not prove: that the documented table (permissions.ts) is complete for every Graph endpoint — only the
 * endpoints this project calls are listed.
 */
import { randomUUID } from "node:crypto";
import { DEFAULT_APP_ROLES, documentedPermissions, startEmulator, type Emulator } from "./index";
import { call } from "./helpers";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
afterEach(() => {
  emu.options.appRoles = [...DEFAULT_APP_ROLES];
  emu.options.enforceAppRoles = false;
  emu.options.tokenTenantId = undefined;
});

const claims = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

describe("token claims", () => {
  test("GIVEN default options WHEN a token is issued THEN it is an app-only token of the emulated tenant with the default roles", () => {
    expect(claims(emu.accessToken())).toMatchObject({ tid: emu.tenantId, idtyp: "app", appid: emu.clientId, roles: [...DEFAULT_APP_ROLES] });
  });

  test("GIVEN appRoles WHEN a token is issued THEN its roles are exactly those", () => {
    emu.options.appRoles = ["EventListener.Read.All"];
    expect(claims(emu.accessToken()).roles).toEqual(["EventListener.Read.All"]);
  });

  test("GIVEN tokenTenantId WHEN the token is used THEN it names that tenant and Graph answers 401 invalid tenant", async () => {
    const other = randomUUID();
    emu.options.tokenTenantId = other;
    const token = emu.accessToken();
    expect(claims(token).tid).toBe(other);
    const res = await call(emu, "GET", "/v1.0/organization", { token });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: "InvalidAuthenticationToken", message: "Access token validation failure. Invalid tenant." });
  });
});

describe("enforceAppRoles", () => {
  test("GIVEN enforcement and EventListener.Read.All WHEN flows are listed THEN 200, and WHEN one is created THEN 403 Authorization_RequestDenied with nothing created", async () => {
    emu.options.enforceAppRoles = true;
    emu.options.appRoles = ["EventListener.Read.All"];
    expect((await call(emu, "GET", "/beta/identity/authenticationEventsFlows")).status).toBe(200);
    const before = emu.store.counts().flows;
    const res = await call(emu, "POST", "/beta/identity/authenticationEventsFlows", { body: { displayName: "x" } });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    expect(emu.store.counts().flows).toBe(before);
  });

  test("GIVEN enforcement and a higher privileged permission the page accepts WHEN branding is read THEN it is allowed", async () => {
    emu.options.enforceAppRoles = true;
    emu.options.appRoles = ["Organization.Read.All"];
    const res = await call(emu, "GET", `/v1.0/organization/${emu.tenantId}/branding/localizations`);
    expect(res.status).toBe(200);
  });

  test("GIVEN no enforcement WHEN a token without roles writes THEN it is allowed (the default)", async () => {
    emu.options.appRoles = [];
    const res = await call(emu, "POST", "/beta/identity/userFlowAttributes", { body: { displayName: "Hobby", dataType: "string", description: "" } });
    expect(res.status).toBe(201);
  });

  test("GIVEN the documented table WHEN looked up THEN each endpoint lists its least privileged permission first", () => {
    expect(documentedPermissions("PATCH", "/identity/authenticationEventsFlows/x")).toEqual(["EventListener.ReadWrite.All"]);
    expect(documentedPermissions("GET", "/identity/userFlowAttributes")).toEqual(["IdentityUserFlow.Read.All", "IdentityUserFlow.ReadWrite.All"]);
    expect(documentedPermissions("POST", "/servicePrincipals")).toEqual(["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"]);
    expect(documentedPermissions("GET", "/servicePrincipals")?.[1]).toBe("Application.ReadWrite.OwnedBy");
    expect(documentedPermissions("GET", "/me")).toBeUndefined();
  });
});
