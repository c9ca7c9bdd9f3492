/**
 * `npm run sample-config`: from a recorded `pulumi stack output --json` (committed fixture), the written
 * authConfig.js — loaded as the sample's jest setup loads it, through its CommonJS export — holds the app's client
 * id, authority and redirect URI in the sample's shape; bad input names what is available.
 *
 * Does not prove: that the sample signs in (no browser, no tenant), nor the `pulumi stack output` call itself (the
 * CLI path is exercised only through its error when the CLI is not configured).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { run, SampleConfigError } from "../../scripts/sample-config";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE = path.join(__dirname, "fixtures", "stack-output.json");
const recorded = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { apps: Record<string, { msalConfig: { auth: Record<string, string> } }> };
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sample-config-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Evaluates the written file the way the sample's tests require it: with `exports`/`module` and a stub `msal`. */
function load(file: string): { msalConfig: any; loginRequest: any } {
  const module = { exports: {} as any };
  vm.runInNewContext(fs.readFileSync(file, "utf8"), { module, exports: module.exports, msal: { LogLevel: { Error: 0, Warning: 1, Info: 2, Verbose: 3 } }, console });
  return module.exports;
}

function errorOf(argv: string[]): Error {
  try {
    run(argv);
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("sample-config", () => {
  test("GIVEN the recorded outputs and --app spa WHEN run THEN authConfig.js holds that app's client id, authority and redirect URI in the sample's shape", () => {
    const out = path.join(dir, "App", "public", "authConfig.js");
    run(["--from", FIXTURE, "--app", "spa", "--out", out]);
    const { msalConfig, loginRequest } = load(out);
    const expected = recorded.apps.spa!.msalConfig.auth;
    expect(msalConfig.auth).toEqual({
      clientId: expected.clientId,
      authority: expected.authority,
      redirectUri: expected.redirectUri,
      navigateToLoginRequestUrl: true,
    });
    expect(msalConfig.cache).toEqual({ cacheLocation: "sessionStorage", storeAuthStateInCookie: false });
    expect(typeof msalConfig.system.loggerOptions.loggerCallback).toBe("function");
    expect(loginRequest).toEqual({ scopes: [] });
  });

  test("GIVEN an app registered elsewhere and --redirect-uri WHEN run THEN that URI is written", () => {
    const out = path.join(dir, "authConfig.js");
    run(["--from", FIXTURE, "--app=legacy", "--out", out, "--redirect-uri", "https://legacy.example/redirect"]);
    expect(load(out).msalConfig.auth).toMatchObject({ clientId: "0f0e0d0c-0b0a-4909-8807-060504030201", redirectUri: "https://legacy.example/redirect" });
  });

  test("GIVEN an unknown app WHEN run THEN the error lists the available apps and nothing is written", () => {
    const out = path.join(dir, "authConfig.js");
    const e = errorOf(["--from", FIXTURE, "--app", "web", "--out", out]);
    expect(e).toBeInstanceOf(SampleConfigError);
    expect(e.message).toBe('no app "web" in the stack outputs; available: legacy, spa');
    expect(fs.existsSync(out)).toBe(false);
  });

  test("GIVEN an app registered elsewhere without --redirect-uri WHEN run THEN the error asks for one", () => {
    expect(errorOf(["--from", FIXTURE, "--app", "legacy", "--out", path.join(dir, "a.js")]).message).toContain("pass --redirect-uri");
  });

  test("GIVEN a --redirect-uri not registered on a stack app WHEN run THEN the registered ones are listed", () => {
    expect(errorOf(["--from", FIXTURE, "--app", "spa", "--redirect-uri", "http://localhost:4000", "--out", path.join(dir, "a.js")]).message).toBe(
      '--redirect-uri http://localhost:4000 is not registered on app "spa"; registered: http://localhost:3000, http://localhost:3000/redirect',
    );
  });

  test("GIVEN outputs without apps (a stack not deployed) WHEN run THEN the error names the outputs present and what to do", () => {
    const file = path.join(dir, "outputs.json");
    fs.writeFileSync(file, JSON.stringify({ tenantId: "x" }));
    expect(errorOf(["--from", file, "--app", "spa"]).message).toBe(
      'the stack outputs have no "apps" (outputs present: tenantId): run "pulumi up" on this stack first, or select the stack that configures the apps',
    );
  });

  test("GIVEN no --app or an unknown flag WHEN run THEN the usage is shown", () => {
    expect(errorOf(["--from", FIXTURE]).message).toMatch(/^--app is required; usage: npm run sample-config -- --app <app key>/);
    expect(errorOf(["--app", "spa", "--output", "x"]).message).toMatch(/^unknown argument "--output"; usage:/);
  });

  test("GIVEN the npm script WHEN run as a command THEN it writes the file and exits 0, and an unknown app exits 2 with the list on stderr", () => {
    const out = path.join(dir, "authConfig.js");
    const stdout = execFileSync("npm", ["run", "--silent", "sample-config", "--", "--from", FIXTURE, "--app", "spa", "--out", out], { cwd: ROOT, encoding: "utf8" });
    expect(stdout).toContain(`wrote ${out}`);
    expect(load(out).msalConfig.auth.clientId).toBe(recorded.apps.spa!.msalConfig.auth.clientId);
    let status = 0;
    let stderr = "";
    try {
      execFileSync("npm", ["run", "--silent", "sample-config", "--", "--from", FIXTURE, "--app", "web"], { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toContain('sample-config: no app "web" in the stack outputs; available: legacy, spa');
  });
});
