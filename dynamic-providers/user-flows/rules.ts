/**
 * The user-flow family's rule table: user flows, their attribute settings and the custom attributes, read by the
 * config schema (`userFlows[]`, `customAttributes[]`) and by the UserFlow and UserFlowAttribute providers' `check`,
 * so both say the same thing about the same value.
 *
 * Config and provider name two of these differently (config `signUpAllowed` / `attributes[].attribute`, provider
 * `isSignUpAllowed` / `attributes[].id`, as Graph does); the rule is the same.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/externalusersselfservicesignupeventsflow
 * @see https://learn.microsoft.com/en-us/graph/api/resources/identityuserflowattribute
 */
import { Rule, lengthAllowed, lengthProblem } from "../core";

function nonBlank(max: number): Rule {
  return {
    type: "string",
    allowed: `${lengthAllowed(max, 1)}, not only spaces`,
    problem: (v: string) => lengthProblem(v, 1, max) ?? (v.trim() === "" ? "is only spaces" : undefined),
    examples: { valid: ["Sign up and sign in", "a".repeat(max)], invalid: ["", "   ", "a".repeat(max + 1)] },
  };
}

function optionalText(max: number): Rule {
  return {
    type: "string",
    allowed: lengthAllowed(max),
    problem: (v: string) => lengthProblem(v, 0, max),
    examples: { valid: ["", "Shoe size in EU units"], invalid: ["a".repeat(max + 1)] },
  };
}

const flag: Rule = {
  type: "boolean",
  allowed: "true or false (a YAML boolean, not a quoted string)",
  examples: { valid: [true, false], invalid: ["true", 0] },
};

/** Rules of a user flow. */
export const USER_FLOW_RULES = {
  /** Unique in the tenant (checked across flows by the config and by Graph). */
  displayName: nonBlank(256),
  signUpAllowed: flag,
  /** A flow needs a way to sign in: at least one identity provider. */
  identityProviders: {
    type: "list",
    allowed: "a list of at least one identity provider",
    problem: (v: unknown[]) => (v.length === 0 ? "is empty" : undefined),
    examples: { valid: [["emailPassword"]], invalid: [[]] },
  },
  /** Graph refuses an attribute collection without attributes; the config default is email and displayName. */
  attributes: {
    type: "list",
    allowed: "a list of at least one attribute (leave the key out for email and displayName)",
    problem: (v: unknown[]) => (v.length === 0 ? "is empty" : undefined),
    examples: { valid: [[{ attribute: "email" }]], invalid: [[]] },
  },
} as const satisfies Readonly<Record<string, Rule>>;

/** Rules of one attribute setting of a flow. */
export const FLOW_ATTRIBUTE_RULES = {
  required: flag,
  hidden: {
    type: "boolean",
    allowed: "hidden: false, or required: false",
    problem: (v: boolean, parent: Readonly<Record<string, unknown>>) =>
      v && parent.required === true ? "with required: true can never be filled in, so sign-up could not complete" : undefined,
    examples: { valid: [false], invalid: [true], parent: { required: true } },
  },
  label: nonBlank(256),
} as const satisfies Readonly<Record<string, Rule>>;

/** Letters and digits, starting with a letter: the name becomes part of the `extension_<appId>_<name>` id. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9]{0,99}$/;

export const CUSTOM_ATTRIBUTE_DATA_TYPES = ["string", "boolean", "int64"] as const;

/** Rules of a custom user-flow attribute (config `customAttributes[]`, provider UserFlowAttribute). */
export const CUSTOM_ATTRIBUTE_RULES = {
  name: {
    type: "string",
    allowed: "a name matching ^[A-Za-z][A-Za-z0-9]{0,99}$ (letters and digits, starting with a letter)",
    problem: (v: string) => (ATTRIBUTE_NAME.test(v) ? undefined : "is not a valid attribute name"),
    examples: { valid: ["shoeSize", "Loyalty2"], invalid: ["shoe size", "2fa", "shoe_size", "", "a".repeat(101)] },
  },
  dataType: {
    type: "string",
    allowed: CUSTOM_ATTRIBUTE_DATA_TYPES.join(", "),
    problem: (v: string) => ((CUSTOM_ATTRIBUTE_DATA_TYPES as readonly string[]).includes(v) ? undefined : "is not a valid dataType"),
    examples: { valid: ["string", "int64"], invalid: ["int", "String"] },
  },
  description: optionalText(1024),
} as const satisfies Readonly<Record<string, Rule>>;
