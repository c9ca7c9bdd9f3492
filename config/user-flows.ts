/**
 * `customAttributes` and `userFlows`: the custom user attributes and the sign-up/sign-in user flows, checked by
 * the user-flow family's rule table (the same rules the providers' `check` applies).
 */
import type { z } from "zod";
import { CUSTOM_ATTRIBUTE_DATA_TYPES, CUSTOM_ATTRIBUTE_RULES, FLOW_ATTRIBUTE_RULES, USER_FLOW_RULES } from "../dynamic-providers/user-flows/rules";
import { type Frozen, bool, boolRule, isRecord, list, listRule, logicalKey, oneOf, strict, stringRule, text } from "./fields";
import { report } from "./messages";
import { ruleValueProblem } from "../dynamic-providers/core";

/** Sign-in methods a user flow can offer, by this project's names. */
export const IDENTITY_PROVIDER_KINDS = ["emailPassword", "emailOtp"] as const;
/** One of {@link IDENTITY_PROVIDER_KINDS}. */
export type IdentityProviderKind = (typeof IDENTITY_PROVIDER_KINDS)[number];

/** Whether a flow's sign-in method is a built-in one (else it names a configured identity provider). */
export function isBuiltInKind(name: string): name is IdentityProviderKind {
  return (IDENTITY_PROVIDER_KINDS as readonly string[]).includes(name);
}

/**
 * Graph ids of the built-in identity providers, by kind.
 * @see https://learn.microsoft.com/en-us/graph/api/onauthenticationmethodloadstartexternalusersselfservicesignup-post-identityproviders
 */
export const IDENTITY_PROVIDER_IDS: Readonly<Record<IdentityProviderKind, string>> = {
  emailPassword: "EmailPassword-OAUTH",
  emailOtp: "EmailOtpSignup-OAUTH",
};

/**
 * Built-in user attributes of external tenants (the flow attribute id is the user property name).
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/concept-user-attributes
 */
export const BUILT_IN_ATTRIBUTES = [
  "city",
  "country",
  "displayName",
  "email",
  "givenName",
  "jobTitle",
  "postalCode",
  "state",
  "streetAddress",
  "surname",
] as const;

/** Data types a custom user flow attribute can be created with. */
export { CUSTOM_ATTRIBUTE_DATA_TYPES };
/** One of {@link CUSTOM_ATTRIBUTE_DATA_TYPES}. */
export type CustomAttributeDataType = (typeof CUSTOM_ATTRIBUTE_DATA_TYPES)[number];

/**
 * A custom user flow attribute.
 * @see https://learn.microsoft.com/en-us/graph/api/identityuserflowattribute-post
 */
export const customAttributeSchema = strict({
  /** Name, `^[A-Za-z][A-Za-z0-9]{0,99}$`; Graph id `extension_<b2c-extensions-app>_<name>`. */
  name: stringRule(CUSTOM_ATTRIBUTE_RULES.name),
  /** Immutable in Graph: a change replaces the attribute. */
  dataType: oneOf(CUSTOM_ATTRIBUTE_DATA_TYPES, "dataType"),
  /** @default - no description */
  description: stringRule(CUSTOM_ATTRIBUTE_RULES.description).optional(),
});

/** One attribute collected by a user flow at sign-up. */
const flowAttributeSchema = strict({
  /** Built-in id (e.g. `email`) or a `customAttributes` name. */
  attribute: text("a built-in attribute id or a customAttributes name"),
  /** @default false */
  required: boolRule(FLOW_ATTRIBUTE_RULES.required).default(false),
  /** @default false */
  hidden: bool().default(false),
  /** Label shown on the sign-up page. @default - Graph's default label of the attribute */
  label: stringRule(FLOW_ATTRIBUTE_RULES.label).optional(),
}).superRefine(
  (a, ctx) => {
    if (!isRecord(a) || typeof a.hidden !== "boolean") return;
    const what = ruleValueProblem(FLOW_ATTRIBUTE_RULES.hidden, a.hidden, a);
    if (what) report(ctx, ["hidden"], a.hidden, what, FLOW_ATTRIBUTE_RULES.hidden.allowed);
  },
  { when: () => true },
);

const DEFAULT_FLOW_ATTRIBUTES = [
  { attribute: "email", required: true, hidden: false },
  { attribute: "displayName", required: false, hidden: false },
];

/**
 * A sign-up/sign-in user flow (`externalUsersSelfServiceSignUpEventsFlow`).
 * @see https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-authenticationeventsflows
 */
export const userFlowSchema = strict({
  /** Logical key, `[a-z][a-z0-9-]{0,39}`, unique. */
  key: logicalKey("user flow"),
  /** Unique in the tenant (case-insensitive). */
  displayName: stringRule(USER_FLOW_RULES.displayName),
  /** `onInteractiveAuthFlowStart.isSignUpAllowed`. @default true */
  signUpAllowed: boolRule(USER_FLOW_RULES.signUpAllowed).default(true),
  /** Sign-in methods, non-empty, no duplicates: `emailPassword`, `emailOtp` or keys of `identityProviders`. */
  identityProviders: listRule(
    list(text(`${IDENTITY_PROVIDER_KINDS.join(", ")} or an identityProviders key`), `identity providers (${IDENTITY_PROVIDER_KINDS.join(", ")} or identityProviders keys)`),
    USER_FLOW_RULES.identityProviders,
  ),
  /** Attributes collected at sign-up. @default email (required) + displayName (optional) */
  attributes: listRule(list(flowAttributeSchema, "attributes"), USER_FLOW_RULES.attributes).default(DEFAULT_FLOW_ATTRIBUTES),
  /** Keys of the apps linked to this flow (each app links to one flow only). @default - no app linked */
  apps: list(text("a configured app key"), "app keys").default([]),
});

/**
 * A parsed user flow with what the config derives for it: the Graph ids of its identity providers (in the same
 * order) and whether each attribute is a built-in or one of `customAttributes` (`customNames`).
 */
export function resolveUserFlow(flow: z.output<typeof userFlowSchema>, customNames: ReadonlySet<string>) {
  const { attributes, ...rest } = flow;
  return {
    ...rest,
    /**
     * `identityProviders` in the same order: the Graph id of a built-in (e.g. `EmailPassword-OAUTH`), or the key of
     * a configured provider, whose id is known once it is created.
     */
    identityProviderIds: flow.identityProviders.map((p): string | { readonly key: string } =>
      isBuiltInKind(p) ? IDENTITY_PROVIDER_IDS[p] : { key: p },
    ),
    attributes: attributes.map((a) => ({
      ...a,
      /** Whether `attribute` is a built-in or one of `customAttributes`. */
      source: customNames.has(a.attribute) ? ("custom" as const) : ("builtIn" as const),
    })),
  };
}

/** A custom user flow attribute. */
export type CustomAttributeConfig = Frozen<z.output<typeof customAttributeSchema>>;
/** A sign-up/sign-in user flow, with its derived identity provider ids and attribute sources. */
export type UserFlowConfig = Frozen<ReturnType<typeof resolveUserFlow>>;
/** One attribute collected by a user flow at sign-up. */
export type UserFlowAttributeConfig = UserFlowConfig["attributes"][number];
