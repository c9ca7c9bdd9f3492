/**
 * Upgrading a deployed stack to the providers package: a stack deployed by the last version whose resources carry
 * a whole serialized copy of their provider (`__provider`) is taken over by this version's program, on the real
 * engine against the Graph emulator. The old state must keep working — no-change preview, an update, refresh and
 * destroy — and a resource the new version updates must come out holding only a reference to the package.
 *
 * The previous program is read from the repository's history (`git archive`), so this needs a clone with history,
 * as CI's clean clone of main has; it fails (never skips) without it.
 *
 * What this does not prove: upgrades from versions older than that commit (they store the same kind of inline
 * provider, so they behave alike, but are not run here).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Emulator } from "../emulator";
import { Deployment, EngineStack, REPO_ROOT, copyProgramFiles, isProgramEntry } from "./engine";
import { appliedWrites, scenarioConfig, type ScenarioApp, typeAndName } from "./scenario";
import { startEmulator } from "../emulator";

jest.setTimeout(8 * 60_000);

/** The last commit whose resources store their provider's whole code (before the providers package). */
const PREVIOUS = "2f36391d7daf7a7d5ce313610998243d09c7d194";

/** A reference is a few KB (the goal: at most 4 KB per resource); a serialized copy was 20-150 KB. */
const REFERENCE_MAX_BYTES = 4096;
/** The smallest inline copy (the destroy guard's) is about 20 KB. */
const INLINE_MIN_BYTES = 4 * REFERENCE_MAX_BYTES;

let emu: Emulator;
let app: ScenarioApp;
let stack: EngineStack;

/** `__provider` of every dynamic resource, as stored (a secret: its ciphertext), by `<type>::<name>`. */
function providers(state: Deployment): Map<string, number> {
  return new Map(
    (state.resources ?? [])
      .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
      .map((r) => [typeAndName(r.urn), JSON.stringify(r.outputs?.__provider ?? "").length] as const),
  );
}

/** Replaces the program in the stack's project directory (stack file and node_modules stay) by the one at `from`. */
function replaceProgram(project: string, from: string): void {
  for (const entry of fs.readdirSync(project)) {
    if (isProgramEntry(entry) && entry !== "node_modules") fs.rmSync(path.join(project, entry), { recursive: true, force: true });
  }
  copyProgramFiles(from, project);
}

beforeAll(async () => {
  emu = await startEmulator({ streamDelete: "supported" });
  app = emu.store.addApplication({ displayName: "contoso-spa", withServicePrincipal: true });
  emu.store.settle();
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, "tests", ".cache", "upgrade-"));
  const previous = path.join(dir, "previous");
  fs.mkdirSync(previous);
  try {
    const tar = execFileSync("git", ["-C", REPO_ROOT, "archive", "--format=tar", PREVIOUS], { maxBuffer: 256 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", previous], { input: tar });
  } catch (e) {
    throw new Error(
      `the upgrade test deploys the program of commit ${PREVIOUS} first, read with git archive, which failed: ` +
        `run the tests in a clone with history (git fetch --unshallow)\n${(e as Error).message}`,
    );
  }
  const project = path.join(dir, "project");
  fs.mkdirSync(project);
  copyProgramFiles(previous, project);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  stack = new EngineStack(emu, { projectDir: project });
  await stack.init();
  stack.writeConfig(scenarioConfig(emu, app));
  await stack.up();
  replaceProgram(project, REPO_ROOT);
});

afterAll(async () => {
  await emu?.stop();
  if (stack) fs.rmSync(path.dirname(stack.projectDir), { recursive: true, force: true });
  stack?.dispose();
});

test("GIVEN a stack deployed by the previous version WHEN this version previews it THEN nothing changes and Graph sees no write", async () => {
  const before = providers(await stack.exportState());
  // The old state is what this test is about: every resource carries a copy of its provider.
  for (const [resource, bytes] of before) expect([resource, bytes > INLINE_MIN_BYTES]).toEqual([resource, true]);
  emu.clearLog();
  await stack.preview(["--expect-no-changes"]);
  expect(appliedWrites(emu)).toEqual([]);
});

test("GIVEN the old state WHEN one value changes and this version runs up THEN one PATCH, and the updated resource stores only a reference", async () => {
  const config = scenarioConfig(emu, app);
  config.branding.default.signInPageText = "Welcome back to Contoso";
  stack.writeConfig(config);
  emu.clearLog();
  const up = await stack.up();
  expect(up.changes.update).toBe(1);
  expect(appliedWrites(emu)).toEqual(["PATCH /organization/{tenant}/branding"]);
  expect(emu.store.getDefaultBranding()?.properties.signInPageText).toBe("Welcome back to Contoso");
  const after = providers(await stack.exportState());
  expect(after.get("pulumi-nodejs:dynamic/graph:DefaultBranding::sign-in-branding-default")).toBeLessThanOrEqual(REFERENCE_MAX_BYTES);
  // The others were not updated: they keep the copy they were deployed with, and it still serves them.
  expect(after.get("pulumi-nodejs:dynamic/graph:UserFlow::sign-in-flow-sisu")).toBeGreaterThan(INLINE_MIN_BYTES);
});

test("GIVEN old and new provider forms side by side WHEN refreshed THEN no drift is reported and the next preview is clean", async () => {
  emu.clearLog();
  await stack.refresh(["--expect-no-changes"]);
  expect(appliedWrites(emu)).toEqual([]);
  await stack.preview(["--expect-no-changes"]);
});

test("GIVEN the upgraded stack WHEN destroyed THEN everything it made is removed from the tenant", async () => {
  const result = await stack.destroy();
  expect(result.changes.delete).toBeGreaterThan(0);
  expect(emu.store.listFlows()).toEqual([]);
  expect(emu.store.listUserFlowAttributes().filter((a) => a.userFlowAttributeType === "custom")).toEqual([]);
  expect(emu.store.listLocalizations().filter((l) => l.id !== "0")).toEqual([]);
  expect((await stack.exportState()).resources ?? []).toEqual([]);
});
