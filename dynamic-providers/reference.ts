/**
 * What a dynamic resource stores as its provider: a reference to the providers package, not a copy of the code.
 *
 * Pulumi serializes a dynamic resource's provider into the resource's state (`__provider`) and runs that copy for
 * check, diff, create, update, read and delete. Code from the project is serialized by value — for this project,
 * the Graph client, the transport, the rule tables and the resource's own file, some 90 KB per resource type,
 * stored again in every resource, and most of the program's start-up went into producing those copies. Modules
 * under node_modules are serialized as `require("<package>")`, so this folder is also an npm workspace package,
 * `ciam-tenant-providers` (linked into the program's node_modules by `npm ci`), whose `dist/` is built from these
 * sources (by `npm ci`/`npm install` through the root `prepare` script, and again by the program whenever the
 * sources have changed since), and each resource stores only a small object whose methods load the provider from
 * there (`registry.ts`) and call it (written here, see {@link ReferencedResource}).
 *
 * What this asks of a user: keep the project's `node_modules` installed (`npm ci`) where `pulumi refresh` and
 * `pulumi destroy` run. State written before the package existed holds the whole provider and keeps working as
 * before; a resource's state takes the reference the next time the resource is updated.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ProviderError } from "./core";

/** The package name state refers to. Part of the state format: never renamed. */
export const PROVIDERS_PACKAGE = "ciam-tenant-providers";

/** Bumped when the build itself changes, so a package built the old way is rebuilt. */
const BUILD_FORMAT = 1;

/** This folder: the package and its sources. */
const SOURCE_DIR = __dirname;
/** Where the build goes, inside the package (git-ignored). */
const DIST = "dist";

const references = new Map<string, { readonly provider: object; readonly text: string }>();
let checkedPackage = false;

/**
 * A dynamic resource whose state holds a reference to its provider, not the provider's code: what
 * `pulumi.dynamic.Resource` registers (the type `pulumi-nodejs:dynamic/<module>:<type>`, served by Pulumi's
 * dynamic-provider process, and the `__provider` property that process loads), with `__provider` written here
 * instead of by the SDK's closure serializer. The serializer would copy the code of the project's modules by value
 * (some 90 KB per resource), and even for a small object it starts the V8 inspector and TypeScript on every
 * program run.
 */
export class ReferencedResource extends pulumi.CustomResource {
  /**
   * @param key the provider's key in `registry.ts`: `<module>:<type>` of the resource's type token
   * @param provider the implementation, which the registry must return for `key` (checked here, in the program)
   */
  constructor(key: string, provider: object, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    const [module, type] = key.split(":");
    super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, __provider: providerReference(key, provider) }, opts);
  }
}

/**
 * The `__provider` of a resource whose provider is `provider`: a small CommonJS module, in the form the
 * dynamic-provider process loads (`exports.handler()` returns the provider), whose methods load the provider from
 * the providers package by `key` and call it. One text per key.
 *
 * @param key the provider's key in `registry.ts`
 * @param provider the implementation, which the registry must return for `key`
 */
export function providerReference(key: string, provider: object): string {
  const known = references.get(key);
  if (known?.provider === provider) return known.text;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const registry: typeof import("./registry") = require("./registry");
  if (registry.providerFor(key) !== provider) {
    throw new ProviderError("ProvidersPackage", `registry.ts maps "${key}" to another provider than the resource that names it: fix the key in one of them`);
  }
  if (!checkedPackage) {
    ensureProvidersPackage({ packageDir: linkedPackageDir() });
    checkedPackage = true;
  }
  const methods = Object.entries(provider).filter(([, value]) => typeof value === "function").map(([name]) => name);
  const text = referenceModule(key, methods);
  references.set(key, { provider, text });
  return text;
}

/**
 * The package the dynamic-provider process will load: the one the project's node_modules links to (this folder,
 * unless the program runs from a copy that shares another checkout's node_modules).
 */
function linkedPackageDir(): string {
  const projectDir = path.dirname(SOURCE_DIR);
  try {
    return fs.realpathSync(path.dirname(require.resolve(`${PROVIDERS_PACKAGE}/package.json`, { paths: [projectDir] })));
  } catch {
    throw new ProviderError(
      "ProvidersPackage",
      `${PROVIDERS_PACKAGE} is not linked into ${path.join(projectDir, "node_modules")}, and every resource's state will load its provider from there: run npm ci in the project directory`,
    );
  }
}

/**
 * The module text stored in state. `require` resolves against the program's node_modules in the dynamic-provider
 * process (it runs in the project directory). The missing-package error carries the ProviderError name and code;
 * it cannot be a ProviderError, whose module is in the package that is missing. Written by hand, not from a
 * function's source, so that the text is the same whichever transpiler loaded this file.
 */
function referenceModule(key: string, methods: readonly string[]): string {
  const entries = methods.map((m) => `${JSON.stringify(m)}: (...args) => call(${JSON.stringify(m)}, args)`).join(", ");
  return [
    `"use strict";`,
    `const pkg = ${JSON.stringify(PROVIDERS_PACKAGE)}, key = ${JSON.stringify(key)};`,
    `function call(method, args) {`,
    `  let registry;`,
    `  try {`,
    `    registry = require(pkg);`,
    `  } catch (e) {`,
    `    if (!e || e.code !== "MODULE_NOT_FOUND" || !String(e.message).includes(pkg)) throw e;`,
    `    const missing = new Error(pkg + " is not in node_modules, and the stack's state runs its providers from there: run npm ci in the project, then retry");`,
    `    missing.name = "ProviderError";`,
    `    missing.code = "ProvidersPackage";`,
    `    throw missing;`,
    `  }`,
    `  const provider = registry.providerFor(key);`,
    `  return provider[method].apply(provider, args);`,
    `}`,
    `exports.handler = () => ({ ${entries} });`,
    ``,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// The package: dist/ built from this folder, rebuilt when the sources change
// ---------------------------------------------------------------------------------------------------------------

/** Every `.ts` file of the package's sources, relative to `sourceDir`, sorted. */
function sourceFiles(sourceDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(dir === sourceDir && (entry.name === DIST || entry.name === "node_modules"))) walk(p);
      }
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path.relative(sourceDir, p));
    }
  };
  walk(sourceDir);
  return out.sort();
}

/** What the package is built from: the sources, the build format and the compiler that transpiles them. */
function sourceHash(sourceDir: string, files: readonly string[], compilerVersion: string): string {
  const h = createHash("sha256").update(`format ${BUILD_FORMAT}\ntypescript ${compilerVersion}\n`);
  for (const f of files) h.update(`${f.split(path.sep).join("/")}\n`).update(fs.readFileSync(path.join(sourceDir, f))).update("\n");
  return h.digest("hex");
}

/** The hash a build records, or undefined when there is none (absent, unreadable). */
function builtHash(distDir: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(distDir, "build.json"), "utf8")) as { sourceHash?: string }).sourceHash;
  } catch {
    return undefined;
  }
}

/** Options of {@link ensureProvidersPackage}. */
export interface EnsurePackageOptions {
  /** The package directory (its sources, and `dist/` for the build). @default this folder */
  readonly packageDir?: string;
}

/**
 * Builds the providers package's `dist/` unless it is already built from exactly these sources. Cheap when it is
 * (hashing some 300 KB of sources); a build transpiles each file on its own (as ts-node does for the program) into
 * a fresh directory that then replaces the old one, so a concurrent run never sees a half-written package.
 *
 * The program checks the package its resources will load: the one its node_modules links to.
 *
 * @returns whether it built
 * @throws ProviderError (`ProvidersPackage`) when the package cannot be written
 */
export function ensureProvidersPackage(opts: EnsurePackageOptions = {}): boolean {
  const sourceDir = opts.packageDir ?? SOURCE_DIR;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts: typeof import("typescript") = require("typescript");
  const files = sourceFiles(sourceDir);
  const hash = sourceHash(sourceDir, files, ts.version);
  const target = path.join(sourceDir, DIST);
  if (builtHash(target) === hash) return false;
  let staging: string | undefined;
  try {
    staging = fs.mkdtempSync(path.join(sourceDir, `.${DIST}-`));
    fs.chmodSync(staging, 0o755);
    for (const f of files) {
      const source = fs.readFileSync(path.join(sourceDir, f), "utf8");
      const { outputText } = ts.transpileModule(source, {
        fileName: f,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          useDefineForClassFields: false,
          isolatedModules: true,
        },
      });
      const out = path.join(staging, f.replace(/\.ts$/, ".js"));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, outputText);
    }
    fs.writeFileSync(path.join(staging, "build.json"), `${JSON.stringify({ sourceHash: hash, files: files.length }, null, 2)}\n`);
    replaceDirectory(staging, target, hash);
    staging = undefined;
    return true;
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    throw new ProviderError("ProvidersPackage", `could not build the providers package into ${target}: ${(e as Error).message}`);
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Puts `staging` in place of `target`; a concurrent build that got there first with the same sources wins. */
function replaceDirectory(staging: string, target: string, hash: string): void {
  const retired = `${staging}.old`;
  let moved = false;
  try {
    fs.renameSync(target, retired);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    // Another run put its build there between the two renames: keep it if it is of the same sources.
    if (builtHash(target) !== hash) throw e;
    fs.rmSync(staging, { recursive: true, force: true });
  } finally {
    if (moved) fs.rmSync(retired, { recursive: true, force: true });
  }
}
