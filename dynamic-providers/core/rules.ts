/**
 * The shared vocabulary of validation: one message shape, one way of counting text, and the rule type that the
 * families' rule tables (branding/rules.ts, user-flows/rules.ts) are written in.
 *
 * A rule is written once and read by two layers: the config schema (its section in config/), which checks the stack file
 * before anything is registered, and the dynamic provider's `check`, which checks the resource inputs the engine
 * sends (the last line of defence for programs that use the providers directly). Both print the same text:
 * `<path>: <value> <what is wrong>; allowed: <what is allowed>`.
 *
 * Pure functions and constants only: providers stay serializable by value, so nothing here holds an SDK object
 * or reads anything at load time.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Renders a value for a message: JSON, cut at 80 characters; a missing value reads "value". */
export function showValue(value: unknown): string {
  if (value === undefined) return "value";
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

/**
 * The one message helper: `<value> <what is wrong>; allowed: <what is allowed>`. A missing value shows as
 * `value is missing`.
 */
export function describeProblem(value: unknown, what: string, allowed: string): string {
  return `${showValue(value)} ${what}; allowed: ${allowed}`;
}

/**
 * The length Graph's limits are applied to. Graph is a .NET service and its documented limits ("up to 1024
 * characters") are read here as .NET string lengths, that is UTF-16 code units — the strict reading, since an emoji
 * or other character outside the Basic Multilingual Plane is two units but one character (unverified against live
 * Entra; docs/design.md "Unverified Entra rules").
 */
export function textLength(v: string): number {
  return v.length;
}

/** "is N characters long", saying how they were counted when that differs from what a reader would count. */
export function lengthProblem(v: string, min: number, max: number): string | undefined {
  const n = textLength(v);
  if (n >= min && n <= max) return undefined;
  const codePoints = [...v].length;
  return codePoints === n ? `is ${n} characters long` : `is ${n} UTF-16 code units long (${codePoints} characters; characters outside the Basic Multilingual Plane, such as emoji, count twice)`;
}

/** The "allowed" text of a length limit. */
export function lengthAllowed(max: number, min = 0): string {
  const range = min > 0 ? `${min}-${max}` : `at most ${max}`;
  return `a string of ${range} characters (counted in UTF-16 code units, as Graph does: an emoji counts as 2)`;
}

/** The JSON type a rule's value must have before its own check runs. */
export type RuleType = "string" | "boolean" | "list" | "object";

/**
 * One validation rule, the same for the config schema and the provider's `check`.
 *
 * - `type`: the value's JSON type; each layer reports a wrong type in its own terms (the config adds YAML hints).
 * - `problem`: what is wrong with a value of that type (or `undefined`); `parent` is the object holding the value,
 *   for rules that depend on a sibling (a hidden attribute that is also required).
 * - `examples`: values the rule accepts and refuses, read by the test that proves both layers agree on every rule.
 */
export interface Rule {
  readonly type: RuleType;
  readonly allowed: string;
  readonly problem?: (value: never, parent: Readonly<Record<string, unknown>>) => string | undefined;
  readonly examples: { readonly valid: readonly unknown[]; readonly invalid: readonly unknown[]; readonly parent?: Readonly<Record<string, unknown>> };
  /** For a string rule that allows a fixed set: those strings (its `problem` refuses every other); the config types the value as their union. */
  readonly values?: readonly string[];
}

const TYPE_NOUN: Readonly<Record<RuleType, string>> = { string: "a string", boolean: "a boolean", list: "a list", object: "an object" };

/** The noun of a rule's type, as messages print it ("a string"). */
export function typeNoun(type: RuleType): string {
  return TYPE_NOUN[type];
}

/** True when the value has the rule's JSON type. */
export function hasRuleType(type: RuleType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "list":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
  }
}

/** What is wrong with a value of the right type under a rule (its `problem`), or `undefined`. */
export function ruleValueProblem(rule: Rule, value: unknown, parent: Readonly<Record<string, unknown>> = {}): string | undefined {
  return rule.problem ? (rule.problem as (v: unknown, p: Readonly<Record<string, unknown>>) => string | undefined)(value, parent) : undefined;
}

/** The full message for a value under a rule (`<value> <what>; allowed: …`), or `undefined` when it is valid. */
export function ruleMessage(rule: Rule, value: unknown, parent: Readonly<Record<string, unknown>> = {}): string | undefined {
  if (value === undefined) return describeProblem(undefined, "is missing", rule.allowed);
  if (!hasRuleType(rule.type, value)) return describeProblem(value, `is not ${typeNoun(rule.type)}`, rule.allowed);
  const what = ruleValueProblem(rule, value, parent);
  return what === undefined ? undefined : describeProblem(value, what, rule.allowed);
}

/**
 * A provider check failure under a rule, worded as the config words it: `<property>: <value> <what>; allowed: …`.
 * `isUnknown` skips values still unknown during preview (they are checked again at update time).
 */
export function ruleFailures(
  property: string,
  rule: Rule,
  value: unknown,
  isUnknown: (v: unknown) => boolean,
  parent: Readonly<Record<string, unknown>> = {},
): pulumi.dynamic.CheckFailure[] {
  if (isUnknown(value)) return [];
  const message = ruleMessage(rule, value, parent);
  return message === undefined ? [] : [{ property, reason: `${property}: ${message}` }];
}
