/**
 * Harness for running the project's real `index.ts` on the real Pulumi CLI against the Graph emulator.
 *
 * - The CLI comes from scripts/install-pulumi-cli.sh (a `pulumi` on PATH that is new enough, else one built from Go
 *   modules into .pulumi-cli/); `npm test` runs the installer first and passes its directory in CIAM_PULUMI_BIN.
 * - Each stack lives in a temp directory: a copy of the program files (node_modules symlinked), the stack config
 *   file, the local file backend and PULUMI_HOME. Nothing is written to the working tree.
 * - The CLI runs as a child process. It must never be run synchronously: the emulator answering its provider's
 *   requests lives in this process's event loop.
 * - Child processes reach the emulator over HTTPS and trust the test CA through NODE_EXTRA_CA_CERTS.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { Emulator } from "../emulator";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensurePulumiCli } = require("../support/pulumi-cli") as { ensurePulumiCli(env: NodeJS.ProcessEnv): string };

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT = "ciam-tenant";
export const STACK = "e2e";

/**
 * The directory holding `pulumi`, its Node.js language host and the dynamic-provider launcher. Runs the installer
 * when `npm test` has not (e.g. `npx jest tests/e2e`); it takes a second when the CLI is already there, and fails
 * loudly (never skips) when it cannot provide one.
 */
export function pulumiBinDir(): string {
  process.env.CIAM_PULUMI_BIN = ensurePulumiCli(process.env);
  return process.env.CIAM_PULUMI_BIN;
}

/** Top-level entries of the repository that are not part of the Pulumi program. */
const NOT_PROGRAM = new Set(["node_modules", "tests", "docs", "bench", "scripts", "coverage", "bin"]);

/**
 * Copies the Pulumi program (Pulumi.yaml, index.ts and every source folder it may import, branding files) into
 * `<dir>/project`, without stack config files, and links the repository's node_modules into it.
 */
export function copyProgram(dir: string): string {
  const project = path.join(dir, "project");
  fs.mkdirSync(project, { recursive: true });
  copyProgramFiles(REPO_ROOT, project);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  return project;
}

/** Whether a top-level entry of a checkout belongs to the Pulumi program (stack config files excluded). */
export function isProgramEntry(entry: string): boolean {
  return !(NOT_PROGRAM.has(entry) || entry.startsWith(".") || /^Pulumi\..+\.ya?ml$/.test(entry) || entry.endsWith(".tmp.ts"));
}

/** Copies the program's files of the checkout at `from` into `project` (replacing what is there). */
export function copyProgramFiles(from: string, project: string): void {
  for (const entry of fs.readdirSync(from)) {
    if (isProgramEntry(entry)) fs.cpSync(path.join(from, entry), path.join(project, entry), { recursive: true });
  }
}

export interface RunResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Exit codes that do not throw. @default [0] */
  okCodes?: number[];
  /** Kill the CLI and everything it started after this long. @default 10 minutes */
  timeoutMs?: number;
}

/** One stack of the project on the local file backend, with a passphrase secrets provider. */
export class EngineStack {
  readonly dir: string;
  readonly projectDir: string;
  readonly stateDir: string;
  readonly logFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** Passphrase of the stack's secrets provider. */
  readonly passphrase = `e2e-passphrase-${Math.random().toString(36).slice(2)}`;

  constructor(emu: Emulator, opts: { binDir?: string; projectDir?: string } = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-e2e-"));
    this.projectDir = opts.projectDir ?? copyProgram(this.dir);
    this.stateDir = path.join(this.dir, "state");
    this.logFile = path.join(this.dir, "engine.log");
    fs.mkdirSync(this.stateDir);
    const ca = process.env.NODE_EXTRA_CA_CERTS;
    if (!ca) throw new Error("NODE_EXTRA_CA_CERTS is not set: run the tests with `npm test` (tests/support/run-jest.js), which makes and trusts the test CA");
    const binDir = opts.binDir ?? pulumiBinDir();
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_") && !k.startsWith("AZURE_") && !k.startsWith("ARM_")));
    this.env = {
      ...inherited,
      ...emu.env(),
      PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      NODE_EXTRA_CA_CERTS: ca,
      PULUMI_HOME: path.join(this.dir, "home"),
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // The stack registers no azure-native/azuread resource (existing tenant and apps): no plugin is needed, and
      // none may be fetched.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
    };
  }

  get stackConfigFile(): string {
    return path.join(this.projectDir, `Pulumi.${STACK}.yaml`);
  }

  /** Runs `pulumi <args>` in the project directory; throws with the output unless the exit code is in okCodes. */
  async run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const child = this.start(args);
    const result = await this.wait(child, args, opts.timeoutMs ?? 10 * 60_000);
    const ok = opts.okCodes ?? [0];
    if (result.code === null || !ok.includes(result.code)) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code ?? result.signal}\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}\n(full log: ${this.keepLog()})`);
    }
    return result;
  }

  /** Starts `pulumi <args>` (stop it with {@link killTree}); output goes to the log file too. */
  start(args: string[]): ChildProcess & { output: { stdout: string; stderr: string } } {
    fs.appendFileSync(this.logFile, `\n$ pulumi ${args.join(" ")}\n`);
    const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: this.projectDir, env: this.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const output = { stdout: "", stderr: "" };
    child.stdout!.on("data", (d: Buffer) => {
      output.stdout += d.toString("utf8");
      fs.appendFileSync(this.logFile, d);
    });
    child.stderr!.on("data", (d: Buffer) => {
      output.stderr += d.toString("utf8");
      fs.appendFileSync(this.logFile, d);
    });
    return Object.assign(child, { output });
  }

  wait(child: ChildProcess & { output: { stdout: string; stderr: string } }, args: string[], timeoutMs: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        killTree(child);
        reject(new Error(`pulumi ${args.join(" ")} did not finish within ${timeoutMs} ms\n${tail(child.output.stdout)}\n${tail(child.output.stderr)}\n(full log: ${this.keepLog()})`));
      }, timeoutMs);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ args, code, signal, ...child.output });
      });
    });
  }

  /** `pulumi stack init` with the passphrase secrets provider (writes the stack file with its salt). */
  async init(): Promise<void> {
    await this.run(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
  }

  /**
   * Sets the `ciam-tenant:*` keys as structured YAML in the stack file, the way a user writes Pulumi.<stack>.yaml,
   * keeping everything else (salt, secrets, other namespaces).
   */
  writeConfig(config: Record<string, unknown>): void {
    const doc = (parse(fs.readFileSync(this.stackConfigFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const kept = Object.fromEntries(Object.entries(doc.config ?? {}).filter(([k]) => !k.startsWith(`${PROJECT}:`)));
    doc.config = { ...kept, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])) };
    fs.writeFileSync(this.stackConfigFile, stringify(doc));
  }

  /** `pulumi preview --json`: the steps the engine plans. */
  async preview(extra: string[] = [], opts: RunOptions = {}): Promise<PreviewResult> {
    const r = await this.run(["preview", "--json", ...extra], opts);
    return { ...r, json: JSON.parse(r.stdout) as PreviewJson };
  }

  /** `pulumi up --skip-preview --json`: the engine's events (one JSON object a line). */
  async up(extra: string[] = [], opts: RunOptions = {}): Promise<UpdateResult> {
    return withEvents(await this.run(["up", "--yes", "--skip-preview", "--json", ...extra], opts));
  }

  async refresh(extra: string[] = [], opts: RunOptions = {}): Promise<UpdateResult> {
    return withEvents(await this.run(["refresh", "--yes", "--skip-preview", "--json", ...extra], opts));
  }

  async destroy(extra: string[] = [], opts: RunOptions = {}): Promise<UpdateResult> {
    return withEvents(await this.run(["destroy", "--yes", "--skip-preview", "--json", ...extra], opts));
  }

  /** `pulumi stack export`: the deployment as the engine saved it. */
  async exportState(): Promise<Deployment> {
    const r = await this.run(["stack", "export"]);
    return (JSON.parse(r.stdout) as { deployment: Deployment }).deployment;
  }

  async outputs(): Promise<Record<string, unknown>> {
    const r = await this.run(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** Every file of the file backend (state, backups, history), concatenated: what lies on disk. */
  backendBytes(): string {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(fs.readFileSync(p, "utf8"));
      }
    };
    walk(this.stateDir);
    return out.join("\n");
  }

  /** Copies the log of every command so far to tests/.cache/e2e-logs (git-ignored), which outlives {@link dispose}. */
  keepLog(): string {
    const dir = path.join(REPO_ROOT, "tests", ".cache", "e2e-logs");
    fs.mkdirSync(dir, { recursive: true });
    const kept = path.join(dir, `${path.basename(this.dir)}.log`);
    fs.copyFileSync(this.logFile, kept);
    return kept;
  }

  /** Removes the temp directory (state included); call after the stack is destroyed. */
  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Kills the CLI and everything it started (language host, program, dynamic-provider processes), as a machine that
 * loses power would. A process-group kill is not enough: the engine starts plugins in process groups of their own,
 * so a provider would live on and finish its requests. The whole tree is frozen first, then killed.
 */
export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the last ")".
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const tree: number[] = [];
  const visit = (pid: number): void => {
    tree.push(pid);
    for (const c of parents.get(pid) ?? []) visit(c);
  };
  visit(child.pid);
  for (const sig of ["SIGSTOP", "SIGKILL"] as const) {
    for (const pid of tree) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  }
}

/** The end of an output, lines cut to a readable width; for `--json` output, the error diagnostics instead. */
function tail(s: string, lines = 40): string {
  const errors = s
    .split("\n")
    .filter((l) => l.startsWith("{") && l.includes('"diagnosticEvent"') && l.includes('"severity":"error"'))
    .map((l) => (JSON.parse(l) as { diagnosticEvent: { message: string } }).diagnosticEvent.message.trim());
  if (errors.length > 0) return errors.join("\n");
  return s
    .split("\n")
    .slice(-lines)
    .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l))
    .join("\n");
}

/** The parts of `pulumi preview --json` / `refresh --json` the tests read. */
export interface PreviewJson {
  steps?: { op: string; urn: string; diffReasons?: string[]; replaceReasons?: string[]; detailedDiff?: Record<string, unknown> }[];
  changeSummary?: Record<string, number>;
}
export interface PreviewResult extends RunResult {
  json: PreviewJson;
}

/** What an update (`up`, `refresh`, `destroy` with `--json --skip-preview`) reported, from its event stream. */
export interface UpdateResult extends RunResult {
  /** `resourceChanges` of the summary event, e.g. `{ same: 10, update: 1 }`. */
  changes: Record<string, number>;
  /** The final operation on each resource (`<urn>` → `same` / `create` / `update` / `replace` / `delete` / …). */
  ops: Map<string, string>;
}

interface EngineEvent {
  resOutputsEvent?: { metadata: { op: string; urn: string } };
  summaryEvent?: { resourceChanges?: Record<string, number>; result?: string };
}

function withEvents(r: RunResult): UpdateResult {
  const events = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as EngineEvent);
  const ops = new Map<string, string>();
  let changes: Record<string, number> | undefined;
  for (const e of events) {
    if (e.resOutputsEvent) ops.set(e.resOutputsEvent.metadata.urn, e.resOutputsEvent.metadata.op);
    if (e.summaryEvent) changes = e.summaryEvent.resourceChanges ?? {};
  }
  if (!changes) throw new Error(`pulumi ${r.args.join(" ")} printed no summary event:\n${tail(r.stdout)}`);
  return { ...r, changes, ops };
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
}
export interface Deployment {
  resources?: StateResource[];
  pending_operations?: { resource: StateResource; type: string }[];
  secrets_providers?: { type: string };
}
