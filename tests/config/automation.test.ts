/**
 * The `automation` config key: validation of GitHub repositories, branches, environments and Azure DevOps
 * issuer/subject, with the exact path and message; defaults; and the federated credential subjects derived from it.
 *
 * Does not prove: that Entra accepts these subjects or that GitHub/Azure DevOps issue tokens with them (the subject
 * formats come from their documentation, see config/automation.ts).
 */
import { ConfigValidationError, automationSubjects, parseStackConfig, type StackConfig } from "../../config/schema";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "..", "..");
const ORG_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const ADO = { issuer: `https://vstoken.dev.azure.com/${ORG_ID}`, subject: "sc://contoso/ciam/ciam-tenant" };

function config(automation: unknown): Record<string, unknown> {
  return {
    tenant: { existing: { tenantId: "11111111-2222-4333-8444-555555555555", subdomain: "contosociam" } },
    apps: [{ key: "spa", displayName: "spa", redirectUris: ["http://localhost:3000/redirect"] }],
    ...(automation === undefined ? {} : { automation }),
  };
}

function parse(automation: unknown): StackConfig {
  return parseStackConfig(config(automation), { projectDir: repoRoot });
}

function problems(automation: unknown): string[] {
  try {
    parse(automation);
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.problems];
    throw e;
  }
  return [];
}

describe("automation config: defaults", () => {
  test("GIVEN no automation key WHEN parsed THEN the automation identity is off", () => {
    expect(parse(undefined).automation).toBeUndefined();
  });

  test("GIVEN only a GitHub repository WHEN parsed THEN the main branch is trusted, nothing else, under the default name", () => {
    expect(parse({ github: { repository: "contoso/ciam-tenant" } }).automation).toEqual({
      displayName: "ciam-tenant automation",
      github: { repository: "contoso/ciam-tenant", branches: ["main"], environments: [], pullRequests: false },
    });
  });

  test("GIVEN only environments WHEN parsed THEN no branch is added", () => {
    expect(parse({ github: { repository: "contoso/ciam", environments: ["production"] } }).automation?.github?.branches).toEqual([]);
  });

  test("GIVEN an sc:// subject without names WHEN parsed THEN organization, project and service connection come from it", () => {
    expect(parse({ azureDevOps: ADO }).automation?.azureDevOps).toEqual({ organization: "contoso", project: "ciam", serviceConnection: "ciam-tenant", ...ADO });
  });

  test("GIVEN the Entra-issued Azure DevOps issuer and /eid1 subject WHEN parsed THEN they are accepted as is, with no derived names", () => {
    const ado = { issuer: `https://login.microsoftonline.com/${ORG_ID}/v2.0`, subject: `/eid1/c/pub/t/abc/a/def/sc/${ORG_ID}/${ORG_ID}` };
    expect(parse({ azureDevOps: ado }).automation?.azureDevOps).toEqual(ado);
  });
});

describe("automation config: subjects", () => {
  test("GIVEN branches, environments, pull requests and Azure DevOps WHEN subjects are derived THEN each has GitHub's or Azure DevOps' exact subject, in config order", () => {
    const a = parse({
      github: { repository: "contoso/ciam", branches: ["main", "release/1.x"], environments: ["production"], pullRequests: true },
      azureDevOps: ADO,
    }).automation!;
    expect(automationSubjects(a)).toEqual([
      { key: "github-branch-main", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/ciam:ref:refs/heads/main" },
      { key: "github-branch-release-1-x", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/ciam:ref:refs/heads/release/1.x" },
      { key: "github-env-production", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/ciam:environment:production" },
      { key: "github-pull-request", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/ciam:pull_request" },
      { key: "azure-devops", issuer: ADO.issuer, subject: ADO.subject },
    ]);
  });

  test("GIVEN two branches whose names slug alike WHEN subjects are derived THEN their keys differ", () => {
    const a = parse({ github: { repository: "contoso/ciam", branches: ["a/b", "a-b"] } }).automation!;
    expect(automationSubjects(a).map((s) => s.key)).toEqual(["github-branch-a-b", "github-branch-a-b-2"]);
  });

  test("GIVEN branch and environment names of up to 255 characters WHEN subjects are derived THEN every credential name fits Entra's 120 and stays distinct, the subjects exact", () => {
    const long = (c: string) => `release/${c.repeat(247)}`;
    const a = { github: { repository: "contoso/ciam-tenant", branches: [long("a"), `${long("a").slice(0, 250)}b`], environments: ["e".repeat(255)], pullRequests: false } };
    const subjects = automationSubjects(a);
    for (const s of subjects) expect(s.key.length).toBeLessThanOrEqual(120);
    expect(new Set(subjects.map((s) => s.key)).size).toBe(3);
    expect(subjects.map((s) => s.subject)).toEqual([
      `repo:contoso/ciam-tenant:ref:refs/heads/${long("a")}`,
      `repo:contoso/ciam-tenant:ref:refs/heads/${long("a").slice(0, 250)}b`,
      `repo:contoso/ciam-tenant:environment:${"e".repeat(255)}`,
    ]);
  });
});

describe("automation config: errors", () => {
  test.each([
    ["an empty automation", {}, "automation", ["trusts no pipeline", "github: {repository, ...} and/or azureDevOps: {issuer, subject}"]],
    ["a repository without owner", { github: { repository: "ciam-tenant" } }, "automation.github.repository", ['"ciam-tenant" is not owner/name', "owner/name, e.g. contoso/ciam-tenant"]],
    ["a repository URL", { github: { repository: "https://github.com/contoso/ciam" } }, "automation.github.repository", ['"https://github.com/contoso/ciam" is not owner/name']],
    ["an owner with an underscore", { github: { repository: "con_toso/ciam" } }, "automation.github.repository", ['has an invalid owner "con_toso"']],
    ["a repository name with a space", { github: { repository: "contoso/my repo" } }, "automation.github.repository", ['has an invalid repository name "my repo"']],
    ["a wildcard branch", { github: { repository: "contoso/ciam", branches: ["release/*"] } }, "automation.github.branches[0]", ['"release/*" contains a wildcard', "without wildcards"]],
    ["a full ref", { github: { repository: "contoso/ciam", branches: ["refs/heads/main"] } }, "automation.github.branches[0]", ["starts with refs/", "a git branch name"]],
    ["a branch with ..", { github: { repository: "contoso/ciam", branches: ["a..b"] } }, "automation.github.branches[0]", ['"a..b" contains a character or sequence git does not allow']],
    ["an environment with a colon", { github: { repository: "contoso/ciam", environments: ["prod:eu"] } }, "automation.github.environments[0]", ['"prod:eu" contains :', "a GitHub environment name"]],
    ["pullRequests as a string", { github: { repository: "contoso/ciam", pullRequests: "yes" } }, "automation.github.pullRequests", ['"yes" is not a boolean']],
    ["an unknown GitHub key", { github: { repository: "contoso/ciam", branch: "main" } }, "automation.github.branch", ['"branch" is not a known key', "repository, branches, environments, pullRequests"]],
    ["an ADO issuer of another host", { azureDevOps: { ...ADO, issuer: "https://dev.azure.com/contoso" } }, "automation.azureDevOps.issuer", ['"https://dev.azure.com/contoso" is not an Azure DevOps workload identity issuer', "https://vstoken.dev.azure.com/<organization id GUID>"]],
    ["an ADO issuer without a GUID", { azureDevOps: { ...ADO, issuer: "https://vstoken.dev.azure.com/contoso" } }, "automation.azureDevOps.issuer", ["is not an Azure DevOps workload identity issuer"]],
    ["an ADO subject missing the connection", { azureDevOps: { ...ADO, subject: "sc://contoso/ciam" } }, "automation.azureDevOps.subject", ['"sc://contoso/ciam" is not an Azure DevOps service connection subject', "sc://<organization>/<project>/<service connection>"]],
    ["an ADO config without subject", { azureDevOps: { issuer: ADO.issuer } }, "automation.azureDevOps.subject", ["value is missing"]],
  ])("GIVEN %s WHEN parsed THEN exactly one problem at the path names the value and what is allowed", (_what, automation, at, fragments) => {
    const found = problems(automation);
    expect(found).toHaveLength(1);
    expect(found[0]!.startsWith(`${at}: `)).toBe(true);
    for (const f of fragments) expect(found[0]).toContain(f);
  });

  test("GIVEN 21 subjects WHEN parsed THEN the Entra limit of 20 federated credentials per app is reported", () => {
    const branches = Array.from({ length: 21 }, (_, i) => `b${i}`);
    expect(problems({ github: { repository: "contoso/ciam", branches } })).toEqual([
      "automation: 21 federated credentials would be needed; allowed: at most 20 branches + environments + pull requests + Azure DevOps per app",
    ]);
  });

  test("GIVEN a branch listed twice WHEN parsed THEN the duplicate subject is reported", () => {
    expect(problems({ github: { repository: "contoso/ciam", branches: ["main", "main"] } })).toEqual([
      'automation: "repo:contoso/ciam:ref:refs/heads/main" is listed twice; allowed: each branch and environment once',
    ]);
  });
});
