/**
 * loadStackConfig: reads the ciam-tenant namespace from the Pulumi runtime (structured keys as JSON), validates it
 * against the current directory and registers nothing.
 *
 * Does not prove: how the Pulumi CLI serializes a real stack file (the engine test does); here the runtime's
 * config map is set directly, in the same JSON form.
 */
import * as path from "node:path";
import { filledExampleStackText } from "../support/example-stack";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { ConfigValidationError, loadStackConfig, parseStackConfig } from "../../config/schema";

const repoRoot = path.resolve(__dirname, "..", "..");
const registered: string[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type}::${args.name}`);
        throw new Error(`unexpected resource ${args.type} ${args.name}`);
      },
      call: (args) => {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "ciam-tenant",
    "dev",
  );
});

/** The example stack's config as the Pulumi runtime holds it: structured values as JSON strings. */
function exampleRuntimeConfig(): Record<string, string> {
  const doc = parseYaml(filledExampleStackText()) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

describe("loadStackConfig", () => {
  let cwd: string;
  beforeEach(() => {
    cwd = process.cwd();
    process.chdir(repoRoot);
    registered.length = 0;
  });
  afterEach(() => process.chdir(cwd));

  test("GIVEN the example stack's config WHEN loaded THEN it equals parseStackConfig of the same values and registers nothing", () => {
    const runtime = exampleRuntimeConfig();
    pulumi.runtime.setAllConfig(runtime);
    const loaded = loadStackConfig();
    const raw = Object.fromEntries(Object.entries(runtime).map(([k, v]) => [k.replace(/^ciam-tenant:/, ""), k.endsWith(":lifecycle") ? v : JSON.parse(v)]));
    expect(loaded).toEqual(parseStackConfig(raw, { projectDir: repoRoot }));
    expect(loaded.tenant.authority).toBe("https://contosociamdev.ciamlogin.com/");
    expect(registered).toEqual([]);
  });

  test("GIVEN an unknown key and a non-JSON structured key in the namespace WHEN loaded THEN both are reported, other namespaces ignored", () => {
    const runtime = exampleRuntimeConfig();
    pulumi.runtime.setAllConfig({
      ...runtime,
      "ciam-tenant:userflows": "[]",
      "ciam-tenant:graph": "fast",
      "azure-native:location": "westeurope",
    });
    let caught: unknown;
    try {
      loadStackConfig();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).problems).toEqual([
      'graph: "fast" is not an object; allowed: an object with keys retryDeadlineSeconds, replicationWaitSeconds, maxConcurrentRequests',
      'userflows: "userflows" is not a known key; allowed: tenant, apps, customAttributes, identityProviders, userFlows, branding, endpoints, graph, lifecycle, readiness, teardown, automation',
    ]);
    expect(registered).toEqual([]);
  });
});
