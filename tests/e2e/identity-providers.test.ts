/**
 * Social and federated sign-in on the real engine against the Graph emulator: Google and an OIDC provider on a user
 * flow, secrets only from secret config; a no-op; a rotated secret (one PATCH, never in state); Apple added and
 * Google removed from the flow (the flow never without a provider); drift made elsewhere, seen by refresh; destroy.
 * The emulator starts without the Authentication Extensions service principal, so the stack must create it and
 * wait for it (AADB2C90063).
 *
 * The steps share one stack and run in order: a failing step makes the later ones fail too (read the first).
 *
 * Does not prove: what real Google, Facebook, Apple or OIDC consoles need beyond the redirect URIs Microsoft
 * documents, nor Graph's own answers where the emulator's switches stand for unknowns.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../emulator";
import { appliedWrites, scenarioConfig, startScenario, type Scenario } from "./scenario";

jest.setTimeout(5 * 60_000);

const SECRETS = { google1: `g-secret-${Math.random().toString(36).slice(2)}`, google2: `g-rotated-${Math.random().toString(36).slice(2)}`, oidc: `o-secret-${Math.random().toString(36).slice(2)}` };
const P8 = `-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg${Math.random().toString(36).slice(2)}\n-----END PRIVATE KEY-----\n`;
const GOOGLE = { key: "google", type: "google", clientId: "g-client.apps.googleusercontent.com", clientSecret: { secretConfig: "googleClientSecret" } };
const PARTNERS = { key: "partners", type: "oidc", displayName: "Contoso partners", clientId: "p-client", issuer: "https://idp.contoso.example/", clientSecret: { secretConfig: "partnersClientSecret" } };
const APPLE = { key: "apple", type: "apple", developerId: "A1B2C3D4E5", serviceId: "com.contoso.signin", keyId: "K1L2M3N4O5", privateKey: { file: "keys/AuthKey.p8" } };

let s: Scenario;

/** Writes the stack config with these providers on the flow, and the secrets as secret config. */
async function configure(identityProviders: unknown[], flowProviders: string[], googleSecret: string): Promise<void> {
  const base = scenarioConfig(s.emu, s.app);
  s.stack.writeConfig({ ...base, identityProviders, userFlows: [{ ...base.userFlows[0]!, identityProviders: flowProviders }] });
  // writeConfig rewrites the namespace: the secrets are set again each time.
  await s.stack.run(["config", "set", "--secret", "googleClientSecret", googleSecret]);
  await s.stack.run(["config", "set", "--secret", "partnersClientSecret", SECRETS.oidc]);
}

/** The flow's identity providers, by type or id, in the tenant. */
function flowProviders(emu: Emulator): string[] {
  const flow = emu.store.listFlows()[0] as any;
  return flow.onAuthenticationMethodLoadStart.identityProviders.map((p: any) => (p.identityProviderType && p.identityProviderType !== "EmailPassword" ? p.identityProviderType : p.id)).sort();
}

function providerOf(emu: Emulator, odataType: string) {
  return emu.store.identityProviders.find((p) => p["@odata.type"] === odataType);
}

beforeAll(async () => {
  s = await startScenario({ streamDelete: "supported", socialIdentityProviders: [], missingAuthExtensionsSp: "500", replicationLag: { requests: 1 } });
  fs.mkdirSync(path.join(s.stack.projectDir, "keys"), { recursive: true });
  fs.writeFileSync(path.join(s.stack.projectDir, "keys", "AuthKey.p8"), P8);
  await configure([GOOGLE, PARTNERS], ["emailPassword", "google", "partners"], SECRETS.google1);
});

afterAll(async () => {
  await s?.emu.stop();
  s?.stack.dispose();
});

test("up creates Google and the OIDC provider (ensuring the Authentication Extensions SP first) and offers them on the flow; no secret lands in state", async () => {
  const up = await s.stack.up();
  expect(up.changes.create).toBeGreaterThan(0);
  const google = providerOf(s.emu, "#microsoft.graph.socialIdentityProvider")!;
  const oidc = providerOf(s.emu, "#microsoft.graph.oidcIdentityProvider")!;
  expect(s.emu.store.identityProviderSecret(String(google.id), "clientSecret")).toBe(SECRETS.google1);
  expect(s.emu.store.identityProviderSecret(String(oidc.id), "clientSecret")).toBe(SECRETS.oidc);
  expect(s.emu.store.findServicePrincipal({ appId: "99045fe1-7639-4a75-9d4a-577b6ca3810f" })).toBeDefined();
  expect(flowProviders(s.emu)).toEqual(["EmailPassword-OAUTH", "Google", String(oidc.id)].sort());
  const outputs = await s.stack.outputs();
  expect((outputs.identityProviders as any).partners).toEqual({
    type: "oidc",
    providerId: oidc.id,
    redirectUris: [`https://${s.emu.options.subdomain}.ciamlogin.com/${s.emu.tenantId}/federation/oauth2`, `https://${s.emu.options.subdomain}.ciamlogin.com/${s.emu.options.subdomain}.onmicrosoft.com/federation/oauth2`],
  });
  const disk = s.stack.backendBytes();
  for (const secret of [SECRETS.google1, SECRETS.oidc]) expect(disk).not.toContain(secret);
});

test("a second up with nothing changed plans no change and writes nothing", async () => {
  s.emu.clearLog();
  await s.stack.preview(["--expect-no-changes"]);
  expect(appliedWrites(s.emu)).toEqual([]);
});

test("a rotated Google secret is one PATCH of that provider, and neither secret is in state", async () => {
  await configure([GOOGLE, PARTNERS], ["emailPassword", "google", "partners"], SECRETS.google2);
  s.emu.clearLog();
  const up = await s.stack.up();
  expect(up.changes.update).toBe(1);
  expect(appliedWrites(s.emu)).toEqual(["PATCH /identity/identityProviders/{id}"]);
  const google = providerOf(s.emu, "#microsoft.graph.socialIdentityProvider")!;
  expect(s.emu.store.identityProviderSecret(String(google.id), "clientSecret")).toBe(SECRETS.google2);
  const disk = s.stack.backendBytes();
  for (const secret of [SECRETS.google1, SECRETS.google2, SECRETS.oidc]) expect(disk).not.toContain(secret);
});

test("Apple added and Google removed: the flow gains Apple before it loses Google, and Google is deleted after", async () => {
  await configure([PARTNERS, APPLE], ["emailPassword", "apple", "partners"], SECRETS.google2);
  // The removed provider's secret, still in the stack file, stops the run before anything is written, saying so.
  const stopped = await s.stack.run(["preview"], { okCodes: [255, 1] });
  expect(stopped.stdout).toContain('googleClientSecret: "googleClientSecret" is a secret that no identity provider names; allowed: pulumi config rm googleClientSecret');
  await s.stack.run(["config", "rm", "googleClientSecret"]);
  s.emu.clearLog();
  await s.stack.up();
  const writes = s.emu.writes().filter((w) => w.status < 300).map((w) => `${w.method} ${w.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}")}`);
  const refs = "/identity/authenticationEventsFlows/{id}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders";
  const addApple = writes.indexOf(`POST ${refs}/$ref`);
  const removeGoogle = writes.findIndex((w) => w.startsWith(`DELETE ${refs}/`));
  const deleteGoogle = writes.findIndex((w) => w === "DELETE /identity/identityProviders/{id}");
  expect(writes[0]).toBe("POST /identity/identityProviders");
  expect([addApple >= 0, removeGoogle > addApple, deleteGoogle > removeGoogle]).toEqual([true, true, true]);
  expect(flowProviders(s.emu)).toEqual(["Apple-Managed-OIDC", "EmailPassword-OAUTH", String(providerOf(s.emu, "#microsoft.graph.oidcIdentityProvider")!.id)].sort());
  expect(providerOf(s.emu, "#microsoft.graph.socialIdentityProvider")).toBeUndefined();
  expect(s.emu.store.identityProviderSecret("Apple-Managed-OIDC", "certificateData")).toBe(P8);
  expect(s.stack.backendBytes()).not.toContain("BEGIN PRIVATE KEY");
  // Apple's key must be renewed every 6 months: the output says by when.
  const renewBy = ((await s.stack.outputs()).identityProviders as any).apple.keyRenewBy as string;
  const expected = new Date();
  expected.setUTCMonth(expected.getUTCMonth() + 6);
  expect(Math.abs(Date.parse(renewBy) - Date.parse(expected.toISOString().slice(0, 10)))).toBeLessThanOrEqual(24 * 3600 * 1000);
});

test("a display name changed elsewhere shows on refresh, and the next up writes the configured one back", async () => {
  providerOf(s.emu, "#microsoft.graph.oidcIdentityProvider")!.displayName = "Edited in the portal";
  const rf = await s.stack.refresh();
  expect(rf.changes.update).toBe(1);
  s.emu.clearLog();
  await s.stack.up();
  expect(appliedWrites(s.emu)).toEqual(["PATCH /identity/identityProviders/{id}"]);
  expect(providerOf(s.emu, "#microsoft.graph.oidcIdentityProvider")!.displayName).toBe("Contoso partners");
});

test("a provider whose type changes under the same key is replaced new-first: the flow moves to it, then the old one goes", async () => {
  const oldId = String(providerOf(s.emu, "#microsoft.graph.oidcIdentityProvider")!.id);
  const asFacebook = { key: "partners", type: "facebook", clientId: "f-client", clientSecret: { secretConfig: "partnersClientSecret" } };
  await configure([asFacebook, APPLE], ["emailPassword", "apple", "partners"], SECRETS.google2);
  await s.stack.run(["config", "rm", "googleClientSecret"]);
  const up = await s.stack.up();
  expect(up.changes.replace).toBe(1);
  const facebook = providerOf(s.emu, "#microsoft.graph.socialIdentityProvider")!;
  expect(facebook.identityProviderType).toBe("Facebook");
  expect(providerOf(s.emu, "#microsoft.graph.oidcIdentityProvider")).toBeUndefined();
  expect(flowProviders(s.emu)).toEqual(["Apple-Managed-OIDC", "EmailPassword-OAUTH", "Facebook"].sort());
  expect(flowProviders(s.emu)).not.toContain(oldId);
});

test("destroy removes the flow and the providers the stack made", async () => {
  await s.stack.destroy();
  expect(s.emu.store.listFlows()).toEqual([]);
  expect(s.emu.store.identityProviders.filter((p) => p["@odata.type"] !== "#microsoft.graph.builtInIdentityProvider")).toEqual([]);
});
