/**
 * A structural check of the Azure DevOps pipelines in pipelines/, scoped to the YAML this project uses.
 *
 * Why not a real validator: Azure DevOps validates pipeline YAML only on the service (the "Validate" button, or
 * the pipeline preview REST API), and its JSON schema ships only inside the VS Code extension, not in any package
 * this machine can install (the npm packages azure-pipelines-language-server/-service carry no schema). So this
 * checks, offline, exactly what these pipelines rely on, from the YAML schema reference
 * (https://learn.microsoft.com/en-us/azure/devops/pipelines/yaml-schema/) and the task references:
 *  - the YAML parses, with no duplicate key;
 *  - every mapping uses only keys the schema defines at that place (pipeline, stage, job, deployment job,
 *    runOnce strategy, step kinds, parameters, variables, triggers, schedules);
 *  - each template exists, receives only the parameters it declares and every one without a default, with the
 *    declared type; every `${{ parameters.x }}` names a declared parameter;
 *  - each task is a known task at a pinned major version with known inputs, its required inputs and allowed values
 *    (AzureCLI@2, UseNode@1), and a script path it names exists;
 *  - conditions use known functions with balanced parentheses;
 *  - every job has a timeout, and every deployment job an environment;
 *  - every bash script, with its templates expanded, passes ShellCheck (in the test, which runs ShellCheck).
 * What it cannot see: whether Azure DevOps accepts the run (service connections, variable groups, environments,
 * permissions), and any schema rule outside this list.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isSeq, parseDocument } from "yaml";

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keys the YAML schema reference allows, per place (only the places these pipelines use). */
const KEYS = {
  pipeline: ["name", "appendCommitMessageToRunName", "trigger", "pr", "schedules", "parameters", "variables", "lockBehavior", "pool", "resources", "stages", "jobs", "steps", "extends"],
  template: ["parameters", "variables", "steps", "jobs", "stages"],
  triggerObject: ["batch", "branches", "paths", "tags"],
  prObject: ["autoCancel", "branches", "paths", "drafts"],
  includeExclude: ["include", "exclude"],
  schedule: ["cron", "displayName", "branches", "batch", "always"],
  parameter: ["name", "displayName", "type", "default", "values"],
  pool: ["name", "demands", "vmImage"],
  stage: ["stage", "displayName", "pool", "dependsOn", "condition", "variables", "jobs", "lockBehavior", "trigger", "isSkippable", "templateContext"],
  job: ["job", "displayName", "dependsOn", "condition", "continueOnError", "timeoutInMinutes", "cancelTimeoutInMinutes", "variables", "strategy", "pool", "container", "services", "workspace", "uses", "steps", "templateContext"],
  deployment: ["deployment", "displayName", "dependsOn", "condition", "continueOnError", "container", "services", "timeoutInMinutes", "cancelTimeoutInMinutes", "variables", "environment", "strategy", "workspace", "uses", "pool", "templateContext"],
  runOnce: ["preDeploy", "deploy", "routeTraffic", "postRouteTraffic", "on"],
  lifecycleHook: ["steps", "pool"],
  stepCommon: ["displayName", "name", "condition", "continueOnError", "enabled", "env", "timeoutInMinutes", "retryCountOnTaskFailure", "target"],
  task: ["task", "inputs"],
  script: ["script", "workingDirectory", "failOnStderr"],
  bash: ["bash", "workingDirectory", "failOnStderr"],
  checkout: ["checkout", "clean", "fetchDepth", "fetchFilter", "fetchTags", "lfs", "persistCredentials", "submodules", "path", "sparseCheckoutDirectories", "sparseCheckoutPatterns", "workspaceRepo"],
  templateStep: ["template", "parameters"],
} as const;

const PARAMETER_TYPES = ["string", "number", "boolean", "object", "step", "stepList", "job", "jobList", "deployment", "deploymentList", "stage", "stageList"];
const LOCK_BEHAVIORS = ["sequential", "runLatest"];

/** Inputs of the tasks these pipelines use, from each task's reference page: name → required?, allowed values. */
interface TaskInput {
  readonly required?: boolean | ((inputs: Rec) => boolean);
  readonly values?: readonly string[];
  /** The input names a file in the repository. */
  readonly file?: boolean;
}
const TASKS: Readonly<Record<string, Readonly<Record<string, TaskInput>>>> = {
  // https://learn.microsoft.com/en-us/azure/devops/pipelines/tasks/reference/azure-cli-v2
  "AzureCLI@2": {
    azureSubscription: { required: true },
    scriptType: { required: true, values: ["ps", "pscore", "batch", "bash"] },
    scriptLocation: { values: ["inlineScript", "scriptPath"] },
    scriptPath: { required: (i) => (i.scriptLocation ?? "scriptPath") === "scriptPath", file: true },
    inlineScript: { required: (i) => i.scriptLocation === "inlineScript" },
    arguments: {},
    powerShellErrorActionPreference: {},
    addSpnToEnvironment: {},
    useGlobalConfig: {},
    workingDirectory: {},
    failOnStandardError: {},
    powerShellIgnoreLASTEXITCODE: {},
    visibleAzLogin: {},
    keepAzSessionActive: {},
  },
  // https://learn.microsoft.com/en-us/azure/devops/pipelines/tasks/reference/use-node-v1
  "UseNode@1": { version: {}, checkLatest: {}, force32bit: {}, retryCountOnDownloadFails: {}, delayBetweenRetries: {} },
};

/** Functions of the condition/expression language used in conditions. */
const FUNCTIONS = new Set(["and", "or", "not", "xor", "eq", "ne", "gt", "ge", "lt", "le", "in", "notIn", "contains", "containsValue", "startsWith", "endsWith", "format", "coalesce", "join", "lower", "upper", "replace", "split", "length", "convertToJson", "counter", "always", "succeeded", "failed", "canceled", "succeededOrFailed", "variables", "dependencies", "stageDependencies"]);

/** One bash script as it will run, with templates expanded; for ShellCheck. */
export interface ScriptOccurrence {
  readonly where: string;
  readonly script: string;
}

export interface CheckResult {
  readonly problems: string[];
  readonly scripts: ScriptOccurrence[];
  /** Every file checked (the pipeline and the templates it reached), relative to the root. */
  readonly files: string[];
}

class Checker {
  readonly problems: string[] = [];
  readonly scripts: ScriptOccurrence[] = [];
  readonly files = new Set<string>();

  constructor(private readonly root: string) {}

  private problem(where: string, message: string): void {
    this.problems.push(`${where}: ${message}`);
  }

  private keys(where: string, value: unknown, allowed: readonly string[]): value is Rec {
    if (!isRec(value)) {
      this.problem(where, `is ${JSON.stringify(value)}, expected a mapping`);
      return false;
    }
    for (const k of Object.keys(value)) if (!allowed.includes(k)) this.problem(`${where}.${k}`, `is not a key the schema allows here; allowed: ${allowed.join(", ")}`);
    return true;
  }

  private list(where: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) {
      this.problem(where, `is ${JSON.stringify(value)}, expected a list`);
      return [];
    }
    return value;
  }

  /** Reads a YAML file; duplicate keys and syntax errors are problems. Returns the parsed value and its raw text. */
  private load(rel: string): { value: unknown; text: string } | undefined {
    const file = path.join(this.root, rel);
    if (!fs.existsSync(file)) {
      this.problem(rel, "does not exist");
      return undefined;
    }
    this.files.add(rel);
    const text = fs.readFileSync(file, "utf8");
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    for (const e of doc.errors) this.problem(rel, `YAML: ${e.message.split("\n")[0]}`);
    if (doc.errors.length > 0 || !(isMap(doc.contents) || isSeq(doc.contents))) return undefined;
    return { value: doc.toJS(), text };
  }

  /** Declared parameters of a file, with `${{ parameters.x }}` references checked against them. */
  private parameters(rel: string, value: Rec, text: string): Map<string, Rec> {
    const declared = new Map<string, Rec>();
    this.list(`${rel}: parameters`, value.parameters ?? []).forEach((p, i) => {
      const where = `${rel}: parameters[${i}]`;
      if (!this.keys(where, p, KEYS.parameter)) return;
      if (typeof p.name !== "string") return this.problem(where, "has no name");
      if (p.type !== undefined && !PARAMETER_TYPES.includes(String(p.type))) this.problem(`${where}.type`, `"${String(p.type)}" is not a parameter type; allowed: ${PARAMETER_TYPES.join(", ")}`);
      declared.set(p.name, p);
    });
    for (const m of text.matchAll(/\$\{\{\s*parameters\.([A-Za-z_][\w]*)/g)) {
      if (!declared.has(m[1]!)) this.problem(rel, `\${{ parameters.${m[1]} }} names no declared parameter`);
    }
    return declared;
  }

  private condition(where: string, value: unknown): void {
    if (typeof value !== "string") return this.problem(where, "is not a string");
    if (/\$\{\{/.test(value)) return; // expanded by the template that receives it
    let depth = 0;
    for (const ch of value) {
      depth += ch === "(" ? 1 : ch === ")" ? -1 : 0;
      if (depth < 0) break;
    }
    if (depth !== 0) this.problem(where, `"${value}" has unbalanced parentheses`);
    for (const m of value.matchAll(/([A-Za-z_][\w]*)\s*\(/g)) if (!FUNCTIONS.has(m[1]!)) this.problem(where, `"${m[1]}" is not an expression function`);
  }

  /** Checks a pipeline file (entry point). */
  pipeline(rel: string): void {
    const loaded = this.load(rel);
    if (!loaded || !this.keys(rel, loaded.value, KEYS.pipeline)) return;
    const p = loaded.value;
    const params = this.parameters(rel, p, loaded.text);
    const values = new Map([...params].map(([k, v]) => [k, v.default]));
    this.triggers(rel, p);
    this.variables(`${rel}: variables`, p.variables);
    if (p.lockBehavior !== undefined && !LOCK_BEHAVIORS.includes(String(p.lockBehavior))) this.problem(`${rel}: lockBehavior`, `"${String(p.lockBehavior)}" is not allowed; allowed: ${LOCK_BEHAVIORS.join(", ")}`);
    if (p.pool !== undefined) this.keys(`${rel}: pool`, p.pool, KEYS.pool);
    this.list(`${rel}: stages`, p.stages).forEach((s, i) => this.stage(rel, `stages[${i}]`, s, values));
  }

  private triggers(rel: string, p: Rec): void {
    for (const [key, allowed] of [["trigger", KEYS.triggerObject], ["pr", KEYS.prObject]] as const) {
      const t = p[key];
      if (t === undefined || t === "none" || Array.isArray(t)) continue;
      if (this.keys(`${rel}: ${key}`, t, allowed) && t.branches !== undefined) this.keys(`${rel}: ${key}.branches`, t.branches, KEYS.includeExclude);
    }
    if (p.schedules !== undefined) {
      this.list(`${rel}: schedules`, p.schedules).forEach((s, i) => {
        const where = `${rel}: schedules[${i}]`;
        if (!this.keys(where, s, KEYS.schedule)) return;
        if (typeof s.cron !== "string" || s.cron.trim().split(/\s+/).length !== 5) this.problem(`${where}.cron`, `${JSON.stringify(s.cron)} is not a five-field cron expression`);
        if (s.branches !== undefined) this.keys(`${where}.branches`, s.branches, KEYS.includeExclude);
      });
    }
  }

  private variables(where: string, value: unknown): void {
    if (value === undefined) return;
    this.list(where, value).forEach((v, i) => {
      const w = `${where}[${i}]`;
      if (!isRec(v)) return this.problem(w, "is not a mapping");
      const allowed = "group" in v ? ["group"] : "template" in v ? ["template", "parameters"] : ["name", "value", "readonly"];
      this.keys(w, v, allowed);
    });
  }

  private stage(rel: string, where: string, s: unknown, params: Map<string, unknown>): void {
    const w = `${rel}: ${where}`;
    if (!this.keys(w, s, KEYS.stage)) return;
    if (s.condition !== undefined) this.condition(`${w}.condition`, s.condition);
    this.list(`${w}.jobs`, s.jobs).forEach((j, i) => this.job(rel, `${where}.jobs[${i}]`, j, params));
  }

  private job(rel: string, where: string, j: unknown, params: Map<string, unknown>): void {
    const w = `${rel}: ${where}`;
    const deployment = isRec(j) && "deployment" in j;
    if (!this.keys(w, j, deployment ? KEYS.deployment : KEYS.job)) return;
    if (typeof j.timeoutInMinutes !== "number") this.problem(w, "has no timeoutInMinutes (a hung run would hold the stack's lock for the default 60 minutes or more)");
    if (j.condition !== undefined) this.condition(`${w}.condition`, j.condition);
    if (!deployment) return this.steps(rel, `${where}.steps`, j.steps, params);
    if (typeof j.environment !== "string" || j.environment === "") this.problem(w, "is a deployment job without an environment");
    const strategy = j.strategy;
    if (!this.keys(`${w}.strategy`, strategy, ["runOnce"])) return;
    if (!this.keys(`${w}.strategy.runOnce`, strategy.runOnce, KEYS.runOnce)) return;
    const deploy = strategy.runOnce.deploy;
    if (this.keys(`${w}.strategy.runOnce.deploy`, deploy, KEYS.lifecycleHook)) this.steps(rel, `${where}.strategy.runOnce.deploy.steps`, deploy.steps, params);
  }

  private steps(rel: string, where: string, value: unknown, params: Map<string, unknown>): void {
    this.list(`${rel}: ${where}`, value).forEach((step, i) => this.step(rel, `${where}[${i}]`, step, params));
  }

  private step(rel: string, where: string, step: unknown, params: Map<string, unknown>): void {
    const w = `${rel}: ${where}`;
    if (!isRec(step)) return this.problem(w, "is not a mapping");
    const kind = (["task", "script", "bash", "checkout", "template"] as const).find((k) => k in step);
    if (!kind) return this.problem(w, `has none of task, script, bash, checkout, template`);
    if (kind === "template") {
      if (this.keys(w, step, KEYS.templateStep)) this.template(rel, w, step, params);
      return;
    }
    this.keys(w, step, [...KEYS.stepCommon, ...KEYS[kind]]);
    if (step.condition !== undefined) this.condition(`${w}.condition`, expand(String(step.condition), params));
    if (kind === "task") this.task(w, step);
    if (kind === "script" || kind === "bash") this.scripts.push({ where: w, script: expand(String(step[kind]), params) });
  }

  private task(w: string, step: Rec): void {
    const name = String(step.task);
    const inputsDef = TASKS[name];
    if (!inputsDef) return this.problem(`${w}.task`, `"${name}" is not a task these checks know; known: ${Object.keys(TASKS).join(", ")} (add its inputs from its reference page)`);
    const inputs = isRec(step.inputs) ? step.inputs : {};
    for (const [k, v] of Object.entries(inputs)) {
      const def = inputsDef[k];
      if (!def) {
        this.problem(`${w}.inputs.${k}`, `is not an input of ${name}; inputs: ${Object.keys(inputsDef).join(", ")}`);
        continue;
      }
      if (def.values && !def.values.includes(String(v))) this.problem(`${w}.inputs.${k}`, `"${String(v)}" is not allowed; allowed: ${def.values.join(", ")}`);
      if (def.file && typeof v === "string" && !/\$[({]/.test(v) && !fs.existsSync(path.join(this.root, v))) this.problem(`${w}.inputs.${k}`, `"${v}" does not exist in the repository`);
    }
    for (const [k, def] of Object.entries(inputsDef)) {
      const required = typeof def.required === "function" ? def.required(inputs) : def.required === true;
      if (required && inputs[k] === undefined) this.problem(`${w}.inputs`, `${name} requires input "${k}"`);
    }
  }

  /** A steps template: exists, gets exactly declared parameters with the declared types; its steps are checked expanded. */
  private template(rel: string, w: string, step: Rec, callerParams: Map<string, unknown>): void {
    const target = path.join(path.dirname(rel), String(step.template));
    const loaded = this.load(target);
    if (!loaded || !this.keys(target, loaded.value, KEYS.template)) return;
    const declared = this.parameters(target, loaded.value, loaded.text);
    const passed = isRec(step.parameters) ? step.parameters : {};
    const values = new Map<string, unknown>();
    for (const [k, v] of Object.entries(passed)) {
      const decl = declared.get(k);
      if (!decl) {
        this.problem(`${w}.parameters.${k}`, `is not a parameter of ${target}; declared: ${[...declared.keys()].join(", ")}`);
        continue;
      }
      const value = typeof v === "string" ? expand(v, callerParams) : v;
      const type = String(decl.type ?? "string");
      if (type === "number" && typeof value !== "number") this.problem(`${w}.parameters.${k}`, `${JSON.stringify(value)} is not a number`);
      if (type === "string" && typeof value !== "string") this.problem(`${w}.parameters.${k}`, `${JSON.stringify(value)} is not a string`);
      values.set(k, value);
    }
    for (const [k, decl] of declared) {
      if (values.has(k)) continue;
      if (!("default" in decl)) this.problem(w, `does not pass "${k}", which ${target} requires (no default)`);
      else values.set(k, decl.default);
    }
    this.steps(target, "steps", loaded.value.steps, values);
  }
}

/** `${{ parameters.x }}` replaced by the value in effect (compile-time template expansion). */
function expand(text: string, params: Map<string, unknown>): string {
  return text.replace(/\$\{\{\s*parameters\.([A-Za-z_][\w]*)\s*\}\}/g, (whole, name: string) => (params.has(name) ? String(params.get(name)) : whole));
}

/** Checks one pipeline file (relative to `root`) and every template it uses. */
export function checkAzurePipeline(root: string, rel: string): CheckResult {
  const c = new Checker(root);
  c.pipeline(rel);
  // A template used twice reports its own problems once.
  return { problems: [...new Set(c.problems)], scripts: c.scripts, files: [...c.files].sort() };
}

/**
 * A script as bash will receive it: Azure Pipelines replaces `$(Name)` macros before the script runs, so they are
 * placeholders here (ShellCheck would read them as command substitutions).
 */
export function scriptForShellcheck(script: string): string {
  return `#!/usr/bin/env bash\n${script.replace(/\$\(([A-Za-z_][\w.]*)\)/g, "ADO_MACRO_VALUE")}\n`;
}
