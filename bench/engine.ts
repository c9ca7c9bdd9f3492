/**
 * Engine benchmark (`npm run bench`; not part of the tests): the scenario of tests/e2e on the real Pulumi CLI
 * against the Graph emulator, measuring
 *   1. Graph requests by method for preview, first up, no-op up and destroy;
 *   2. wall time of `pulumi preview` of this project against an empty TypeScript program on the same CLI (median of
 *      several runs), with the project's ts-node setting (transpile only) and with type-checking forced back on.
 * Prints one table; the README's "Performance" section records a run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineStack, REPO_ROOT } from "../tests/e2e/engine";
import { requestsByMethod, startScenario } from "../tests/e2e/scenario";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timedPreviews(stack: EngineStack, env: Record<string, string> = {}): Promise<number> {
  Object.assign(stack.env, env);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await stack.run(["preview"]);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

/** An empty TypeScript Pulumi program: the CLI's and the Node.js runtime's own cost. */
function emptyProgram(dir: string): string {
  const project = path.join(dir, "empty");
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: empty-program\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n");
  fs.writeFileSync(path.join(project, "index.ts"), "export const nothing = 0;\n");
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "empty", private: true }));
  fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs" } }));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  return project;
}

async function main(): Promise<void> {
  const { emu, stack } = await startScenario({ streamDelete: "supported" });
  const rows: [string, string][] = [];
  const cli = `pulumi ${(await stack.run(["version"])).stdout.trim()}`;
  const count = async (label: string, step: () => Promise<unknown>) => {
    emu.clearLog();
    await step();
    const byMethod = requestsByMethod(emu);
    const total = Object.values(byMethod).reduce((a, b) => a + b, 0);
    rows.push([`Graph requests, ${label}`, `${total} (${Object.entries(byMethod).sort().map(([m, n]) => `${m} ${n}`).join(", ")})`]);
  };
  try {
    await count("preview of a new stack", () => stack.preview());
    await count("first up", () => stack.up());
    await count("no-op up", () => stack.up(["--expect-no-changes"]));

    const project = await timedPreviews(stack, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
    // What the project's ts-node setting saves: the same preview with type-checking on.
    const typeChecked = await timedPreviews(stack, { PULUMI_NODEJS_TRANSPILE_ONLY: "false" });
    delete stack.env.PULUMI_NODEJS_TRANSPILE_ONLY;

    const empty = new EngineStack(emu, { projectDir: emptyProgram(stack.dir) });
    await empty.init();
    const baseline = await timedPreviews(empty);

    await count("destroy", () => stack.destroy());

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    rows.push([`pulumi preview, empty TypeScript program (median of ${RUNS})`, s(baseline)]);
    rows.push([`pulumi preview, this project, no changes (median of ${RUNS})`, `${s(project)} (${(project / baseline).toFixed(1)}x the empty program)`]);
    rows.push([`pulumi preview, this project, type-checked by ts-node`, `${s(typeChecked)} (${(typeChecked / baseline).toFixed(1)}x)`]);
  } finally {
    await emu.stop();
    stack.dispose();
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nEngine benchmark (${cli}, node ${process.version}, ${require("node:os").cpus().length} CPUs)\n`);
  console.log(`| ${"measure".padEnd(width)} | result |`);
  console.log(`|${"-".repeat(width + 2)}|--------|`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
