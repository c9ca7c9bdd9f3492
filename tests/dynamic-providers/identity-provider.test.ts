/**
 * The identity provider resource (social, Apple, OIDC), method by method, against the HTTPS Graph emulator: the
 * secret never in outputs and its rotation told apart by a hash, adoption by type or issuer, the Authentication
 * Extensions prerequisite (AADB2C90063) ensured and waited for with a deadline, drift on read.
 *
 * Not proven here: how the real Graph service answers (the emulator's switches stand for what is unknown), nor the
 * config and user-flow wiring, which do not exist yet (the social and federated sign-in issue).
 */
import {
  AUTH_EXTENSIONS_APP_ID,
  identityProviderProvider as provider,
  validateIdentityProvider,
  type IdentityProviderInputs,
  type IdentityProviderOutputs,
} from "../../dynamic-providers/identity-providers/identity-provider";
import { call } from "../emulator/helpers";
import { rejectionOf, UNKNOWN, useEmulator } from "./flows-fixtures";

const conn = {
  tenantId: "0b5c5a5e-1111-4222-8333-944445555666",
  graphEndpoint: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  apiVersion: "beta" as const,
};

describe("check (pure)", () => {
  const google: IdentityProviderInputs = { connection: conn, type: "google", displayName: "Google", clientId: "g-client", secret: "g-secret" };

  test("GIVEN a valid Google provider WHEN checked THEN no failure", async () => {
    await expect(provider.check!(google, google)).resolves.toEqual({ inputs: google, failures: [] });
  });

  test("GIVEN an empty secret WHEN checked THEN the failure names the secret without showing any value", () => {
    const failures = validateIdentityProvider({ ...google, secret: " " });
    expect(failures.map((f) => f.property)).toEqual(["secret"]);
    expect(failures[0]!.reason).not.toContain('" "');
  });

  test("GIVEN Apple ids of the wrong shape, an OIDC scope without openid and a field of another type WHEN checked THEN one failure each, naming the field", () => {
    expect(
      validateIdentityProvider({ connection: conn, type: "apple", displayName: "Apple", developerId: "team", serviceId: "com.contoso", keyId: "KEY1234567", secret: "p8" }).map((f) => f.property),
    ).toEqual(["developerId"]);
    expect(
      validateIdentityProvider({
        connection: conn,
        type: "oidc",
        displayName: "Partners",
        clientId: "c",
        secret: "s",
        issuer: "https://idp.contoso.example/",
        wellKnownEndpoint: "https://idp.contoso.example/.well-known/openid-configuration",
        scope: "profile email",
      }).map((f) => f.property),
    ).toEqual(["scope"]);
    expect(validateIdentityProvider({ ...google, issuer: "https://idp.contoso.example/" }).map((f) => f.property)).toEqual(["issuer"]);
  });

  test("GIVEN unknown values (preview) WHEN checked THEN they are skipped", () => {
    expect(validateIdentityProvider({ ...google, clientId: UNKNOWN, secret: UNKNOWN })).toEqual([]);
  });
});

describe("diff (pure)", () => {
  const inputs: IdentityProviderInputs = { connection: conn, type: "google", displayName: "Google", clientId: "g-client", secret: "g-secret" };
  let olds: IdentityProviderOutputs;

  beforeAll(async () => {
    // The state a create writes, without Graph: what read and diff compare against.
    const { secret: _s, ...rest } = inputs;
    const crypto = await import("node:crypto");
    const hash = crypto.createHash("sha256").update(`ciam-tenant identity provider secret v1\n${conn.tenantId}\ng-secret`).digest("hex");
    olds = { ...rest, providerId: "p1", secretHash: hash, stateVersion: 1 };
  });

  test("GIVEN the same inputs WHEN diffed THEN no change: the masked secret is never compared, its hash is", async () => {
    await expect(provider.diff!("p1", olds, inputs)).resolves.toMatchObject({ changes: false, replaces: [] });
  });

  test("GIVEN a rotated secret, or one still unknown in preview WHEN diffed THEN an in-place change", async () => {
    await expect(provider.diff!("p1", olds, { ...inputs, secret: "g-secret-2" })).resolves.toMatchObject({ changes: true, replaces: [] });
    await expect(provider.diff!("p1", olds, { ...inputs, secret: UNKNOWN })).resolves.toMatchObject({ changes: true, replaces: [] });
  });

  test("GIVEN another type WHEN diffed THEN a replacement, the new one created first (flows move to it before the old one goes)", async () => {
    await expect(provider.diff!("p1", olds, { ...inputs, type: "facebook" })).resolves.toMatchObject({ changes: true, replaces: ["type"], deleteBeforeReplace: false });
  });
});

describe("lifecycle against the emulator (the prerequisite missing, AADB2C90063 as 500)", () => {
  const fx = useEmulator({ socialIdentityProviders: [], missingAuthExtensionsSp: "500" });
  const P = "/beta/identity/identityProviders";

  test("GIVEN a tenant without the Authentication Extensions SP WHEN a Google provider is created THEN the SP is ensured, AADB2C90063 during its replication is waited out, and the secret is only in Graph", async () => {
    const { emu, connection } = fx();
    emu.options.replicationLag = { requests: 2 };
    const inputs: IdentityProviderInputs = { connection, type: "google", displayName: "Google", clientId: "g-client", secret: "g-secret-1" };
    const created = await provider.create(inputs);
    expect(emu.store.findServicePrincipal({ appId: AUTH_EXTENSIONS_APP_ID })).toBeDefined();
    const posts = fx().graphCalls().filter((r) => r.method === "POST" && r.path.endsWith("/identity/identityProviders"));
    expect(posts.map((r) => r.status)).toEqual([500, 500, 201]);
    expect(emu.store.identityProviderSecret(created.id, "clientSecret")).toBe("g-secret-1");
    const outs = created.outs!;
    expect(JSON.stringify(outs)).not.toContain("g-secret-1");
    expect(outs).toMatchObject({ type: "google", clientId: "g-client", providerId: created.id, stateVersion: 1 });
    expect(outs.secretHash).toMatch(/^[0-9a-f]{64}$/);

    // A rotation is one PATCH carrying the new secret and nothing unchanged.
    emu.clearLog();
    const rotated = { ...inputs, secret: "g-secret-2" };
    await expect(provider.diff!(created.id, outs, rotated)).resolves.toMatchObject({ changes: true });
    const updated = await provider.update!(created.id, { ...outs, secretAppliedAt: "2020-01-01T00:00:00.000Z" }, rotated);
    expect(Date.parse(updated.outs!.secretAppliedAt!)).toBeGreaterThan(Date.parse("2020-01-02"));
    expect(fx().writeLines()).toEqual([`PATCH /identity/identityProviders/${created.id}`]);
    expect(emu.writes()[0]!.body).toEqual({ "@odata.type": "#microsoft.graph.socialIdentityProvider", clientSecret: "g-secret-2" });
    expect(emu.store.identityProviderSecret(created.id, "clientSecret")).toBe("g-secret-2");
    await expect(provider.diff!(created.id, updated.outs!, rotated)).resolves.toMatchObject({ changes: false });
    // An update that leaves the secret alone keeps the time it was applied.
    const renamed = await provider.update!(created.id, updated.outs!, { ...rotated, displayName: "Google sign-in" });
    expect(renamed.outs!.secretAppliedAt).toBe(updated.outs!.secretAppliedAt);

    // Drift: a display name changed elsewhere shows on read; the masked secret does not move the hash.
    emu.store.findIdentityProvider(created.id)!.displayName = "Google (edited)";
    const read = await provider.read!(created.id, updated.outs);
    expect(read.props).toMatchObject({ displayName: "Google (edited)", secretHash: updated.outs!.secretHash });

    await provider.delete!(created.id, updated.outs!);
    expect((await call(emu, "GET", `${P}/${created.id}`)).status).toBe(404);
    expect(await provider.read!(created.id, updated.outs)).toEqual({ id: "", props: undefined });
  });

  test("GIVEN an OIDC provider made by hand with the same issuer WHEN created THEN it is adopted: one PATCH with every managed value and the secret, no POST", async () => {
    const { emu, connection } = fx();
    if (!emu.store.findServicePrincipal({ appId: AUTH_EXTENSIONS_APP_ID })) emu.store.addServicePrincipal(AUTH_EXTENSIONS_APP_ID);
    emu.store.settle();
    const byHand = (await call(emu, "POST", P, { body: {
      "@odata.type": "#microsoft.graph.oidcIdentityProvider",
      displayName: "Partners",
      clientId: "old-client",
      issuer: "https://IDP.contoso.example",
      responseType: "code",
      scope: "openid",
      clientAuthentication: { "@odata.type": "#microsoft.graph.oidcClientSecretAuthentication", clientSecret: "old" },
    } })).json;
    emu.clearLog();
    const inputs: IdentityProviderInputs = {
      connection,
      type: "oidc",
      displayName: "Contoso partners",
      clientId: "oidc-client",
      secret: "oidc-secret",
      issuer: "https://idp.contoso.example/",
      wellKnownEndpoint: "https://idp.contoso.example/.well-known/openid-configuration",
      scope: "openid profile email",
    };
    const created = await provider.create(inputs);
    expect(created.id).toBe(byHand.id);
    expect(fx().writeLines()).toEqual([`PATCH /identity/identityProviders/${String(byHand.id)}`]);
    expect(emu.store.identityProviderSecret(created.id, "clientSecret")).toBe("oidc-secret");
    expect(emu.store.findIdentityProvider(created.id)).toMatchObject({ displayName: "Contoso partners", clientId: "oidc-client", scope: "openid profile email" });
    await provider.delete!(created.id, created.outs!);
  });

  test("GIVEN the prerequisite never replicates WHEN a provider is created THEN it gives up at the replication wait with Graph's code, message and request-id", async () => {
    const { emu, connection } = fx();
    emu.store.deleteServicePrincipal(AUTH_EXTENSIONS_APP_ID);
    emu.options.replicationLag = { ms: 60_000 };
    const error = await rejectionOf(provider.create({ connection: { ...connection, replicationWaitSeconds: 1 }, type: "facebook", displayName: "Facebook", clientId: "f", secret: "f-secret" }));
    expect(error.message).toMatch(/POST \/identity\/identityProviders failed: 500 AADB2C90063: There is a problem with the service\. \(request-id [0-9a-f-]+/);
    expect(fx().graphCalls().filter((r) => r.method === "POST" && r.path.endsWith("/identityProviders")).length).toBeGreaterThan(1);
  });
});
