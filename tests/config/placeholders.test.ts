/**
 * Placeholders and YAML slips: what a first run of the unchanged example file, or a hand-edited one, meets before any
 * API call. Pure: parseStackConfig only.
 */
import { parse as parseYaml } from "yaml";
import { ConfigValidationError, NIL_GUID, parseStackConfig } from "../../config/schema";
import { REPO_ROOT, exampleStackText, filledExampleStackText } from "../support/example-stack";

function rawOf(text: string): Record<string, unknown> {
  const doc = parseYaml(text) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^ciam-tenant:/, ""), v]));
}

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw, { projectDir: REPO_ROOT });
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.problems];
    throw e;
  }
  throw new Error("the config was accepted");
}

const filled = () => rawOf(filledExampleStackText()) as any;

describe("placeholders", () => {
  test("GIVEN the shipped Pulumi.dev.yaml unchanged WHEN parsed THEN exactly the keys still to fill in are listed, each with the command that finds it", () => {
    const problems = problemsOf(rawOf(exampleStackText()));
    expect(problems).toEqual([
      expect.stringMatching(/^tenant\.create\.subscriptionId: "<your-subscription-id>" is a placeholder still to be filled in; .*az account show --query id -o tsv$/),
      expect.stringMatching(/^tenant\.create\.homeTenantId: "<your-home-tenant-id>" is a placeholder still to be filled in; .*az account show --query tenantId -o tsv$/),
    ]);
  });

  test("GIVEN the nil GUID in every GUID key WHEN parsed THEN each is refused as a placeholder, and no message offers the nil GUID as an example", () => {
    const create = filled();
    create.tenant.create.subscriptionId = NIL_GUID;
    create.tenant.create.homeTenantId = NIL_GUID;
    create.apps.push({ key: "legacy", existing: { clientId: NIL_GUID } });
    const createProblems = problemsOf(create);
    expect(createProblems.filter((p) => p.includes("all-zero placeholder GUID")).map((p) => p.split(":")[0])).toEqual([
      "tenant.create.subscriptionId",
      "tenant.create.homeTenantId",
      `apps[${create.apps.length - 1}].existing.clientId`,
    ]);

    const existing = filled();
    existing.tenant = { existing: { tenantId: NIL_GUID, subdomain: "contosociamdev" } };
    existing.automation = {
      azureDevOps: { issuer: `https://vstoken.dev.azure.com/${NIL_GUID}`, subject: "sc://contoso/ciam/ciam-prod" },
    };
    const existingProblems = problemsOf(existing);
    expect(existingProblems).toContainEqual(expect.stringMatching(/^tenant\.existing\.tenantId: .* all-zero placeholder GUID.*az account show --query tenantId/));
    expect(existingProblems).toContainEqual(expect.stringMatching(/^automation\.azureDevOps\.issuer: .*all-zero placeholder GUID/));
    // The message quotes the user's value once; the allowed text never suggests the nil GUID.
    for (const p of [...createProblems, ...existingProblems]) expect(p.split("; allowed:")[1] ?? "").not.toContain(NIL_GUID);
  });

  test("GIVEN real GUIDs in upper case WHEN parsed THEN they are accepted and lower-cased", () => {
    const raw = filled();
    raw.tenant.create.subscriptionId = "3F2B8C1E-7D4A-4C55-9E61-0A1B2C3D4E5F";
    const config = parseStackConfig(raw, { projectDir: REPO_ROOT });
    expect(config.tenant.kind === "create" && config.tenant.subscriptionId).toBe("3f2b8c1e-7d4a-4c55-9e61-0a1b2c3d4e5f");
  });
});

describe("YAML slips", () => {
  test("GIVEN an unquoted #RRGGBB colour (a YAML comment, so null) WHEN parsed THEN the message says to quote it", () => {
    const text = filledExampleStackText().replace(/backgroundColor: "?#[0-9A-Fa-f]{6}"?/, "backgroundColor: #F0F4F8");
    expect(text).toContain("backgroundColor: #F0F4F8");
    const problems = problemsOf(rawOf(text));
    expect(problems).toEqual([expect.stringMatching(/backgroundColor: null is not a string \(quote it: a bare # starts a YAML comment/)]);
  });

  test("GIVEN subdomain: 0123 (read as a number) WHEN parsed THEN the message says to quote it", () => {
    const raw = filled();
    raw.tenant.create.subdomain = parseYaml("v: 0123").v;
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^tenant\.create\.subdomain: 123 is not a string \(quote it: YAML reads unquoted digits as a number/)]);
  });

  test("GIVEN a broken apps value WHEN parsed THEN only apps is reported, not every flow's app reference", () => {
    const raw = filled();
    raw.apps = "spa";
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^apps: "spa" is not a list/);
  });

  test("GIVEN a usable apps list WHEN a flow names an unknown app THEN that reference is still reported", () => {
    const raw = filled();
    raw.userFlows[0].apps = ["nope"];
    expect(problemsOf(raw)).toContainEqual(expect.stringMatching(/^userFlows\[0\]\.apps\[0\]: "nope" is not a configured app key/));
  });
});
