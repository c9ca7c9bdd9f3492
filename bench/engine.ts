/**
 * Engine benchmark (`npm run bench`; not part of the tests): this project on the real Pulumi CLI against the Graph
 * emulator, beside an empty Pulumi TypeScript program run in the same way, at three sizes (L locales, F user flows,
 * A apps linked to them). For each size:
 *   - the first `up` (wall time, Graph requests) and the minimal request count it is held to;
 *   - the state (`pulumi stack export`, bytes) and the median size of the resources' `__provider`;
 *   - the median wall time of a no-op `pulumi preview`, and its ratio to the empty program's.
 * Then the Graph requests by method of the smallest stack (preview, first up, no-op up, destroy), and where the
 * program's start-up goes (bench/startup.js). Prints the tables; `npm run bench -- --write-readme` also puts them
 * into the README between the `bench:start` and `bench:end` markers.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BRANDING_LOCALES } from "../dynamic-providers/branding/rules";
import { startEmulator, type Emulator } from "../tests/emulator";
import { EngineStack, REPO_ROOT, type Deployment } from "../tests/e2e/engine";
import { normalizePath, requestsByMethod } from "../tests/e2e/scenario";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES: readonly Size[] = [
  { locales: 0, flows: 1, apps: 1 },
  { locales: 10, flows: 3, apps: 5 },
  // 39: every browser language External ID documents for branding (the issue's 40 is one more than exist).
  { locales: Object.keys(BRANDING_LOCALES).length, flows: 5, apps: 10 },
];

interface Size {
  readonly locales: number;
  readonly flows: number;
  readonly apps: number;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed<T>(step: () => Promise<T>): Promise<number> {
  const started = process.hrtime.bigint();
  await step();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function medianPreview(stack: EngineStack): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(() => stack.run(["preview", "--expect-no-changes"])));
  return median(times);
}

/**
 * The empty program of the comparison: the same CLI, the same node_modules and tsconfig.json, and a program that
 * loads the SDK and reads one value, so the difference is this project's own cost.
 */
function emptyProgram(dir: string, name = "empty"): string {
  const project = path.join(dir, name);
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: empty-program\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n");
  fs.writeFileSync(path.join(project, "index.ts"), 'import * as pulumi from "@pulumi/pulumi";\n\nexport const project = pulumi.getProject();\n');
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "empty-program", private: true }));
  fs.copyFileSync(path.join(REPO_ROOT, "tsconfig.json"), path.join(project, "tsconfig.json"));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  return project;
}

/**
 * The floor of a stack with dynamic resources: the empty program plus `count` resources served by Pulumi's
 * dynamic-provider process (a second Node.js process that loads the Pulumi SDK), each with a one-line
 * `__provider` written by hand as this project's are, so that neither the closure serializer nor any provider
 * code is part of it: what the engine and the SDK cost before this project's code does anything.
 */
function dynamicResourcesProgram(dir: string, count: number): string {
  const project = emptyProgram(dir, `dynamic-resources-${count}`);
  fs.writeFileSync(
    path.join(project, "index.ts"),
    [
      'import * as pulumi from "@pulumi/pulumi";',
      "",
      'const provider = "exports.handler = () => ({ create: async () => ({ id: \\"one\\", outs: {} }), diff: async () => ({ changes: false }) });";',
      `for (let i = 0; i < ${count}; i++) new pulumi.CustomResource("pulumi-nodejs:dynamic:Resource", \`r\${i}\`, { __provider: provider });`,
      "export const project = pulumi.getProject();",
      "",
    ].join("\n"),
  );
  return project;
}

/** The stack config of one size: an existing tenant, A existing apps spread over F flows, L localizations. */
function sizedConfig(emu: Emulator, size: Size, appIds: readonly string[]) {
  const locales = Object.keys(BRANDING_LOCALES).slice(0, size.locales);
  const apps = appIds.map((clientId, i) => ({ key: `app-${i}`, existing: { clientId } }));
  const flows = Array.from({ length: size.flows }, (_, f) => ({
    key: `flow-${f}`,
    displayName: `SignUpSignIn${f}`,
    identityProviders: ["emailPassword"],
    apps: apps.filter((_, i) => i % size.flows === f).map((a) => a.key),
  }));
  return {
    tenant: { existing: { tenantId: emu.tenantId, subdomain: emu.options.subdomain } },
    apps,
    userFlows: flows,
    branding: {
      default: { backgroundColor: "#F0F4F8", signInPageText: "Welcome", images: { bannerLogo: "branding/banner.png" } },
      localizations: Object.fromEntries(locales.map((l) => [l, { signInPageText: `Welcome (${l})` }])),
    },
    endpoints: { graph: emu.url, authorityHost: emu.url },
    lifecycle: "ephemeral",
  };
}

/**
 * The fewest Graph requests a first `up` of this size can make, counted from what each step must ask:
 *   - per user flow, app link and localization: one lookup (create adopts an object that already exists with the
 *     same natural key, so it must look first) and one write;
 *   - creating the default branding: 6 under the emulator's default answer to the [inferred] PATCH of a missing
 *     default (404: look, PATCH, list the localizations, create one, PATCH the default it brought, delete the
 *     helper localization);
 *   - per image (here the default branding's banner): one lookup (an image already there with the same bytes is
 *     adopted unwritten) and one upload; and the readiness check's one Graph read.
 */
function minimalFirstUp(size: Size): number {
  return 2 * (size.flows + size.apps + size.locales) + 6 + 2 + 1;
}

/** `__provider` of every dynamic resource in the state, as stored (a secret: its ciphertext). */
function providerSizes(state: Deployment): number[] {
  return (state.resources ?? [])
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
    .map((r) => JSON.stringify(r.outputs?.__provider ?? r.inputs?.__provider ?? "").length);
}

interface SizeResult {
  size: Size;
  firstUpMs: number;
  firstUpRequests: number;
  providerMedian: number;
  providerMax: number;
  stateBytes: number;
  previewMs: number;
  byMethod?: Record<string, Record<string, number>>;
}

async function measureSize(size: Size, withMethods: boolean): Promise<SizeResult> {
  const emu = await startEmulator({ streamDelete: "supported" });
  const appIds = Array.from({ length: size.apps }, (_, i) => emu.store.addApplication({ displayName: `app-${i}`, withServicePrincipal: true }).appId);
  emu.store.settle();
  const stack = new EngineStack(emu);
  try {
    await stack.init();
    stack.writeConfig(sizedConfig(emu, size, appIds));
    const byMethod: Record<string, Record<string, number>> = {};
    const count = async (label: string, step: () => Promise<unknown>) => {
      emu.clearLog();
      const ms = await timed(step);
      byMethod[label] = requestsByMethod(emu);
      return ms;
    };
    await count("preview of a new stack", () => stack.preview());
    const firstUpMs = await count("first up", () => stack.up());
    const firstUpRequests = Object.values(byMethod["first up"]!).reduce((a, b) => a + b, 0);
    if (withMethods && process.argv.includes("--list-requests")) {
      console.log(`First up of ${size.locales}, ${size.flows}, ${size.apps}:\n${emu.requests.filter((r) => r.version !== null).map((r) => `  ${r.method} ${normalizePath(emu, r.path)} ${r.status}`).join("\n")}`);
    }
    await count("no-op up", () => stack.up(["--expect-no-changes"]));
    const state = await stack.exportState();
    const sizes = providerSizes(state);
    const stateBytes = Buffer.byteLength(JSON.stringify(state));
    const previewMs = await medianPreview(stack);
    await count("destroy", () => stack.destroy());
    return {
      size, firstUpMs, firstUpRequests, stateBytes, previewMs,
      providerMedian: median(sizes), providerMax: Math.max(...sizes),
      ...(withMethods ? { byMethod } : {}),
    };
  } finally {
    await emu.stop();
    stack.dispose();
  }
}

async function measureProgram(make: (dir: string) => string): Promise<number> {
  const emu = await startEmulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-bench-"));
  const stack = new EngineStack(emu, { projectDir: make(dir) });
  try {
    await stack.init();
    await stack.up();
    return await medianPreview(stack);
  } finally {
    await emu.stop();
    stack.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function startup(): string {
  const r = spawnSync(process.execPath, [path.join(__dirname, "startup.js")], { cwd: REPO_ROOT, encoding: "utf8" });
  // Only the table: the SDK's note about promises still pending at exit (the mocks never finish them), and the
  // exit code it sets for them, are not figures.
  const table = r.stdout.split("\n").filter((l) => l.startsWith("|"));
  if (!table.some((l) => l.startsWith("| total"))) throw new Error(`bench/startup.js failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return table.join("\n");
}

const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const startupTable = startup();
  const cli = spawnSync("pulumi", ["version"], { encoding: "utf8", env: { ...process.env, PATH: `${process.env.CIAM_PULUMI_BIN}${path.delimiter}${process.env.PATH}` } }).stdout.trim();
  // The empty program first and last: its median of both bounds the machine's drift during the run.
  const emptyBefore = await measureProgram((d) => emptyProgram(d));
  const oneDynamic = await measureProgram((d) => dynamicResourcesProgram(d, 1));
  // As many as the smallest stack registers dynamic resources (its components and the stack itself aside).
  const smallestCount = 7;
  const manyDynamic = await measureProgram((d) => dynamicResourcesProgram(d, smallestCount));
  const results: SizeResult[] = [];
  for (const [i, size] of SIZES.entries()) results.push(await measureSize(size, i === 0));
  const emptyAfter = await measureProgram((d) => emptyProgram(d));
  const empty = (emptyBefore + emptyAfter) / 2;

  const lines: string[] = [];
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg()[0]!.toFixed(1)}`;
  lines.push(`pulumi ${cli}, node ${process.version}, ${machine}; medians of ${RUNS} runs; file backend.`);
  lines.push("");
  lines.push(`Empty program (same CLI, node_modules and tsconfig.json, \`export const project = pulumi.getProject()\`): no-op preview ${s(emptyBefore)} before and ${s(emptyAfter)} after the project's runs.`);
  lines.push(
    `The same program with trivial dynamic resources (served by Pulumi's dynamic-provider process, a one-line \`__provider\` each), the floor of any stack with dynamic providers: ` +
      `one resource ${s(oneDynamic)} (${(oneDynamic / empty).toFixed(1)}×), ${smallestCount} resources ${s(manyDynamic)} (${(manyDynamic / empty).toFixed(1)}×).`,
  );
  lines.push("");
  lines.push("| L locales, F flows, A apps | `__provider` per resource (median / max) | state | no-op preview | ratio to empty | first up | Graph requests, first up (minimal) |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const r of results) {
    lines.push(
      `| ${r.size.locales}, ${r.size.flows}, ${r.size.apps} | ${kb(r.providerMedian)} / ${kb(r.providerMax)} | ${kb(r.stateBytes)} | ${s(r.previewMs)} | ${(r.previewMs / empty).toFixed(1)}× | ${s(r.firstUpMs)} | ${r.firstUpRequests} (${minimalFirstUp(r.size)}, ${(r.firstUpRequests / minimalFirstUp(r.size)).toFixed(2)}×) |`,
    );
  }
  lines.push("");
  lines.push(`Graph requests of the ${SIZES[0]!.locales}, ${SIZES[0]!.flows}, ${SIZES[0]!.apps} stack by method:`);
  lines.push("");
  lines.push("| step | requests |");
  lines.push("|---|---|");
  for (const [label, byMethod] of Object.entries(results[0]!.byMethod ?? {})) {
    const total = Object.values(byMethod).reduce((a, b) => a + b, 0);
    lines.push(`| ${label} | ${total}${total ? ` (${Object.entries(byMethod).sort().map(([m, n]) => `${m} ${n}`).join(", ")})` : ""} |`);
  }
  lines.push("");
  lines.push("Where the program's start-up goes (bench/startup.js, one process, this machine):");
  lines.push("");
  lines.push(startupTable);
  const table = lines.join("\n");
  console.log(`\n${table}\n`);

  if (process.argv.includes("--write-readme")) {
    const readme = path.join(REPO_ROOT, "README.md");
    const text = fs.readFileSync(readme, "utf8");
    const start = "<!-- bench:start -->";
    const end = "<!-- bench:end -->";
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} section to write the figures into`);
    fs.writeFileSync(readme, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
    console.log("README.md: figures written between the bench markers.");
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
