/**
 * One rule, one place: walks every rule of the branding, user-flow and identity-provider rule tables and proves that the config schema
 * (parseStackConfig) and the provider's `check` agree on it — every example the table accepts passes both, every
 * example it refuses fails both, with the same words after the field path.
 *
 * Does not prove: that the rules are Entra's (the tables cite their sources; docs/design.md lists the unverified
 * ones), nor anything about the Graph calls.
 */
import * as path from "node:path";
import { ConfigValidationError, parseStackConfig } from "../../config/schema";
import type { Rule } from "../../dynamic-providers/core";
import { BRANDING_COMPLEX_RULES, BRANDING_LOCALE_RULE, BRANDING_VALUE_RULES } from "../../dynamic-providers/branding/rules";
import { CUSTOM_ATTRIBUTE_RULES, FLOW_ATTRIBUTE_RULES, USER_FLOW_RULES } from "../../dynamic-providers/user-flows/rules";
import { checkBrandingProperties } from "../../dynamic-providers/branding/properties";
import { checkLocale } from "../../dynamic-providers/branding/localization";
import { validateUserFlow } from "../../dynamic-providers/user-flows/user-flow";
import { validateUserFlowAttribute } from "../../dynamic-providers/user-flows/attribute";
import { IDENTITY_PROVIDER_RULES } from "../../dynamic-providers/identity-providers/rules";
import { validateIdentityProvider } from "../../dynamic-providers/identity-providers/identity-provider";

const repoRoot = path.resolve(__dirname, "..", "..");
type Raw = Record<string, any>;

const CONN = { tenantId: "0b5c5a5e-1111-4222-8333-944445555666", graphEndpoint: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com", apiVersion: "beta" as const };

function baseConfig(): Raw {
  return {
    tenant: { existing: { tenantId: "0b5c5a5e-1111-4222-8333-944445555666", subdomain: "contosociam" } },
    apps: [{ key: "spa", displayName: "ciam-spa-sample", redirectUris: ["http://localhost:3000"] }],
    userFlows: [{ key: "signup-signin", displayName: "SignUpSignIn", identityProviders: ["emailPassword"], apps: ["spa"] }],
  };
}

/** The config's message for one field, without its path; `undefined` when the config has no problem. */
function configMessage(raw: Raw): string | undefined {
  try {
    parseStackConfig(raw, { projectDir: repoRoot });
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    expect(err.problems).toHaveLength(1);
    return err.problems[0]!.slice(err.problems[0]!.indexOf(": ") + 2);
  }
}

/** The provider's message for one field, without its property path; `undefined` when check passes. */
function providerMessage(failures: { property: string; reason: string }[]): string | undefined {
  if (failures.length === 0) return undefined;
  expect(failures).toHaveLength(1);
  const [f] = failures;
  expect(f!.reason.startsWith(`${f!.property}: `)).toBe(true);
  return f!.reason.slice(f!.property.length + 2);
}

interface Layers {
  config(value: unknown, parent: Readonly<Record<string, unknown>>): Raw;
  provider(value: unknown, parent: Readonly<Record<string, unknown>>): { property: string; reason: string }[];
}

function walk(family: string, rules: Readonly<Record<string, Rule>>, layersOf: (key: string) => Layers): void {
  describe(family, () => {
    test.each(Object.keys(rules))("GIVEN the rule %s WHEN read THEN it has examples both ways", (key) => {
      expect(rules[key]!.examples.valid.length).toBeGreaterThan(0);
      expect(rules[key]!.examples.invalid.length).toBeGreaterThan(0);
    });

    const cases = Object.entries(rules).flatMap(([key, rule]) => [
      ...rule.examples.valid.map((value) => [key, "accepts", value] as const),
      ...rule.examples.invalid.map((value) => [key, "refuses", value] as const),
    ]);
    test.each(cases)("GIVEN %s WHEN both layers check a value the table %s (%j) THEN they agree, in the same words", (key, verdict, value) => {
      const rule = rules[key]!;
      const parent = rule.examples.parent ?? {};
      const layers = layersOf(key);
      const fromConfig = configMessage(layers.config(value, parent));
      const fromProvider = providerMessage(layers.provider(value, parent));
      if (verdict === "accepts") {
        expect(fromConfig).toBeUndefined();
        expect(fromProvider).toBeUndefined();
      } else {
        expect(fromProvider).toBeDefined();
        expect(fromProvider).toContain(`; allowed: ${rule.allowed}`);
        // The config may add a YAML hint to a type problem ("quote it: …"); the rest is word for word.
        expect(fromConfig?.replace(/ \(quote it: [^)]*\)/, "")).toBe(fromProvider);
      }
    });
  });
}

walk("branding values", BRANDING_VALUE_RULES, (key) => ({
  config: (value) => ({ ...baseConfig(), branding: { default: { [key]: value } } }),
  provider: (value) => checkBrandingProperties({ [key]: value }),
}));

for (const [complexKey, rules] of Object.entries(BRANDING_COMPLEX_RULES)) {
  walk(`branding ${complexKey}`, rules, (key) => ({
    config: (value) => ({ ...baseConfig(), branding: { default: { [complexKey]: { [key]: value } } } }),
    provider: (value) => checkBrandingProperties({ [complexKey]: { [key]: value } }),
  }));
}

walk("branding locales", { locale: BRANDING_LOCALE_RULE }, () => ({
  config: (value) => ({ ...baseConfig(), branding: { localizations: { [value as string]: {} } } }),
  provider: (value) => checkLocale(value),
}));

/** Config `identityProviders` are kinds, the provider's Graph ids; the list rule is the same. */
const IDP_IDS: Readonly<Record<string, string>> = { emailPassword: "EmailPassword-OAUTH", emailOtp: "EmailOtpSignup-OAUTH" };
const flowInputs = { connection: CONN, displayName: "SignUpSignIn", isSignUpAllowed: true, identityProviders: ["EmailPassword-OAUTH"], attributes: [{ id: "email", required: true }] };
const PROVIDER_FLOW_KEY: Readonly<Record<string, string>> = { signUpAllowed: "isSignUpAllowed" };

walk("user flows", USER_FLOW_RULES, (key) => ({
  config: (value) => {
    const c = baseConfig();
    c.userFlows[0][key] = value;
    return c;
  },
  provider: (value) => {
    let v = value;
    if (key === "identityProviders" && Array.isArray(value)) v = value.map((k) => IDP_IDS[k as string] ?? k);
    if (key === "attributes" && Array.isArray(value)) v = value.map((a: Raw) => ({ id: a.attribute, required: a.required ?? false }));
    return validateUserFlow({ ...flowInputs, [PROVIDER_FLOW_KEY[key] ?? key]: v } as never);
  },
}));

walk("user-flow attribute settings", FLOW_ATTRIBUTE_RULES, (key) => ({
  config: (value, parent) => {
    const c = baseConfig();
    c.userFlows[0].attributes = [{ attribute: "email", ...parent, [key]: value }];
    return c;
  },
  provider: (value, parent) => validateUserFlow({ ...flowInputs, attributes: [{ id: "email", required: false, ...parent, [key]: value }] } as never),
}));

const PROVIDER_ATTRIBUTE_KEY: Readonly<Record<string, string>> = { name: "displayName" };
walk("custom attributes", CUSTOM_ATTRIBUTE_RULES, (key) => ({
  config: (value) => ({ ...baseConfig(), customAttributes: [{ name: "shoeSize", dataType: "string", [key]: value }] }),
  provider: (value) =>
    validateUserFlowAttribute({ connection: CONN, displayName: "shoeSize", dataType: "string", [PROVIDER_ATTRIBUTE_KEY[key] ?? key]: value } as never),
}));

/** Each identity-provider rule on a provider of a type that has the field; the secret is never a config value. */
const OIDC_BASE = { type: "oidc", displayName: "Partners", clientId: "p-client", issuer: "https://idp.contoso.example/", wellKnownEndpoint: "https://idp.contoso.example/.well-known/openid-configuration", scope: "openid" };
const APPLE_BASE = { type: "apple", displayName: "Apple", developerId: "A1B2C3D4E5", serviceId: "com.contoso.signin", keyId: "K1L2M3N4O5" };
const { secret: _secretRule, ...IDP_VALUE_RULES } = IDENTITY_PROVIDER_RULES;
walk("identity providers", IDP_VALUE_RULES, (key) => {
  const base = ["developerId", "serviceId", "keyId"].includes(key) ? APPLE_BASE : OIDC_BASE;
  const secretRef = base === APPLE_BASE ? { privateKey: { secretConfig: "appleKey" } } : { clientSecret: { secretConfig: "partnersSecret" } };
  return {
    config: (value) => ({ ...baseConfig(), identityProviders: [{ key: "idp", ...base, ...secretRef, [key]: value }] }),
    provider: (value) => validateIdentityProvider({ connection: CONN, ...base, secret: "s", [key]: value } as never),
  };
});
