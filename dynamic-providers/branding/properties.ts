/**
 * The vocabulary of company branding, shared by the config and the three branding resources: the properties a
 * branding holds (text, colours, layout, in Graph's own names), their validation through the family's rule table,
 * the managed view of a live branding and the minimal PATCH body; and the stream kinds (images, CSS).
 *
 * Pure functions and constants only: this module stays serializable by value, as every branding provider.
 */
import type * as pulumi from "@pulumi/pulumi";
import { failure, isUnknown, jsonEqual } from "../provider-kit";
import { Rule, ruleFailures } from "../core";
import { BRANDING_ASSET_KINDS, BRANDING_COMPLEX_RULES, BRANDING_VALUE_RULES, type BrandingValueKey } from "./rules";

/** The stream kinds (images, CSS) live in the rule table, which the config reads too. */
export { BRANDING_ASSET_KINDS, type BrandingAssetKind } from "./rules";


/**
 * Text and layout of the sign-in page, in Graph's own property names. Every key is optional and only the keys
 * present are managed: a key left out is neither read nor written.
 * @see https://learn.microsoft.com/en-us/graph/api/resources/organizationalbranding
 */
export interface BrandingProperties {
  /** Colour behind the background image on low-bandwidth connections, `#RRGGBB`. @default - Graph's neutral colour stays */
  readonly backgroundColor?: string;
  /** Colour of the page header, `#RRGGBB`. @default - Graph's neutral colour stays */
  readonly headerBackgroundColor?: string;
  /** Text at the bottom of the sign-in box, ≤ 1024 characters, markdown-like links/bold/italic/underline. @default - none shown */
  readonly signInPageText?: string;
  /** Hint in the username box, ≤ 64 characters. @default - Graph's generic hint */
  readonly usernameHintText?: string;
  /** https URL (ASCII, ≤ 128) of the self-service password reset page. @default - Microsoft's page */
  readonly customAccountResetCredentialsUrl?: string;
  /** Replaces "Can't access your account?", ≤ 256 characters. @default - Microsoft's text */
  readonly customCannotAccessYourAccountText?: string;
  /** Replaces "Forgot my password", ≤ 256 characters. @default - Microsoft's text */
  readonly customForgotMyPasswordText?: string;
  /** Replaces "Privacy & cookies", ≤ 256 characters. @default - Microsoft's text */
  readonly customPrivacyAndCookiesText?: string;
  /** https URL (ASCII, ≤ 128) of the privacy statement. @default - Microsoft's privacy statement is linked */
  readonly customPrivacyAndCookiesUrl?: string;
  /** Replaces "Terms of use", ≤ 256 characters. @default - Microsoft's text */
  readonly customTermsOfUseText?: string;
  /** https URL (ASCII, ≤ 128) of the terms of use. @default - Microsoft's terms are linked */
  readonly customTermsOfUseUrl?: string;
  /** Links hidden on the sign-in page; only the sub-keys present are managed. @default - every link shown */
  readonly loginPageTextVisibilitySettings?: {
    readonly hideAccountResetCredentials?: boolean;
    readonly hideCannotAccessYourAccount?: boolean;
    readonly hideForgotMyPassword?: boolean;
    readonly hidePrivacyAndCookies?: boolean;
    readonly hideResetItNow?: boolean;
    readonly hideTermsOfUse?: boolean;
  };
  /** Page layout; only the sub-keys present are managed. @default - Graph's default template */
  readonly loginPageLayoutConfiguration?: {
    readonly layoutTemplateType?: "default" | "verticalSplit";
    readonly isHeaderShown?: boolean;
    readonly isFooterShown?: boolean;
  };
}

export type BrandingKey = keyof BrandingProperties & string;
type ComplexKey = "loginPageTextVisibilitySettings" | "loginPageLayoutConfiguration";

/**
 * Managed keys as Graph holds them: like {@link BrandingProperties}, but a value (or sub-value) may be `null` where
 * Graph has none. State (`properties`, `previous`) has this shape after a read.
 */
export type BrandingValues = Readonly<Record<string, unknown>>;

const COLOUR_KEYS = ["backgroundColor", "headerBackgroundColor"] as const;
/** Sub-keys of the complex keys (reference §4.8), from the branding rule table. */
const COMPLEX_SUBKEYS: Readonly<Record<ComplexKey, readonly string[]>> = {
  loginPageTextVisibilitySettings: Object.keys(BRANDING_COMPLEX_RULES.loginPageTextVisibilitySettings),
  loginPageLayoutConfiguration: Object.keys(BRANDING_COMPLEX_RULES.loginPageLayoutConfiguration),
};

/** Every key a branding resource manages, in Graph's order of the docs. */
export const BRANDING_KEYS: readonly BrandingKey[] = [
  ...(Object.keys(BRANDING_VALUE_RULES) as BrandingValueKey[]),
  "loginPageTextVisibilitySettings",
  "loginPageLayoutConfiguration",
];

/** Graph properties a branding resource must not set, and why (reference §4.3, §4.5). */
const REFUSED_KEYS: Readonly<Record<string, string>> = {
  id: "the id is read-only (the locale is an input of its own)",
  cdnList: "read-only",
  customCannotAccessYourAccountUrl: 'marked "DO NOT USE" by Graph; use customAccountResetCredentialsUrl',
  customResetItNowText: 'marked "DO NOT USE" by Graph',
  bannerLogo: "images are BrandingAsset resources",
  backgroundImage: "images are BrandingAsset resources",
  squareLogo: "images are BrandingAsset resources",
  squareLogoDark: "images are BrandingAsset resources",
  headerLogo: "images are BrandingAsset resources",
  favicon: "images are BrandingAsset resources",
  customCSS: "CSS is a BrandingAsset resource",
  contentCustomization: "not managed by this project (the portal and per-flow language files edit the same JSON)",
};

function isComplexKey(key: string): key is ComplexKey {
  return key === "loginPageTextVisibilitySettings" || key === "loginPageLayoutConfiguration";
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Check failures of a branding properties bag, by the branding rule table (the config checks the same rules, in the
 * same words); unknown preview values are skipped. `property` prefixes every failure, e.g. `properties.backgroundColor`.
 */
export function checkBrandingProperties(props: unknown, property = "properties"): pulumi.dynamic.CheckFailure[] {
  if (isUnknown(props)) return [];
  if (!isPlainObject(props)) return [failure(property, props, "an object of branding properties is required")];
  const out: pulumi.dynamic.CheckFailure[] = [];
  for (const [key, value] of Object.entries(props)) {
    const name = `${property}.${key}`;
    if (value === undefined || isUnknown(value)) continue;
    if (REFUSED_KEYS[key] !== undefined || key.endsWith("RelativeUrl")) {
      out.push(failure(name, value, `this key cannot be set here: ${REFUSED_KEYS[key] ?? "read-only"}`));
    } else if (isComplexKey(key)) {
      out.push(...checkComplex(key, value, name));
    } else if (Object.hasOwn(BRANDING_VALUE_RULES, key)) {
      out.push(...ruleFailures(name, BRANDING_VALUE_RULES[key as BrandingValueKey], value, isUnknown));
    } else {
      out.push(failure(name, value, `unknown key; allowed keys: ${BRANDING_KEYS.join(", ")}`));
    }
  }
  return out;
}

function checkComplex(key: ComplexKey, value: unknown, name: string): pulumi.dynamic.CheckFailure[] {
  if (!isPlainObject(value)) return [failure(name, value, `an object with keys ${COMPLEX_SUBKEYS[key].join(", ")} is required`)];
  const rules: Readonly<Record<string, Rule>> = BRANDING_COMPLEX_RULES[key];
  const out: pulumi.dynamic.CheckFailure[] = [];
  for (const [sub, v] of Object.entries(value)) {
    const subName = `${name}.${sub}`;
    if (v === undefined || isUnknown(v)) continue;
    const rule = Object.hasOwn(rules, sub) ? rules[sub] : undefined;
    if (!rule) out.push(failure(subName, v, `unknown key; allowed keys: ${COMPLEX_SUBKEYS[key].join(", ")}`));
    else out.push(...ruleFailures(subName, rule, v, isUnknown));
  }
  return out;
}

/** The properties bag without keys whose value is `undefined` (they are not managed). */
export function definedProperties(props: BrandingProperties | undefined): BrandingProperties {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) : value;
  }
  return out as BrandingProperties;
}

/** Colours compare case-insensitively (Graph may normalise `#f0f4f8`); everything else as JSON. */
export function sameValue(key: string, a: unknown, b: unknown): boolean {
  if ((COLOUR_KEYS as readonly string[]).includes(key) && typeof a === "string" && typeof b === "string") {
    return a.toLowerCase() === b.toLowerCase();
  }
  return jsonEqual(a ?? null, b ?? null);
}

/**
 * What Graph holds for the managed keys of `like` (a complex key: only its managed sub-keys), `null` where unset.
 * A live value equal to the managed one (colours: ignoring case) keeps the managed spelling, so a read shows no drift.
 */
export function managedView(live: Record<string, unknown> | undefined, like: BrandingValues | BrandingProperties): BrandingValues {
  const out: Record<string, unknown> = {};
  for (const [key, wanted] of Object.entries(like)) {
    if (wanted === undefined) continue;
    const liveValue = live?.[key] ?? null;
    if (isComplexKey(key) && isPlainObject(wanted)) {
      const liveObject = isPlainObject(liveValue) ? liveValue : {};
      out[key] = Object.fromEntries(Object.keys(wanted).map((sub) => [sub, liveObject[sub] ?? null]));
    } else {
      out[key] = sameValue(key, wanted, liveValue) ? wanted : liveValue;
    }
  }
  return out;
}

/** The full value of each key of `keys` as Graph holds it (complex: every known sub-key), `null` where unset. */
export function liveValues(live: Record<string, unknown> | undefined, keys: readonly string[]): BrandingValues {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = live?.[key] ?? null;
    out[key] = isComplexKey(key) && isPlainObject(v) ? pickSubkeys(key, v) : v;
  }
  return out;
}

function pickSubkeys(key: ComplexKey, v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(COMPLEX_SUBKEYS[key].map((sub) => [sub, v[sub] ?? null]));
}

/**
 * The body of the one PATCH that takes Graph (`live`, the full object) to `desired`, or `{}` when nothing differs.
 * - a desired key is sent only when its live value differs;
 * - a complex key is sent whole, its unmanaged sub-keys copied from Graph so that a whole-object replace (the
 *   likely semantics, reference §3.3 [inferred]) does not reset them; its sub-keys dropped from config get `restore`;
 * - a key in `dropped` (managed before, not any more) gets `restore(key)`: its previous value, or null;
 * - a key in `force` is sent even when Graph shows the same value (a localization's GET may show a value inherited
 *   from the default, reference §4.6, which the localization itself does not hold).
 */
export function brandingPatch(
  live: Record<string, unknown> | undefined,
  desired: BrandingProperties,
  dropped: readonly string[],
  restore: (key: string) => unknown,
  droppedSubkeys: Readonly<Record<string, readonly string[]>> = {},
  force: readonly string[] = [],
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, wanted] of Object.entries(desired)) {
    if (wanted === undefined) continue;
    const liveValue = live?.[key] ?? null;
    if (isComplexKey(key) && isPlainObject(wanted)) {
      const liveObject = isPlainObject(liveValue) ? pickSubkeys(key, liveValue) : pickSubkeys(key, {});
      const target: Record<string, unknown> = { ...liveObject };
      for (const sub of droppedSubkeys[key] ?? []) {
        if (sub in wanted) continue;
        const previous = restore(key);
        target[sub] = isPlainObject(previous) ? (previous[sub] ?? null) : null;
      }
      Object.assign(target, wanted);
      if (force.includes(key) || !jsonEqual(target, liveObject)) body[key] = target;
    } else if (force.includes(key) || !sameValue(key, wanted, liveValue)) {
      body[key] = wanted;
    }
  }
  for (const key of dropped) {
    if (key in body || (desired as Record<string, unknown>)[key] !== undefined) continue;
    const value = restore(key) ?? null;
    if (!sameValue(key, value, live?.[key] ?? null)) body[key] = value;
  }
  return body;
}

/** Keys of `news` whose value differs from the managed value in `olds` (new keys included). */
export function keysChangedFrom(olds: BrandingValues, news: BrandingProperties): string[] {
  return Object.entries(news)
    .filter(([key, value]) => value !== undefined && !sameValue(key, olds[key], value))
    .map(([key]) => key);
}

/** Keys (and sub-keys of complex keys) managed in `olds` but not in `news`. */
export function droppedKeys(
  olds: BrandingValues,
  news: BrandingProperties,
): { keys: string[]; subkeys: Record<string, string[]> } {
  const keys: string[] = [];
  const subkeys: Record<string, string[]> = {};
  const n = news as Record<string, unknown>;
  for (const [key, old] of Object.entries(olds)) {
    if (old === undefined) continue;
    if (n[key] === undefined) keys.push(key);
    else if (isComplexKey(key) && isPlainObject(old) && isPlainObject(n[key])) {
      const gone = Object.keys(old).filter((sub) => (n[key] as Record<string, unknown>)[sub] === undefined);
      if (gone.length > 0) subkeys[key] = gone;
    }
  }
  return { keys, subkeys };
}

/** Properties of a branding read that carry no content of their own. */
const NOT_CONTENT_KEYS = new Set(["id", "cdnList", "@odata.context", "@odata.type", "@odata.id"]);
const STREAM_KEYS = new Set<string>(BRANDING_ASSET_KINDS);

/**
 * A branding read as an export sees it: the managed keys Graph has a value for (complex keys: the sub-keys set),
 * and the other keys that hold a value, which this project does not manage (streams are read separately).
 */
export function discoveredValues(live: Record<string, unknown> | undefined): { values: BrandingValues; unmanaged: string[] } {
  const values: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(liveValues(live, BRANDING_KEYS))) {
    if (v === null || v === "") continue;
    if (isComplexKey(key) && isPlainObject(v)) {
      const set = Object.fromEntries(Object.entries(v).filter(([, sub]) => sub !== null && sub !== undefined));
      if (Object.keys(set).length > 0) values[key] = set;
    } else values[key] = v;
  }
  const managed = new Set<string>(BRANDING_KEYS);
  const unmanaged = Object.entries(live ?? {})
    // `…RelativeUrl`: read-only CDN paths of the streams, which are read as streams.
    .filter(([k, v]) => !managed.has(k) && !NOT_CONTENT_KEYS.has(k) && !STREAM_KEYS.has(k) && !k.includes("@odata") && !/RelativeUrl$/.test(k) && !isEmptyValue(v))
    .map(([k]) => k)
    .sort();
  return { values, unmanaged };
}

function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.values(v).every(isEmptyValue);
  return false;
}
