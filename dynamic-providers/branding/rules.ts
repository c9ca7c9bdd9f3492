/**
 * The branding family's rule table: every value rule of the default branding and its localizations, read by the
 * config schema (`branding.default`, `branding.localizations.<locale>`) and by the DefaultBranding and
 * BrandingLocalization providers' `check`, so both say the same thing about the same value.
 *
 * Sources: reference §4.3 (limits), §4.8 (complex keys);
 * https://learn.microsoft.com/en-us/graph/api/resources/organizationalbranding (property limits) and
 * https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-customize-languages-customers (languages).
 */
import { Rule, lengthAllowed, lengthProblem } from "../core";

/** Stream properties of a branding (reference §4.5). */
export type BrandingAssetKind = "bannerLogo" | "squareLogo" | "squareLogoDark" | "headerLogo" | "backgroundImage" | "favicon" | "customCSS";

export const BRANDING_ASSET_KINDS: readonly BrandingAssetKind[] = [
  "bannerLogo",
  "squareLogo",
  "squareLogoDark",
  "headerLogo",
  "backgroundImage",
  "favicon",
  "customCSS",
];

const COLOUR = /^#[0-9A-Fa-f]{6}$/;

const colour: Rule = {
  type: "string",
  allowed: "a hex colour #RRGGBB, e.g. #F0F4F8 (quote it in YAML: a bare # starts a comment)",
  problem: (v: string) => (COLOUR.test(v) ? undefined : "is not a #RRGGBB colour"),
  examples: { valid: ["#F0F4F8", "#0a0B0c"], invalid: ["F0F4F8", "#FFF", "#GGGGGG", "red"] },
};

/**
 * A branding link: https, printable ASCII without spaces (a URL with a space is not a URL), at most 128 characters
 * (reference §4.3). The provider and the config once disagreed on the space; this is the one rule now.
 */
const brandingUrl: Rule = {
  type: "string",
  allowed: "an https:// URL of printable ASCII characters without spaces (encode a space as %20), at most 128 characters",
  problem: (v: string) => {
    if (v.length > 128) return `is ${v.length} characters long`;
    if (/\s/.test(v)) return "contains a space";
    if (!/^[\x21-\x7e]*$/.test(v)) return "contains non-ASCII characters";
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return "is not an absolute URL";
    }
    if (url.protocol !== "https:") return "is not an https:// URL";
    if (!url.hostname) return "has no host";
    if (url.username || url.password) return "carries a user name or password";
    return undefined;
  },
  examples: {
    valid: ["https://contoso.example/privacy", "https://contoso.example/privacy%20policy"],
    invalid: ["https://contoso.example/privacy policy", "http://contoso.example/privacy", "https://contoso.example/é", `https://contoso.example/${"a".repeat(120)}`, "privacy"],
  },
};

function text(max: number): Rule {
  return {
    type: "string",
    allowed: lengthAllowed(max),
    problem: (v: string) => lengthProblem(v, 0, max),
    examples: { valid: ["", "Welcome", "a".repeat(max), "😀".repeat(Math.floor(max / 2))], invalid: ["a".repeat(max + 1), "😀".repeat(Math.floor(max / 2) + 1)] },
  };
}

const flag = {
  type: "boolean" as const,
  allowed: "true or false (a YAML boolean, not a quoted string)",
  examples: { valid: [true, false], invalid: ["true", 1] },
} satisfies Rule;

export const LAYOUT_TEMPLATES = ["default", "verticalSplit"] as const;

const layoutTemplateType = {
  type: "string" as const,
  values: LAYOUT_TEMPLATES,
  allowed: LAYOUT_TEMPLATES.join(", "),
  problem: (v: string) => ((LAYOUT_TEMPLATES as readonly string[]).includes(v) ? undefined : "is not a valid layoutTemplateType"),
  examples: { valid: ["default", "verticalSplit"], invalid: ["split", "Default"] },
} satisfies Rule;

/** Rules of the string keys of a branding, by Graph property name. */
export const BRANDING_VALUE_RULES = {
  backgroundColor: colour,
  headerBackgroundColor: colour,
  signInPageText: text(1024),
  usernameHintText: text(64),
  customAccountResetCredentialsUrl: brandingUrl,
  customPrivacyAndCookiesUrl: brandingUrl,
  customTermsOfUseUrl: brandingUrl,
  customCannotAccessYourAccountText: text(256),
  customForgotMyPasswordText: text(256),
  customPrivacyAndCookiesText: text(256),
  customTermsOfUseText: text(256),
} as const satisfies Readonly<Record<string, Rule>>;

export type BrandingValueKey = keyof typeof BRANDING_VALUE_RULES;

/** Rules of the sub-keys of the two complex keys (reference §4.8). */
export const BRANDING_COMPLEX_RULES = {
  loginPageTextVisibilitySettings: {
    hideAccountResetCredentials: flag,
    hideCannotAccessYourAccount: flag,
    hideForgotMyPassword: flag,
    hidePrivacyAndCookies: flag,
    hideResetItNow: flag,
    hideTermsOfUse: flag,
  },
  loginPageLayoutConfiguration: {
    layoutTemplateType,
    isHeaderShown: flag,
    isFooterShown: flag,
  },
} as const satisfies Readonly<Record<string, Readonly<Record<string, Rule>>>>;

export type BrandingComplexKey = keyof typeof BRANDING_COMPLEX_RULES;

// ---------------------------------------------------------------------------------------------- locales

/**
 * The browser languages an external tenant's company branding can be customized for: the 39 languages the
 * External ID documentation lists, as the culture names (`ll-CC`, RFC 1766 style, as the Graph localization id is
 * documented) of the language and country each entry names. The list names languages, not codes, so the codes are
 * read from the names (Serbian (Latin, Serbia) is sr-Latn-RS; "Slovenian (Sierra Leone)" is taken as Slovenian
 * (Slovenia), sl-SI). Whether Graph accepts other tags for an external tenant is unverified: this is the strict
 * choice (docs/design.md "Unverified Entra rules").
 *
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-customize-languages-customers
 */
export const BRANDING_LOCALES: Readonly<Record<string, string>> = {
  "ar-SA": "Arabic (Saudi Arabia)",
  "eu-ES": "Basque (Basque)",
  "bg-BG": "Bulgarian (Bulgaria)",
  "ca-ES": "Catalan (Catalan)",
  "zh-CN": "Chinese (China)",
  "zh-HK": "Chinese (Hong Kong SAR)",
  "hr-HR": "Croatian (Croatia)",
  "cs-CZ": "Czech (Czechia)",
  "da-DK": "Danish (Denmark)",
  "nl-NL": "Dutch (Netherlands)",
  "en-US": "English (United States)",
  "et-EE": "Estonian (Estonia)",
  "fi-FI": "Finnish (Finland)",
  "fr-FR": "French (France)",
  "gl-ES": "Galician (Galician)",
  "de-DE": "German (Germany)",
  "el-GR": "Greek (Greece)",
  "he-IL": "Hebrew (Israel)",
  "hu-HU": "Hungarian (Hungary)",
  "it-IT": "Italian (Italy)",
  "ja-JP": "Japanese (Japan)",
  "kk-KZ": "Kazakh (Kazakhstan)",
  "ko-KR": "Korean (Korea)",
  "lv-LV": "Latvian (Latvia)",
  "lt-LT": "Lithuanian (Lithuania)",
  "nb-NO": "Norwegian Bokmål (Norway)",
  "pl-PL": "Polish (Poland)",
  "pt-BR": "Portuguese (Brazil)",
  "pt-PT": "Portuguese (Portugal)",
  "ro-RO": "Romanian (Romania)",
  "ru-RU": "Russian (Russia)",
  "sr-Latn-RS": "Serbian (Latin, Serbia)",
  "sk-SK": "Slovak (Slovakia)",
  "sl-SI": "Slovenian (Slovenia)",
  "es-ES": "Spanish (Spain)",
  "sv-SE": "Swedish (Sweden)",
  "th-TH": "Thai (Thailand)",
  "tr-TR": "Turkish (Türkiye)",
  "uk-UA": "Ukrainian (Ukraine)",
};

const LOCALE_CODES = Object.keys(BRANDING_LOCALES);

/** Language subtags people write for one of the listed languages: deprecated codes and macrolanguages. */
const LANGUAGE_ALIASES: Readonly<Record<string, string>> = { iw: "he", no: "nb", nn: "nb", in: "id", zh: "zh", sh: "sr" };

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * The listed locales nearest to a tag: the same code in another case; else those of the same language (after
 * deprecated codes such as `iw` → `he`); else those of the same region; else the closest spellings.
 */
export function nearestBrandingLocales(tag: string): string[] {
  const exactCase = LOCALE_CODES.find((c) => c.toLowerCase() === tag.toLowerCase());
  if (exactCase) return [exactCase];
  const parts = tag.split(/[-_]/);
  const rawLanguage = (parts[0] ?? "").toLowerCase();
  const language = LANGUAGE_ALIASES[rawLanguage] ?? rawLanguage;
  const sameLanguage = LOCALE_CODES.filter((c) => c.split("-")[0] === language);
  if (sameLanguage.length) return sameLanguage;
  const region = parts.length > 1 ? parts[parts.length - 1]!.toUpperCase() : undefined;
  const sameRegion = region ? LOCALE_CODES.filter((c) => c.endsWith(`-${region}`)) : [];
  if (sameRegion.length) return sameRegion;
  const scored = LOCALE_CODES.map((c) => [c, editDistance(tag.toLowerCase(), c.toLowerCase())] as const);
  const best = Math.min(...scored.map(([, d]) => d));
  return scored.filter(([, d]) => d === best).map(([c]) => c).slice(0, 3);
}

/** What is wrong with a localization locale, or `undefined` (the default branding's `0`/`default` are refused). */
export function brandingLocaleProblem(tag: string): string | undefined {
  if (tag === "0" || tag.toLowerCase() === "default") return "is the default branding's id (configure it under branding.default)";
  if (BRANDING_LOCALES[tag] !== undefined) return undefined;
  const nearest = nearestBrandingLocales(tag);
  const suggestion = nearest.map((c) => `${c} (${BRANDING_LOCALES[c]})`).join(" or ");
  if (nearest.length === 1 && nearest[0]!.toLowerCase() === tag.toLowerCase()) return `is not in the documented case (write ${suggestion})`;
  return `is not a browser language External ID branding supports (nearest: ${suggestion})`;
}

export const BRANDING_LOCALE_RULE: Rule = {
  type: "string",
  allowed: `one of the ${LOCALE_CODES.length} culture names External ID company branding supports, e.g. fr-FR, de-DE, pt-BR (all listed in the README, "Branding languages")`,
  problem: (v: string) => brandingLocaleProblem(v),
  examples: { valid: ["fr-FR", "de-DE", "sr-Latn-RS", "he-IL"], invalid: ["xx", "en-ZZ", "und", "iw", "fr-fr", "fr", "0", "default", "es-419"] },
};
