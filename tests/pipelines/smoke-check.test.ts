/**
 * The ephemeral pipelines' smoke check (pipelines/smoke-check.ts) against a recorded `pulumi stack output --json`
 * of the stack file the run wrote: it passes a deployed stack and names every way a broken one differs, and its
 * live check reads the tenant's OpenID metadata (a fake fetch here).
 *
 * What this does not prove: that the real metadata endpoint answers in this shape (the issuer format is documented
 * by Microsoft, the URL form is inferred from it), or that the objects exist in Graph (the pipelines' `pulumi
 * refresh --expect-no-changes` checks that).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ephemeralStackFile } from "../../pipelines/ephemeral-stack";
import { expectationsFromStackFile, liveProblems, main, outputProblems } from "../../pipelines/smoke-check";
import { REPO_ROOT } from "./linters";

const TENANT = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const CLIENT = "9a1b2c3d-0000-4000-8000-00000000abcd";
const STACK_FILE = ephemeralStackFile(fs.readFileSync(path.join(REPO_ROOT, "pipelines", "stacks", "ephemeral.yaml"), "utf8"), {
  tenantId: TENANT,
  subdomain: "contosociamtest",
  suffix: "4711-2",
});

/** What `pulumi stack output --json` prints for that stack once deployed (the shape index.ts exports). */
function recordedOutputs() {
  return {
    tenantId: TENANT,
    domainName: "contosociamtest.onmicrosoft.com",
    authority: "https://contosociamtest.ciamlogin.com/",
    apps: {
      spa: {
        clientId: CLIENT,
        redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"],
        msalConfig: { auth: { clientId: CLIENT, authority: "https://contosociamtest.ciamlogin.com/", redirectUri: "http://localhost:3000/redirect" } },
      },
    },
    userFlowIds: { "signup-signin": "0313cc37-d421-421d-857b-87804d61e33e" },
  };
}

describe("expectationsFromStackFile", () => {
  test("reads the tenant, the apps and the flows the run's stack file configures", () => {
    expect(expectationsFromStackFile(STACK_FILE)).toEqual({
      tenantId: TENANT,
      subdomain: "contosociamtest",
      registeredApps: ["spa"],
      existingApps: [],
      userFlows: ["signup-signin"],
    });
  });

  test("GIVEN a stack that creates its tenant THEN no tenant id is expected (only the outputs know it)", () => {
    const text = "config:\n  ciam-tenant:tenant:\n    create: { subdomain: contosociamdev }\n  ciam-tenant:apps:\n    - { key: legacy, existing: { clientId: x } }\n";
    expect(expectationsFromStackFile(text)).toEqual({ subdomain: "contosociamdev", registeredApps: [], existingApps: ["legacy"], userFlows: [] });
  });

  test("GIVEN a stack file without a tenant THEN it says so", () => {
    expect(() => expectationsFromStackFile("config: {}\n")).toThrow("the stack file sets no ciam-tenant:tenant.existing.subdomain");
  });
});

describe("outputProblems", () => {
  const expected = expectationsFromStackFile(STACK_FILE);

  test("GIVEN the recorded outputs of a deployed stack THEN there is no problem", () => {
    expect(outputProblems(recordedOutputs(), expected)).toEqual([]);
  });

  test("GIVEN outputs of another tenant, a dropped flow and an unregistered redirect URI THEN each is named", () => {
    const o = recordedOutputs();
    o.tenantId = "11111111-1111-4111-8111-111111111111";
    o.apps.spa.msalConfig.auth.redirectUri = "http://localhost:4000/redirect";
    const broken = { ...o, userFlowIds: {} };
    expect(outputProblems(broken, expected)).toEqual([
      `tenantId: "11111111-1111-4111-8111-111111111111" is not the configured tenant "${TENANT}"`,
      'apps.spa.msalConfig.auth.redirectUri: "http://localhost:4000/redirect" is not one of the registered redirect URIs',
      "userFlowIds.signup-signin: undefined is not a user flow id",
    ]);
  });

  test("GIVEN outputs of another subdomain THEN domain, authority and the app's MSAL authority are named", () => {
    const o = recordedOutputs();
    o.domainName = "other.onmicrosoft.com";
    o.authority = "https://other.ciamlogin.com/";
    o.apps.spa.msalConfig.auth.authority = "https://other.ciamlogin.com/";
    expect(outputProblems(o, expected)).toEqual([
      'domainName: "other.onmicrosoft.com" is not "contosociamtest.onmicrosoft.com"',
      'authority: "https://other.ciamlogin.com/" is not "https://contosociamtest.ciamlogin.com/"',
      'apps.spa.msalConfig.auth.authority: "https://other.ciamlogin.com/" is not "https://contosociamtest.ciamlogin.com/"',
    ]);
  });

  test("GIVEN an app missing from the outputs, or an empty output THEN that is what is reported", () => {
    expect(outputProblems({ ...recordedOutputs(), apps: {} }, expected)).toEqual(["apps.spa: missing"]);
    expect(outputProblems("[secret]", expected)).toEqual(["outputs: not a JSON object (expected the output of `pulumi stack output --json`)"]);
  });
});

describe("liveProblems", () => {
  const URL_ = `https://contosociamtest.ciamlogin.com/${TENANT}/v2.0/.well-known/openid-configuration`;
  const answer = (status: number, body: unknown) => {
    const calls: string[] = [];
    const f = (async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    }) as unknown as typeof fetch;
    return { f, calls };
  };

  test("GIVEN metadata whose issuer names the tenant THEN no problem, after exactly one request to that URL", async () => {
    const { f, calls } = answer(200, { issuer: `https://${TENANT}.ciamlogin.com/${TENANT}/v2.0` });
    expect(await liveProblems(TENANT, "ContosoCiamTest", f)).toEqual([]);
    expect(calls).toEqual([URL_]);
  });

  test("GIVEN a 400 (unknown tenant) or an issuer of another tenant THEN the URL and the reason are reported", async () => {
    expect(await liveProblems(TENANT, "contosociamtest", answer(400, { error: "invalid_tenant" }).f)).toEqual([
      `${URL_}: HTTP 400 (the tenant does not answer as a CIAM tenant)`,
    ]);
    const other = "https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0";
    expect(await liveProblems(TENANT, "contosociamtest", answer(200, { issuer: other }).f)).toEqual([
      `${URL_}: issuer "${other}" does not name tenant ${TENANT}`,
    ]);
  });

  test("GIVEN the network fails THEN the error is reported, not thrown", async () => {
    const failing = (async () => {
      throw new Error("getaddrinfo ENOTFOUND contosociamtest.ciamlogin.com");
    }) as unknown as typeof fetch;
    expect(await liveProblems(TENANT, "contosociamtest", failing)).toEqual([`${URL_}: getaddrinfo ENOTFOUND contosociamtest.ciamlogin.com`]);
  });
});

describe("smoke-check CLI", () => {
  let dir: string;
  let errors: string[];
  let logs: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-smoke-"));
    fs.writeFileSync(path.join(dir, "Pulumi.ci.yaml"), STACK_FILE);
    errors = [];
    logs = [];
    jest.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
    jest.spyOn(console, "log").mockImplementation((m: string) => void logs.push(m));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = (outputs: unknown, extra: string[] = [], f?: typeof fetch) => {
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
    return main(["--outputs", path.join(dir, "outputs.json"), "--stack-file", path.join(dir, "Pulumi.ci.yaml"), ...extra], f);
  };

  test("GIVEN good outputs THEN exit 0 and one line saying what was checked", async () => {
    expect(await run(recordedOutputs())).toBe(0);
    expect(logs).toEqual([`Smoke check passed: tenant ${TENANT}, 1 app(s), 1 user flow(s).`]);
    expect(errors).toEqual([]);
  });

  test("GIVEN broken outputs THEN exit 1, every problem listed, and the live check is not even attempted", async () => {
    const calls: string[] = [];
    const f = (async (url: string) => {
      calls.push(url);
      return new Response("{}");
    }) as unknown as typeof fetch;
    expect(await run({ ...recordedOutputs(), userFlowIds: {}, domainName: "x" }, ["--live"], f)).toBe(1);
    expect(errors).toEqual([
      'Smoke check failed (2):\n  domainName: "x" is not "contosociamtest.onmicrosoft.com"\n  userFlowIds.signup-signin: undefined is not a user flow id',
    ]);
    expect(calls).toEqual([]);
    expect(logs).toEqual([]);
  });
});
