/**
 * Fidelity of the tenant's social, Apple and OIDC identity providers (external-id-features §1): create, read,
 * update and delete under `identity/identityProviders`, write-only values read back masked, one provider per
 * social type (and per OIDC issuer), the ids Graph hands out, the Authentication Extensions prerequisite
 * (AADB2C90063) under both answers, and a flow's `$ref`s to a created provider.
 *
 * Does not prove: how Graph really answers a duplicate, a missing prerequisite or the delete of a provider in use
 * (switches: `duplicateIdentityProvider`, `missingAuthExtensionsSp`, `deleteIdentityProviderInUse`).
 */
import { AUTH_EXTENSIONS_APP_ID } from "./graph/identity";
import { APPLE, GOOGLE, OIDC, call, minimalFlowBody } from "./helpers";
import { Emulator, EmulatorOptions, startEmulator } from "./index";
import type { JsonObject } from "./types";

const P = "/beta/identity/identityProviders";
let emu: Emulator | undefined;

/** A tenant without seeded social providers; a test that loops over a switch's answers starts one per answer. */
async function start(options: Partial<EmulatorOptions> = {}, withPrerequisite = true): Promise<Emulator> {
  await emu?.stop();
  const e = (emu = await startEmulator({ socialIdentityProviders: [], ...options }));
  if (withPrerequisite) expect((await call(e, "POST", "/v1.0/servicePrincipals", { body: { appId: AUTH_EXTENSIONS_APP_ID } })).status).toBe(201);
  e.store.settle();
  return e;
}


afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("identity providers: create and read", () => {
  test("GIVEN the prerequisite WHEN Google, Apple and an OIDC provider are created THEN 201 with a GUID, Apple-Managed-OIDC and a GUID, and every secret masked", async () => {
    const emu = await start();
    const g = await call(emu, "POST", P, { body: GOOGLE });
    const a = await call(emu, "POST", P, { body: APPLE });
    const o = await call(emu, "POST", P, { body: OIDC });
    expect([g.status, a.status, o.status]).toEqual([201, 201, 201]);
    expect(g.json.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a.json.id).toBe("Apple-Managed-OIDC");
    expect(o.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(g.json).toMatchObject({ identityProviderType: "Google", clientId: "g-client", clientSecret: "******" });
    expect(a.json.certificateData).toBe("******");
    expect((o.json.clientAuthentication as JsonObject).clientSecret).toBe("******");
    // What a read shows, and what Graph holds.
    const list = (await call(emu, "GET", P)).json.value as JsonObject[];
    expect(JSON.stringify(list)).not.toMatch(/g-secret-1|oidc-secret-1|BEGIN PRIVATE KEY/);
    expect((await call(emu, "GET", `${P}/${String(g.json.id)}`)).json.clientSecret).toBe("******");
    expect(emu.store.identityProviderSecret(String(g.json.id), "clientSecret")).toBe("g-secret-1");
    expect(emu.store.identityProviderSecret("Apple-Managed-OIDC", "certificateData")).toBe(APPLE.certificateData);
    expect(emu.store.identityProviderSecret(String(o.json.id), "clientSecret")).toBe("oidc-secret-1");
  });

  test("GIVEN a Google provider WHEN a second Google, a second Apple or the same OIDC issuer is created THEN each is refused, under both duplicate answers", async () => {
    for (const status of [409, 400] as const) {
      const emu = await start({ duplicateIdentityProvider: status });
      for (const body of [GOOGLE, APPLE, OIDC]) expect((await call(emu, "POST", P, { body })).status).toBe(201);
      expect((await call(emu, "POST", P, { body: { ...GOOGLE, displayName: "Google 2" } })).status).toBe(status);
      expect((await call(emu, "POST", P, { body: APPLE })).status).toBe(status);
      expect((await call(emu, "POST", P, { body: { ...OIDC, issuer: "https://IDP.contoso.example" } })).status).toBe(status);
      // Facebook is another type: allowed.
      expect((await call(emu, "POST", P, { body: { ...GOOGLE, displayName: "Facebook", identityProviderType: "Facebook" } })).status).toBe(201);
    }
  });

  test("GIVEN bad bodies WHEN created THEN 400 naming the problem, and nothing is created", async () => {
    const emu = await start();
    const cases: [JsonObject, RegExp][] = [
      [{ ...GOOGLE, "@odata.type": "#microsoft.graph.openIdConnectIdentityProvider" }, /@odata.type/],
      [{ ...GOOGLE, identityProviderType: "Amazon" }, /identityProviderType.*Google and Facebook/],
      [Object.fromEntries(Object.entries(GOOGLE).filter(([k]) => k !== "clientSecret")), /'clientSecret' is required/],
      [{ ...OIDC, responseType: "id_token" }, /Only code is supported/],
      [{ ...OIDC, issuer: "http://idp.contoso.example/" }, /issuer.*not an https URL/],
      [{ ...OIDC, clientAuthentication: { "@odata.type": "#microsoft.graph.oidcClientSecretAuthentication", clientSecret: "s", clientSecretAuthenticationType: "client_secret_basic" } }, /client_secret_basic is not supported/],
      [{ ...APPLE, teamId: "x" }, /Property 'teamId' does not exist/],
    ];
    for (const [body, message] of cases) {
      const r = await call(emu, "POST", P, { body: JSON.parse(JSON.stringify(body)) as JsonObject });
      expect([r.status, String((r.json.error as JsonObject).message)]).toEqual([400, expect.stringMatching(message)]);
    }
    expect(((await call(emu, "GET", P)).json.value as JsonObject[]).filter((p) => p["@odata.type"] !== "#microsoft.graph.builtInIdentityProvider")).toEqual([]);
  });

  test("GIVEN the OIDC type spelled as the docs' example does WHEN created THEN it is accepted and stored in the CSDL spelling", async () => {
    const emu = await start();
    const r = await call(emu, "POST", P, { body: { ...OIDC, "@odata.type": "#microsoft.graph.OidcIdentityProvider" } });
    expect(r.status).toBe(201);
    expect(r.json["@odata.type"]).toBe("#microsoft.graph.oidcIdentityProvider");
  });
});

describe("identity providers: the Authentication Extensions prerequisite (AADB2C90063)", () => {
  test("GIVEN no Authentication Extensions service principal WHEN a provider is created THEN AADB2C90063, under both statuses; once the SP exists and has replicated, the create succeeds", async () => {
    for (const status of ["500", "400"] as const) {
      const emu = await start({ missingAuthExtensionsSp: status, replicationLag: { requests: 1 } }, false);
      const refused = await call(emu, "POST", P, { body: GOOGLE });
      expect([refused.status, (refused.json.error as JsonObject).code, (refused.json.error as JsonObject).message]).toEqual([Number(status), "AADB2C90063", "There is a problem with the service."]);
      // Created, but not replicated yet: still refused once.
      expect((await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId: AUTH_EXTENSIONS_APP_ID } })).status).toBe(201);
      expect((await call(emu, "POST", P, { body: GOOGLE })).status).toBe(Number(status));
      expect((await call(emu, "POST", P, { body: GOOGLE })).status).toBe(201);
    }
  });

  test("GIVEN the switch that ignores the prerequisite WHEN a provider is created without the SP THEN it succeeds", async () => {
    const emu = await start({ missingAuthExtensionsSp: "ignored" }, false);
    expect((await call(emu, "POST", P, { body: GOOGLE })).status).toBe(201);
  });

  test("GIVEN the SP already exists WHEN it is created again THEN 409 (an ensure step tolerates it)", async () => {
    const emu = await start();
    expect((await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId: AUTH_EXTENSIONS_APP_ID } })).status).toBe(409);
  });
});

describe("identity providers: update and delete", () => {
  test("GIVEN a Google provider WHEN its secret is rotated THEN 204, Graph holds the new secret and a read still shows the mask", async () => {
    const emu = await start();
    const id = String((await call(emu, "POST", P, { body: GOOGLE })).json.id);
    expect((await call(emu, "PATCH", `${P}/${id}`, { body: { "@odata.type": GOOGLE["@odata.type"], clientSecret: "g-secret-2" } })).status).toBe(204);
    expect(emu.store.identityProviderSecret(id, "clientSecret")).toBe("g-secret-2");
    expect((await call(emu, "GET", `${P}/${id}`)).json).toMatchObject({ clientId: "g-client", clientSecret: "******" });
    // A PATCH that sends the mask back (a read-modify-write) stores the mask: the answer that breaks such a client
    // (what Graph does is unknown), so a client must never send back what it read.
    expect((await call(emu, "PATCH", `${P}/${id}`, { body: { clientSecret: "******", displayName: "Google sign-in" } })).status).toBe(204);
    expect(emu.store.identityProviderSecret(id, "clientSecret")).toBe("******");
    expect((await call(emu, "PATCH", `${P}/${id}`, { body: { identityProviderType: "Facebook" } })).status).toBe(400);
    expect((await call(emu, "PATCH", `${P}/EmailPassword-OAUTH`, { body: { displayName: "x" } })).status).toBe(400);
  });

  test("GIVEN an OIDC provider on a user flow WHEN deleted THEN refused while the flow offers it (or, under cascade, removed from the flow); unused, it is deleted", async () => {
    for (const mode of ["refused", "cascade"] as const) {
      const emu = await start({ deleteIdentityProviderInUse: mode });
      const id = String((await call(emu, "POST", P, { body: OIDC })).json.id);
      const flowId = emu.store.addFlow(minimalFlowBody("SignUpSignIn"));
      const refs = `/beta/identity/authenticationEventsFlows/${flowId}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`;
      expect((await call(emu, "POST", `${refs}/$ref`, { body: { "@odata.id": `https://graph.microsoft.com/beta/identityProviders/${id}` } })).status).toBe(204);
      expect(((await call(emu, "GET", refs)).json.value as JsonObject[]).map((p) => p.id)).toEqual(["EmailPassword-OAUTH", id]);
      const del = await call(emu, "DELETE", `${P}/${id}`);
      if (mode === "refused") {
        expect([del.status, String((del.json.error as JsonObject).message)]).toEqual([400, expect.stringContaining("'SignUpSignIn'")]);
        expect((await call(emu, "DELETE", `${refs}/${id}/$ref`)).status).toBe(204);
        expect((await call(emu, "DELETE", `${P}/${id}`)).status).toBe(204);
      } else {
        expect(del.status).toBe(204);
        expect(((await call(emu, "GET", refs)).json.value as JsonObject[]).map((p) => p.id)).toEqual(["EmailPassword-OAUTH"]);
      }
      expect((await call(emu, "GET", `${P}/${id}`)).status).toBe(404);
    }
  });
});
