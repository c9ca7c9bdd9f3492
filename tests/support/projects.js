/*
 * Which jest project each test file belongs to, read from what it imports (transitively, through local modules):
 *
 *   e2e       needs real tools beyond Node: the Pulumi CLI (tests/e2e/engine.ts, tests/support/pulumi-cli.js) or
 *             the pipeline linters it installs (tests/pipelines/linters.ts)
 *   emulator  needs the HTTPS Graph/login/ARM emulator (tests/emulator/index.ts) or the test CA (test-certs.js)
 *   program   runs the Pulumi program or its components under Pulumi mocks: no certificates and no CLI, but it loads
 *             the @pulumi/azure-native and @pulumi/azuread SDKs, which takes minutes on two cores
 *   unit      none of these: pure logic (config, rules, providers' pure parts, serialized code) — seconds
 *
 * Reading the imports, rather than keeping a list by hand, means a new test lands in the right lane by itself,
 * and a unit test that starts to reach the emulator moves to the slow lane instead of failing `npm run test:unit`
 * for want of certificates.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const TESTS = path.join(ROOT, "tests");

/**
 * What puts a test in a slower lane: a local module it reaches, or a package one of the reached modules imports.
 * The first project listed wins.
 */
const NEEDS = {
  e2e: ["tests/e2e/engine.ts", "tests/support/pulumi-cli.js", "tests/pipelines/linters.ts"],
  emulator: ["tests/emulator/index.ts", "tests/support/test-certs.js"],
  program: ["@pulumi/azure-native", "@pulumi/azuread"],
};

const PACKAGE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](@[^/"']+\/[^/"']+|[^./"'][^/"']*)/g;

/** The packages the given local modules import. */
function packagesOf(files) {
  const out = new Set();
  for (const f of files) for (const m of fs.readFileSync(f, "utf8").matchAll(PACKAGE_IMPORT)) out.add(m[1]);
  return out;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

function resolveLocal(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts"), path.join(base, "index.js")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Every local module a file reaches through relative imports (itself included). */
function reachable(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, "utf8");
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveLocal(file, m[1]);
    if (target && !target.includes(`${path.sep}node_modules${path.sep}`)) reachable(target, seen);
  }
  return seen;
}

/** The project a test file belongs to. */
function classify(file) {
  const reached = reachable(path.resolve(file));
  const packages = packagesOf(reached);
  for (const [project, markers] of Object.entries(NEEDS)) {
    const hit = markers.some((m) => (m.startsWith("@") ? packages.has(m) : reached.has(path.join(ROOT, m))));
    if (hit) return project;
  }
  return "unit";
}

function testFiles(dir = TESTS, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".cache" || entry.name === "node_modules" || entry.name === "fixtures") continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) testFiles(p, out);
    else if (entry.name.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

/** { unit: [...], program: [...], emulator: [...], e2e: [...] } of absolute paths. */
function projects() {
  const out = { unit: [], program: [], emulator: [], e2e: [] };
  for (const f of testFiles()) out[classify(f)].push(f);
  return out;
}

module.exports = { projects };
