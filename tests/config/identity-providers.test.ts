/**
 * The `identityProviders` section: Google, Facebook, Apple and OIDC providers, validated up front with the rest of
 * the config; secrets only by reference (a secret config key, or Apple's .p8 file), read as secrets by
 * `loadIdentityProviderSecrets`; flows name providers by key; the redirect URIs each provider's console needs.
 *
 * Does not prove: that Graph accepts every value accepted here (the emulator tests), nor the engine's handling of
 * the secrets in state (the engine test).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, appleKeyRenewBy, identityProviderRedirectUris, loadIdentityProviderSecrets, parseStackConfig } from "../../config/schema";

const TENANT_ID = "11111111-2222-4333-8444-555555555555";
const APP_ID = "22222222-3333-4444-8555-666666666666";
const P8 = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n-----END PRIVATE KEY-----\n";

let projectDir: string;
beforeAll(() => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-idp-"));
  fs.writeFileSync(path.join(projectDir, "AuthKey.p8"), P8);
  fs.writeFileSync(path.join(projectDir, "not-a-key.p8"), "hello");
});
afterAll(() => fs.rmSync(projectDir, { recursive: true, force: true }));

const google = { key: "google", type: "google", clientId: "g-client.apps.googleusercontent.com", clientSecret: { secretConfig: "googleClientSecret" } };
const apple = { key: "apple", type: "apple", developerId: "A1B2C3D4E5", serviceId: "com.contoso.signin", keyId: "K1L2M3N4O5", privateKey: { file: "AuthKey.p8" } };
const partners = { key: "partners", type: "oidc", displayName: "Contoso partners", clientId: "p-client", issuer: "https://idp.contoso.example/", clientSecret: { secretConfig: "partnersSecret" } };

function config(identityProviders: unknown[], flowProviders: unknown[] = ["emailPassword", "google"]): Record<string, unknown> {
  return {
    tenant: { existing: { tenantId: TENANT_ID, subdomain: "contoso" } },
    apps: [{ key: "spa", existing: { clientId: APP_ID } }],
    identityProviders,
    userFlows: [{ key: "sisu", displayName: "SignUpSignIn", identityProviders: flowProviders, apps: ["spa"] }],
  };
}

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw, { projectDir });
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.problems];
    throw e;
  }
  return [];
}

describe("identityProviders: parsing", () => {
  test("GIVEN Google, Apple (a .p8 file) and an OIDC provider WHEN parsed THEN defaults apply and flows name them by key", () => {
    const c = parseStackConfig(config([google, apple, partners], ["emailPassword", "google", "apple", "partners"]), { projectDir });
    expect(c.identityProviders).toEqual([
      { ...google, displayName: "Google" },
      { ...apple, displayName: "Apple", privateKey: { file: path.join(projectDir, "AuthKey.p8") } },
      {
        ...partners,
        wellKnownEndpoint: "https://idp.contoso.example/.well-known/openid-configuration",
        scope: "openid profile email",
        clientAuthentication: "client_secret_post",
      },
    ]);
    expect(c.userFlows[0]!.identityProviderIds).toEqual(["EmailPassword-OAUTH", { key: "google" }, { key: "apple" }, { key: "partners" }]);
    // Nothing secret is in the parsed config: only where to read it.
    expect(JSON.stringify(c)).not.toContain("BEGIN PRIVATE KEY");
  });

  test.each([
    ["a secret written in the stack file", [{ ...google, clientSecret: "plain-secret" }], "identityProviders[0].clientSecret", "is written in the stack file; a secret must not be"],
    ["a secret pasted as the key name", [{ ...google, clientSecret: { secretConfig: "plain-secret!/+" } }], "identityProviders[0].clientSecret.secretConfig", "is not a config key name"],
    ["an unknown type", [{ ...google, type: "github" }], "identityProviders[0].type", '"github" is not a valid identity provider type; allowed: google, facebook, apple, oidc'],
    ["a field of another type", [{ ...google, issuer: "https://x.example" }], "identityProviders[0].issuer", "is not a known key"],
    ["an http issuer", [{ ...partners, issuer: "http://idp.contoso.example" }], "identityProviders[0].issuer", "uses the scheme http:"],
    ["a scope without openid", [{ ...partners, scope: "profile" }], "identityProviders[0].scope", "does not include openid"],
    ["client_secret_basic", [{ ...partners, clientAuthentication: "client_secret_basic" }], "identityProviders[0].clientAuthentication", "allowed: client_secret_post, client_secret_jwt"],
    ["an Apple key that is not a PEM key", [{ ...apple, privateKey: { file: "not-a-key.p8" } }], "identityProviders[0].privateKey.file", "is not a PEM private key"],
    ["a missing Apple key file", [{ ...apple, privateKey: { file: "gone.p8" } }], "identityProviders[0].privateKey.file", "cannot be read (ENOENT)"],
    ["an Apple id of the wrong shape", [{ ...apple, developerId: "team" }], "identityProviders[0].developerId", "is not a 10-character Apple id"],
  ])("GIVEN %s WHEN parsed THEN one problem names the path and says what is wrong", (_label, providers, at, what) => {
    const found = problems(config(providers, ["emailPassword"]));
    expect(found).toEqual([expect.stringContaining(what)]);
    expect(found[0]!.startsWith(`${at}:`)).toBe(true);
    expect(found[0]).not.toContain("plain-secret");
  });

  test("GIVEN two Google providers, or two OIDC providers of one issuer WHEN parsed THEN the second is refused, naming the first", () => {
    expect(problems(config([google, { ...google, key: "google2" }], ["google"]))).toEqual([
      'identityProviders[1].type: "google" duplicates identityProviders[0].type; allowed: one google, one facebook and one apple provider per tenant (Graph holds one of each)',
    ]);
    expect(problems(config([partners, { ...partners, key: "partners2", issuer: "https://IDP.contoso.example" }], ["partners"]))).toEqual([
      expect.stringMatching(/^identityProviders\[1\]\.issuer: .* duplicates identityProviders\[0\]\.issuer; allowed: one OIDC provider per issuer/),
    ]);
  });

  test("GIVEN a flow that still offers a provider removed from identityProviders WHEN parsed THEN the problem names the flow and the provider", () => {
    expect(problems(config([], ["emailPassword", "google"]))).toEqual([
      'userFlows[0].identityProviders[1]: "google" is offered by user flow "sisu" but is neither a built-in sign-in method nor an identityProviders key (a provider a flow still uses cannot be removed); allowed: emailPassword, emailOtp',
    ]);
  });
});

describe("identityProviders: secrets", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: "x", state: {} }), call: () => ({}) }, "ciam-tenant", "dev");
  });

  async function valueOf(o: pulumi.Output<string>): Promise<{ value: string; secret: boolean }> {
    const secret = await (o as unknown as { isSecret: Promise<boolean> }).isSecret;
    const value = await new Promise<string>((resolve) => o.apply((v) => resolve(v)));
    return { value, secret };
  }

  test("GIVEN a secret config key and an Apple key file WHEN loaded THEN each provider gets its secret, marked secret", async () => {
    pulumi.runtime.setAllConfig({ "ciam-tenant:googleClientSecret": "g-secret" }, ["ciam-tenant:googleClientSecret"]);
    const c = parseStackConfig(config([google, apple], ["google", "apple"]), { projectDir });
    const secrets = loadIdentityProviderSecrets(c);
    expect(await valueOf(secrets.google!)).toEqual({ value: "g-secret", secret: true });
    expect(await valueOf(secrets.apple!)).toEqual({ value: P8, secret: true });
  });

  test("GIVEN a secret config key that is unset, or set in plain text WHEN loaded THEN every problem at once, with the command that sets it", () => {
    pulumi.runtime.setAllConfig({ "ciam-tenant:partnersSecret": "in-plain-text" }, []);
    const c = parseStackConfig(config([google, partners], ["google", "partners"]), { projectDir });
    let caught: unknown;
    try {
      loadIdentityProviderSecrets(c);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).problems).toEqual([
      'identityProviders[0].clientSecret.secretConfig: "googleClientSecret" is not set; allowed: pulumi config set --secret googleClientSecret <client secret>',
      'identityProviders[1].clientSecret.secretConfig: "partnersSecret" is set in plain text, not as a secret; allowed: pulumi config set --secret partnersSecret <client secret> (the stack file then holds it encrypted)',
    ]);
    expect(JSON.stringify((caught as ConfigValidationError).problems)).not.toContain("in-plain-text");
  });
});

describe("identityProviders: redirect URIs", () => {
  test("GIVEN each type WHEN its redirect URIs are listed THEN they are the documented forms, lower-case, for this tenant", () => {
    const tenant = { subdomain: "Contoso", tenantId: TENANT_ID };
    expect(identityProviderRedirectUris("oidc", tenant)).toEqual([
      `https://contoso.ciamlogin.com/${TENANT_ID}/federation/oauth2`,
      "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/federation/oauth2",
    ]);
    expect(identityProviderRedirectUris("google", tenant)).toContain(`https://${TENANT_ID}.ciamlogin.com/${TENANT_ID}/federation/oidc/accounts.google.com`);
    expect(identityProviderRedirectUris("facebook", tenant)).toContain("https://contoso.ciamlogin.com/contoso.onmicrosoft.com/federation/oidc/www.facebook.com");
    expect(identityProviderRedirectUris("apple", tenant)).toEqual([
      `https://${TENANT_ID}.ciamlogin.com/${TENANT_ID}/federation/oauth2`,
      `https://${TENANT_ID}.ciamlogin.com/contoso/federation/oauth2`,
      `https://contoso.ciamlogin.com/${TENANT_ID}/federation/oauth2`,
    ]);
  });
});

describe("identityProviders: Apple's key renewal", () => {
  test("GIVEN the time a key was applied WHEN its renewal day is computed THEN six calendar months later", () => {
    expect(appleKeyRenewBy("2026-12-07T10:00:00.000Z")).toBe("2027-06-07");
    expect(appleKeyRenewBy("2026-08-31T23:00:00.000Z")).toBe("2027-03-03"); // no 31 February: the date rolls over
  });
});
