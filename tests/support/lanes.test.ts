/**
 * The jest lanes (tests/support/projects.js) as `npm run test:unit` relies on them: every test file is in exactly
 * one lane, and a test that needs the emulator, the Pulumi CLI or the cloud SDKs is never in the unit lane, so the
 * fast loop never fails for want of certificates or a CLI and never silently drops a test.
 */
import * as fs from "node:fs";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { projects } = require("./projects") as { projects(): Record<"unit" | "program" | "emulator" | "e2e", string[]> };

const TESTS = path.resolve(__dirname, "..");

function allTestFiles(dir = TESTS, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if ([".cache", "node_modules", "fixtures"].includes(entry.name)) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) allTestFiles(p, out);
    else if (entry.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const rel = (f: string) => path.relative(TESTS, f).split(path.sep).join("/");

describe("jest lanes", () => {
  const lanes = projects();

  test("GIVEN every test file WHEN the lanes are read THEN each file is in exactly one lane", () => {
    const placed = Object.values(lanes).flat().map(rel).sort();
    expect(placed).toEqual(allTestFiles().map(rel).sort());
    expect(new Set(placed).size).toBe(placed.length);
  });

  test("GIVEN the engine, emulator and SDK tests WHEN the lanes are read THEN none of them is in the unit lane", () => {
    const unit = lanes.unit.map(rel);
    const slow = unit.filter((f) => f !== "support/lanes.test.ts").filter((f) => {
      const text = fs.readFileSync(path.join(TESTS, f), "utf8");
      return /from "(\.\.\/)+emulator"|startEmulator|EngineStack|@pulumi\/azure-native|@pulumi\/azuread/.test(text);
    });
    expect(slow).toEqual([]);
    expect(lanes.e2e.map(rel)).toEqual(expect.arrayContaining(["e2e/lifecycle.test.ts", "e2e/upgrade.test.ts"]));
    expect(lanes.emulator.map(rel)).toEqual(expect.arrayContaining(["emulator/flows.test.ts"]));
    expect(lanes.program.map(rel)).toEqual(expect.arrayContaining(["program/index.test.ts"]));
  });
});
