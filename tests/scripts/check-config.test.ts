/**
 * `npm run deploy` on the stack file as shipped stops before Pulumi is asked for anything, listing the keys still
 * to fill in; `scripts/check-config.ts` reads a stack file the way the program receives it.
 *
 * Does not prove: the real `pulumi up` after the check (the engine tests run the program; here `pulumi` is a stub
 * that records its calls), nor secret values, which only the program can decrypt.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkStackFile, namespaceOf } from "../../scripts/check-config";
import { REPO_ROOT, exampleStackText, filledExampleStackText } from "../support/example-stack";

jest.setTimeout(60_000);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-config-"));
  fs.cpSync(path.join(REPO_ROOT, "branding"), path.join(dir, "branding"), { recursive: true });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("GIVEN the shipped example stack file WHEN checked THEN it fails naming exactly the two keys to fill in and the az command for each", () => {
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), exampleStackText());
  const r = checkStackFile(dir, "dev");
  expect(r.ok).toBe(false);
  expect(r.problems.map((p) => p.split(": ")[0])).toEqual(["tenant.create.subscriptionId", "tenant.create.homeTenantId"]);
  expect(r.problems[0]).toContain("az account show --query id -o tsv");
  expect(r.problems[1]).toContain("az account show --query tenantId -o tsv");
});

test("GIVEN the example with its two keys filled in WHEN checked THEN it passes", () => {
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), filledExampleStackText());
  expect(checkStackFile(dir, "dev")).toEqual({ ok: true, problems: [] });
});

test("GIVEN no file for the stack WHEN checked THEN it says which file to create from which", () => {
  expect(checkStackFile(dir, "prod")).toEqual({ ok: false, problems: ["No Pulumi.prod.yaml: copy Pulumi.dev.yaml to Pulumi.prod.yaml and edit it first."] });
});

test("GIVEN keys of other namespaces and a secret WHEN read THEN only the plain ciam-tenant keys are handed to the schema", () => {
  const text = ["config:", "  azure-native:location: westeurope", "  ciam-tenant:lifecycle: ephemeral", "  ciam-tenant:token:", "    secure: AAABAxyz", ""].join("\n");
  expect(namespaceOf(text)).toEqual({ lifecycle: "ephemeral" });
});

test("GIVEN the shipped stack file WHEN npm run deploy runs THEN it stops with the keys to fill in before any pulumi command", () => {
  const bin = path.join(dir, "bin");
  const calls = path.join(dir, "pulumi-calls.log");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> "${calls}"\n`, { mode: 0o755 });
  const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "up.sh")], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PULUMI_BACKEND_URL: `file://${dir}/state` },
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("Pulumi.dev.yaml is not ready to deploy (2 problems); nothing was changed:");
  expect(r.stderr).toContain('tenant.create.subscriptionId: "<your-subscription-id>" is a placeholder still to be filled in');
  expect(r.stderr).toContain('tenant.create.homeTenantId: "<your-home-tenant-id>" is a placeholder still to be filled in');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(fs.existsSync(calls)).toBe(false);
});
