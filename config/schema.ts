/**
 * The stack configuration (namespace `ciam-tenant`): its schema, its defaults and the values derived from it.
 *
 * `index.ts` calls {@link loadStackConfig} once, before any resource is registered; components receive the typed,
 * defaults-applied {@link StackConfig} and never read Pulumi config themselves. Every problem in the config is
 * reported at once, one line each, as `<path>: <value> <what is wrong>; allowed: <what is allowed>`.
 *
 * The contract is the "Stack configuration" section of `docs/design.md`.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { BrandingProperties } from "../dynamic-providers/branding/properties";
import { Rule, describeProblem, lengthAllowed, lengthProblem, ruleValueProblem } from "../dynamic-providers/core";
import { BRANDING_COMPLEX_RULES, BRANDING_LOCALE_RULE, BRANDING_VALUE_RULES, brandingLocaleProblem } from "../dynamic-providers/branding/rules";
import { CUSTOM_ATTRIBUTE_DATA_TYPES, CUSTOM_ATTRIBUTE_RULES, FLOW_ATTRIBUTE_RULES, USER_FLOW_RULES } from "../dynamic-providers/user-flows/rules";
import { BRANDING_ASSET_KINDS, BrandingAsset, BrandingAssetKind, inspectBrandingFile } from "./images";

export type { BrandingAsset, BrandingAssetKind } from "./images";

/** The Pulumi config namespace of every key (the project name). */
export const CONFIG_NAMESPACE = "ciam-tenant";

// ---------------------------------------------------------------------------------------------------------------
// Fixed vocabularies
// ---------------------------------------------------------------------------------------------------------------

/**
 * Data-residency geographies of an external tenant (ARM `location` of `ciamDirectories`, not an Azure region).
 * @see https://learn.microsoft.com/en-us/rest/api/activedirectory/ciam-tenants/create
 */
export const DATA_LOCATIONS = ["United States", "Europe", "Asia Pacific", "Australia"] as const;
/** One of {@link DATA_LOCATIONS}. */
export type DataLocation = (typeof DATA_LOCATIONS)[number];

/** `sku.name` values of `ciamDirectories` (2023-05-17-preview). */
export const TENANT_SKUS = ["Standard", "PremiumP1", "PremiumP2"] as const;
/** One of {@link TENANT_SKUS}. */
export type TenantSku = (typeof TENANT_SKUS)[number];

/** Sign-in methods a user flow can offer, by this project's names. */
export const IDENTITY_PROVIDER_KINDS = ["emailPassword", "emailOtp"] as const;
/** One of {@link IDENTITY_PROVIDER_KINDS}. */
export type IdentityProviderKind = (typeof IDENTITY_PROVIDER_KINDS)[number];

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

/** ISO 3166-1 alpha-2 officially assigned codes (249, as maintained by the ISO 3166 Maintenance Agency). */
export const ISO_3166_ALPHA2 = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO " +
    "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE " +
    "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO " +
    "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW " +
    "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM " +
    "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

/** Public-cloud endpoints, used when `endpoints` is absent. */
export const PUBLIC_CLOUD_ENDPOINTS: EndpointsConfig = {
  graph: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  graphApiVersion: "beta",
  resourceManager: "https://management.azure.com",
};

/** Readiness wait used when `readiness` (or its key) is absent. */
export const DEFAULT_READINESS: ReadinessConfig = { deadlineSeconds: 900 };

/** Teardown settings used when `teardown` (or its key) is absent. */
export const DEFAULT_TEARDOWN: TeardownConfig = { deletionDeadlineSeconds: 1800 };

/** Values of `tenant.create.subdomainSuffix`. */
export const SUBDOMAIN_SUFFIXES = ["none", "stack"] as const;
/** Length of the suffix `subdomainSuffix: stack` appends. */
export const SUBDOMAIN_SUFFIX_LENGTH = 6;

/** Graph-layer tuning used when `graph` (or one of its keys) is absent. */
export const DEFAULT_GRAPH_TUNING: GraphTuningConfig = {
  retryDeadlineSeconds: 300,
  replicationWaitSeconds: 120,
  maxConcurrentRequests: 4,
};

// ---------------------------------------------------------------------------------------------------------------
// The parsed result
// ---------------------------------------------------------------------------------------------------------------

/** Values every tenant variant derives from its subdomain. */
export interface TenantDerived {
  /** Initial subdomain: 1–26 ASCII letters/digits. */
  readonly subdomain: string;
  /** `https://<subdomain>.ciamlogin.com/`, the authority apps sign in against. */
  readonly authority: string;
  /** `<subdomain>.onmicrosoft.com`, the initial domain. */
  readonly domainName: string;
}

/** Resource group that holds the `ciamDirectories` resource. */
export interface ResourceGroupConfig {
  /** ARM resource group name. */
  readonly name: string;
  /** Azure region of the resource group (lower-case token, e.g. `westeurope`). */
  readonly location: string;
  /** Whether the stack creates the resource group. @default true - the stack creates and owns it. */
  readonly create: boolean;
}

/**
 * A tenant the stack creates through ARM (`Microsoft.AzureActiveDirectory/ciamDirectories`).
 * @see https://learn.microsoft.com/en-us/rest/api/activedirectory/ciam-tenants/create
 */
export interface CreateTenantConfig extends TenantDerived {
  readonly kind: "create";
  /** Subscription that holds the resource group (GUID, lower-cased); preflight and deletion checks ask ARM there. */
  readonly subscriptionId: string;
  /** Tenant the subscription belongs to (GUID, lower-cased): ARM tokens come from it, not from the CIAM tenant. */
  readonly homeTenantId: string;
  /**
   * `stack`: `subdomain` is the configured prefix plus {@link SUBDOMAIN_SUFFIX_LENGTH} characters derived from the
   * subscription, project and stack names — stable for the life of the stack, different for every stack, so
   * parallel pipelines never collide. Ephemeral stacks only. @default "none"
   */
  readonly subdomainSuffix: (typeof SUBDOMAIN_SUFFIXES)[number];
  readonly resourceGroup: ResourceGroupConfig;
  /** `createTenantProperties.displayName`. Create-only: a change replaces the tenant. */
  readonly displayName: string;
  /** `createTenantProperties.countryCode`, ISO 3166-1 alpha-2. Create-only. */
  readonly countryCode: string;
  /** ARM `location`: the data-residency geography. Create-only. */
  readonly dataLocation: DataLocation;
  /** `sku.name`. @default "Standard" */
  readonly sku: TenantSku;
}

/** A tenant that already exists; the stack only configures it. */
export interface ExistingTenantConfig extends TenantDerived {
  readonly kind: "existing";
  /** Tenant id (GUID, lower-cased). */
  readonly tenantId: string;
}

/** The tenant: created by the stack or existing. Switch on `kind`. */
export type TenantConfig = CreateTenantConfig | ExistingTenantConfig;

/**
 * A single-page application registered by the stack (auth code + PKCE, no implicit grant).
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
 */
export interface SpaAppConfig {
  readonly kind: "spa";
  /** Logical key, `[a-z][a-z0-9-]{0,39}`; names child resources. */
  readonly key: string;
  /** Application display name. */
  readonly displayName: string;
  /** `spa.redirectUris`: at least one; https, or http only on localhost/127.0.0.1. */
  readonly redirectUris: readonly string[];
  /** `signInAudience`. @default "AzureADMyOrg" - the only audience for customer apps of an external tenant */
  readonly signInAudience: "AzureADMyOrg";
  /** The redirect URI a sample app should use. @default the first URI ending in `/redirect`, else the first URI */
  readonly sampleRedirectUri: string;
}

/** An application registered elsewhere; the stack only links it to a user flow. */
export interface ExistingAppConfig {
  readonly kind: "existing";
  readonly key: string;
  /** Application (client) id, lower-cased. */
  readonly clientId: string;
}

/** An application: registered by the stack (`spa`) or existing. Switch on `kind`. */
export type AppConfig = SpaAppConfig | ExistingAppConfig;

/**
 * A custom user flow attribute.
 * @see https://learn.microsoft.com/en-us/graph/api/identityuserflowattribute-post
 */
export interface CustomAttributeConfig {
  /** Name, `^[A-Za-z][A-Za-z0-9]{0,99}$`; Graph id `extension_<b2c-extensions-app>_<name>`. */
  readonly name: string;
  /** Immutable in Graph: a change replaces the attribute. */
  readonly dataType: CustomAttributeDataType;
  /** @default - no description */
  readonly description?: string;
}

/** One attribute collected by a user flow at sign-up. */
export interface UserFlowAttributeConfig {
  /** Built-in id (e.g. `email`) or a `customAttributes` name. */
  readonly attribute: string;
  /** Whether `attribute` is a built-in or one of `customAttributes`. */
  readonly source: "builtIn" | "custom";
  /** @default false */
  readonly required: boolean;
  /** @default false */
  readonly hidden: boolean;
  /** Label shown on the sign-up page. @default - Graph's default label of the attribute */
  readonly label?: string;
}

/**
 * A sign-up/sign-in user flow (`externalUsersSelfServiceSignUpEventsFlow`).
 * @see https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-authenticationeventsflows
 */
export interface UserFlowConfig {
  /** Logical key, `[a-z][a-z0-9-]{0,39}`, unique. */
  readonly key: string;
  /** Unique in the tenant (case-insensitive). */
  readonly displayName: string;
  /** `onInteractiveAuthFlowStart.isSignUpAllowed`. @default true */
  readonly signUpAllowed: boolean;
  /** Sign-in methods, non-empty, no duplicates. */
  readonly identityProviders: readonly IdentityProviderKind[];
  /** Graph ids of `identityProviders`, in the same order (e.g. `EmailPassword-OAUTH`). */
  readonly identityProviderIds: readonly string[];
  /** Attributes collected at sign-up. @default email (required) + displayName (optional) */
  readonly attributes: readonly UserFlowAttributeConfig[];
  /** Keys of the apps linked to this flow (each app links to one flow only). @default - no app linked */
  readonly apps: readonly string[];
}

/** `loginPageTextVisibilitySettings`; each flag absent = Graph's default (shown). */
export type LoginPageTextVisibilitySettings = NonNullable<BrandingProperties["loginPageTextVisibilitySettings"]>;

/** `loginPageLayoutConfiguration`. */
export type LoginPageLayoutConfiguration = NonNullable<BrandingProperties["loginPageLayoutConfiguration"]>;

/** Branding streams, each a checked file with its hash. */
export type BrandingImages = { readonly [K in BrandingAssetKind]?: BrandingAsset };

/**
 * Company branding properties (the default and each localization). Absent keys are not managed.
 * @see https://learn.microsoft.com/en-us/graph/api/resources/organizationalbranding
 */
export interface BrandingPropertiesConfig extends BrandingProperties {
  /** @default - no image or CSS managed */
  readonly images: BrandingImages;
}

/** Company branding: the default (locale `0`) and localizations keyed by BCP 47 tag. */
export interface BrandingConfig {
  /** @default - the default branding is not managed (Graph still creates it with the first localization) */
  readonly default?: BrandingPropertiesConfig;
  /** @default - no localization */
  readonly localizations: Readonly<Record<string, BrandingPropertiesConfig>>;
}

/** Cloud endpoints (national clouds). @default {@link PUBLIC_CLOUD_ENDPOINTS} */
export interface EndpointsConfig {
  /** Graph origin, no path. */
  readonly graph: string;
  /** Entra authority host for tokens, no path. */
  readonly authorityHost: string;
  /** @default "beta" */
  readonly graphApiVersion: "beta" | "v1.0";
  /** Azure Resource Manager origin, no path. @default "https://management.azure.com" */
  readonly resourceManager: string;
}

/** The wait until a tenant answers (OpenID metadata + one Graph call). @default {@link DEFAULT_READINESS} */
export interface ReadinessConfig {
  /** Give up after this many seconds (1–7200); `pulumi up` again resumes. @default 900 */
  readonly deadlineSeconds: number;
}

/** Destroy of a disposable (`lifecycle: ephemeral`) stack. @default {@link DEFAULT_TEARDOWN} */
export interface TeardownConfig {
  /** After the tenant's ARM delete, wait this long (1–7200 s) for ARM and login to confirm it is gone. @default 1800 */
  readonly deletionDeadlineSeconds: number;
}

/** Graph-layer tuning. @default {@link DEFAULT_GRAPH_TUNING} */
export interface GraphTuningConfig {
  /** Stop retrying 429/503/504 after this many seconds (1–3600). @default 300 */
  readonly retryDeadlineSeconds: number;
  /** Retry replication-lag 404s right after a create for this many seconds (1–1800). @default 120 */
  readonly replicationWaitSeconds: number;
  /** Concurrent Graph requests per tenant within one provider process (1–32). @default 4 */
  readonly maxConcurrentRequests: number;
}

/**
 * GitHub Actions workflows of one repository that may act as the automation identity, by OIDC subject.
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
export interface GitHubAutomationConfig {
  /** `owner/name`. */
  readonly repository: string;
  /** Branches whose workflow runs may deploy (`repo:<repository>:ref:refs/heads/<branch>`). @default ["main"] unless environments or pullRequests is set */
  readonly branches: readonly string[];
  /** Deployment environments (`repo:<repository>:environment:<name>`). @default - none */
  readonly environments: readonly string[];
  /**
   * Runs triggered by pull requests (`repo:<repository>:pull_request`). Entra cannot make a federated credential
   * read-only: a pull request run gets the deployment's permissions. @default false
   */
  readonly pullRequests: boolean;
}

/**
 * An Azure DevOps service connection (workload identity federation, manual) that may act as the automation identity.
 * `issuer` and `subject` are shown by Azure DevOps when the service connection is created.
 * @see https://learn.microsoft.com/en-us/azure/devops/pipelines/library/connect-to-azure#create-an-azure-resource-manager-service-connection-that-uses-workload-identity-federation
 */
export interface AzureDevOpsAutomationConfig {
  /** Organization name, for the outputs. @default - taken from an `sc://` subject */
  readonly organization?: string;
  /** Project name, for the outputs. @default - taken from an `sc://` subject */
  readonly project?: string;
  /** Service connection name, for the outputs. @default - taken from an `sc://` subject */
  readonly serviceConnection?: string;
  /** `https://vstoken.dev.azure.com/<organization id>` or `https://login.microsoftonline.com/<tenant id>/v2.0`. */
  readonly issuer: string;
  /** `sc://<organization>/<project>/<service connection>` or the `/eid1/…` identifier Azure DevOps shows. */
  readonly subject: string;
}

/** The automation identity the stack creates in the tenant for pipelines (off when absent). */
export interface AutomationConfig {
  /** Display name of the automation app registration. @default "ciam-tenant automation" */
  readonly displayName: string;
  /** @default - no GitHub trust */
  readonly github?: GitHubAutomationConfig;
  /** @default - no Azure DevOps trust */
  readonly azureDevOps?: AzureDevOpsAutomationConfig;
}

/** `protected`: tenant protected and retained on delete; `ephemeral`: a stack that may be destroyed. */
export type Lifecycle = "protected" | "ephemeral";

/** The validated, defaults-applied stack configuration. */
export interface StackConfig {
  readonly tenant: TenantConfig;
  /** At least one; keys unique. */
  readonly apps: readonly AppConfig[];
  /** @default - none */
  readonly customAttributes: readonly CustomAttributeConfig[];
  /** @default - none */
  readonly userFlows: readonly UserFlowConfig[];
  /** @default - branding not managed */
  readonly branding?: BrandingConfig;
  readonly endpoints: EndpointsConfig;
  readonly graph: GraphTuningConfig;
  /** @default "protected" */
  readonly lifecycle: Lifecycle;
  /** @default - no automation identity */
  readonly automation?: AutomationConfig;
  readonly readiness: ReadinessConfig;
  readonly teardown: TeardownConfig;
}

/** Options of {@link parseStackConfig}. */
export interface ParseStackConfigOptions {
  /** Directory that relative branding file paths are resolved against (the Pulumi project directory). */
  readonly projectDir: string;
  /** Project and stack names, which `subdomainSuffix: stack` derives the suffix from. @default "ciam-tenant", "dev" */
  readonly project?: string;
  readonly stack?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// One message style
// ---------------------------------------------------------------------------------------------------------------

/** Thrown by {@link parseStackConfig}; `problems` holds every problem as `<path>: <message>`. */
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

function typeProblem(input: unknown, noun: string, allowed: string): string {
  if (input === undefined) return describeProblem(undefined, "is missing", allowed);
  return describeProblem(input, `is not ${noun}${yamlHint(input, noun)}`, allowed);
}

type Ctx = z.RefinementCtx;

function report(ctx: Ctx, pathSegments: PropertyKey[], value: unknown, what: string, allowed: string): void {
  ctx.addIssue({ code: "custom", path: pathSegments, input: value, message: describeProblem(value, what, allowed) });
}

// ---------------------------------------------------------------------------------------------------------------
// Leaf builders: each carries its own "allowed" text so every message says what is allowed
// ---------------------------------------------------------------------------------------------------------------

/** A string, optionally checked by `problemOf` (returns what is wrong, or undefined). */
function text(allowed: string, problemOf?: (v: string) => string | undefined) {
  const base = z.string({ error: (iss) => typeProblem(iss.input, "a string", allowed) });
  if (!problemOf) return base;
  return base.superRefine((v, ctx) => {
    const what = problemOf(v);
    if (what) report(ctx, [], v, what, allowed);
  });
}

const BOOLEAN_ALLOWED = "true or false (a YAML boolean, not a quoted string)";
function bool(allowed = BOOLEAN_ALLOWED) {
  return z.boolean({ error: (iss) => typeProblem(iss.input, "a boolean", allowed) });
}

/** A string checked by a family rule table's rule: the same "what" and "allowed" as the provider's `check`. */
function stringRule(rule: Rule) {
  return text(rule.allowed, (v) => ruleValueProblem(rule, v));
}

/** A boolean under a family rule (a type rule only: rules with a sibling condition are checked on their object). */
function boolRule(rule: Rule) {
  return bool(rule.allowed);
}

/** Adds a family rule's value check to a list schema (the list's items keep their own schema). */
function listRule<T extends z.ZodType>(schema: T, rule: Rule) {
  return schema.superRefine((v, ctx) => {
    const what = ruleValueProblem(rule, v);
    if (what) report(ctx, [], v, what, rule.allowed);
  });
}

function int(min: number, max: number) {
  const allowed = `an integer from ${min} to ${max}`;
  return z.number({ error: (iss) => typeProblem(iss.input, "a number", allowed) }).superRefine((v, ctx) => {
    if (!Number.isInteger(v) || v < min || v > max) report(ctx, [], v, "is out of range", allowed);
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, noun: string, reason?: string) {
  const allowed = values.join(", ") + (reason ? ` (${reason})` : "");
  return z.enum(values, {
    error: (iss) => (typeof iss.input === "string" ? describeProblem(iss.input, `is not a valid ${noun}`, allowed) : typeProblem(iss.input, "a string", allowed)),
  });
}

/**
 * A strict object. Unknown keys are reported one per key by {@link parseStackConfig}'s formatter, which reads the
 * allowed-key list from the message this error map gives the `unrecognized_keys` issue.
 */
function strict<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? keys : typeProblem(iss.input, "an object", `an object with keys ${keys}`)),
  });
}

function list<T extends z.ZodType>(item: T, allowed: string, min = 0) {
  return z.array(item, { error: (iss) => typeProblem(iss.input, "a list", allowed) }).superRefine((v, ctx) => {
    if (v.length < min) report(ctx, [], v, `has ${v.length} item${v.length === 1 ? "" : "s"}`, `${allowed}, at least ${min}`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Value rules
// ---------------------------------------------------------------------------------------------------------------

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY = /^[a-z][a-z0-9-]{0,39}$/;
const SUBDOMAIN = /^[A-Za-z0-9]{1,26}$/;
const RG_NAME = /^[-\w._()]{1,90}$/;
const REGION = /^[a-z0-9]+$/;

/** The all-zero GUID: a placeholder, never a real subscription, tenant or app id. */
export const NIL_GUID = "00000000-0000-0000-0000-000000000000";
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

const guid = (source: keyof typeof GUID_SOURCES) => {
  const allowed = `a GUID (8-4-4-4-12 hex digits): ${GUID_SOURCES[source]}`;
  return text(allowed, (v) => placeholderProblem(v) ?? (GUID.test(v) ? undefined : "is not a GUID")).transform((v) => v.toLowerCase());
};

const logicalKey = (noun: string) =>
  text(`${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun} key matching [a-z][a-z0-9-]{0,39} (lower-case letter first, then lower-case letters, digits, -)`, (v) =>
    KEY.test(v) ? undefined : `is not a valid ${noun} key`,
  );

/** A string of bounded length, counted as Graph counts (UTF-16 code units; the message says so when it matters). */
const boundedText = (max: number, min = 0) => text(lengthAllowed(max, min), (v) => lengthProblem(v, min, max));

/** Characters Entra refuses in a redirect URI ("Redirect URIs do not support special characters"). */
const REDIRECT_URI_SPECIALS = /[!$'(),;]/;
/** Most redirect URIs per app: 256 for single- and multi-tenant sign-in audiences (an external tenant's apps are single-tenant). */
export const MAX_REDIRECT_URIS = 256;

/**
 * SPA redirect URI rules (Microsoft's "Redirect URI (reply URL) restrictions and limitations"): absolute https, or
 * http only on localhost/127.0.0.1; none of `! $ ' ( ) , ;`; no user name or password; no fragment, no wildcard;
 * not the IPv6 loopback; at most 256 characters.
 *
 * @returns what is wrong, or `undefined` when the URI is acceptable
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > 256) return `is ${uri.length} characters long`;
  if (uri.includes("#")) return "contains a fragment (#...)";
  if (uri.includes("*")) return "contains a wildcard";
  const special = REDIRECT_URI_SPECIALS.exec(uri);
  if (special) return `contains ${special[0]}, one of the characters Entra refuses in redirect URIs (! $ ' ( ) , ;)`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not an absolute URI";
  }
  if (url.username || url.password) return "carries a user name or password (user:password@host)";
  if (url.hostname === "[::1]") return "uses the IPv6 loopback [::1], which Entra does not support (use 127.0.0.1)";
  if (url.protocol === "https:") return url.hostname ? undefined : "has no host";
  if (url.protocol === "http:") {
    return url.hostname === "localhost" || url.hostname === "127.0.0.1" ? undefined : `uses http:// for host ${url.hostname}`;
  }
  return `uses the scheme ${url.protocol}`;
}

const REDIRECT_URI_ALLOWED =
  "an absolute https:// URI, or http://localhost or http://127.0.0.1 (any port), without a fragment, wildcard, user name or password or any of ! $ ' ( ) , ; and at most 256 characters";

/**
 * The form in which Entra matches redirect URIs: a URI without a path is returned with a trailing slash, and on
 * localhost the port is ignored, so `https://contoso.example` and `https://contoso.example/` (or two localhost URIs
 * differing only by port) are one redirect URI to the login server.
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reply-url#localhost-exceptions
 */
export function redirectUriMatchKey(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const loopback = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  const host = loopback ? url.hostname : url.host;
  const pathname = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${host}${pathname}${url.search}`;
}
const redirectUri = () => text(REDIRECT_URI_ALLOWED, redirectUriProblem);

const httpsOrigin = () =>
  text("an https:// origin without a path, e.g. https://graph.microsoft.com", (v) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return "is not an absolute URL";
    }
    if (url.protocol !== "https:") return `uses the scheme ${url.protocol}`;
    if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return "has a path, query, fragment or credentials";
    return undefined;
  }).transform((v) => new URL(v).origin);

/**
 * Branding localization key rules (the branding family's rule table): one of the culture names External ID
 * documents for company branding, never `0` or `default`, which address the default branding; a near miss gets
 * the nearest listed names.
 *
 * @returns what is wrong, or `undefined` when the key is acceptable
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-customize-languages-customers
 */
export const localeKeyProblem = brandingLocaleProblem;

// ---------------------------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------------------------

const tenantCreateSchema = strict({
  subscriptionId: guid("subscriptionId"),
  homeTenantId: guid("homeTenantId"),
  subdomainSuffix: oneOf(SUBDOMAIN_SUFFIXES, "subdomainSuffix").default("none"),
  resourceGroup: strict({
    name: text("an ARM resource group name: 1-90 letters, digits, -, _, ., ( or ), not ending in .", (v) =>
      RG_NAME.test(v) && !v.endsWith(".") ? undefined : "is not a valid resource group name",
    ),
    location: text("a lower-case Azure region name such as westeurope or eastus", (v) =>
      REGION.test(v) ? undefined : "is not an Azure region name",
    ),
    create: bool().default(true),
  }),
  subdomain: text("1-26 ASCII letters or digits", (v) => (SUBDOMAIN.test(v) ? undefined : "is not a valid subdomain")),
  displayName: boundedText(256, 1),
  countryCode: text("an upper-case ISO 3166-1 alpha-2 code such as US, FR or DE", (v) =>
    ISO_3166_ALPHA2.has(v) ? undefined : ISO_3166_ALPHA2.has(v.toUpperCase()) ? "is not upper-case" : "is not an assigned ISO 3166-1 alpha-2 code",
  ),
  dataLocation: oneOf(DATA_LOCATIONS, "dataLocation", "a data-residency geography, not an Azure region"),
  sku: oneOf(TENANT_SKUS, "sku").default("Standard"),
});

const tenantExistingSchema = strict({
  tenantId: guid("tenantId"),
  subdomain: text("1-26 ASCII letters or digits", (v) => (SUBDOMAIN.test(v) ? undefined : "is not a valid subdomain")),
});

/**
 * The suffix `subdomainSuffix: stack` appends: base-36 digits of a SHA-256 of subscription, project and stack —
 * derived, not random, so it is the same on every run of the stack (no state, no random provider) and differs
 * between stacks. Renaming the stack changes it, which replaces the tenant.
 */
export function stackSubdomainSuffix(subscriptionId: string, project: string, stack: string): string {
  const digest = createHash("sha256").update(`${subscriptionId.toLowerCase()}/${project}/${stack}`).digest();
  return BigInt(`0x${digest.toString("hex")}`).toString(36).slice(0, SUBDOMAIN_SUFFIX_LENGTH).padStart(SUBDOMAIN_SUFFIX_LENGTH, "0");
}

function withSubdomainSuffix(t: TenantConfig, project: string, stack: string): TenantConfig {
  if (t.kind !== "create" || t.subdomainSuffix !== "stack") return t;
  const subdomain = `${t.subdomain}${stackSubdomainSuffix(t.subscriptionId, project, stack)}`;
  return { ...t, ...tenantDerived(subdomain) };
}

function tenantDerived(subdomain: string): TenantDerived {
  return { subdomain, authority: `https://${subdomain}.ciamlogin.com/`, domainName: `${subdomain}.onmicrosoft.com` };
}

const tenantSchema = strict({ create: tenantCreateSchema.optional(), existing: tenantExistingSchema.optional() })
  .superRefine(
    (value, ctx) => {
      const t: unknown = value; // partially parsed when a child is invalid
      if (!isRecord(t)) return;
      const present = ["create", "existing"].filter((k) => t[k] !== undefined);
      if (present.length !== 1) {
        report(ctx, [], t, present.length ? "sets both create and existing" : "sets neither create nor existing", "exactly one of create, existing");
      }
    },
    { when: () => true },
  )
  .transform((t): TenantConfig => {
    if (t.create) return { kind: "create", ...t.create, ...tenantDerived(t.create.subdomain) };
    const e = t.existing!;
    return { kind: "existing", tenantId: e.tenantId, ...tenantDerived(e.subdomain) };
  });

const spaAppSchema = strict({
  key: logicalKey("app"),
  displayName: boundedText(120, 1),
  redirectUris: list(redirectUri(), "redirect URIs", 1).superRefine((v, ctx) => {
    if (v.length > MAX_REDIRECT_URIS) report(ctx, [], `${v.length} redirect URIs`, "are more than an app can hold", `at most ${MAX_REDIRECT_URIS} redirect URIs per app`);
  }),
  signInAudience: oneOf(["AzureADMyOrg"], "signInAudience", "customer apps of an external tenant must be single-tenant").default("AzureADMyOrg"),
  sampleRedirectUri: redirectUri().optional(),
})
  .superRefine(
    (a, ctx) => {
      if (!isRecord(a)) return;
      const uris = strings(a.redirectUris);
      if (typeof a.sampleRedirectUri === "string" && uris.length && !uris.includes(a.sampleRedirectUri)) {
        report(ctx, ["sampleRedirectUri"], a.sampleRedirectUri, "is not one of redirectUris", uris.join(", "));
      }
    },
    { when: () => true },
  )
  .transform(
    (a): SpaAppConfig => ({
      kind: "spa",
      key: a.key,
      displayName: a.displayName,
      redirectUris: a.redirectUris,
      signInAudience: a.signInAudience,
      sampleRedirectUri: a.sampleRedirectUri ?? a.redirectUris.find((u) => u.endsWith("/redirect")) ?? a.redirectUris[0]!,
    }),
  );

const existingAppSchema = strict({ key: logicalKey("app"), existing: strict({ clientId: guid("clientId") }) }).transform(
  (a): ExistingAppConfig => ({ kind: "existing", key: a.key, clientId: a.existing.clientId }),
);

/** An app is `existing` when it has an `existing` key, else a spa app; issues of the chosen shape are passed up. */
const appSchema = z.unknown().transform((v, ctx): AppConfig => {
  const chosen = isRecord(v) && v.existing !== undefined ? existingAppSchema : spaAppSchema;
  const r = chosen.safeParse(v);
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: undefined });
  return z.NEVER;
});

const customAttributeSchema = strict({
  name: stringRule(CUSTOM_ATTRIBUTE_RULES.name),
  dataType: oneOf(CUSTOM_ATTRIBUTE_DATA_TYPES, "dataType"),
  description: stringRule(CUSTOM_ATTRIBUTE_RULES.description).optional(),
});

const flowAttributeSchema = strict({
  attribute: text("a built-in attribute id or a customAttributes name"),
  required: boolRule(FLOW_ATTRIBUTE_RULES.required).default(false),
  hidden: bool().default(false),
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

const userFlowSchema = strict({
  key: logicalKey("user flow"),
  displayName: stringRule(USER_FLOW_RULES.displayName),
  signUpAllowed: boolRule(USER_FLOW_RULES.signUpAllowed).default(true),
  identityProviders: listRule(
    list(oneOf(IDENTITY_PROVIDER_KINDS, "identity provider"), `identity providers from ${IDENTITY_PROVIDER_KINDS.join(", ")}`),
    USER_FLOW_RULES.identityProviders,
  ),
  attributes: listRule(list(flowAttributeSchema, "attributes"), USER_FLOW_RULES.attributes).default(DEFAULT_FLOW_ATTRIBUTES),
  apps: list(text("a configured app key"), "app keys").default([]),
});

function imageField(kind: BrandingAssetKind, projectDir: string) {
  return text(kind === "customCSS" ? "a path to a UTF-8 CSS file" : "a path to a PNG or JPEG file").transform((p, ctx): BrandingAsset => {
    const result = inspectBrandingFile(path.resolve(projectDir, p), kind, projectDir);
    if (result.ok) return result.asset;
    for (const problem of result.problems) report(ctx, [], p, problem.what, problem.allowed);
    return z.NEVER;
  });
}

function brandingPropertiesSchema(projectDir: string) {
  const imageShape = Object.fromEntries(BRANDING_ASSET_KINDS.map((k) => [k, imageField(k, projectDir).optional()])) as {
    [K in BrandingAssetKind]: z.ZodOptional<ReturnType<typeof imageField>>;
  };
  const values = Object.fromEntries(Object.entries(BRANDING_VALUE_RULES).map(([k, rule]) => [k, stringRule(rule).optional()])) as {
    [K in keyof typeof BRANDING_VALUE_RULES]: z.ZodOptional<ReturnType<typeof stringRule>>;
  };
  const complex = <K extends keyof typeof BRANDING_COMPLEX_RULES>(key: K) =>
    strict(
      Object.fromEntries(
        Object.entries(BRANDING_COMPLEX_RULES[key]).map(([sub, rule]) => [sub, (rule.type === "boolean" ? boolRule(rule) : stringRule(rule)).optional()]),
      ),
    ).optional();
  return strict({
    ...values,
    loginPageTextVisibilitySettings: complex("loginPageTextVisibilitySettings"),
    loginPageLayoutConfiguration: complex("loginPageLayoutConfiguration"),
    images: strict(imageShape).default({}),
  });
}

function brandingSchema(projectDir: string) {
  const props = brandingPropertiesSchema(projectDir);
  return strict({
    default: props.optional(),
    localizations: z
      .record(z.string(), props, { error: (iss) => typeProblem(iss.input, "an object", `an object keyed by locale (${BRANDING_LOCALE_RULE.allowed})`) })
      .superRefine(
        (v, ctx) => {
          if (!isRecord(v)) return;
          for (const key of Object.keys(v)) {
            const what = localeKeyProblem(key);
            if (what) report(ctx, [key], key, what, BRANDING_LOCALE_RULE.allowed);
          }
        },
        { when: () => true },
      )
      .default({}),
  });
}

const endpointsSchema = strict({
  graph: httpsOrigin().default(PUBLIC_CLOUD_ENDPOINTS.graph),
  authorityHost: httpsOrigin().default(PUBLIC_CLOUD_ENDPOINTS.authorityHost),
  graphApiVersion: oneOf(["beta", "v1.0"], "graphApiVersion").default("beta"),
  resourceManager: httpsOrigin().default(PUBLIC_CLOUD_ENDPOINTS.resourceManager),
});

const readinessSchema = strict({
  deadlineSeconds: int(1, 7200).default(DEFAULT_READINESS.deadlineSeconds),
});

const teardownSchema = strict({
  deletionDeadlineSeconds: int(1, 7200).default(DEFAULT_TEARDOWN.deletionDeadlineSeconds),
});

const graphTuningSchema = strict({
  retryDeadlineSeconds: int(1, 3600).default(DEFAULT_GRAPH_TUNING.retryDeadlineSeconds),
  replicationWaitSeconds: int(1, 1800).default(DEFAULT_GRAPH_TUNING.replicationWaitSeconds),
  maxConcurrentRequests: int(1, 32).default(DEFAULT_GRAPH_TUNING.maxConcurrentRequests),
});

// Git ref names (git check-ref-format) without the wildcards Entra's federated credentials cannot match.
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Branch name rules (git check-ref-format, minus wildcards): Entra matches a federated credential's subject exactly.
 * @returns what is wrong, or `undefined`
 * @see https://git-scm.com/docs/git-check-ref-format
 */
export function branchNameProblem(v: string): string | undefined {
  if (v.length === 0 || v.length > 255) return `is ${v.length} characters long`;
  if (v.startsWith("refs/")) return "starts with refs/ (write the branch name only)";
  if (/[*?[]/.test(v)) return "contains a wildcard (federated credential subjects are matched exactly)";
  if (/[\x00-\x20\x7f~^:\\]/.test(v) || v.includes("..") || v.includes("@{") || v === "@") return "contains a character or sequence git does not allow in a ref";
  if (v.startsWith("/") || v.endsWith("/") || v.includes("//") || v.endsWith(".") || v.endsWith(".lock") || /(^|\/)\./.test(v)) return "is not a valid git branch name";
  return undefined;
}

const GITHUB_REPOSITORY_ALLOWED = "owner/name, e.g. contoso/ciam-tenant (owner: letters, digits, -; name: letters, digits, ., _, -)";
const githubSchema = strict({
  repository: text(GITHUB_REPOSITORY_ALLOWED, (v) => {
    const [owner, name, ...rest] = v.split("/");
    if (rest.length || owner === undefined || name === undefined) return "is not owner/name";
    if (!GITHUB_OWNER.test(owner)) return `has an invalid owner ${JSON.stringify(owner)}`;
    if (!GITHUB_REPO.test(name) || name === "." || name === "..") return `has an invalid repository name ${JSON.stringify(name)}`;
    return undefined;
  }),
  branches: list(text("a git branch name such as main or release/1.x, without wildcards", branchNameProblem), "branch names").optional(),
  environments: list(
    text("a GitHub environment name: 1-255 characters, no : , * or control characters", (v) =>
      v.length === 0 || v.length > 255 ? `is ${v.length} characters long` : /[\x00-\x1f:,*]/.test(v) ? "contains :, a comma, * or a control character" : undefined,
    ),
    "environment names",
  ).optional(),
  pullRequests: bool().default(false),
}).transform(
  (g): GitHubAutomationConfig => ({
    repository: g.repository,
    // No subject at all would make a credential nobody can use: main unless the config says otherwise.
    branches: g.branches ?? (g.environments?.length || g.pullRequests ? [] : ["main"]),
    environments: g.environments ?? [],
    pullRequests: g.pullRequests,
  }),
);

const ADO_ISSUER_ALLOWED = "https://vstoken.dev.azure.com/<organization id GUID> or https://login.microsoftonline.com/<tenant id GUID>/v2.0 (copy it from the service connection)";
const ADO_SUBJECT_ALLOWED = "sc://<organization>/<project>/<service connection> or the /eid1/... identifier (copy it from the service connection)";
const GUID_TEXT = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const ADO_ISSUER = new RegExp(`^https://(vstoken\\.dev\\.azure\\.com/${GUID_TEXT}|login\\.microsoftonline\\.com/${GUID_TEXT}/v2\\.0)$`);
const ADO_SUBJECT = /^(sc:\/\/[^/\s]+\/[^/\s]+\/[^/]+|\/eid1\/\S+)$/;
const adoName = (noun: string) => boundedText(256, 1).describe(noun);
const azureDevOpsSchema = strict({
  organization: adoName("organization").optional(),
  project: adoName("project").optional(),
  serviceConnection: adoName("serviceConnection").optional(),
  issuer: text(ADO_ISSUER_ALLOWED, (v) =>
    v.toLowerCase().includes(NIL_GUID)
      ? "holds the all-zero placeholder GUID, not the organization's or tenant's id"
      : ADO_ISSUER.test(v)
        ? undefined
        : "is not an Azure DevOps workload identity issuer",
  ),
  subject: text(ADO_SUBJECT_ALLOWED, (v) => (v.length <= 600 && ADO_SUBJECT.test(v) ? undefined : "is not an Azure DevOps service connection subject")),
}).transform((a): AzureDevOpsAutomationConfig => {
  const parts = a.subject.startsWith("sc://") ? a.subject.slice(5).split("/") : [];
  const organization = a.organization ?? parts[0];
  const project = a.project ?? parts[1];
  const serviceConnection = a.serviceConnection ?? (parts.length > 2 ? parts.slice(2).join("/") : undefined);
  return {
    ...(organization ? { organization } : {}),
    ...(project ? { project } : {}),
    ...(serviceConnection ? { serviceConnection } : {}),
    issuer: a.issuer,
    subject: a.subject,
  };
});

/** Entra allows at most 20 federated identity credentials per application. */
export const MAX_FEDERATED_CREDENTIALS = 20;

const automationSchema = strict({
  displayName: boundedText(120, 1).default("ciam-tenant automation"),
  github: githubSchema.optional(),
  azureDevOps: azureDevOpsSchema.optional(),
})
  .superRefine(
    (a, ctx) => {
      const raw: unknown = a;
      if (!isRecord(raw)) return;
      if (raw.github === undefined && raw.azureDevOps === undefined) {
        report(ctx, [], raw, "trusts no pipeline", "github: {repository, ...} and/or azureDevOps: {issuer, subject}");
      }
    },
    { when: () => true },
  )
  .transform((a, ctx): AutomationConfig => {
    const subjects = automationSubjects(a);
    if (subjects.length > MAX_FEDERATED_CREDENTIALS) {
      report(ctx, [], subjects.length, "federated credentials would be needed", `at most ${MAX_FEDERATED_CREDENTIALS} branches + environments + pull requests + Azure DevOps per app`);
    }
    const seen = new Set<string>();
    for (const s of subjects) {
      if (seen.has(s.subject)) report(ctx, [], s.subject, "is listed twice", "each branch and environment once");
      seen.add(s.subject);
    }
    return { displayName: a.displayName, ...(a.github ? { github: a.github } : {}), ...(a.azureDevOps ? { azureDevOps: a.azureDevOps } : {}) };
  });

/** GitHub's OIDC token issuer. @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** One federated identity credential the automation app needs: a short key (names the resource), issuer, subject. */
export interface FederatedSubject {
  /** Logical key: `github-branch-main`, `github-env-production`, `github-pull-request`, `azure-devops`. */
  readonly key: string;
  readonly issuer: string;
  readonly subject: string;
}

/** Longest slug in a federated credential key: 120 (Entra's limit) - "github-branch-" - "-<n>" of a collision. */
const MAX_SUBJECT_SLUG = 120 - "github-branch-".length - 4;

/** Every federated credential the automation config asks for, in config order. Pure. */
export function automationSubjects(a: Pick<AutomationConfig, "github" | "azureDevOps">): FederatedSubject[] {
  const out: FederatedSubject[] = [];
  // The key is the federated credential's name, which Entra limits to 120 characters: a long name is cut and
  // made unique with a digest of the whole name (room is left for the "-<n>" of slugs that collide).
  // @see https://learn.microsoft.com/en-us/graph/api/resources/federatedidentitycredential
  const slug = (v: string) => {
    const s = v.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase() || "x";
    return s.length <= MAX_SUBJECT_SLUG ? s : `${s.slice(0, MAX_SUBJECT_SLUG - 9)}-${createHash("sha256").update(v).digest("hex").slice(0, 8)}`;
  };
  if (a.github) {
    const repo = `repo:${a.github.repository}`;
    for (const b of a.github.branches) out.push({ key: `github-branch-${slug(b)}`, issuer: GITHUB_OIDC_ISSUER, subject: `${repo}:ref:refs/heads/${b}` });
    for (const e of a.github.environments) out.push({ key: `github-env-${slug(e)}`, issuer: GITHUB_OIDC_ISSUER, subject: `${repo}:environment:${e}` });
    if (a.github.pullRequests) out.push({ key: "github-pull-request", issuer: GITHUB_OIDC_ISSUER, subject: `${repo}:pull_request` });
  }
  if (a.azureDevOps) out.push({ key: "azure-devops", issuer: a.azureDevOps.issuer, subject: a.azureDevOps.subject });
  // Keys name resources: two branches that slug alike (a/b, a-b) get distinct keys, in config order.
  const used = new Map<string, number>();
  return out.map((s) => {
    const n = (used.get(s.key) ?? 0) + 1;
    used.set(s.key, n);
    return n === 1 ? s : { ...s, key: `${s.key}-${n}` };
  });
}

/**
 * The zod schema of the whole config (keys without namespace). Branding file paths resolve against
 * `opts.projectDir`, which is why the schema is built per call.
 */
export function stackConfigSchema(opts: ParseStackConfigOptions) {
  const shape = strict({
    tenant: tenantSchema,
    apps: list(appSchema, "apps", 1),
    customAttributes: list(customAttributeSchema, "custom attributes").default([]),
    userFlows: list(userFlowSchema, "user flows").default([]),
    branding: brandingSchema(opts.projectDir).optional(),
    endpoints: endpointsSchema.default(PUBLIC_CLOUD_ENDPOINTS),
    graph: graphTuningSchema.default(DEFAULT_GRAPH_TUNING),
    lifecycle: oneOf(["protected", "ephemeral"], "lifecycle").default("protected"),
    readiness: readinessSchema.default(DEFAULT_READINESS),
    teardown: teardownSchema.default(DEFAULT_TEARDOWN),
    automation: automationSchema.optional(),
  }).transform((c): StackConfig => {
      const customNames = new Set(c.customAttributes.map((a) => a.name));
      return {
        tenant: withSubdomainSuffix(c.tenant, opts.project ?? "ciam-tenant", opts.stack ?? "dev"),
        apps: c.apps,
        customAttributes: c.customAttributes,
        userFlows: c.userFlows.map((f) => ({
          key: f.key,
          displayName: f.displayName,
          signUpAllowed: f.signUpAllowed,
          identityProviders: f.identityProviders,
          identityProviderIds: f.identityProviders.map((p) => IDENTITY_PROVIDER_IDS[p]),
          attributes: f.attributes.map((a) => ({ ...a, source: customNames.has(a.attribute) ? ("custom" as const) : ("builtIn" as const) })),
          apps: f.apps,
        })),
        ...(c.branding ? { branding: c.branding } : {}),
        endpoints: c.endpoints,
        graph: c.graph,
        lifecycle: c.lifecycle,
        readiness: c.readiness,
        teardown: c.teardown,
        ...(c.automation ? { automation: c.automation } : {}),
      };
    });
  // Cross-references read the raw input: they must run, and name what the user wrote, even where a part of the
  // config failed its own checks.
  return z.unknown().transform((raw, ctx): StackConfig => {
    const parsed = shape.safeParse(raw, { error: fallbackError });
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: undefined });
    checkReferences(raw, ctx);
    return parsed.success && ctx.issues.length === 0 ? parsed.data : z.NEVER;
  });
}

/** Fallback only: every schema above has its own error map, which takes precedence. */
function fallbackError(iss: z.core.$ZodRawIssue): string {
  return describeProblem(iss.input, `is invalid (${iss.code})`, "see the Stack configuration section of docs/design.md");
}

// ---------------------------------------------------------------------------------------------------------------
// Cross-references: run even when other parts are invalid, so they read the partially parsed value defensively
// ---------------------------------------------------------------------------------------------------------------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : [];
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** `subdomainSuffix: stack` is for disposable stacks, and the prefix must leave room for the suffix. */
function checkSubdomainSuffix(c: Record<string, unknown>, ctx: Ctx): void {
  const create = isRecord(c.tenant) && isRecord(c.tenant.create) ? c.tenant.create : undefined;
  if (!create || create.subdomainSuffix !== "stack") return;
  const lifecycle = c.lifecycle ?? "protected";
  if (lifecycle !== "ephemeral") {
    report(
      ctx,
      ["tenant", "create", "subdomainSuffix"],
      "stack",
      `needs lifecycle: ephemeral (lifecycle is ${JSON.stringify(lifecycle)}): renaming a stack would change the suffix and replace the tenant`,
      "none; or stack together with lifecycle: ephemeral",
    );
  }
  const max = 26 - SUBDOMAIN_SUFFIX_LENGTH;
  if (typeof create.subdomain === "string" && create.subdomain.length > max) {
    report(ctx, ["tenant", "create", "subdomain"], create.subdomain, `is ${create.subdomain.length} characters long, which leaves no room for the ${SUBDOMAIN_SUFFIX_LENGTH}-character suffix`, `1-${max} ASCII letters or digits with subdomainSuffix: stack`);
  }
}

/** Reports every later occurrence of an already-seen normalized value. Entries: [path, shown value, normalized]. */
function reportDuplicates(ctx: Ctx, entries: [PropertyKey[], unknown, unknown][], allowed: string): void {
  const first = new Map<unknown, PropertyKey[]>();
  for (const [p, shown, norm] of entries) {
    if (norm === undefined) continue;
    const seen = first.get(norm);
    if (seen) report(ctx, p, shown, `duplicates ${formatConfigPath(seen)}`, allowed);
    else first.set(norm, p);
  }
}

function checkReferences(c: unknown, ctx: Ctx): void {
  if (!isRecord(c)) return;
  checkSubdomainSuffix(c, ctx);
  const apps = records(c.apps);
  const attrs = records(c.customAttributes);
  const flows = records(c.userFlows);
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);

  reportDuplicates(ctx, apps.map((a, i) => [["apps", i, "key"], a.key, str(a.key)]), "a unique key per app");
  apps.forEach((a, i) => {
    const uris = Array.isArray(a.redirectUris) ? (a.redirectUris as unknown[]) : [];
    reportDuplicates(
      ctx,
      uris.map((u, j) => [["apps", i, "redirectUris", j], u, typeof u === "string" ? redirectUriMatchKey(u) : undefined]),
      "each redirect URI once per app (Entra treats a URI with and without a trailing slash, or localhost URIs differing only by port, as one)",
    );
  });

  const builtInLower = new Set(BUILT_IN_ATTRIBUTES.map((b) => b.toLowerCase()));
  attrs.forEach((a, i) => {
    const name = str(a.name);
    if (name && builtInLower.has(name.toLowerCase())) {
      report(ctx, ["customAttributes", i, "name"], name, "is the name of a built-in attribute", `a name other than ${BUILT_IN_ATTRIBUTES.join(", ")}`);
    }
  });
  reportDuplicates(ctx, attrs.map((a, i) => [["customAttributes", i, "name"], a.name, str(a.name)?.toLowerCase()]), "a unique name per custom attribute (case-insensitive)");

  reportDuplicates(ctx, flows.map((f, i) => [["userFlows", i, "key"], f.key, str(f.key)]), "a unique key per user flow");
  reportDuplicates(
    ctx,
    flows.map((f, i) => [["userFlows", i, "displayName"], f.displayName, str(f.displayName)?.toLowerCase()]),
    "a unique displayName per user flow (case-insensitive; Graph requires it in the tenant)",
  );

  const appKeys = apps.map((a) => str(a.key)).filter((k): k is string => k !== undefined);
  // A broken apps value is reported where it is; the flows' app references are checked only against a usable list,
  // so one mistake there does not also fail every flow's apps.
  const appsUsable = Array.isArray(c.apps) && c.apps.length === apps.length && apps.every((a) => str(a.key) !== undefined);
  const attributeIds = [...new Set<string>([...BUILT_IN_ATTRIBUTES, ...attrs.map((a) => str(a.name)).filter((n): n is string => n !== undefined)])];
  const linkedBy = new Map<string, { flow: string; index: number }>();
  flows.forEach((f, i) => {
    const flowName = str(f.key) ?? `userFlows[${i}]`;
    const idps = Array.isArray(f.identityProviders) ? (f.identityProviders as unknown[]) : [];
    reportDuplicates(ctx, idps.map((p, j) => [["userFlows", i, "identityProviders", j], p, str(p)]), "each identity provider once per flow");
    const flowAttrs = records(f.attributes);
    flowAttrs.forEach((a, j) => {
      const id = str(a.attribute);
      if (id !== undefined && !attributeIds.includes(id)) {
        report(ctx, ["userFlows", i, "attributes", j, "attribute"], id, "is neither a built-in attribute nor a customAttributes name", attributeIds.join(", "));
      }
    });
    reportDuplicates(ctx, flowAttrs.map((a, j) => [["userFlows", i, "attributes", j, "attribute"], a.attribute, str(a.attribute)]), "each attribute once per flow");

    const flowApps = Array.isArray(f.apps) ? (f.apps as unknown[]) : [];
    reportDuplicates(ctx, flowApps.map((k, j) => [["userFlows", i, "apps", j], k, str(k)]), "each app once per flow");
    const seenHere = new Set<string>();
    flowApps.forEach((k, j) => {
      if (typeof k !== "string" || seenHere.has(k)) return;
      seenHere.add(k);
      if (!appKeys.includes(k)) {
        if (appsUsable) report(ctx, ["userFlows", i, "apps", j], k, "is not a configured app key", appKeys.join(", ") || "(no app is configured)");
        return;
      }
      const other = linkedBy.get(k);
      if (other) {
        report(
          ctx,
          ["userFlows", i, "apps", j],
          k,
          `is linked to both user flows "${other.flow}" (userFlows[${other.index}]) and "${flowName}" (userFlows[${i}])`,
          "one user flow per app (Graph: an application can only be linked to one user flow)",
        );
      } else linkedBy.set(k, { flow: flowName, index: i });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------------

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
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

/**
 * Validates the stack config and returns it typed, with defaults applied and derived values computed (tenant
 * authority and domain, sample redirect URIs, identity provider ids, branding file hashes).
 *
 * Reads the branding files it names (to check and hash them); registers nothing.
 *
 * @param raw the config keys without namespace: `{ tenant, apps, userFlows, customAttributes, branding, endpoints, graph, lifecycle, readiness, teardown, automation }`
 * @param opts `projectDir` resolves relative branding file paths; `project` and `stack` feed `subdomainSuffix: stack`
 * @throws ConfigValidationError listing every problem, each as `<path>: <message>`
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/overview-customers-ciam
 */
export function parseStackConfig(raw: Record<string, unknown>, opts: ParseStackConfigOptions): StackConfig {
  const result = stackConfigSchema(opts).safeParse(raw, { error: fallbackError });
  if (result.success) return result.data;
  throw new ConfigValidationError(formatIssues(result.error.issues));
}

/** Keys read as structured (JSON) config. */
const STRUCTURED_KEYS = ["tenant", "apps", "customAttributes", "userFlows", "branding", "endpoints", "graph", "readiness", "teardown", "automation"] as const;

/**
 * Reads the `ciam-tenant` namespace of the current stack and validates it with {@link parseStackConfig}, resolving
 * branding files against the current directory (the Pulumi project directory). Registers no resource.
 *
 * Unknown `ciam-tenant:*` keys are passed on so they are reported rather than silently ignored.
 *
 * @throws ConfigValidationError listing every problem
 * @see https://www.pulumi.com/docs/iac/concepts/config/#structured-configuration
 */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Record<string, unknown> = {};
  for (const key of STRUCTURED_KEYS) {
    let value: unknown;
    try {
      value = config.getObject<unknown>(key);
    } catch {
      value = config.get(key); // not JSON: hand the string on, the schema says what is expected
    }
    if (value !== undefined) raw[key] = value;
  }
  const lifecycle = config.get("lifecycle");
  if (lifecycle !== undefined) raw.lifecycle = lifecycle;
  const known = new Set<string>([...STRUCTURED_KEYS, "lifecycle"]);
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    if (!known.has(key)) raw[key] = config.get(key);
  }
  return parseStackConfig(raw, { projectDir: process.cwd(), project: pulumi.getProject(), stack: pulumi.getStack() });
}
