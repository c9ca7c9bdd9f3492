/**
 * The Azure DevOps pipelines pass the scoped structural check of azure-pipelines-check.ts (keys, templates and
 * their parameters, task inputs, conditions, timeouts) and ShellCheck on every script with its templates expanded;
 * broken copies are rejected, so the check can fail.
 *
 * What this does not prove: that Azure DevOps accepts the runs — no offline validator of Azure Pipelines YAML exists
 * (its schema ships only inside the VS Code extension), so schema rules outside the checked list, service
 * connections, variable groups, environments and permissions are unverified until the pipeline's first run.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkAzurePipeline, scriptForShellcheck } from "./azure-pipelines-check";
import { REPO_ROOT, runShellcheck, scratchCopies, INSTALL_TIMEOUT_MS } from "./linters";

const PIPELINES = ["pipelines/azure-pipelines.yml", "pipelines/azure-pipelines-ephemeral.yml"];

const scratch = scratchCopies();
afterAll(() => scratch.cleanup());

describe.each(PIPELINES)("%s", (pipeline) => {
  test("passes the structural check, reaching both step templates", () => {
    const result = checkAzurePipeline(REPO_ROOT, pipeline);
    expect(result.problems).toEqual([]);
    expect(result.files).toEqual([pipeline, "pipelines/templates/ciam-setup.yml", "pipelines/templates/pulumi-step.yml"].sort());
  });

  test(
    "every bash script, templates expanded, passes ShellCheck",
    () => {
      const { scripts } = checkAzurePipeline(REPO_ROOT, pipeline);
      expect(scripts.length).toBeGreaterThanOrEqual(4);
      // The template's `${{ parameters.script }}` was expanded: ShellCheck sees the real Pulumi commands.
      expect(scripts.some((s) => /pulumi (up|preview) --stack/.test(s.script) && /for pair in AZURE_CLIENT_ID/.test(s.script))).toBe(true);
      const findings = scripts.flatMap((s) => runShellcheck(scriptForShellcheck(s.script)).findings.map((f) => `${s.where}: ${f}`));
      expect(findings).toEqual([]);
    },
    INSTALL_TIMEOUT_MS,
  );
});

describe("a Pulumi step as Azure Pipelines runs it (templates expanded, stand-in pulumi)", () => {
  const deployScript = (): string => {
    const { scripts } = checkAzurePipeline(REPO_ROOT, PIPELINES[0]!);
    const found = scripts.filter((s) => s.script.includes("pulumi up --stack"));
    expect(found).toHaveLength(1);
    return found[0]!.script;
  };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-ado-step-"));
    fs.writeFileSync(path.join(dir, "pulumi"), `#!/usr/bin/env bash\necho "pulumi $*" >>"${dir}/calls.log"\n`, { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  // What the step's env: block maps when the variable group is complete; a missing variable arrives as its macro text.
  const mapped = {
    AZURE_CLIENT_ID: "9a1b2c3d-0000-4000-8000-00000000abcd",
    AZURE_TENANT_ID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    ARM_OIDC_AZURE_SERVICE_CONNECTION_ID: "5b6c7d8e-0000-4000-8000-000000000001",
    AZURE_STORAGE_SAS_TOKEN: "se=x&sig=y",
    PULUMI_CONFIG_PASSPHRASE: "from-key-vault",
  };
  const run = (env: Record<string, string>) => {
    const res = spawnSync("bash", ["-c", deployScript()], { encoding: "utf8", env: { PATH: `${dir}:${process.env.PATH}`, ...env } });
    const log = path.join(dir, "calls.log");
    return { status: res.status, stdout: res.stdout, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "" };
  };

  test("GIVEN the variable group is complete THEN exactly the deploy command runs", () => {
    const r = run(mapped);
    expect(r.status).toBe(0);
    expect(r.calls).toBe("pulumi up --stack prod --yes --diff --non-interactive --color never\n");
  });

  test("GIVEN the service connection id variable is missing THEN the step names it and runs nothing", () => {
    const r = run({ ...mapped, ARM_OIDC_AZURE_SERVICE_CONNECTION_ID: "$(CIAM_SERVICE_CONNECTION_ID)" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("##vso[task.logissue type=error]The pipeline variable CIAM_SERVICE_CONNECTION_ID is not set: see docs/pipelines.md, Azure DevOps\n");
    expect(r.calls).toBe("");
  });
});

test("every variable the pipelines expect from a variable group is documented in docs/pipelines.md", () => {
  const yamlFiles = ["pipelines/azure-pipelines.yml", "pipelines/azure-pipelines-ephemeral.yml", "pipelines/templates/ciam-setup.yml", "pipelines/templates/pulumi-step.yml"];
  const text = yamlFiles.map((f) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8")).join("\n");
  const setByScripts = `${text}\n${fs.readFileSync(path.join(REPO_ROOT, "pipelines", "open-state.sh"), "utf8")}`;
  const defined = new Set([
    ...[...setByScripts.matchAll(/task\.setvariable variable=([A-Z_]+)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/- name: ([A-Z_]+)\n\s+value:/g)].map((m) => m[1]!),
  ]);
  // $(Name) without a dot: not a predefined variable (Agent.*, Build.*, System.*).
  const fromGroups = [...new Set([...text.matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1]!))].filter((v) => !defined.has(v)).sort();
  expect(fromGroups).toEqual(["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "CIAM_SERVICE_CONNECTION_ID", "PULUMI_PASSPHRASE_KEY_VAULT", "PULUMI_STATE_CONTAINER", "PULUMI_STATE_STORAGE_ACCOUNT"]);
  const guide = fs.readFileSync(path.join(REPO_ROOT, "docs", "pipelines.md"), "utf8");
  const section = guide.slice(guide.indexOf("## 6. Azure DevOps"), guide.indexOf("## State and secrets"));
  for (const v of [...fromGroups, "CIAM_SUBDOMAIN"]) expect(`${v}: ${section.includes(`\`${v}\``)}`).toBe(`${v}: true`);
});

describe("the ephemeral pipeline's lifecycle", () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, "pipelines", "azure-pipelines-ephemeral.yml"), "utf8");
  test("destroys after up, whatever happened in between, once the stack exists", () => {
    const up = text.indexOf("pulumi up --stack");
    const destroy = text.indexOf("pulumi destroy --stack");
    expect(up).toBeGreaterThan(0);
    expect(destroy).toBeGreaterThan(up);
    expect(text.slice(up, destroy)).toMatch(/condition: and\(always\(\), eq\(variables\['STACK_CREATED'\], 'true'\)\)/);
    expect(text).toMatch(/pulumi stack init "\$STACK"[^\n]*\n\s+echo "##vso\[task\.setvariable variable=STACK_CREATED\]true"/);
  });
});

describe("the check rejects broken pipelines (it can fail)", () => {
  const problems = (dir: string, pipeline = PIPELINES[0]!): string[] => checkAzurePipeline(dir, pipeline).problems;

  test("GIVEN an unknown key on a job THEN it is named with its path", () => {
    const dir = scratch.mutated(PIPELINES[0]!, "        timeoutInMinutes: 30\n", "        timeoutInMinutes: 30\n        timeout: 30\n");
    expect(problems(dir)).toEqual([
      expect.stringMatching(/^pipelines\/azure-pipelines\.yml: stages\[0\]\.jobs\[0\]\.timeout: is not a key the schema allows here/),
    ]);
  });

  test("GIVEN a job without a timeout THEN it is reported", () => {
    const dir = scratch.mutated(PIPELINES[0]!, "        timeoutInMinutes: 30\n", "");
    expect(problems(dir)).toEqual([expect.stringMatching(/stages\[0\]\.jobs\[0\]: has no timeoutInMinutes/)]);
  });

  test("GIVEN a template call missing a required parameter, or passing an unknown one THEN both are reported", () => {
    const dir = scratch.mutated(
      PIPELINES[0]!,
      "              displayName: pulumi preview\n",
      "              displayname: pulumi preview\n",
    );
    expect(problems(dir)).toEqual([
      expect.stringMatching(/parameters\.displayname: is not a parameter of pipelines\/templates\/pulumi-step\.yml/),
      expect.stringMatching(/does not pass "displayName", which pipelines\/templates\/pulumi-step\.yml requires/),
    ]);
  });

  test("GIVEN a task input that does not exist or a value it does not allow THEN each is reported", () => {
    const dir = scratch.mutated("pipelines/templates/ciam-setup.yml", "      scriptType: bash\n", "      scriptType: sh\n      scriptArgs: x\n");
    expect(problems(dir)).toEqual([
      expect.stringMatching(/inputs\.scriptType: "sh" is not allowed; allowed: ps, pscore, batch, bash/),
      expect.stringMatching(/inputs\.scriptArgs: is not an input of AzureCLI@2/),
    ]);
  });

  test("GIVEN a script path that does not exist THEN it is reported", () => {
    const dir = scratch.mutated("pipelines/templates/ciam-setup.yml", "scriptPath: pipelines/open-state.sh", "scriptPath: pipelines/open-state.bash");
    expect(problems(dir)).toEqual([expect.stringMatching(/inputs\.scriptPath: "pipelines\/open-state\.bash" does not exist/)]);
  });

  test("GIVEN a duplicated key, a misspelt condition function or a parameter reference to nothing THEN each is reported", () => {
    expect(problems(scratch.mutated(PIPELINES[0]!, "lockBehavior: sequential\n", "lockBehavior: sequential\nlockBehavior: runLatest\n"))).toEqual([
      expect.stringMatching(/^pipelines\/azure-pipelines\.yml: YAML: Map keys must be unique/),
    ]);
    expect(problems(scratch.mutated(PIPELINES[0]!, "condition: eq(variables['Build.Reason'], 'PullRequest')", "condition: equals(variables['Build.Reason'], 'PullRequest')"))).toEqual([
      expect.stringMatching(/stages\[0\]\.condition: "equals" is not an expression function/),
    ]);
    expect(problems(scratch.mutated(PIPELINES[1]!, "${{ parameters.stateServiceConnection }}", "${{ parameters.stateConnection }}"), PIPELINES[1])).toEqual([
      "pipelines/azure-pipelines-ephemeral.yml: ${{ parameters.stateConnection }} names no declared parameter",
    ]);
  });

  test("GIVEN an unquoted variable in a pipeline script THEN ShellCheck reports it", () => {
    const dir = scratch.mutated(PIPELINES[1]!, '--suffix "$SUFFIX"', "--suffix $SUFFIX");
    const { scripts } = checkAzurePipeline(dir, PIPELINES[1]!);
    const findings = scripts.flatMap((s) => runShellcheck(scriptForShellcheck(s.script)).findings);
    expect(findings).toEqual([expect.stringMatching(/SC2086/)]);
  });
});
