/**
 * A `pulumi up` killed mid-way (SIGKILL of the CLI and every process it started, right after the request that
 * creates the default branding through a temporary localization) and the recovery a user runs afterwards on Pulumi 3.248:
 *   pulumi cancel                            the killed run left the stack locked (file backend)
 *   pulumi refresh --clear-pending-creates   the interrupted creates are unknown to the state; drop the records
 *   pulumi up                                creates what is missing, adopting what the killed run had created
 * (`pulumi refresh` alone does not clear pending creates when not interactive; the CLI says so.)
 * The tenant must end with exactly the configured objects: no duplicate, nothing orphaned, and destroy removes all.
 *
 * This is how the engine showed that the temporary localization was left behind and the default then adopted as if
 * it had been there before (so destroy kept it): create now removes the leftover and owns the default.
 *
 * What this does not prove: recovery from a kill at every possible instant (which other writes were in flight when
 * the kill landed varies from run to run, and convergence must hold for all of them); recovery with another backend
 * or with the Pulumi Cloud's own pending-operation handling.
 */
import { killTree } from "./engine";
import { appliedWrites, Scenario, SCENARIO_RESOURCES, startScenario, typeAndName } from "./scenario";

jest.setTimeout(10 * 60_000);

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ streamDelete: "supported" });
});

afterAll(async () => {
  await s?.emu.stop();
  s?.stack.dispose();
});

/** Resolves once `cond` holds, checking on every turn of the event loop (the emulator answers in this loop). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setImmediate(resolve));
}

function customObjects() {
  return {
    customAttributes: s.emu.store.listUserFlowAttributes().filter((a) => a.userFlowAttributeType === "custom").map((a) => a.displayName),
    flows: s.emu.store.listFlows().map((f) => f.displayName),
    brandings: s.emu.store.listLocalizations().map((l) => l.id).sort(),
  };
}

test("an up killed mid-way converges after cancel, refresh and up: no duplicate, nothing orphaned", async () => {
  const child = s.stack.start(["up", "--yes", "--skip-preview"]);
  const finished = s.stack.wait(child, ["up"], 10 * 60_000);
  // The kill lands right after the POST of the localization that brings the missing default branding into being
  // (dynamic-providers/branding/default-branding.ts): the widest window, where the run has made an object it has not yet
  // cleaned up or recorded.
  const bootstrapPosted = () => s.emu.writes().some((w) => w.method === "POST" && /\/branding\/localizations$/.test(w.path) && w.status === 201);
  await until(() => bootstrapPosted() || child.exitCode !== null);
  killTree(child);
  const killed = await finished;
  const createdBeforeKill = appliedWrites(s.emu).filter((w) => w === "POST /identity/userFlowAttributes" || w === "POST /identity/authenticationEventsFlows");

  // Killed mid-way: not every resource reached the state, and some were left pending.
  expect(killed.signal).toBe("SIGKILL");
  const broken = await s.stack.run(["stack", "export"], { okCodes: [0] }).then((r) => JSON.parse(r.stdout).deployment);
  expect((broken.resources ?? []).length).toBeLessThan(SCENARIO_RESOURCES.length + 1);
  expect((broken.pending_operations ?? []).length).toBeGreaterThan(0);
  // The stack stays locked by the killed run until cancelled: the next up refuses to start.
  const locked = await s.stack.run(["up", "--yes", "--skip-preview"], { okCodes: [255, 1] });
  expect(locked.stderr).toMatch(/locked/);

  await s.stack.run(["cancel", "--yes"]);
  await s.stack.refresh(["--clear-pending-creates"]);
  s.emu.clearLog();
  const up = await s.stack.up();

  expect(up.changes.delete).toBeUndefined();
  expect(up.changes.replace).toBeUndefined();
  // Exactly one of each configured object; the bootstrap localization of the default branding is gone.
  expect(customObjects()).toEqual({ customAttributes: ["LoyaltyNumber"], flows: ["SignUpSignIn"], brandings: ["0", "fr-FR"] });
  expect(s.emu.store.counts()).toMatchObject({ flowLinks: 1, defaultBranding: 1, localizations: 1, brandingStreams: 2 });
  // The recovery run created nothing the killed run had already created (it adopted those).
  for (const created of createdBeforeKill) expect(appliedWrites(s.emu)).not.toContain(created);

  const state = await s.stack.exportState();
  expect(state.pending_operations ?? []).toEqual([]);
  expect((state.resources ?? []).filter((r) => r.type !== "pulumi:providers:pulumi-nodejs").map((r) => typeAndName(r.urn)).sort()).toEqual(SCENARIO_RESOURCES);
  await s.stack.preview(["--expect-no-changes"]);

  await s.stack.destroy();
  expect(s.emu.store.counts()).toMatchObject({ flows: 0, customAttributes: 0, flowLinks: 0, defaultBranding: 0, localizations: 0, brandingStreams: 0 });
});
