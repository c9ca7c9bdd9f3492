/**
 * pipelines/open-state.sh, the one place pipelines touch a home-tenant credential, run with stand-ins for `az` and
 * `curl` that record their calls: the state identity signs in with the job's OIDC token in a private CLI profile,
 * only a user-delegation SAS for the one container comes out, secrets are masked before they are written, each
 * platform gets its own output form, and bad input stops it before any call.
 *
 * What this does not prove: that Azure accepts these calls (the `az` arguments follow the Azure CLI reference for
 * `az login --federated-token` and `az storage container generate-sas --as-user`), or that Pulumi's azblob backend
 * honours AZURE_STORAGE_SAS_TOKEN (it does in gocloud.dev v0.46.0, the version Pulumi 3.248.0 builds with).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./linters";

let dir: string;
let log: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-open-state-"));
  log = path.join(dir, "calls.log");
  fs.mkdirSync(path.join(dir, "bin"));
  // az: records its arguments and the CLI profile it was given; answers the two data calls.
  fs.writeFileSync(
    path.join(dir, "bin", "az"),
    [
      "#!/usr/bin/env bash",
      `echo "az $* | AZURE_CONFIG_DIR=\${AZURE_CONFIG_DIR:-default}" >>"${log}"`,
      'case "$1 $2" in',
      '  "storage container") echo "se=2026-01-01&sp=racwdl&sig=SECRETSIG" ;;',
      '  "keyvault secret") echo "vault-passphrase" ;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(dir, "bin", "curl"), `#!/usr/bin/env bash\necho "curl $*" >>"${log}"\necho '{"value":"github-oidc-jwt"}'\n`, { mode: 0o755 });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(env: Record<string, string>) {
  const res = spawnSync("bash", [path.join(REPO_ROOT, "pipelines", "open-state.sh")], {
    encoding: "utf8",
    env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, HOME: dir, STATE_STORAGE_ACCOUNT: "stciamstate", STATE_CONTAINER: "pulumi", ...env },
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
  return { status: res.status, stdout: res.stdout, stderr: res.stderr, calls };
}

const GITHUB = {
  STATE_CLIENT_ID: "11111111-1111-4111-8111-111111111111",
  STATE_TENANT_ID: "22222222-2222-4222-8222-222222222222",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions.example/req?api-version=2.0",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
};

describe("on GitHub Actions", () => {
  test("signs in with the job's OIDC token in a private profile, mints a SAS, masks it, passes three variables on", () => {
    const githubEnv = path.join(dir, "github_env");
    fs.writeFileSync(githubEnv, "");
    const r = run({ ...GITHUB, GITHUB_ENV: githubEnv });
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(3);
    expect(r.calls[0]).toBe(`curl -fsS -H Authorization: Bearer request-token ${GITHUB.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange`);
    const profile = /AZURE_CONFIG_DIR=(\S+)$/.exec(r.calls[1]!)![1]!;
    expect(profile).not.toBe("default");
    expect(r.calls[1]).toBe(
      `az login --service-principal --username ${GITHUB.STATE_CLIENT_ID} --tenant ${GITHUB.STATE_TENANT_ID} --federated-token github-oidc-jwt --allow-no-subscriptions --output none | AZURE_CONFIG_DIR=${profile}`,
    );
    expect(r.calls[2]).toMatch(
      new RegExp(
        `^az storage container generate-sas --account-name stciamstate --name pulumi --permissions racwdl --expiry \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ --auth-mode login --as-user --https-only --output tsv \\| AZURE_CONFIG_DIR=${profile}$`,
      ),
    );
    // The login never outlives the step: its profile is gone.
    expect(fs.existsSync(profile)).toBe(false);
    expect(r.stdout).toBe("::add-mask::se=2026-01-01&sp=racwdl&sig=SECRETSIG\n");
    expect(fs.readFileSync(githubEnv, "utf8")).toBe(
      "AZURE_STORAGE_ACCOUNT=stciamstate\nAZURE_STORAGE_SAS_TOKEN=se=2026-01-01&sp=racwdl&sig=SECRETSIG\nPULUMI_BACKEND_URL=azblob://pulumi\n",
    );
    expect(r.stderr).not.toContain("SECRETSIG");
  });

  test("GIVEN a passphrase from a repository secret THEN it is masked and passed on; from Key Vault THEN read with the same identity", () => {
    const githubEnv = path.join(dir, "github_env");
    fs.writeFileSync(githubEnv, "");
    const fromSecret = run({ ...GITHUB, GITHUB_ENV: githubEnv, PULUMI_CONFIG_PASSPHRASE: "secret-passphrase" });
    expect(fromSecret.stdout).toContain("::add-mask::secret-passphrase\n");
    expect(fs.readFileSync(githubEnv, "utf8")).toMatch(/\nPULUMI_CONFIG_PASSPHRASE=secret-passphrase\n$/);

    fs.writeFileSync(githubEnv, "");
    fs.rmSync(log);
    const fromVault = run({ ...GITHUB, GITHUB_ENV: githubEnv, PASSPHRASE_KEY_VAULT: "kv-ciam" });
    expect(fromVault.calls[3]).toMatch(/^az keyvault secret show --vault-name kv-ciam --name pulumi-config-passphrase --query value --output tsv \| AZURE_CONFIG_DIR=(?!default)/);
    expect(fromVault.stdout).toContain("::add-mask::vault-passphrase\n");
    expect(fs.readFileSync(githubEnv, "utf8")).toMatch(/\nPULUMI_CONFIG_PASSPHRASE=vault-passphrase\n$/);
  });

  test("GIVEN a job without id-token permission THEN it says so and calls nothing", () => {
    const r = run({ STATE_CLIENT_ID: GITHUB.STATE_CLIENT_ID, STATE_TENANT_ID: GITHUB.STATE_TENANT_ID, GITHUB_ENV: path.join(dir, "github_env") });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the job has no OIDC token: give the job 'permissions: id-token: write'");
    expect(r.calls).toEqual([]);
  });
});

test("on Azure Pipelines: uses the AzureCLI@2 session and sets the SAS as a secret variable", () => {
  // No Key Vault in the variable group: Azure Pipelines passes the macro text itself, which means "not set".
  const r = run({ TF_BUILD: "True", PASSPHRASE_KEY_VAULT: "$(PULUMI_PASSPHRASE_KEY_VAULT)" });
  expect(r.status).toBe(0);
  expect(r.calls).toHaveLength(1);
  expect(r.calls[0]).toMatch(/^az storage container generate-sas .* \| AZURE_CONFIG_DIR=default$/);
  expect(r.stdout).toBe(
    [
      "##vso[task.setvariable variable=AZURE_STORAGE_ACCOUNT]stciamstate",
      "##vso[task.setvariable variable=AZURE_STORAGE_SAS_TOKEN;issecret=true]se=2026-01-01&sp=racwdl&sig=SECRETSIG",
      "##vso[task.setvariable variable=PULUMI_BACKEND_URL]azblob://pulumi",
      "",
    ].join("\n"),
  );
});

test("for a person: prints export lines that a shell can eval", () => {
  const r = run({});
  expect(r.status).toBe(0);
  const probe = spawnSync("bash", ["-c", `${r.stdout}\necho "$AZURE_STORAGE_SAS_TOKEN|$PULUMI_BACKEND_URL|\${PULUMI_CONFIG_PASSPHRASE-unset}"`], { encoding: "utf8" });
  expect(probe.stdout).toBe("se=2026-01-01&sp=racwdl&sig=SECRETSIG|azblob://pulumi|unset\n");
});

test("GIVEN a missing container or a SAS lifetime over seven days THEN it stops before any call", () => {
  const noContainer = run({ STATE_CONTAINER: "" });
  expect(noContainer.status).not.toBe(0);
  expect(noContainer.stderr).toContain("set STATE_CONTAINER to the blob container that holds the Pulumi state");
  const tooLong = run({ STATE_SAS_HOURS: "200" });
  expect(tooLong.status).toBe(1);
  expect(tooLong.stderr).toContain("STATE_SAS_HOURS is '200'; allowed: a whole number of hours from 1 to 168");
  expect(tooLong.calls).toEqual([]);
  expect(noContainer.calls).toEqual([]);
});
