/**
 * Every create that POSTs, when the connection breaks before Graph answers (emulator fault "reset"): the POST may
 * have taken effect (`applied`) or not. Either way the create ends with exactly one object and no duplicate —
 * taken over when the POST made it, sent once more when it did not. (A read, PUT, PATCH or DELETE is simply sent
 * again by the Graph layer: tests/graph/client.test.ts.) Not proven here: which of the two cases a real network
 * failure is; the code cannot know either, which is the point.
 */
import { userFlowAttributeProvider } from "../../dynamic-providers/user-flows/attribute";
import { userFlowProvider, createFlowBody } from "../../dynamic-providers/user-flows/user-flow";
import { userFlowAppLinkProvider } from "../../dynamic-providers/user-flows/app-link";
import { brandingLocalizationProvider } from "../../dynamic-providers/branding/localization";
import { defaultBrandingProvider } from "../../dynamic-providers/branding/default-branding";
import { FLOWS, useEmulator, type Fixture } from "./flows-fixtures";
import type { JsonObject } from "../emulator";

/** The create POSTs (path matched) with their fate: "lost+applied", "lost" or the status Graph answered. */
function posts(fx: () => Fixture, path: RegExp): string[] {
  return fx()
    .graphCalls()
    .filter((r) => r.method === "POST" && path.test(r.path))
    .map((r) => (r.reset ? (r.applied ? "lost+applied" : "lost") : String(r.status)));
}

describe.each([
  ["the POST took effect", true, ["lost+applied"]],
  ["the POST never arrived", false, ["lost", "201"]],
] as const)("a create whose answer is lost (%s)", (_case, applied, expectedPosts) => {
  const fx = useEmulator();

  test("GIVEN a custom attribute WHEN created THEN one attribute exists and the create answers its id", async () => {
    fx().emu.faults.inject({ method: "POST", path: /^\/identity\/userFlowAttributes$/, status: "reset", applied, times: 1 });
    const displayName = `Lost${applied ? "Applied" : "Dropped"}`;
    const { id } = await userFlowAttributeProvider.create({ connection: fx().connection, displayName, dataType: "string", description: "d" });
    const same = fx().emu.store.listUserFlowAttributes().filter((a) => a.displayName === displayName);
    expect(same.map((a) => a.id)).toEqual([id]);
    expect(posts(fx, /^\/identity\/userFlowAttributes$/)).toEqual(expectedPosts);
  });

  test("GIVEN a user flow WHEN created THEN one flow of that name exists and the create answers its id", async () => {
    fx().emu.faults.inject({ method: "POST", path: /^\/identity\/authenticationEventsFlows$/, status: "reset", applied, times: 1 });
    const displayName = `Flow${applied ? "Applied" : "Dropped"}`;
    const { id } = await userFlowProvider.create({
      connection: fx().connection,
      displayName,
      isSignUpAllowed: true,
      identityProviders: ["EmailPassword-OAUTH"],
      attributes: [{ id: "email", required: true }],
    });
    expect(fx().emu.store.listFlows().filter((f) => f.displayName === displayName).map((f) => f.id)).toEqual([id]);
    expect(posts(fx, new RegExp(`^${FLOWS}$`))).toEqual(expectedPosts);
  });

  test("GIVEN an app ↔ flow link WHEN created THEN the app is linked to the flow once", async () => {
    const flowId = fx().emu.store.addFlow(
      createFlowBody({ connection: fx().connection, displayName: `Linked${applied}`, isSignUpAllowed: true, identityProviders: ["EmailPassword-OAUTH"], attributes: [{ id: "email", required: true }] }) as unknown as JsonObject,
    );
    const appId = fx().emu.store.addApplication({ displayName: `app-${applied}` }).appId;
    fx().emu.clearLog();
    fx().emu.faults.inject({ method: "POST", path: /includeApplications$/, status: "reset", applied, times: 1 });
    await userFlowAppLinkProvider.create({ connection: fx().connection, userFlowId: flowId, appId });
    const flow = fx().emu.store.getFlow(flowId) as { conditions: { applications: { includeApplications: { appId: string }[] } } };
    expect(flow.conditions.applications.includeApplications.map((a) => a.appId)).toEqual([appId]);
    expect(posts(fx, /includeApplications$/)).toEqual(expectedPosts);
  });

  test("GIVEN a branding localization WHEN created THEN one localization of that locale exists", async () => {
    const locale = applied ? "fr-FR" : "de-DE";
    if (!fx().emu.store.getDefaultBranding()) await defaultBrandingProvider.create({ connection: fx().connection, properties: { signInPageText: "Welcome" } });
    fx().emu.clearLog();
    fx().emu.faults.inject({ method: "POST", path: /\/branding\/localizations$/, status: "reset", applied, times: 1 });
    await brandingLocalizationProvider.create({ connection: fx().connection, locale, properties: { signInPageText: "Bonjour" } });
    expect(fx().emu.store.listLocalizations().map((l) => l.id).filter((id) => id === locale)).toEqual([locale]);
    expect(posts(fx, /\/branding\/localizations$/)).toEqual(expectedPosts);
  });
});

describe("a tenant without default branding", () => {
  const fx = useEmulator();

  test("GIVEN no default branding and a lost answer to the bootstrap localization's POST WHEN the default is created THEN it exists, with no bootstrap left behind", async () => {
    expect(fx().emu.store.getDefaultBranding()).toBeUndefined();
    fx().emu.faults.inject({ method: "POST", path: /\/branding\/localizations$/, status: "reset", applied: false, times: 1 });
    await defaultBrandingProvider.create({ connection: fx().connection, properties: { signInPageText: "Welcome" } });
    expect(fx().emu.store.getDefaultBranding()).toBeDefined();
    expect(fx().emu.store.listLocalizations().map((l) => l.id)).toEqual(["0"]);
    expect(posts(fx, /\/branding\/localizations$/)).toEqual(["lost", "201"]);
  });
});
