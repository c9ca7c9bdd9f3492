/**
 * The whole life of a stack on the real Pulumi engine: the project's `index.ts` run by the `pulumi` CLI (local file
 * backend, passphrase secrets, no plugin downloads) against the Graph emulator. One stack goes through preview, up,
 * no-op up, in-place updates, a replacement, an image change, out-of-band drift, and destroy; each step is checked
 * on the Graph requests the emulator recorded, on the tenant it holds and on `pulumi stack export`.
 *
 * The steps share one stack and run in order: a failing step makes the later ones fail too (read the first).
 *
 * What this does not prove: that Microsoft Graph itself behaves as the emulator does (the emulator's switches stand
 * for what is unknown; this runs under their defaults, with `streamDelete: supported` so that destroy can remove
 * images; stream-delete-refused.test.ts runs the other answer); anything about azure-native/azuread resources (the
 * stack uses an existing tenant and app; those are covered with mocks); the language host a Pulumi release ships
 * (where the module proxy refuses it, the installer builds an older one, see README).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { png } from "../dynamic-providers/branding-fixtures";
import { sha256 } from "../emulator/store";
import type { Emulator } from "../emulator";
import { Deployment } from "./engine";
import { appliedWrites, projectFile, Scenario, SCENARIO_RESOURCES, startScenario, typeAndName } from "./scenario";

jest.setTimeout(5 * 60_000);

let s: Scenario;
const CANARY = `canary-secret-${Math.random().toString(36).slice(2)}`;

beforeAll(async () => {
  s = await startScenario({ streamDelete: "supported" });
  // A secret in the stack config: the program receives it (Pulumi hands every config value to the program); if a
  // provider captured config or the environment into its serialized code, it would land in the state.
  await s.stack.run(["config", "set", "--secret", "e2e:canary", CANARY]);
});

afterAll(async () => {
  await s?.emu.stop();
  s?.stack.dispose();
});

/** What the tenant holds, in the terms of the stack config. */
function tenantView(emu: Emulator) {
  const attrs = emu.store.listUserFlowAttributes().filter((a) => a.userFlowAttributeType === "custom");
  return {
    customAttributes: attrs.map((a) => ({ displayName: a.displayName, dataType: a.dataType })),
    flows: emu.store.listFlows().map((f) => {
      const flow = f as any;
      return {
        displayName: flow.displayName,
        identityProviders: flow.onAuthenticationMethodLoadStart.identityProviders.map((p: any) => p.id),
        attributes: flow.onAttributeCollection.attributes.map((a: any) => a.id.replace(/^extension_[0-9a-f]{32}_/, "extension_")),
        required: flow.onAttributeCollection.attributeCollectionPage.views[0].inputs.map((i: any) => `${i.attribute.replace(/^extension_[0-9a-f]{32}_/, "extension_")}:${i.required}`),
        apps: flow.conditions.applications.includeApplications.map((a: any) => a.appId),
      };
    }),
    default: brandingView(emu.store.getDefaultBranding()),
    localizations: emu.store.listLocalizations().filter((l) => l.id !== "0").map((l) => ({ locale: l.id, ...brandingView(l) })),
  };
}

function brandingView(b: ReturnType<Emulator["store"]["getDefaultBranding"]>) {
  if (!b) return undefined;
  const set = Object.fromEntries(Object.entries(b.properties).filter(([k, v]) => v !== null && !k.endsWith("RelativeUrl") && k !== "id" && k !== "cdnList"));
  return { properties: set, streams: Object.fromEntries(Object.entries(b.streams).map(([k, v]) => [k, v!.sha256])) };
}

function resourcesOf(d: Deployment) {
  return (d.resources ?? []).filter((r) => r.type !== "pulumi:providers:pulumi-nodejs");
}

/** Outputs of one resource in `pulumi stack export`, by logical name. */
async function stateOutputs(name: string): Promise<Record<string, any>> {
  const r = resourcesOf(await s.stack.exportState()).find((x) => x.urn.endsWith(`::${name}`));
  if (!r) throw new Error(`${name} is not in the state`);
  return r.outputs as Record<string, any>;
}

function stepsByOp(steps: { op: string; urn: string }[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const st of steps ?? []) (out[st.op] ??= []).push(typeAndName(st.urn));
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

const bannerSha = () => sha256(projectFile(s.stack, "branding/banner.png"));
const bannerFrSha = () => sha256(projectFile(s.stack, "branding/banner-fr.png"));

test("preview of a new stack plans every resource as a create and writes nothing", async () => {
  const pv = await s.stack.preview();

  expect(stepsByOp(pv.json.steps)).toEqual({ create: SCENARIO_RESOURCES });
  expect(s.emu.writes()).toEqual([]);
  expect(resourcesOf(await s.stack.exportState())).toEqual([]);
});

test("up creates exactly the configured Graph objects, and the outputs name them", async () => {
  s.emu.clearLog();
  const up = await s.stack.up();

  expect(up.changes).toEqual({ create: SCENARIO_RESOURCES.length });
  // The default branding does not exist in a fresh tenant: it is created the documented way (PATCH is refused,
  // a bootstrap localization creates it, the bootstrap is removed); see dynamic-providers/branding/default-branding.ts.
  expect(appliedWrites(s.emu)).toEqual(
    [
      "POST /identity/userFlowAttributes",
      "POST /identity/authenticationEventsFlows",
      "POST /identity/authenticationEventsFlows/{id}/conditions/applications/includeApplications",
      "POST /organization/{tenant}/branding/localizations",
      "PATCH /organization/{tenant}/branding",
      "DELETE /organization/{tenant}/branding/localizations/en-US", // the bootstrap: a locale no localization holds
      "POST /organization/{tenant}/branding/localizations",
      "PUT /organization/{tenant}/branding/localizations/0/bannerLogo",
      "PUT /organization/{tenant}/branding/localizations/fr-FR/bannerLogo",
    ].sort(),
  );
  const flowId = s.emu.store.listFlows()[0]!.id as string;
  expect(tenantView(s.emu)).toEqual({
    customAttributes: [{ displayName: "LoyaltyNumber", dataType: "string" }],
    flows: [
      {
        displayName: "SignUpSignIn",
        identityProviders: ["EmailPassword-OAUTH"],
        attributes: ["email", "displayName", "extension_LoyaltyNumber"],
        required: ["email:true", "displayName:false", "extension_LoyaltyNumber:false"],
        apps: [s.app.appId],
      },
    ],
    default: {
      properties: { backgroundColor: "#F0F4F8", signInPageText: "Welcome to Contoso" },
      streams: { bannerLogo: bannerSha() },
    },
    localizations: [{ locale: "fr-FR", properties: { signInPageText: "Bienvenue chez Contoso" }, streams: { bannerLogo: bannerFrSha() } }],
  });

  expect(await s.stack.outputs()).toEqual({
    tenantId: s.emu.tenantId,
    domainName: "contosociamtest.onmicrosoft.com",
    authority: "https://contosociamtest.ciamlogin.com/",
    apps: { spa: { clientId: s.app.appId, redirectUris: [], msalConfig: { auth: { clientId: s.app.appId, authority: "https://contosociamtest.ciamlogin.com/" } } } },
    userFlowIds: { sisu: flowId },
  });
  const state = resourcesOf(await s.stack.exportState());
  expect(state.map((r) => typeAndName(r.urn)).sort()).toEqual(SCENARIO_RESOURCES);
  expect(state.find((r) => r.urn.endsWith("::sign-in-flow-sisu"))!.id).toBe(flowId);
});

test("a second up and preview --expect-no-changes change nothing and write nothing", async () => {
  s.emu.clearLog();
  const up = await s.stack.up(["--expect-no-changes"]);
  const pv = await s.stack.preview(["--expect-no-changes"]);

  expect(up.changes).toEqual({ same: SCENARIO_RESOURCES.length });
  expect(pv.json.changeSummary).toEqual({ same: SCENARIO_RESOURCES.length });
  expect(s.emu.writes()).toEqual([]);
});

test("a changed branding text and flow attribute preview as in-place updates, and up PATCHes only the changed keys", async () => {
  s.config.branding.default.signInPageText = "Welcome back to Contoso";
  s.config.userFlows[0]!.attributes[2]!.required = true;
  s.stack.writeConfig(s.config);
  s.emu.clearLog();

  const pv = await s.stack.preview();
  const ops = stepsByOp(pv.json.steps);
  expect(ops.update).toEqual(["pulumi-nodejs:dynamic/graph:DefaultBranding::sign-in-branding-default", "pulumi-nodejs:dynamic/graph:UserFlow::sign-in-flow-sisu"]);
  expect(Object.keys(ops).sort()).toEqual(["same", "update"]);
  expect(s.emu.writes()).toEqual([]);

  const up = await s.stack.up();
  expect(up.changes).toEqual({ same: SCENARIO_RESOURCES.length - 2, update: 2 });
  const writes = s.emu.writes();
  expect(writes.map((w) => w.method)).toEqual(["PATCH", "PATCH"]);
  expect(writes.every((w) => w.status >= 200 && w.status < 300)).toBe(true);
  const branding = writes.find((w) => /\/branding$/.test(w.path));
  expect(branding?.body).toEqual({ signInPageText: "Welcome back to Contoso" });
  const flow = writes.find((w) => /authenticationEventsFlows\//.test(w.path));
  expect(Object.keys(flow?.body as object)).toEqual(["@odata.type", "onAttributeCollection"]);

  const view = tenantView(s.emu);
  expect(view.default?.properties.signInPageText).toBe("Welcome back to Contoso");
  expect(view.flows[0]!.required).toEqual(["email:true", "displayName:false", "extension_LoyaltyNumber:true"]);
  expect((await stateOutputs("sign-in-branding-default")).properties.signInPageText).toBe("Welcome back to Contoso");
  expect((await stateOutputs("sign-in-flow-sisu")).attributes.map((a: { required: boolean }) => a.required)).toEqual([true, false, true]);
});

test("a change Graph cannot make in place previews as a replacement; up replaces it and the app link survives", async () => {
  const flowId = s.emu.store.listFlows()[0]!.id;
  s.config.customAttributes[0]!.dataType = "int64";
  s.stack.writeConfig(s.config);
  s.emu.clearLog();

  const pv = await s.stack.preview();
  const replaced = (pv.json.steps ?? []).filter((st) => st.op === "replace").map((st) => typeAndName(st.urn));
  expect(replaced).toEqual(["pulumi-nodejs:dynamic/graph:UserFlowAttribute::sign-in-attr-LoyaltyNumber"]);
  const link = (pv.json.steps ?? []).find((st) => st.urn.endsWith("::sign-in-link-sisu-spa"));
  expect(link?.op ?? "same").toBe("same");
  expect(s.emu.writes()).toEqual([]);

  const up = await s.stack.up();
  const opOf = (name: string) => [...up.ops].find(([urn]) => urn.endsWith(`::${name}`))?.[1];
  // Delete-before-replace: the engine deletes the old attribute, then reports the new one as a create-replacement.
  expect(opOf("sign-in-attr-LoyaltyNumber")).toBe("create-replacement");
  expect(up.changes.replace).toBe(1);
  expect(opOf("sign-in-link-sisu-spa")).toBe("same");
  expect(appliedWrites(s.emu).filter((w) => !w.startsWith("PATCH /identity/authenticationEventsFlows/"))).toEqual([
    "DELETE /identity/userFlowAttributes/extension_{b2c}_LoyaltyNumber",
    "POST /identity/userFlowAttributes",
  ]);
  const view = tenantView(s.emu);
  expect(view.customAttributes).toEqual([{ displayName: "LoyaltyNumber", dataType: "int64" }]);
  // Same flow, still linked to the app, still collecting the (re-created) attribute.
  expect(s.emu.store.listFlows().map((f) => f.id)).toEqual([flowId]);
  expect(view.flows[0]!.apps).toEqual([s.app.appId]);
  expect(view.flows[0]!.attributes).toEqual(["email", "displayName", "extension_LoyaltyNumber"]);
  expect((await stateOutputs("sign-in-attr-LoyaltyNumber")).dataType).toBe("int64");
  await s.stack.preview(["--expect-no-changes"]);
});

test("a changed image file is uploaded with exactly one PUT", async () => {
  fs.writeFileSync(path.join(s.stack.projectDir, "branding", "banner.png"), png(200, 30, [200, 40, 40]));
  s.emu.clearLog();

  const pv = await s.stack.preview();
  expect(stepsByOp(pv.json.steps).update).toEqual(["pulumi-nodejs:dynamic/graph:BrandingAsset::sign-in-asset-default-bannerLogo"]);
  expect(pv.json.changeSummary).toEqual({ same: SCENARIO_RESOURCES.length - 1, update: 1 });

  const up = await s.stack.up();
  expect(up.changes).toEqual({ same: SCENARIO_RESOURCES.length - 1, update: 1 });
  const writes = s.emu.writes();
  expect(writes.map((w) => `${w.method} ${w.path.replace(s.emu.tenantId, "{tenant}")} ${w.status}`)).toEqual([
    "PUT /organization/{tenant}/branding/localizations/0/bannerLogo 204",
  ]);
  expect((writes[0]!.body as { sha256: string }).sha256).toBe(bannerSha());
  expect(tenantView(s.emu).default?.streams).toEqual({ bannerLogo: bannerSha() });
  expect((await stateOutputs("sign-in-asset-default-bannerLogo")).contentSha256).toBe(bannerSha());
});

test("refresh reports branding edited out of band, and the next up restores the configured value", async () => {
  s.emu.store.patchBranding("0", { signInPageText: "Edited in the portal" });
  s.emu.clearLog();

  const rf = await s.stack.refresh();
  expect(rf.changes).toEqual({ same: SCENARIO_RESOURCES.length - 1, update: 1 });
  expect([...rf.ops].filter(([, op]) => op !== "same").map(([urn, op]) => [typeAndName(urn), op])).toEqual([
    ["pulumi-nodejs:dynamic/graph:DefaultBranding::sign-in-branding-default", "update"],
  ]);
  expect(s.emu.writes()).toEqual([]);
  expect((await stateOutputs("sign-in-branding-default")).properties.signInPageText).toBe("Edited in the portal");

  const pv = await s.stack.preview();
  expect(stepsByOp(pv.json.steps).update).toEqual(["pulumi-nodejs:dynamic/graph:DefaultBranding::sign-in-branding-default"]);
  await s.stack.up();
  expect(s.emu.writes().map((w) => [w.method, w.body])).toEqual([["PATCH", { signInPageText: "Welcome back to Contoso" }]]);
  expect(tenantView(s.emu).default?.properties.signInPageText).toBe("Welcome back to Contoso");
  expect((await stateOutputs("sign-in-branding-default")).properties.signInPageText).toBe("Welcome back to Contoso");
  await s.stack.preview(["--expect-no-changes"]);
});

test("neither the state nor the stack config holds a secret in plain text", async () => {
  const onDisk = s.stack.backendBytes();
  const stackFile = fs.readFileSync(s.stack.stackConfigFile, "utf8");
  expect(onDisk).toContain("sign-in-flow-sisu"); // the state is there, and readable
  for (const secret of [CANARY, s.emu.clientSecret, s.stack.passphrase]) {
    expect(onDisk).not.toContain(secret);
    expect(stackFile).not.toContain(secret);
  }
  expect(stackFile).toMatch(/e2e:canary:\s*\n\s*secure: /);
  // No bearer token (a JWT: base64url header "eyJ…" . payload "eyJ…") was written either.
  expect(onDisk).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
  expect((await s.stack.exportState()).secrets_providers?.type).toBe("passphrase");
});

test("destroy of a protected stack stops at the guard, names the fix and deletes nothing", async () => {
  s.config.lifecycle = "protected";
  s.stack.writeConfig(s.config);
  s.emu.clearLog();
  const up = await s.stack.up();
  // Only the guard changes (it records the lifecycle); nothing in the tenant does.
  expect(up.changes).toEqual({ update: 1, same: SCENARIO_RESOURCES.length - 1 });
  expect(s.emu.writes()).toEqual([]);
  const before = resourcesOf(await s.stack.exportState()).map((r) => r.urn).sort();

  const refused = await s.stack.run(["destroy", "--yes", "--skip-preview"], { okCodes: [255, 1] });
  expect(`${refused.stdout}${refused.stderr}`).toMatch(/protected.*lifecycle ephemeral/s);
  expect(s.emu.writes()).toEqual([]);
  expect(resourcesOf(await s.stack.exportState()).map((r) => r.urn).sort()).toEqual(before);

  // The fix the message names: make the stack disposable, up (no Graph write), then destroy (next test).
  s.config.lifecycle = "ephemeral";
  s.stack.writeConfig(s.config);
  await s.stack.up();
  expect(s.emu.writes()).toEqual([]);
});

test("destroy removes every object the stack made, and a second destroy is a no-op", async () => {
  s.emu.clearLog();
  const destroyed = await s.stack.destroy();

  expect(destroyed.changes).toEqual({ delete: SCENARIO_RESOURCES.length });
  expect(s.emu.store.counts()).toMatchObject({ flows: 0, customAttributes: 0, flowLinks: 0, defaultBranding: 0, localizations: 0, brandingStreams: 0 });
  // The existing app and its service principal are not the stack's: they stay.
  expect(s.emu.store.listApplications().map((a) => a.appId)).toContain(s.app.appId);
  expect(s.emu.store.listServicePrincipals().map((p) => p.appId)).toContain(s.app.appId);
  expect(s.emu.writes().every((w) => w.method === "DELETE" || w.method === "PATCH")).toBe(true);
  expect(resourcesOf(await s.stack.exportState())).toEqual([]);

  s.emu.clearLog();
  const again = await s.stack.destroy();
  expect(again.changes).toEqual({});
  expect(s.emu.writes()).toEqual([]);
  expect(resourcesOf(await s.stack.exportState())).toEqual([]);
});
