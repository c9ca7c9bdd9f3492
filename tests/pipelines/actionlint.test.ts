/**
 * The GitHub Actions workflows pass actionlint (with ShellCheck on every `run:` script), and actionlint really
 * reports what it should: deliberately broken copies are rejected.
 *
 * Actions are pinned by commit SHA, which actionlint cannot map to an action's metadata, so its input checks would
 * silently not apply; a second pass therefore lints a copy in which each `owner/repo@<sha> # vX.Y.Z` reads
 * `owner/repo@vX`, the form actionlint knows (checkout v5, setup-node v5; pulumi/actions v7 is newer than
 * actionlint 1.7.12's data and stays unchecked there).
 *
 * What this does not prove: that GitHub runs the workflows as intended (no runner, no Azure here), that the pinned
 * SHAs exist upstream (they were cross-checked against public workflows that name the same SHA and tag), or that the
 * federated credentials and variables they expect are configured.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { INSTALL_TIMEOUT_MS, REPO_ROOT, runActionlint, scratchCopies, workflowFiles } from "./linters";

/** `uses: owner/repo@<40 hex> # vX.Y.Z` → `uses: owner/repo@vX`. */
export function withMajorTags(text: string): string {
  return text.replace(/^(\s*(?:-\s+)?uses:\s+[^@\s]+)@[0-9a-f]{40}\s+#\s+(v\d+)(?:\.\d+)*\s*$/gm, "$1@$2");
}

function rewriteAll(dir: string): void {
  const targets = [...workflowFiles(dir), ...fs.readdirSync(path.join(dir, ".github", "actions")).map((a) => path.join(".github", "actions", a, "action.yml"))];
  for (const rel of targets) {
    const file = path.join(dir, rel);
    fs.writeFileSync(file, withMajorTags(fs.readFileSync(file, "utf8")));
  }
}

const scratch = scratchCopies();
afterAll(() => scratch.cleanup());

describe("actionlint on .github/workflows", () => {
  test(
    "GIVEN the repository's workflows WHEN actionlint (with ShellCheck) runs THEN it reports nothing",
    () => {
      const result = runActionlint(REPO_ROOT, workflowFiles());
      expect(result.findings).toEqual([]);
      expect(result.status).toBe(0);
    },
    INSTALL_TIMEOUT_MS,
  );

  test("GIVEN SHA pins read as their major tags WHEN actionlint runs THEN action inputs check clean too", () => {
    const dir = scratch.copy();
    rewriteAll(dir);
    // The rewrite happened: no SHA pin is left for actionlint to skip.
    for (const rel of workflowFiles(dir)) expect(fs.readFileSync(path.join(dir, rel), "utf8")).not.toMatch(/@[0-9a-f]{40}/);
    const result = runActionlint(dir);
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
  });

  test("the major-tag rewrite keeps every other line", () => {
    const text = "      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n      - uses: ./.github/actions/x\n";
    expect(withMajorTags(text)).toBe("      - uses: actions/checkout@v5\n      - uses: ./.github/actions/x\n");
  });
});

describe("actionlint rejects broken workflows (the checks can fail)", () => {
  /** A scratch repository with one extra workflow whose only step is `step` (line 7 of the file). */
  const broken = (name: string, step: string): string => {
    const dir = scratch.copy();
    const body = ["on: push", "permissions: {}", "jobs:", "  x:", "    runs-on: ubuntu-24.04", "    steps:", `      - ${step}`, ""];
    fs.writeFileSync(path.join(dir, ".github", "workflows", name), body.join("\n"));
    return dir;
  };

  test("GIVEN an expression naming an unknown context THEN it is reported with its file and line", () => {
    const dir = broken("broken.yml", "run: echo ${{ secret.TOKEN }}");
    const result = runActionlint(dir, [".github/workflows/broken.yml"]);
    expect(result.status).not.toBe(0);
    expect(result.findings.join("\n")).toMatch(/broken\.yml:7:\d+: undefined variable "secret"/);
  });

  test("GIVEN an unquoted variable in a run script THEN ShellCheck's finding is reported through actionlint", () => {
    const dir = broken("shell.yml", "run: rm -rf $TARGET/build");
    const result = runActionlint(dir, [".github/workflows/shell.yml"]);
    expect(result.status).not.toBe(0);
    expect(result.findings.join("\n")).toMatch(/shell\.yml:7:\d+: shellcheck reported issue in this script: SC2086/);
  });

  test("GIVEN a SHA-pinned action with an input it does not have THEN only the major-tag pass catches it", () => {
    const dir = scratch.mutated(
      ".github/workflows/ciam-deploy.yml",
      "          persist-credentials: false",
      "          persist-credentials: false\n          persist-credential: false",
    );
    expect(runActionlint(dir, [".github/workflows/ciam-deploy.yml"]).findings).toEqual([]);
    rewriteAll(dir);
    const result = runActionlint(dir, [".github/workflows/ciam-deploy.yml"]);
    expect(result.status).not.toBe(0);
    expect(result.findings.join("\n")).toMatch(/input "persist-credential" is not defined in action "actions\/checkout@v5"/);
  });

  test("GIVEN a local action used with an input its action.yml does not declare THEN it is reported", () => {
    const dir = scratch.mutated(".github/workflows/ciam-preview.yml", "client-id: ${{ vars.AZURE_CLIENT_ID }}", "clientid: ${{ vars.AZURE_CLIENT_ID }}");
    const result = runActionlint(dir, [".github/workflows/ciam-preview.yml"]);
    expect(result.status).not.toBe(0);
    const reported = result.findings.join("\n");
    expect(reported).toMatch(/input "clientid" is not defined in action "ciam-tenant setup"/);
    expect(reported).toMatch(/missing input "client-id" which is required by action "ciam-tenant setup"/);
  });
});
