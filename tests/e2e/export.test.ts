/**
 * `npm run export` round trip on the real engine: a tenant made by direct Graph calls, as the portal would make it
 * (two flows, a custom attribute, apps, a default branding and three localizations with images), more objects of
 * each kind than one Graph page → export → `pulumi up` writes nothing → `preview --expect-no-changes` passes → a
 * changed text in the exported file is one PATCH → destroy of the (protected) stack stops at its guard. A tenant
 * with a Google and an OIDC provider (one used by a flow): the secrets become config keys, and after the printed
 * commands set them the first up writes each secret, one PATCH per provider, and nothing else. Also the
 * export's own answers: an empty tenant, a file it will not overwrite, a wrong tenant id, a missing permission and an
 * unreadable image.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { startEmulator, type Emulator } from "../emulator";
import { AUTH_EXTENSIONS_APP_ID } from "../emulator/graph/identity";
import { GOOGLE, OIDC, attributeCollection, call, minimalFlowBody } from "../emulator/helpers";
import { EngineStack, REPO_ROOT } from "./engine";
import { appliedWrites } from "./scenario";

jest.setTimeout(240_000);

const PNG = (name: string) => fs.readFileSync(path.join(REPO_ROOT, "branding", name));

/** Runs the export CLI as a user would (ts-node, the repository's scripts), with the stack's environment. */
function runExport(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(REPO_ROOT, "scripts", "export.ts"), ...args], { cwd: REPO_ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The tenant as the portal leaves it, built with plain Graph calls. */
async function handMadeTenant(emu: Emulator): Promise<void> {
  const ok = async (method: string, p: string, body?: unknown, headers?: Record<string, string>) => {
    const r = await call(emu, method, p, { body: body as never, ...(headers ? { headers } : {}) });
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const attr = (await ok("POST", "/beta/identity/userFlowAttributes", { displayName: "LoyaltyNumber", dataType: "string", description: "Loyalty card number" })).json.id as string;
  await ok("POST", "/beta/identity/userFlowAttributes", { displayName: "Newsletter", dataType: "boolean" });
  await ok("POST", "/beta/identity/userFlowAttributes", { displayName: "Age", dataType: "int64" });
  const shop = (await ok("POST", "/beta/identity/authenticationEventsFlows", minimalFlowBody("Shop sign-up", {
    onAttributeCollection: attributeCollection(["email", "displayName", attr]),
  }))).json.id as string;
  const support = (await ok("POST", "/beta/identity/authenticationEventsFlows", minimalFlowBody("Support sign-in", {
    onInteractiveAuthFlowStart: { "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp", isSignUpAllowed: false },
    onAttributeCollection: attributeCollection(["email"]),
  }))).json.id as string;
  await ok("POST", "/beta/identity/authenticationEventsFlows", minimalFlowBody("Partners", { onAttributeCollection: attributeCollection(["email"]) }));
  const apps = ["Contoso Shop", "Contoso Shop", "Support Portal"].map((displayName) => emu.store.addApplication({ displayName, withServicePrincipal: true }).appId);
  emu.store.settle();
  await ok("POST", `/beta/identity/authenticationEventsFlows/${shop}/conditions/applications/includeApplications`, { appId: apps[0] });
  await ok("POST", `/beta/identity/authenticationEventsFlows/${shop}/conditions/applications/includeApplications`, { appId: apps[1] });
  await ok("POST", `/beta/identity/authenticationEventsFlows/${support}/conditions/applications/includeApplications`, { appId: apps[2] });
  const B = `/beta/organization/${emu.tenantId}/branding`;
  await ok("POST", `${B}/localizations`, { id: "fr-FR", signInPageText: "Bienvenue" });
  await ok("PATCH", B, { backgroundColor: "#123456", signInPageText: "Welcome to Contoso", loginPageTextVisibilitySettings: { hideForgotMyPassword: true } }, { "Accept-Language": "0" });
  await ok("POST", `${B}/localizations`, { id: "de-DE", signInPageText: "Willkommen", usernameHintText: "sie@beispiel.de" });
  await ok("POST", `${B}/localizations`, { id: "es-ES", signInPageText: "Bienvenido" });
  await ok("PUT", `${B}/localizations/0/bannerLogo`, PNG("banner.png"), { "Content-Type": "image/png" });
  await ok("PUT", `${B}/localizations/0/squareLogo`, PNG("square.png"), { "Content-Type": "image/png" });
  await ok("PUT", `${B}/localizations/fr-FR/bannerLogo`, PNG("banner-fr.png"), { "Content-Type": "image/png" });
  emu.store.settle();
}

describe.each(["null", "inherited"] as const)("npm run export: a hand-made tenant round trip (localization reads of unset strings: %s)", (localizationReads) => {
  let emu: Emulator;
  let stack: EngineStack;
  let outFile: string;
  let first: Awaited<ReturnType<typeof runExport>>;
  const args = () => ["--tenant", emu.tenantId, "--stack", "e2e", "--out", outFile, "--graph", emu.url, "--authority-host", emu.url];

  beforeAll(async () => {
    // Two objects a page: every list the export reads takes several pages.
    emu = await startEmulator({ pageSize: 2, streamDelete: "supported", socialIdentityProviders: [], localizationReads });
    await handMadeTenant(emu);
    stack = new EngineStack(emu);
    outFile = stack.stackConfigFile;
    emu.clearLog();
    first = await runExport(stack.env, args());
  });
  afterAll(async () => {
    await emu?.stop();
    stack?.dispose();
  });

  test("export reads everything, writes the stack file and the branding files, and sends no Graph write", async () => {
    expect(first.stderr).not.toMatch(/failed/);
    expect(first.code).toBe(0);
    expect(emu.writes()).toEqual([]);
    expect(first.stdout).toMatch(/Wrote .*Pulumi\.e2e\.yaml \(3 custom attributes, 0 identity providers, 3 user flows, 3 apps, 3 branding localizations, 3 branding files\)/);
    expect(first.stderr).toMatch(/reading user flows…/);
    const doc = parse(fs.readFileSync(outFile, "utf8")) as { config: Record<string, any> };
    const c = doc.config;
    expect(c["ciam-tenant:lifecycle"]).toBe("protected");
    expect(c["ciam-tenant:tenant"]).toEqual({ existing: { tenantId: emu.tenantId, subdomain: emu.options.subdomain } });
    expect(c["ciam-tenant:apps"].map((a: any) => a.key)).toEqual(["contoso-shop", "contoso-shop-2", "support-portal"]);
    const flows = c["ciam-tenant:userFlows"];
    expect(flows.map((f: any) => [f.key, f.signUpAllowed, f.apps.length])).toEqual([["partners", true, 0], ["shop-sign-up", true, 2], ["support-sign-in", false, 1]]);
    expect(flows[1].attributes.map((a: any) => a.attribute)).toEqual(["email", "displayName", "LoyaltyNumber"]);
    expect(c["ciam-tenant:customAttributes"]).toEqual([
      { name: "Age", dataType: "int64" },
      { name: "LoyaltyNumber", dataType: "string", description: "Loyalty card number" },
      { name: "Newsletter", dataType: "boolean" },
    ]);
    const branding = c["ciam-tenant:branding"];
    expect(branding.default).toMatchObject({ backgroundColor: "#123456", signInPageText: "Welcome to Contoso", images: { bannerLogo: "branding/e2e/default-bannerLogo.png" } });
    expect(Object.keys(branding.localizations)).toEqual(["de-DE", "es-ES", "fr-FR"]);
    expect(fs.readFileSync(path.join(stack.projectDir, "branding/e2e/fr-FR-bannerLogo.png")).equals(PNG("banner-fr.png"))).toBe(true);
  });

  test("exporting again gives the same bytes, and never overwrites without --force", async () => {
    const before = fs.readFileSync(outFile);
    const again = await runExport(stack.env, args());
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not overwriting .*Pulumi\.e2e\.yaml.*--force/);
    const forced = await runExport(stack.env, [...args(), "--force"]);
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(outFile).equals(before)).toBe(true);
  });

  test("pulumi up adopts everything with zero Graph writes, and preview --expect-no-changes passes", async () => {
    await stack.init();
    emu.clearLog();
    await stack.up();
    expect(appliedWrites(emu)).toEqual([]);
    await stack.run(["preview", "--expect-no-changes"]);
  });

  test("a changed text in the exported file becomes one PATCH", async () => {
    const text = fs.readFileSync(outFile, "utf8").replace("signInPageText: Willkommen", "signInPageText: Herzlich willkommen");
    fs.writeFileSync(outFile, text);
    emu.clearLog();
    await stack.up();
    expect(appliedWrites(emu)).toEqual([expect.stringMatching(/^PATCH .*localizations\/de-DE/)]);
  });

  test("destroy of the exported (protected) stack stops at its guard and deletes nothing", async () => {
    emu.clearLog();
    const refused = await stack.run(["destroy", "--yes", "--skip-preview"], { okCodes: [255, 1] });
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/protected/);
    expect(emu.writes()).toEqual([]);
  });
});

describe("npm run export: a tenant with identity providers", () => {
  let emu: Emulator;
  let stack: EngineStack;
  afterAll(async () => {
    await emu?.stop();
    stack?.dispose();
  });

  test("the providers are exported with their secrets as config keys; after the printed commands set them, the first up writes each secret (one PATCH per provider: Graph never returns it) and then nothing", async () => {
    emu = await startEmulator({ socialIdentityProviders: [] });
    // The Authentication Extensions service principal, which the portal creates with the first provider.
    expect((await call(emu, "POST", "/v1.0/servicePrincipals", { body: { appId: AUTH_EXTENSIONS_APP_ID } })).status).toBe(201);
    const made = async (body: Record<string, unknown>) => {
      const r = await call(emu, "POST", "/beta/identity/identityProviders", { body: body as never });
      if (r.status !== 201) throw new Error(`identity provider: ${r.status} ${JSON.stringify(r.body)}`);
      return r.json.id as string;
    };
    const google = await made(GOOGLE);
    await made(OIDC);
    const flow = await call(emu, "POST", "/beta/identity/authenticationEventsFlows", {
      body: minimalFlowBody("Shop sign-in", {
        onAuthenticationMethodLoadStart: {
          "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
          identityProviders: [{ id: "EmailPassword-OAUTH" }, { id: google }],
        },
        onAttributeCollection: attributeCollection(["email"]),
      }),
    });
    expect(flow.status).toBe(201);
    emu.store.settle();
    stack = new EngineStack(emu);
    emu.clearLog();
    const r = await runExport(stack.env, ["--tenant", emu.tenantId, "--stack", "e2e", "--out", stack.stackConfigFile, "--graph", emu.url, "--authority-host", emu.url]);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(emu.writes()).toEqual([]);
    expect(r.stdout).toMatch(/2 identity providers/);
    const c = (parse(fs.readFileSync(stack.stackConfigFile, "utf8")) as { config: Record<string, any> }).config;
    const providers = c["ciam-tenant:identityProviders"] as Record<string, any>[];
    expect(providers.map((p) => [p.type, p.clientId])).toEqual([["google", "g-client"], ["oidc", "oidc-client"]]);
    expect(c["ciam-tenant:userFlows"][0].identityProviders).toEqual(["emailPassword", providers[0]!.key]);
    expect(JSON.stringify(c)).not.toMatch(new RegExp(`${GOOGLE.clientSecret}|${OIDC.clientAuthentication.clientSecret}`));

    // The commands the export printed, run with the real secrets.
    const commands = [...r.stdout.matchAll(/^ {2}pulumi config set --secret --stack e2e (\S+) '<[^>]+>'$/gm)].map((m) => m[1]!);
    expect(commands.sort()).toEqual(providers.map((p) => p.clientSecret.secretConfig).sort());
    await stack.init();
    // Other values than the tenant holds, so that what the up wrote is seen.
    const secretOf: Record<string, string> = { google: "google-secret-from-config", oidc: "oidc-secret-from-config" };
    for (const p of providers) await stack.run(["config", "set", "--secret", p.clientSecret.secretConfig, secretOf[p.type]!]);

    emu.clearLog();
    await stack.up();
    expect(appliedWrites(emu).sort()).toEqual([
      expect.stringMatching(/^PATCH .*identityProviders\//),
      expect.stringMatching(/^PATCH .*identityProviders\//),
    ]);
    // Each provider holds the value its config key was set to.
    const oidc = emu.store.identityProviders.find((p) => p["@odata.type"] === "#microsoft.graph.oidcIdentityProvider")!;
    expect(emu.store.identityProviderSecret(google, "clientSecret")).toBe("google-secret-from-config");
    expect(emu.store.identityProviderSecret(String(oidc.id), "clientSecret")).toBe("oidc-secret-from-config");
    await stack.run(["preview", "--expect-no-changes"]);
    emu.clearLog();
    await stack.up(["--expect-no-changes"]);
    expect(appliedWrites(emu)).toEqual([]);
  });
});

describe("npm run export: what it answers", () => {
  let emu: Emulator;
  let stack: EngineStack;
  beforeEach(async () => {
    emu = await startEmulator({ socialIdentityProviders: [] });
    stack = new EngineStack(emu);
  });
  afterEach(async () => {
    await emu.stop();
    stack.dispose();
  });
  const args = (out: string, tenant = emu.tenantId) => ["--tenant", tenant, "--stack", "e2e", "--out", out, "--graph", emu.url, "--authority-host", emu.url];

  test("an empty tenant exports a valid config with nothing to manage, which previews", async () => {
    const r = await runExport(stack.env, args(stack.stackConfigFile));
    expect(r.code).toBe(0);
    const c = (parse(fs.readFileSync(stack.stackConfigFile, "utf8")) as { config: Record<string, unknown> }).config;
    expect(c["ciam-tenant:userFlows"]).toEqual([]);
    expect(c["ciam-tenant:apps"]).toEqual([]);
    await stack.init();
    await stack.preview();
  });

  test("a wrong tenant id, a missing permission and an unreadable image are clear errors, and nothing is written", async () => {
    const out = path.join(stack.projectDir, "Pulumi.x.yaml");
    const wrong = await runExport(stack.env, args(out, "00000000-0000-4000-8000-000000000000"));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/export failed, nothing written: .*(00000000-0000-4000-8000-000000000000|tenant)/is);

    emu.options.enforceAppRoles = true;
    emu.options.appRoles = [];
    const denied = await runExport(stack.env, args(out));
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/export failed, nothing written: while reading .*403/s);
    emu.options.enforceAppRoles = false;

    await call(emu, "POST", `/beta/organization/${emu.tenantId}/branding/localizations`, { body: { id: "fr-FR" } });
    // An image whose bytes are no PNG, though Graph serves it as one: the file cannot be used as the config's image.
    await call(emu, "PUT", `/beta/organization/${emu.tenantId}/branding/localizations/0/bannerLogo`, { body: Buffer.from("not an image at all"), headers: { "Content-Type": "image/png" } });
    const image = await runExport(stack.env, args(out));
    expect(image.code).toBe(1);
    expect(image.stderr).toMatch(/export failed, nothing written: .*branding\.default\.images\.bannerLogo/s);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(stack.projectDir, "branding", "e2e"))).toBe(false);
  });

  test("bad arguments are refused before any request, naming the flag, the value and what is allowed", async () => {
    emu.clearLog();
    const r = await runExport(stack.env, ["--tenant", "contoso", "--graph", emu.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tenant "contoso" is not a tenant id; allowed: a GUID/);
    const g = await runExport(stack.env, ["--tenant", emu.tenantId, "--graph", "http://graph.example"]);
    expect(g.stderr).toMatch(/--graph "http:\/\/graph.example" uses the scheme http:; allowed: an https origin/);
    expect(emu.requests).toEqual([]);
  });
});
