/**
 * The real linters the pipeline tests run, installed by the project's own scripts (never skipped: a missing linter
 * is a failed test with the installer's message). actionlint is built from the Go module proxy on first use
 * (scripts/install-actionlint.sh, pinned by scripts/actionlint/go.sum); ShellCheck comes from the system or Debian's
 * package (scripts/install-shellcheck.sh).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** How long a first build of actionlint may take on a cold module cache (2 cores). */
export const INSTALL_TIMEOUT_MS = 8 * 60_000;

function install(script: string): string {
  const res = spawnSync("bash", [path.join(REPO_ROOT, "scripts", script)], { cwd: REPO_ROOT, encoding: "utf8", timeout: INSTALL_TIMEOUT_MS });
  const out = res.stdout.trim().split("\n").pop() ?? "";
  if (res.status !== 0 || !out || !fs.existsSync(out)) {
    throw new Error(`scripts/${script} failed (exit ${res.status ?? res.signal}):\n${res.stderr}${res.error ? `\n${res.error.message}` : ""}`);
  }
  return out;
}

let actionlintPath: string | undefined;
let shellcheckPath: string | undefined;

/** Path of the pinned actionlint binary, built if needed. @throws Error with the installer's output */
export function actionlint(): string {
  return (actionlintPath ??= install("install-actionlint.sh"));
}

/** Path of shellcheck, installed if needed. @throws Error with the installer's output */
export function shellcheck(): string {
  return (shellcheckPath ??= install("install-shellcheck.sh"));
}

export interface LintResult {
  readonly status: number | null;
  /** One finding per line (`file:line:col: message [rule]`). */
  readonly findings: string[];
}

/**
 * Runs actionlint in `dir` (which must hold `.github/workflows`), with ShellCheck always on — passed explicitly so a
 * missing ShellCheck can never silently switch that check off — and pyflakes off (no Python steps here).
 */
export function runActionlint(dir: string, files: readonly string[] = []): LintResult {
  const res = spawnSync(actionlint(), ["-no-color", "-oneline", `-shellcheck=${shellcheck()}`, "-pyflakes=", ...files], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (res.error) throw res.error;
  const findings = `${res.stdout}${res.stderr}`.split("\n").filter((l) => l.trim() !== "");
  return { status: res.status, findings };
}

/** Runs ShellCheck on one bash script given as text. */
export function runShellcheck(script: string): LintResult {
  const res = spawnSync(shellcheck(), ["--shell=bash", "--format=gcc", "-"], { input: script, encoding: "utf8", timeout: 60_000 });
  if (res.error) throw res.error;
  return { status: res.status, findings: res.stdout.split("\n").filter((l) => l.trim() !== "") };
}

/**
 * A throw-away git repository with a copy of the repository's `.github` and `pipelines` folders (for mutated
 * copies). It is a git repository because actionlint finds the project, and so its local actions, by `.git`.
 */
export function copyOfPipelineTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-pipelines-"));
  for (const sub of [".github", "pipelines"]) fs.cpSync(path.join(REPO_ROOT, sub), path.join(dir, sub), { recursive: true });
  const git = spawnSync("git", ["init", "-q", dir], { encoding: "utf8" });
  if (git.status !== 0) throw new Error(`git init failed: ${git.stderr}`);
  return dir;
}

/** Workflow files of the repository, relative to the root. */
export function workflowFiles(root: string = REPO_ROOT): string[] {
  const dir = path.join(root, ".github", "workflows");
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(".github", "workflows", f));
}

/**
 * Scratch copies for one test file: `copy()` a fresh tree, `mutated(rel, from, to)` a tree in which one file has
 * `from` replaced by `to` (throwing if `from` is not there, so a mutation can never silently test nothing), and
 * `cleanup()` for afterAll.
 */
export function scratchCopies() {
  const dirs: string[] = [];
  const copy = (): string => {
    const dir = copyOfPipelineTree();
    dirs.push(dir);
    return dir;
  };
  return {
    copy,
    mutated(rel: string, from: string, to: string): string {
      const dir = copy();
      const file = path.join(dir, rel);
      const text = fs.readFileSync(file, "utf8");
      if (!text.includes(from)) throw new Error(`${rel} does not contain ${JSON.stringify(from)}: the mutation would test nothing`);
      fs.writeFileSync(file, text.replace(from, to));
      return dir;
    },
    cleanup(): void {
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
