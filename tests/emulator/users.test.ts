/**
 * Users, the Global Administrator role, soft-deleted objects and the deletion protections a teardown meets
 * (arm-and-auth reference §1.7; Graph: user list/get/post/delete, directory/deletedItems, directoryRoles members),
 * and how they feed ARM's "directory not empty" rule, with every switch both ways.
 *
 * Does not prove: Graph's exact wording for every validation error, `$count`/`$search` on users (not modelled), or
 * that real ARM counts soft-deleted objects (a switch).
 */
import { Emulator, EmulatorOptions, startEmulator } from "./index";
import { armCall, call, directoryPath } from "./helpers";
import type { JsonObject } from "./types";

let emu: Emulator;
async function start(o: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  emu = await startEmulator({ subdomain: "contosousers", armRetryAfterSeconds: 0, armAsyncPolls: 1, ...o });
  return emu;
}
afterEach(async () => {
  await emu?.stop();
});

const values = (r: { json: JsonObject }): JsonObject[] => r.json.value as JsonObject[];
const errorOf = (r: { json: JsonObject }): JsonObject => r.json.error as JsonObject;
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";

async function listAll(path: string): Promise<JsonObject[]> {
  const out: JsonObject[] = [];
  let next: string | undefined = path;
  while (next) {
    const r = await call(emu, "GET", next);
    expect(r.status).toBe(200);
    out.push(...values(r));
    next = r.json["@odata.nextLink"] as string | undefined;
  }
  return out;
}

describe("GET /users", () => {
  test("GIVEN the seeded tenant WHEN users are listed on v1.0 THEN only the admin, with the default property set; $select shows userType/creationType/identities", async () => {
    await start();
    const r = await call(emu, "GET", "/v1.0/users");
    expect(values(r)).toHaveLength(1);
    const admin = values(r)[0];
    expect(admin.id).toBe(emu.store.adminUserId);
    expect(admin.userPrincipalName).toBe("admin_contosohome.onmicrosoft.com#EXT#@contosousers.onmicrosoft.com");
    expect(Object.keys(admin).sort()).toEqual(
      ["businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName"].sort(),
    );
    const sel = await call(emu, "GET", "/v1.0/users?$select=id,userType,creationType,identities");
    expect(values(sel)[0]).toEqual({ id: admin.id, userType: "Member", creationType: null, identities: [expect.objectContaining({ signInType: "userPrincipalName" })] });
    const beta = await call(emu, "GET", `/beta/users/${admin.id as string}`);
    expect(beta.json.userType).toBe("Member");
  });

  test("GIVEN the admin and three customers with pageSize 2 WHEN listed page by page THEN four users over two pages, each once", async () => {
    await start({ pageSize: 2 });
    const ids = [emu.store.addUser(), emu.store.addUser(), emu.store.addUser({ userType: "Guest", creationType: "Invitation" })];
    const first = await call(emu, "GET", "/v1.0/users?$select=id");
    expect(values(first)).toHaveLength(2);
    expect(first.json["@odata.nextLink"]).toMatch(/\$skiptoken=/);
    const all = await listAll("/v1.0/users?$select=id");
    expect(all.map((u) => u.id).sort()).toEqual([emu.store.adminUserId, ...ids].sort());
  });

  test("GIVEN users of several kinds WHEN filtered by userType, creationType and identities THEN only the matching ones", async () => {
    await start();
    const customer = emu.store.addUser({ email: "ann@example.com" });
    const guest = emu.store.addUser({ userType: "Guest", creationType: "Invitation" });
    const guests = await call(emu, "GET", `/v1.0/users?$filter=${encodeURIComponent("userType eq 'Guest'")}&$select=id`);
    expect(values(guests).map((u) => u.id)).toEqual([guest]);
    const locals = await call(emu, "GET", `/v1.0/users?$filter=${encodeURIComponent("creationType eq 'LocalAccount'")}&$select=id`);
    expect(values(locals).map((u) => u.id)).toEqual([customer]);
    const byIdentity = await call(emu, "GET", `/v1.0/users?$filter=${encodeURIComponent("identities/any(i:i/issuerAssignedId eq 'ann@example.com')")}&$select=id`);
    expect(values(byIdentity).map((u) => u.id)).toEqual([customer]);
  });

  test("GIVEN a user WHEN read by id or userPrincipalName THEN 200; an unknown id THEN 404; a just-added user under replication lag THEN 404 first", async () => {
    await start();
    const admin = emu.store.adminUser();
    expect((await call(emu, "GET", `/v1.0/users/${admin.id as string}`)).json.id).toBe(admin.id);
    expect((await call(emu, "GET", `/v1.0/users/${encodeURIComponent(admin.userPrincipalName as string)}`)).json.id).toBe(admin.id);
    expect((await call(emu, "GET", "/v1.0/users/11111111-1111-1111-1111-111111111111")).status).toBe(404);
    emu.options.replicationLag = { requests: 1 };
    const id = emu.store.addUser();
    expect((await call(emu, "GET", `/v1.0/users/${id}`)).status).toBe(404);
    expect((await call(emu, "GET", `/v1.0/users/${id}`)).status).toBe(200);
  });
});

describe("POST /users", () => {
  test("GIVEN a customer local account body WHEN POSTed THEN 201, creationType LocalAccount, no password echoed", async () => {
    await start();
    const body = {
      displayName: "Ann",
      identities: [{ signInType: "emailAddress", issuer: "contosousers.onmicrosoft.com", issuerAssignedId: "ann@example.com" }],
      passwordProfile: { password: "S3cret!pass", forceChangePasswordNextSignIn: false },
    };
    const r = await call(emu, "POST", "/v1.0/users", { body });
    expect(r.status).toBe(201);
    expect(r.json.passwordProfile).toBeUndefined();
    const full = emu.store.listUsers().find((u) => u.id === r.json.id) as JsonObject;
    expect(full).toMatchObject({ creationType: "LocalAccount", displayName: "Ann" });
    expect(full.passwordProfile).toBeUndefined();
  });

  test("GIVEN work-account bodies WHEN the domain is not verified, the UPN is taken or the password missing THEN 400 and nothing is created", async () => {
    await start();
    const ok = { accountEnabled: true, displayName: "Bob", mailNickname: "bob", userPrincipalName: "bob@contosousers.onmicrosoft.com", passwordProfile: { password: "S3cret!pass" } };
    expect((await call(emu, "POST", "/v1.0/users", { body: ok })).status).toBe(201);
    const before = emu.store.counts().users;
    const dup = await call(emu, "POST", "/v1.0/users", { body: { ...ok, mailNickname: "bob2" } });
    expect(dup.status).toBe(400);
    expect(errorOf(dup)).toMatchObject({ code: "Request_BadRequest", details: [{ code: "ObjectConflict", target: "userPrincipalName" }] });
    const foreign = await call(emu, "POST", "/v1.0/users", { body: { ...ok, userPrincipalName: "bob@example.com" } });
    expect(foreign.status).toBe(400);
    expect(errorOf(foreign).message).toMatch(/verified domain/);
    const { passwordProfile: _omitted, ...withoutPassword } = ok;
    const noPassword = await call(emu, "POST", "/v1.0/users", { body: { ...withoutPassword, userPrincipalName: "c@contosousers.onmicrosoft.com" } });
    expect(noPassword.status).toBe(400);
    expect(emu.store.counts().users).toBe(before);
  });
});

describe("DELETE /users and directory/deletedItems", () => {
  test("GIVEN a customer WHEN DELETEd THEN 204, it is listed under deletedItems/microsoft.graph.user, restorable, and purgeable", async () => {
    await start();
    const id = emu.store.addUser();
    expect((await call(emu, "DELETE", `/v1.0/users/${id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/v1.0/users/${id}`)).status).toBe(404);
    const deleted = await call(emu, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user");
    expect(values(deleted)).toEqual([expect.objectContaining({ id, "@odata.type": "#microsoft.graph.user", deletedDateTime: expect.any(String) })]);
    const restored = await call(emu, "POST", `/v1.0/directory/deletedItems/${id}/restore`);
    expect(restored.status).toBe(200);
    expect((await call(emu, "GET", `/v1.0/users/${id}`)).status).toBe(200);
    await call(emu, "DELETE", `/v1.0/users/${id}`);
    expect((await call(emu, "DELETE", `/v1.0/directory/deletedItems/${id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/v1.0/directory/deletedItems/${id}`)).status).toBe(404);
    expect(emu.store.listDeletedItems()).toEqual([]);
  });

  test("GIVEN deletedItems without a type cast WHEN listed THEN 400", async () => {
    await start();
    expect((await call(emu, "GET", "/v1.0/directory/deletedItems")).status).toBe(400);
  });

  test.each([
    ["refused", 403],
    ["allowed", 204],
  ] as const)("GIVEN adminUserDelete %s WHEN the app DELETEs the admin THEN %s", async (mode, status) => {
    await start({ adminUserDelete: mode });
    const r = await call(emu, "DELETE", `/v1.0/users/${emu.store.adminUserId}`);
    expect(r.status).toBe(status);
    if (status === 403) {
      expect(errorOf(r)).toMatchObject({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
      expect(emu.store.adminUser().id).toBe(emu.store.adminUserId);
    } else {
      expect(emu.store.counts().users).toBe(0);
    }
  });

  test("GIVEN an application WHEN DELETEd THEN it is listed under deletedItems/microsoft.graph.application with its appId", async () => {
    await start();
    const a = emu.store.addApplication({ displayName: "spa" });
    expect((await call(emu, "DELETE", `/v1.0/applications/${a.applicationObjectId}`)).status).toBe(204);
    const deleted = await call(emu, "GET", "/v1.0/directory/deletedItems/microsoft.graph.application");
    expect(values(deleted)).toEqual([expect.objectContaining({ id: a.applicationObjectId, appId: a.appId, "@odata.type": "#microsoft.graph.application" })]);
  });

  test.each([
    ["allowed", 204],
    ["refused", 403],
  ] as const)("GIVEN b2cExtensionsAppDelete %s WHEN the app DELETEs b2c-extensions-app THEN %s", async (mode, status) => {
    await start({ b2cExtensionsAppDelete: mode });
    const b2c = values(await call(emu, "GET", `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${emu.options.b2cExtensionsAppId}'`)}`))[0];
    expect(b2c.displayName).toMatch(/^b2c-extensions-app/);
    const r = await call(emu, "DELETE", `/v1.0/applications/${b2c.id as string}`);
    expect(r.status).toBe(status);
    expect(emu.store.listApplications().some((a) => a.appId === emu.options.b2cExtensionsAppId)).toBe(status === 403);
  });
});

describe("applications and service principals lists", () => {
  test("GIVEN pageSize 1 WHEN applications and service principals are listed THEN every object once over the pages", async () => {
    await start({ pageSize: 1 });
    emu.store.addApplication();
    expect((await listAll("/v1.0/applications?$select=id")).length).toBe(emu.store.counts().applications);
    expect((await listAll("/v1.0/servicePrincipals?$select=id")).length).toBe(emu.store.counts().servicePrincipals);
  });
});

describe("directoryRoles: who is Global Administrator", () => {
  test("GIVEN the seeded admin and a second global admin WHEN the role's members are read by template id THEN both; the role lists as activated", async () => {
    await start();
    const second = emu.store.addUser({ globalAdmin: true, creationType: null, userPrincipalName: "ops@contosousers.onmicrosoft.com" });
    const roles = await call(emu, "GET", "/v1.0/directoryRoles");
    expect(values(roles)).toEqual([expect.objectContaining({ displayName: "Global Administrator", roleTemplateId: GLOBAL_ADMIN })]);
    const members = await call(emu, "GET", `/v1.0/directoryRoles(roleTemplateId='${GLOBAL_ADMIN}')/members`);
    expect(values(members).map((m) => m.id).sort()).toEqual([emu.store.adminUserId, second].sort());
    expect(values(members)[0]["@odata.type"]).toBe("#microsoft.graph.user");
    const byId = await call(emu, "GET", `/v1.0/directoryRoles/${values(roles)[0].id as string}/members`);
    expect(values(byId)).toHaveLength(2);
    // Only the admin running the stack is exempt from the emptiness rule.
    expect(emu.arm.deletionBlockers().users).toBe(1);
  });
});

describe("switch deletedItemsBlockDeletion and the ARM emptiness rule", () => {
  async function emptyThroughGraph(): Promise<void> {
    emu.store.addUser();
    for (const u of emu.store.listUsers()) if (u.id !== emu.store.adminUserId) expect((await call(emu, "DELETE", `/v1.0/users/${u.id as string}`)).status).toBe(204);
    for (const a of emu.store.listApplications()) expect((await call(emu, "DELETE", `/v1.0/applications/${a.id as string}`)).status).toBe(204);
  }
  async function armDelete(): Promise<JsonObject> {
    const del = await armCall(emu, "DELETE", directoryPath(emu, "contosousers"));
    expect(del.status).toBe(202);
    return (await armCall(emu, "GET", del.headers.get("azure-asyncoperation") as string)).json;
  }

  test("GIVEN true (default) WHEN users and apps were deleted but not purged THEN the ARM delete fails; after purging deletedItems it succeeds", async () => {
    await start();
    await emptyThroughGraph();
    expect(emu.arm.deletionBlockers()).toEqual({ users: 1, applications: 2, userFlows: 0 });
    const failed = await armDelete();
    expect(failed).toMatchObject({ status: "Failed", error: { code: "DirectoryNotEmpty" } });
    for (const d of emu.store.listDeletedItems()) expect((await call(emu, "DELETE", `/v1.0/directory/deletedItems/${d.id as string}`)).status).toBe(204);
    expect((await armDelete()).status).toBe("Succeeded");
  });

  test("GIVEN false WHEN users and apps were deleted (soft) THEN the ARM delete succeeds at once", async () => {
    await start({ deletedItemsBlockDeletion: false });
    await emptyThroughGraph();
    expect(emu.arm.deletionBlockers()).toEqual({ users: 0, applications: 0, userFlows: 0 });
    expect((await armDelete()).status).toBe("Succeeded");
    expect(emu.store.listDeletedItems().length).toBe(3);
  });
});

describe("the deployment app deleting itself (the last step of a teardown)", () => {
  async function token(tenant: string, scope: string): Promise<{ status: number; codes: number[] }> {
    const r = await fetch(`${emu.url}/${tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope }),
    });
    return { status: r.status, codes: ((await r.json()) as { error_codes?: number[] }).error_codes ?? [] };
  }

  test("GIVEN its service principal, then its application are deleted WHEN it asks the CIAM tenant for a token THEN AADSTS7000229, then AADSTS700016; a token issued before still works; the home tenant still issues ARM tokens", async () => {
    await start();
    const before = emu.accessToken();
    expect(emu.store.deleteServicePrincipal(emu.clientId)).toBe(true);
    expect(await token(emu.tenantId, `${emu.url}/.default`)).toEqual({ status: 400, codes: [7000229] });
    const app = emu.store.listApplications().find((a) => a.appId === emu.clientId) as JsonObject;
    expect((await call(emu, "DELETE", `/v1.0/applications/${app.id as string}`, { token: before })).status).toBe(204);
    expect(await token(emu.tenantId, `${emu.url}/.default`)).toEqual({ status: 400, codes: [700016] });
    expect((await call(emu, "GET", "/v1.0/organization", { token: before })).status).toBe(200);
    expect((await token(emu.homeTenantId, emu.armScope)).status).toBe(200);
  });
});
