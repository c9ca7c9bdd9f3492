/**
 * The config's one message style: every problem is one line, `<path>: <value> <what is wrong>; allowed: <what is
 * allowed>`, and all of them are reported at once in one {@link ConfigValidationError}.
 */
import type { z } from "zod";
import { describeProblem } from "../dynamic-providers/core";

/** The Pulumi config namespace of every key (the project name). */
export const CONFIG_NAMESPACE = "ciam-tenant";

/** Thrown by `parseStackConfig`; `problems` holds every problem as `<path>: <message>`. */
export class ConfigValidationError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `Stack configuration (namespace "${CONFIG_NAMESPACE}") has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigValidationError";
    this.problems = problems;
  }
}

/** The one message helper (shared with the providers' `check`): `<value> <what is wrong>; allowed: <what is allowed>`. */
export { describeProblem };

/** Renders a path as `userFlows[0].apps[1]` (keys that are not plain names as `["a b"]`). */
export function formatConfigPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "string" && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out || "(config)";
}

/**
 * YAML's own readings of a value meant as text, and how to write it instead: an unquoted `#F0F4F8` is a comment (so
 * the key is null), an unquoted `0123` the number 123, an unquoted `yes` or `on` a boolean in some parsers.
 */
function yamlHint(input: unknown, noun: string): string {
  if (input === null) return ` (quote it: a bare # starts a YAML comment, so an unquoted "#..." value reads as empty)`;
  if (noun === "a string" && typeof input === "number") return ` (quote it: YAML reads unquoted digits as a number and drops leading zeros)`;
  if (noun === "a string" && typeof input === "boolean") return ` (quote it: YAML reads unquoted true/false/yes/no as a boolean)`;
  return "";
}

/** The message for a value of the wrong type (or a missing one), with YAML's usual misreadings explained. */
export function typeProblem(input: unknown, noun: string, allowed: string): string {
  if (input === undefined) return describeProblem(undefined, "is missing", allowed);
  return describeProblem(input, `is not ${noun}${yamlHint(input, noun)}`, allowed);
}

export type Ctx = z.RefinementCtx;

/** Adds one problem at `pathSegments` (relative to the value being refined). */
export function report(ctx: Ctx, pathSegments: PropertyKey[], value: unknown, what: string, allowed: string): void {
  ctx.addIssue({ code: "custom", path: pathSegments, input: value, message: describeProblem(value, what, allowed) });
}

/** zod issues as the lines of a {@link ConfigValidationError}; an unknown key is one line per key. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push(`${formatConfigPath([...issue.path, key])}: ${describeProblem(key, "is not a known key", issue.message)}`);
    } else {
      out.push(`${formatConfigPath(issue.path)}: ${issue.message}`);
    }
  }
  return out;
}

/** Fallback only: every schema has its own error map, which takes precedence. */
export function fallbackError(iss: z.core.$ZodRawIssue): string {
  return describeProblem(iss.input, `is invalid (${iss.code})`, "see the Stack configuration section of docs/design.md");
}
