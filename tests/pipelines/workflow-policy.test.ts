/**
 * The security and safety rules of the GitHub workflows that actionlint does not enforce: third-party actions pinned
 * by full commit SHA (with the release in a comment), no permission at workflow level and the least per job,
 * `id-token: write` only where an Azure identity is used, timeouts everywhere, deploys that never overlap, no
 * stored secret but the optional passphrase, a preview that cannot change anything, and an ephemeral run that
 * always destroys what it created.
 *
 * What this does not prove: that GitHub enforces these at run time (it does by documentation), or that the pinned
 * SHAs are the releases their comments name (checked by hand against public workflows naming both).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT, workflowFiles } from "./linters";

type Rec = Record<string, unknown>;
interface Step extends Rec {
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  "timeout-minutes"?: number;
}
interface Job extends Rec {
  permissions?: Rec;
  "timeout-minutes"?: number;
  steps: Step[];
  concurrency?: { group: string; "cancel-in-progress": boolean };
  environment?: string;
}
interface Workflow {
  on: Rec;
  permissions?: Rec;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

const read = (rel: string): string => fs.readFileSync(path.join(REPO_ROOT, rel), "utf8");
const workflows = Object.fromEntries(workflowFiles().map((rel) => [path.basename(rel), parse(read(rel)) as Workflow]));
const ACTION = ".github/actions/ciam-setup/action.yml";
const usesLines = [...workflowFiles(), ACTION].flatMap((rel) =>
  read(rel)
    .split("\n")
    .filter((l) => /^\s*(-\s+)?uses:/.test(l))
    .map((l) => ({ rel, line: l.trim() })),
);

test("the expected workflows exist", () => {
  expect(Object.keys(workflows).sort()).toEqual(["ciam-deploy.yml", "ciam-ephemeral.yml", "ciam-preview.yml", "tests.yml"]);
});

test("every third-party action is pinned by a full commit SHA and names its release", () => {
  const thirdParty = usesLines.filter((u) => !u.line.includes("uses: ./"));
  expect(thirdParty.length).toBeGreaterThanOrEqual(6);
  for (const u of thirdParty) expect(`${u.rel}: ${u.line}`).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  // One release per action across all files: an upgrade is one decision, not several.
  const byAction = new Map<string, Set<string>>();
  for (const u of thirdParty) {
    const [, action, sha] = /uses: ([^@]+)@([0-9a-f]{40})/.exec(u.line)!;
    byAction.set(action!, (byAction.get(action!) ?? new Set()).add(sha!));
  }
  for (const [action, shas] of byAction) expect(`${action}: ${[...shas].join(", ")}`).toBe(`${action}: ${[...shas][0]}`);
});

describe.each(Object.keys(workflows))("%s", (name) => {
  const wf = workflows[name]!;
  test("grants nothing at workflow level and sets least permissions and a timeout on every job", () => {
    expect(wf.permissions).toEqual({});
    for (const job of Object.values(wf.jobs)) {
      expect(job["timeout-minutes"]).toEqual(expect.any(Number));
      const usesAzure = job.steps.some((s) => s.uses === "./.github/actions/ciam-setup");
      expect(job.permissions).toEqual(usesAzure ? { contents: "read", "id-token": "write" } : { contents: "read" });
    }
  });

  test("uses no stored secret except the optional passphrase, and no pull_request_target", () => {
    const text = read(path.join(".github", "workflows", name));
    expect([...new Set([...text.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]))].filter((s) => s !== "PULUMI_CONFIG_PASSPHRASE")).toEqual([]);
    expect(Object.keys(wf.on)).not.toContain("pull_request_target");
  });
});

test("the preview only previews: no up, destroy, refresh or import, on pull requests of this repository only", () => {
  const text = read(".github/workflows/ciam-preview.yml");
  expect(text).toMatch(/pulumi preview --stack/);
  expect(text).not.toMatch(/pulumi (up|destroy|refresh|import|state)\b/);
  expect(Object.keys(workflows["ciam-preview.yml"]!.on)).toEqual(["pull_request"]);
  expect(workflows["ciam-preview.yml"]!.jobs.preview!.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
});

test("two deploys of the stack never overlap, and a running deploy is never cancelled", () => {
  expect(workflows["ciam-deploy.yml"]!.concurrency).toEqual({ group: "ciam-deploy-${{ vars.PULUMI_STACK || 'prod' }}", "cancel-in-progress": false });
  expect(workflows["ciam-deploy.yml"]!.jobs.deploy!.environment).toBe("ciam-production");
  expect(workflows["ciam-ephemeral.yml"]!.jobs.ephemeral!.concurrency).toEqual({ group: "ciam-ephemeral-test-tenant", "cancel-in-progress": false });
});

describe("the ephemeral run", () => {
  const job = workflows["ciam-ephemeral.yml"]!.jobs.ephemeral!;
  const index = (pattern: RegExp): number => job.steps.findIndex((s) => pattern.test(s.run ?? ""));

  test("creates, smoke-checks, then destroys — the destroy also after a failed or cancelled step", () => {
    const [init, up, smoke, destroy] = [/pulumi stack init/, /^pulumi up /, /smoke-check\.ts/, /pulumi destroy/].map(index);
    expect([init, up, smoke, destroy].every((i) => i! >= 0)).toBe(true);
    expect(init! < up! && up! < smoke! && smoke! < destroy!).toBe(true);
    expect(job.steps[init!]!.id).toBe("init");
    expect(job.steps[destroy!]!.if).toBe("always() && steps.init.outcome == 'success'");
    expect(job.steps[destroy!]!.run).toMatch(/--remove/);
  });

  test("leaves the destroy time inside the job's budget", () => {
    const budget = (pattern: RegExp): number => job.steps[index(pattern)]!["timeout-minutes"] ?? Infinity;
    expect(budget(/^pulumi up /) + budget(/smoke-check\.ts/) + budget(/pulumi destroy/)).toBeLessThanOrEqual(job["timeout-minutes"]!);
  });

  test("names its stack and display names after the run, so no run adopts another's objects", () => {
    expect(job.env).toMatchObject({ STACK: "ci-${{ github.run_id }}-${{ github.run_attempt }}", SUFFIX: "${{ github.run_id }}-${{ github.run_attempt }}" });
    expect(job.steps[index(/ephemeral-stack\.ts/)]!.run).toMatch(/--stack "\$STACK" .*--suffix "\$SUFFIX"/);
  });
});

test("every variable the workflows read is documented in docs/pipelines.md", () => {
  const text = [...workflowFiles(), ACTION].map(read).join("\n");
  const vars = [...new Set([...text.matchAll(/vars\.([A-Z_]+)/g)].map((m) => m[1]!))].sort();
  expect(vars).toEqual([
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "CIAM_SUBDOMAIN",
    "PULUMI_PASSPHRASE_KEY_VAULT",
    "PULUMI_STACK",
    "PULUMI_STATE_CLIENT_ID",
    "PULUMI_STATE_CONTAINER",
    "PULUMI_STATE_STORAGE_ACCOUNT",
    "PULUMI_STATE_TENANT_ID",
  ]);
  const guide = read("docs/pipelines.md");
  const table = guide.slice(guide.indexOf("## 4. Configure GitHub"), guide.indexOf("## 5."));
  for (const v of vars) expect(`${v}: ${table.includes(`\`${v}\``)}`).toBe(`${v}: true`);
});
