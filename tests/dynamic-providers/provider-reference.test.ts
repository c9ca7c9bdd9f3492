/**
 * What a resource stores as its provider (dynamic-providers/reference.ts): a reference of under 2 KB that the
 * dynamic-provider host loads the way it loads any `__provider`, and that runs the provider from the package
 * linked into node_modules; and that package's build, redone exactly when its sources change.
 *
 * Does not prove: the engine side (that the host process finds the package from the program directory), which
 * tests/e2e runs on every engine test, and the upgrade of old state (tests/e2e/upgrade.test.ts).
 */
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ensureProvidersPackage, providerReference } from "../../dynamic-providers/reference";
import { PROVIDER_KEYS, providerFor } from "../../dynamic-providers/registry";
import { destroyGuardProvider } from "../../dynamic-providers/tenant/destroy-guard";
import { userFlowProvider } from "../../dynamic-providers/user-flows/user-flow";

const REPO = path.resolve(__dirname, "..", "..");
const CACHE = path.join(REPO, "tests", ".cache");

/** Loads code as the dynamic-provider host does (a plain Node module resolving from `dir`), outside jest's sandbox. */
function compile(code: string, dir: string): Record<string, unknown> {
  const file = path.join(dir, "serialized-provider.js");
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dir);
  (mod as unknown as { _compile(code: string, file: string): void })._compile(code, file);
  return mod.exports as Record<string, unknown>;
}

/** What the SDK would store for a provider (`pulumi.dynamic.Resource` serializes `() => provider` this way). */
async function serialized(provider: object): Promise<string> {
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

async function deserialized(text: string, dir: string): Promise<Record<string, (...args: unknown[]) => Promise<unknown>>> {
  return (compile(text, dir).handler as () => Record<string, (...args: unknown[]) => Promise<unknown>>)();
}

describe("the reference a resource stores", () => {
  beforeAll(() => {
    ensureProvidersPackage(); // as npm ci's prepare does
  });

  test("GIVEN the user-flow provider WHEN its reference is made THEN it is well under 4 KB and holds none of the provider's code", async () => {
    const text = providerReference("graph:UserFlow", userFlowProvider);
    const inline = await serialized(userFlowProvider);
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
    expect(inline.length).toBeGreaterThan(40 * text.length);
    for (const fragment of ["graph.microsoft", "Retry-After", "onAttributeCollection", "createHash"]) expect([fragment, text.includes(fragment)]).toEqual([fragment, false]);
    // The same text on every run: nothing in it depends on the transpiler, the machine or the time.
    expect(providerReference("graph:UserFlow", userFlowProvider)).toBe(text);
  });

  test("GIVEN a stored reference WHEN the host loads it from the project directory THEN it runs the provider from the package, with the same answers", async () => {
    const reference = await deserialized(providerReference("stack:DestroyGuard", destroyGuardProvider), REPO);
    expect(Object.keys(reference).sort()).toEqual(Object.keys(destroyGuardProvider).sort());
    const news = { lifecycle: "sideways", stack: "dev" };
    const viaReference = (await reference.check!({}, news)) as { failures: unknown[] };
    expect(viaReference).toEqual(await destroyGuardProvider.check!({} as never, news as never));
    expect(viaReference.failures).toHaveLength(1);
    // The package's own copy answered (jest's module registry never loaded it).
    const loaded = Object.keys((Module as unknown as { _cache: Record<string, unknown> })._cache);
    expect(loaded).toContain(path.join(REPO, "dynamic-providers", "dist", "tenant", "destroy-guard.js"));
  });

  test("GIVEN a stored reference WHEN the host runs it where the package is not installed THEN the error says so and what to run, and nothing else runs", async () => {
    const nowhere = fs.mkdtempSync(path.join(os.tmpdir(), "no-providers-"));
    try {
      const reference = await deserialized(providerReference("stack:DestroyGuard", destroyGuardProvider), nowhere);
      let thrown: unknown;
      try {
        await reference.delete!("dev", { lifecycle: "protected", stack: "dev", stateVersion: 1 });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ name: "ProviderError", code: "ProvidersPackage" });
      expect((thrown as Error).message).toMatch(/ciam-tenant-providers is not in node_modules.*run npm ci in the project/);
    } finally {
      fs.rmSync(nowhere, { recursive: true, force: true });
    }
  });

  test("GIVEN a key the registry maps to another provider WHEN a resource names it THEN the program fails before anything is serialized", () => {
    expect(() => providerReference("graph:UserFlow", destroyGuardProvider)).toThrow(/registry.ts maps "graph:UserFlow" to another provider/);
  });

  test("GIVEN every key state may name WHEN resolved THEN each gives a provider object with create", () => {
    expect(PROVIDER_KEYS.length).toBe(12);
    for (const key of PROVIDER_KEYS) expect([key, typeof providerFor(key).create]).toEqual([key, "function"]);
    expect(() => providerFor("graph:Nothing")).toThrow(/no provider "graph:Nothing".*written by another version/);
  });
});

describe("the providers package's build", () => {
  let work: string;
  let sources: string;

  beforeEach(() => {
    fs.mkdirSync(CACHE, { recursive: true });
    work = fs.mkdtempSync(path.join(CACHE, "providers-package-"));
    sources = path.join(work, "dynamic-providers");
    fs.cpSync(path.join(REPO, "dynamic-providers"), sources, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist`) });
  });

  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  test("GIVEN no build WHEN ensured THEN dist/ is built once, and not again while the sources stay the same", () => {
    expect(ensureProvidersPackage({ packageDir: sources })).toBe(true);
    expect(fs.existsSync(path.join(sources, "dist", "registry.js"))).toBe(true);
    expect(fs.existsSync(path.join(sources, "dist", "user-flows", "user-flow.js"))).toBe(true);
    expect(ensureProvidersPackage({ packageDir: sources })).toBe(false);
    // Nothing is left behind by the staging directory, and the build does not include itself.
    expect(fs.readdirSync(sources).filter((e) => e.startsWith(".") || e === "dist")).toEqual(["dist"]);
    expect(fs.existsSync(path.join(sources, "dist", "dist"))).toBe(false);
  });

  test("GIVEN a build WHEN a source file changes THEN the next run rebuilds it with the change", () => {
    ensureProvidersPackage({ packageDir: sources });
    const file = path.join(sources, "tenant", "destroy-guard.ts");
    fs.writeFileSync(file, `${fs.readFileSync(file, "utf8")}\nexport const MARKER = "rebuilt";\n`);
    expect(ensureProvidersPackage({ packageDir: sources })).toBe(true);
    expect(fs.readFileSync(path.join(sources, "dist", "tenant", "destroy-guard.js"), "utf8")).toContain('"rebuilt"');
  });
});
