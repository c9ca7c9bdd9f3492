/**
 * `branding`: company branding (the default and each localization), its properties checked by the branding
 * family's rule table and its images and CSS checked and hashed from their files.
 */
import * as path from "node:path";
import { z } from "zod";
import {
  BRANDING_ASSET_KINDS,
  BRANDING_COMPLEX_RULES,
  BRANDING_LOCALE_RULE,
  BRANDING_VALUE_RULES,
  type BrandingAssetKind,
  brandingLocaleProblem,
} from "../dynamic-providers/branding/rules";
import { type Frozen, type RuleValue, isRecord, ruleField, strict, text } from "./fields";
import { BrandingAsset, inspectBrandingFile } from "./images";
import { report, typeProblem } from "./messages";

/**
 * Branding localization key rules (the branding family's rule table): one of the culture names External ID
 * documents for company branding, never `0` or `default`, which address the default branding; a near miss gets
 * the nearest listed names.
 *
 * @returns what is wrong, or `undefined` when the key is acceptable
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-customize-languages-customers
 */
export const localeKeyProblem = brandingLocaleProblem;

function imageField(kind: BrandingAssetKind, projectDir: string) {
  return text(kind === "customCSS" ? "a path to a UTF-8 CSS file" : "a path to a PNG or JPEG file").transform((p, ctx): BrandingAsset => {
    const result = inspectBrandingFile(path.resolve(projectDir, p), kind, projectDir);
    if (result.ok) return result.asset;
    for (const problem of result.problems) report(ctx, [], p, problem.what, problem.allowed);
    return z.NEVER;
  });
}

type ValueRules = typeof BRANDING_VALUE_RULES;
type ComplexRules = typeof BRANDING_COMPLEX_RULES;
/** One optional field per rule of a table, typed by what its rule admits. */
type RuleShape<T> = { [K in keyof T]: z.ZodOptional<z.ZodType<RuleValue<T[K]>>> };

/** An object of optional fields, one per rule of `rules` (the rule table is the one list of keys). */
function ruleShape<T extends Readonly<Record<string, Parameters<typeof ruleField>[0]>>>(rules: T): RuleShape<T> {
  return Object.fromEntries(Object.entries(rules).map(([key, rule]) => [key, ruleField(rule).optional()])) as RuleShape<T>;
}

/**
 * Company branding properties (the default and each localization), in Graph's own names; absent keys are not
 * managed. Complex keys manage only the sub-keys present.
 * @see https://learn.microsoft.com/en-us/graph/api/resources/organizationalbranding
 */
function brandingPropertiesSchema(projectDir: string) {
  const imageShape = Object.fromEntries(BRANDING_ASSET_KINDS.map((k) => [k, imageField(k, projectDir).optional()])) as {
    [K in BrandingAssetKind]: z.ZodOptional<ReturnType<typeof imageField>>;
  };
  return strict({
    ...ruleShape<ValueRules>(BRANDING_VALUE_RULES),
    /** `loginPageTextVisibilitySettings`: links hidden on the sign-in page; each flag absent = Graph's default (shown). */
    loginPageTextVisibilitySettings: strict(ruleShape<ComplexRules["loginPageTextVisibilitySettings"]>(BRANDING_COMPLEX_RULES.loginPageTextVisibilitySettings)).optional(),
    /** `loginPageLayoutConfiguration`: page layout. @default - Graph's default template */
    loginPageLayoutConfiguration: strict(ruleShape<ComplexRules["loginPageLayoutConfiguration"]>(BRANDING_COMPLEX_RULES.loginPageLayoutConfiguration)).optional(),
    /** Branding streams, each a checked file with its hash. @default - no image or CSS managed */
    images: strict(imageShape).default({}),
  });
}

/** `branding`: the default (locale `0`) and localizations keyed by culture name. */
export function brandingSchema(projectDir: string) {
  const props = brandingPropertiesSchema(projectDir);
  return strict({
    /** @default - the default branding is not managed (Graph still creates it with the first localization) */
    default: props.optional(),
    /** @default - no localization */
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

/** Company branding: the default (locale `0`) and localizations keyed by BCP 47 tag. */
export type BrandingConfig = Frozen<z.output<ReturnType<typeof brandingSchema>>>;
/** Company branding properties of the default or one localization. */
export type BrandingPropertiesConfig = NonNullable<BrandingConfig["default"]>;
/** Branding streams, each a checked file with its hash. */
export type BrandingImages = BrandingPropertiesConfig["images"];
/** `loginPageTextVisibilitySettings`; each flag absent = Graph's default (shown). */
export type LoginPageTextVisibilitySettings = NonNullable<BrandingPropertiesConfig["loginPageTextVisibilitySettings"]>;
/** `loginPageLayoutConfiguration`. */
export type LoginPageLayoutConfiguration = NonNullable<BrandingPropertiesConfig["loginPageLayoutConfiguration"]>;
