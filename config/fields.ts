/**
 * Leaf builders of the config schema. Each carries its own "allowed" text, so every message says what is allowed,
 * and the family rule tables plug in through {@link stringRule} and {@link ruleField}, so the config and the
 * providers' `check` say the same thing about the same value.
 */
import { z } from "zod";
import { NIL_GUID, Rule, httpsUrlProblem, isGuid, lengthAllowed, lengthProblem, ruleValueProblem } from "../dynamic-providers/core";
import { describeProblem, report, typeProblem } from "./messages";

export { NIL_GUID };

/**
 * The read-only view of a parsed config value: what components receive. Types are derived from the schemas
 * (`z.output`) and frozen with this, so every shape is written once, in its schema.
 */
export type Frozen<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends readonly (infer U)[]
    ? readonly Frozen<U>[]
    : { readonly [K in keyof T]: Frozen<T[K]> };

/** A string, optionally checked by `problemOf` (returns what is wrong, or undefined). */
export function text(allowed: string, problemOf?: (v: string) => string | undefined) {
  const base = z.string({ error: (iss) => typeProblem(iss.input, "a string", allowed) });
  if (!problemOf) return base;
  return base.superRefine((v, ctx) => {
    const what = problemOf(v);
    if (what) report(ctx, [], v, what, allowed);
  });
}

const BOOLEAN_ALLOWED = "true or false (a YAML boolean, not a quoted string)";
export function bool(allowed = BOOLEAN_ALLOWED) {
  return z.boolean({ error: (iss) => typeProblem(iss.input, "a boolean", allowed) });
}

/** A string checked by a family rule table's rule: the same "what" and "allowed" as the provider's `check`. */
export function stringRule(rule: Rule) {
  return text(rule.allowed, (v) => ruleValueProblem(rule, v));
}

/** A boolean under a family rule (a type rule only: rules with a sibling condition are checked on their object). */
export function boolRule(rule: Rule) {
  return bool(rule.allowed);
}

/** The value type a rule admits: one of its `values`, a boolean, or a string. */
export type RuleValue<R> = R extends { readonly values: readonly (infer V)[] } ? V : R extends { readonly type: "boolean" } ? boolean : string;

/**
 * A string or boolean field under a family rule, typed by what the rule admits (a rule with `values` gives their
 * union). The rule's own check is what makes the narrower type true.
 */
export function ruleField<R extends Rule>(rule: R): z.ZodType<RuleValue<R>> {
  return (rule.type === "boolean" ? boolRule(rule) : stringRule(rule)) as unknown as z.ZodType<RuleValue<R>>;
}

/** Adds a family rule's value check to a list schema (the list's items keep their own schema). */
export function listRule<T extends z.ZodType>(schema: T, rule: Rule) {
  return schema.superRefine((v, ctx) => {
    const what = ruleValueProblem(rule, v);
    if (what) report(ctx, [], v, what, rule.allowed);
  });
}

export function int(min: number, max: number) {
  const allowed = `an integer from ${min} to ${max}`;
  return z.number({ error: (iss) => typeProblem(iss.input, "a number", allowed) }).superRefine((v, ctx) => {
    if (!Number.isInteger(v) || v < min || v > max) report(ctx, [], v, "is out of range", allowed);
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, noun: string, reason?: string) {
  const allowed = values.join(", ") + (reason ? ` (${reason})` : "");
  return z.enum(values, {
    error: (iss) => (typeof iss.input === "string" ? describeProblem(iss.input, `is not a valid ${noun}`, allowed) : typeProblem(iss.input, "a string", allowed)),
  });
}

/**
 * A strict object. Unknown keys are reported one per key by the formatter (`formatIssues`), which reads the
 * allowed-key list from the message this error map gives the `unrecognized_keys` issue.
 */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? keys : typeProblem(iss.input, "an object", `an object with keys ${keys}`)),
  });
}

export function list<T extends z.ZodType>(item: T, allowed: string, min = 0) {
  return z.array(item, { error: (iss) => typeProblem(iss.input, "a list", allowed) }).superRefine((v, ctx) => {
    if (v.length < min) report(ctx, [], v, `has ${v.length} item${v.length === 1 ? "" : "s"}`, `${allowed}, at least ${min}`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Value rules shared by several sections
// ---------------------------------------------------------------------------------------------------------------

const KEY = /^[a-z][a-z0-9-]{0,39}$/;
/** A value still to be filled in, as the example stack writes it: `<your-subscription-id>`. */
const PLACEHOLDER = /^<[^<>]*>$/;

/**
 * Where each GUID key's real value comes from: the placeholder messages name the command, so the first run of the
 * unchanged example file says what to fill in rather than failing later at a token request.
 */
export const GUID_SOURCES = {
  subscriptionId: "the subscription's id: az account show --query id -o tsv",
  homeTenantId: "the id of the tenant that subscription belongs to: az account show --query tenantId -o tsv",
  tenantId:
    "the external tenant's id: az login --tenant <subdomain>.onmicrosoft.com --allow-no-subscriptions, then az account show --query tenantId -o tsv",
  clientId: 'the app\'s client (application) id: az ad app list --display-name "<app name>" --query "[].appId" -o tsv',
} as const;

/** What is wrong with a value that is still a placeholder (the all-zero GUID or `<...>`), or `undefined`. */
export function placeholderProblem(v: string): string | undefined {
  if (v === NIL_GUID) return "is the all-zero placeholder GUID, not a real id";
  if (PLACEHOLDER.test(v)) return "is a placeholder still to be filled in";
  return undefined;
}

/** A GUID, lower-cased; the messages say where the real value comes from. */
export const guid = (source: keyof typeof GUID_SOURCES) => {
  const allowed = `a GUID (8-4-4-4-12 hex digits): ${GUID_SOURCES[source]}`;
  return text(allowed, (v) => placeholderProblem(v) ?? (isGuid(v) ? undefined : "is not a GUID")).transform((v) => v.toLowerCase());
};

/** A logical key that names child resources: `[a-z][a-z0-9-]{0,39}`. */
export const logicalKey = (noun: string) =>
  text(`${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun} key matching [a-z][a-z0-9-]{0,39} (lower-case letter first, then lower-case letters, digits, -)`, (v) =>
    KEY.test(v) ? undefined : `is not a valid ${noun} key`,
  );

/** A string of bounded length, counted as Graph counts (UTF-16 code units; the message says so when it matters). */
export const boundedText = (max: number, min = 0) => text(lengthAllowed(max, min), (v) => lengthProblem(v, min, max));

/** An https origin (no path, query, fragment or credentials), normalized to its origin. */
export const httpsOrigin = () =>
  text("an https:// origin without a path, e.g. https://graph.microsoft.com", (v) => httpsUrlProblem(v, { origin: true })).transform((v) => new URL(v).origin);

// ---------------------------------------------------------------------------------------------------------------
// Defensive readers of a partially parsed value (refinements and cross-references run even when a child failed)
// ---------------------------------------------------------------------------------------------------------------

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
export function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : [];
}
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
