/**
 * The stack file an ephemeral pipeline run writes (pipelines/ephemeral-stack.ts from pipelines/stacks/ephemeral.yaml):
 * it passes the project's own config validation, points at the test tenant in existing-tenant mode, suffixes every
 * display name the run creates and changes nothing else; bad options are refused before anything is written.
 *
 * What this does not prove: that the test tenant and its automation identity exist, or that the stack deploys
 * (that is the pipeline's own run against Azure).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { parseStackConfig } from "../../config/schema";
import { ephemeralStackFile, ephemeralOptionProblems, main } from "../../pipelines/ephemeral-stack";
import { REPO_ROOT } from "./linters";

const TEMPLATE = fs.readFileSync(path.join(REPO_ROOT, "pipelines", "stacks", "ephemeral.yaml"), "utf8");
const OPTIONS = { tenantId: "3F2504E0-4F89-41D3-9A0C-0305E82C3301", subdomain: "contosociamtest", suffix: "4711-2" };
const NS = "ciam-tenant:";

/** The `ciam-tenant:*` keys of a stack file, without the namespace, as parseStackConfig takes them. */
function rawConfig(text: string): Record<string, unknown> {
  const config = (parse(text) as { config: Record<string, unknown> }).config;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.startsWith(NS) ? k.slice(NS.length) : k, v]));
}

describe("ephemeralStackFile", () => {
  test("GIVEN the repository's template WHEN filled for a run THEN the project's config schema accepts it", () => {
    const config = parseStackConfig(rawConfig(ephemeralStackFile(TEMPLATE, OPTIONS)), { projectDir: REPO_ROOT });
    expect(config.lifecycle).toBe("ephemeral");
    expect(config.tenant).toMatchObject({ kind: "existing", tenantId: OPTIONS.tenantId.toLowerCase(), subdomain: "contosociamtest" });
    expect(config.apps.map((a) => ("displayName" in a ? a.displayName : undefined))).toEqual(["ciam-ci-spa-4711-2"]);
    expect(config.userFlows.map((f) => f.displayName)).toEqual(["CiSignUpSignIn-4711-2"]);
    // Tenant-wide names would collide between runs and people: the template has none.
    expect(config.customAttributes).toEqual([]);
  });

  test("WHEN filled THEN only the tenant, the lifecycle and the display names differ from the template", () => {
    const template = rawConfig(TEMPLATE);
    const filled = rawConfig(ephemeralStackFile(TEMPLATE, OPTIONS));
    expect(Object.keys(filled).sort()).toEqual(Object.keys(template).sort());
    const strip = (c: Record<string, unknown>): Record<string, unknown> => {
      const { tenant: _t, lifecycle: _l, ...rest } = c;
      return JSON.parse(JSON.stringify(rest, (k, v: unknown) => (k === "displayName" ? undefined : v))) as Record<string, unknown>;
    };
    expect(strip(filled)).toEqual(strip(template));
    expect(filled.tenant).toEqual({ existing: { tenantId: OPTIONS.tenantId.toLowerCase(), subdomain: "contosociamtest" } });
  });

  test("GIVEN a template that creates a tenant WHEN filled THEN the run still only uses the existing test tenant", () => {
    const creating = TEMPLATE.replace(/ {2}ciam-tenant:tenant:\n(?: {4}.*\n)+/, "  ciam-tenant:tenant:\n    create: { subdomain: x }\n");
    expect(creating).not.toBe(TEMPLATE);
    expect(rawConfig(ephemeralStackFile(creating, OPTIONS)).tenant).toEqual({ existing: { tenantId: OPTIONS.tenantId.toLowerCase(), subdomain: "contosociamtest" } });
  });

  test("GIVEN three bad options THEN all three are named at once and nothing is produced", () => {
    const bad = { tenantId: "not-a-guid", subdomain: "contoso.onmicrosoft.com", suffix: "Run 7" };
    expect(ephemeralOptionProblems(bad)).toEqual([
      'tenant id: "not-a-guid" is not a GUID; allowed: the test tenant\'s directory id',
      'subdomain: "contoso.onmicrosoft.com" is not 1-26 letters/digits; allowed: the test tenant\'s initial subdomain',
      "suffix: \"Run 7\" is not allowed; allowed: 1-30 lower-case letters, digits and '-', starting with a letter or digit",
    ]);
    expect(() => ephemeralStackFile(TEMPLATE, bad)).toThrow(/not a GUID[\s\S]*letters\/digits[\s\S]*suffix/);
  });
});

test("GIVEN the all-zero placeholder as tenant id THEN it is refused with the command that finds the real one", () => {
  const nil = { ...OPTIONS, tenantId: "00000000-0000-0000-0000-000000000000" };
  expect(ephemeralOptionProblems(nil)).toEqual([expect.stringMatching(/^tenant id: "0{8}-.*all-zero placeholder.*az account show --query tenantId/)]);
  expect(() => ephemeralStackFile(TEMPLATE, nil)).toThrow(/all-zero placeholder/);
});

describe("ephemeral-stack CLI", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-ephemeral-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const args = ["--stack", "ci-4711-2", "--tenant-id", OPTIONS.tenantId, "--subdomain", OPTIONS.subdomain, "--suffix", OPTIONS.suffix];

  test("WHEN run THEN it writes Pulumi.<stack>.yaml in the project directory and nothing else", () => {
    const written = main(args, dir);
    expect(written).toBe(path.join(dir, "Pulumi.ci-4711-2.yaml"));
    expect(fs.readdirSync(dir)).toEqual(["Pulumi.ci-4711-2.yaml"]);
    expect(fs.readFileSync(written, "utf8")).toBe(ephemeralStackFile(TEMPLATE, OPTIONS));
  });

  test("GIVEN the stack file exists THEN it is left untouched and the run fails", () => {
    fs.writeFileSync(path.join(dir, "Pulumi.ci-4711-2.yaml"), "config: {}\n");
    expect(() => main(args, dir)).toThrow(/exists already/);
    expect(fs.readFileSync(path.join(dir, "Pulumi.ci-4711-2.yaml"), "utf8")).toBe("config: {}\n");
  });

  test("GIVEN a missing option or a bad stack name THEN it says which", () => {
    expect(() => main(args.slice(0, 6), dir)).toThrow("missing --suffix <value>");
    expect(() => main(["--stack", "ci/../x", ...args.slice(2)], dir)).toThrow(/--stack: "ci\/\.\.\/x" is not a valid stack name/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
