/**
 * Stack config schema: every rule rejects with the exact path, the bad value and what is allowed; every problem is
 * reported at once; defaults and derived values are what components rely on; the example stack file parses.
 *
 * Does not prove: that Graph or ARM accept every value the schema accepts (limits from docs, not a live tenant).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { filledExampleStackText } from "../support/example-stack";
import { parse as parseYaml } from "yaml";
import {
  BUILT_IN_ATTRIBUTES,
  ConfigValidationError,
  DEFAULT_GRAPH_TUNING,
  PUBLIC_CLOUD_ENDPOINTS,
  StackConfig,
  describeProblem,
  formatConfigPath,
  parseStackConfig,
} from "../../config/schema";

const repoRoot = path.resolve(__dirname, "..", "..");
const GUID_A = "11111111-2222-4333-8444-555555555555";
const SUBSCRIPTION = "aaaaaaaa-0000-4000-8000-000000000001";
const HOME_TENANT = "bbbbbbbb-0000-4000-8000-000000000002";

type Raw = Record<string, any>;

/** A small valid config: a created tenant, a spa app and an existing app, one flow. */
function validConfig(): Raw {
  return {
    tenant: {
      create: {
        subscriptionId: SUBSCRIPTION,
        homeTenantId: HOME_TENANT,
        resourceGroup: { name: "rg-ciam-dev", location: "westeurope" },
        subdomain: "contosociamdev",
        displayName: "Contoso customers",
        countryCode: "US",
        dataLocation: "United States",
      },
    },
    apps: [
      { key: "spa", displayName: "ciam-spa-sample", redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"] },
      { key: "legacy", existing: { clientId: GUID_A } },
    ],
    userFlows: [{ key: "signup-signin", displayName: "SignUpSignIn", identityProviders: ["emailPassword"], apps: ["spa"] }],
  };
}

function problemsOf(raw: Raw, projectDir = repoRoot): string[] {
  try {
    parseStackConfig(raw, { projectDir });
  } catch (err) {
    if (err instanceof ConfigValidationError) return [...err.problems];
    throw err;
  }
  return [];
}

const withBranding = (c: Raw, props: Raw): Raw => ({ ...c, branding: { default: props } });

/** [rule, change to a valid config, exact path, fragments the message must contain]. */
type Row = [string, (c: Raw) => Raw, string, string[]];
const invalidCases: Row[] = [
  // tenant
  ["tenant is missing", (c) => ({ ...c, tenant: undefined }), "tenant", ["value is missing", "allowed: an object with keys create, existing"]],
  ["tenant sets both create and existing", (c) => ({ ...c, tenant: { ...c.tenant, existing: { tenantId: GUID_A, subdomain: "x" } } }), "tenant", ["sets both create and existing", "allowed: exactly one of create, existing"]],
  ["tenant sets neither create nor existing", (c) => ({ ...c, tenant: {} }), "tenant", ["{} sets neither create nor existing", "exactly one of create, existing"]],
  ["subdomain has a hyphen", (c) => (c.tenant.create.subdomain = "contoso-ciam", c), "tenant.create.subdomain", ['"contoso-ciam"', "allowed: 1-26 ASCII letters or digits"]],
  ["subdomain is 27 characters", (c) => (c.tenant.create.subdomain = "a".repeat(27), c), "tenant.create.subdomain", [`"${"a".repeat(27)}"`, "1-26 ASCII letters or digits"]],
  ["countryCode is lower-case", (c) => (c.tenant.create.countryCode = "us", c), "tenant.create.countryCode", ['"us" is not upper-case', "upper-case ISO 3166-1 alpha-2"]],
  ["countryCode is not assigned", (c) => (c.tenant.create.countryCode = "XX", c), "tenant.create.countryCode", ['"XX" is not an assigned ISO 3166-1 alpha-2 code', "such as US"]],
  ["dataLocation is an Azure region", (c) => (c.tenant.create.dataLocation = "West Europe", c), "tenant.create.dataLocation", ['"West Europe"', "allowed: United States, Europe, Asia Pacific, Australia"]],
  ["sku is unknown", (c) => (c.tenant.create.sku = "Free", c), "tenant.create.sku", ['"Free"', "allowed: Standard, PremiumP1, PremiumP2"]],
  ["resource group name ends with a dot", (c) => (c.tenant.create.resourceGroup.name = "rg-ciam.", c), "tenant.create.resourceGroup.name", ['"rg-ciam."', "not ending in ."]],
  ["resource group name has a space", (c) => (c.tenant.create.resourceGroup.name = "rg ciam", c), "tenant.create.resourceGroup.name", ['"rg ciam"', "1-90 letters, digits, -, _, ., ( or )"]],
  ["resource group name is 91 characters", (c) => (c.tenant.create.resourceGroup.name = "r".repeat(91), c), "tenant.create.resourceGroup.name", ['"rrrr', "1-90"]],
  ["resource group location is a display name", (c) => (c.tenant.create.resourceGroup.location = "West Europe", c), "tenant.create.resourceGroup.location", ['"West Europe"', "lower-case Azure region name"]],
  ["resource group create is a string", (c) => (c.tenant.create.resourceGroup.create = "true", c), "tenant.create.resourceGroup.create", ['"true" is not a boolean', "allowed: true or false"]],
  ["existing tenantId is not a GUID", (c) => ({ ...c, tenant: { existing: { tenantId: "contoso", subdomain: "contoso" } } }), "tenant.existing.tenantId", ['"contoso" is not a GUID', "allowed: a GUID"]],
  // apps
  ["app keys repeat", (c) => (c.apps[1].key = "spa", c.userFlows[0].apps = [], c), "apps[1].key", ['"spa" duplicates apps[0].key', "a unique key per app"]],
  ["app key has upper case", (c) => (c.apps[0].key = "Spa", c.userFlows[0].apps = [], c), "apps[0].key", ['"Spa"', "[a-z][a-z0-9-]{0,39}"]],
  ["app displayName is 121 characters", (c) => (c.apps[0].displayName = "d".repeat(121), c), "apps[0].displayName", ["is 121 characters long", "1-120 characters"]],
  ["redirect URI is http on a public host", (c) => (c.apps[0].redirectUris = ["http://contoso.example/cb"], c), "apps[0].redirectUris[0]", ['"http://contoso.example/cb" uses http:// for host contoso.example', "http://localhost or http://127.0.0.1"]],
  ["redirect URI has a fragment", (c) => (c.apps[0].redirectUris = ["https://contoso.example/cb#x"], c), "apps[0].redirectUris[0]", ["contains a fragment", "without a fragment"]],
  ["redirect URI is relative", (c) => (c.apps[0].redirectUris = ["/redirect"], c), "apps[0].redirectUris[0]", ['"/redirect" is not an absolute URI', "an absolute https:// URI"]],
  ["redirect URI is 257 characters", (c) => (c.apps[0].redirectUris = [`https://contoso.example/${"p".repeat(233)}`], c), "apps[0].redirectUris[0]", ["is 257 characters long", "at most 256 characters"]],
  ["redirect URIs repeat", (c) => (c.apps[0].redirectUris = ["http://localhost:3000", "http://localhost:3000"], c), "apps[0].redirectUris[1]", ['"http://localhost:3000" duplicates apps[0].redirectUris[0]', "each redirect URI once"]],
  ["app displayName is 61 emoji (122 UTF-16 code units)", (c) => (c.apps[0].displayName = "😀".repeat(61), c), "apps[0].displayName", ["is 122 UTF-16 code units long (61 characters", "counted in UTF-16 code units, as Graph does"]],
  ["spa app has no redirect URI", (c) => (c.apps[0].redirectUris = [], c), "apps[0].redirectUris", ["[] has 0 items", "at least 1"]],
  ...["!", "$", "'", "(", ")", ",", ";"].map((ch): Row => [`redirect URI contains ${ch}`, (c) => (c.apps[0].redirectUris = [`https://contoso.example/cb${ch}x`], c), "apps[0].redirectUris[0]", [`contains ${ch}, one of the characters Entra refuses`, "any of ! $ ' ( ) , ;"]]),
  ["redirect URI carries userinfo", (c) => (c.apps[0].redirectUris = ["https://user:pw@contoso.example/cb"], c), "apps[0].redirectUris[0]", ["carries a user name or password", "without a fragment, wildcard, user name or password"]],
  ["redirect URI uses the IPv6 loopback", (c) => (c.apps[0].redirectUris = ["http://[::1]:3000/cb"], c), "apps[0].redirectUris[0]", ["IPv6 loopback [::1], which Entra does not support (use 127.0.0.1)"]],
  ["redirect URIs differ only by a trailing slash", (c) => (c.apps[0].redirectUris = ["https://contoso.example", "https://contoso.example/"], c), "apps[0].redirectUris[1]", ['"https://contoso.example/" duplicates apps[0].redirectUris[0]', "with and without a trailing slash"]],
  ["redirect URIs differ only by a trailing slash on a path", (c) => (c.apps[0].redirectUris = ["https://contoso.example/cb/", "https://contoso.example/cb"], c), "apps[0].redirectUris[1]", ['"https://contoso.example/cb" duplicates apps[0].redirectUris[0]']],
  ["localhost redirect URIs differ only by port", (c) => (c.apps[0].redirectUris = ["http://localhost:3000/cb", "http://localhost:5173/cb"], c), "apps[0].redirectUris[1]", ['"http://localhost:5173/cb" duplicates apps[0].redirectUris[0]', "localhost URIs differing only by port"]],
  ["an app has 257 redirect URIs", (c) => (c.apps[0].redirectUris = Array.from({ length: 257 }, (_, i) => `https://contoso.example/cb${i}`), c), "apps[0].redirectUris", ['"257 redirect URIs" are more than an app can hold', "at most 256 redirect URIs per app"]],
  ["signInAudience is multi-tenant", (c) => (c.apps[0].signInAudience = "AzureADMultipleOrgs", c), "apps[0].signInAudience", ['"AzureADMultipleOrgs"', "allowed: AzureADMyOrg (customer apps of an external tenant must be single-tenant)"]],
  ["sampleRedirectUri is not listed", (c) => (c.apps[0].sampleRedirectUri = "http://localhost:4000", c), "apps[0].sampleRedirectUri", ['"http://localhost:4000" is not one of redirectUris', "allowed: http://localhost:3000, http://localhost:3000/redirect"]],
  ["existing app clientId is not a GUID", (c) => (c.apps[1].existing.clientId = "legacy-app", c), "apps[1].existing.clientId", ['"legacy-app" is not a GUID', "a GUID"]],
  ["existing app also sets redirectUris", (c) => (c.apps[1].redirectUris = ["http://localhost"], c), "apps[1].redirectUris", ['"redirectUris" is not a known key', "allowed: key, existing"]],
  // custom attributes
  ["custom attribute names repeat (case-insensitive)", (c) => ({ ...c, customAttributes: [{ name: "Loyalty", dataType: "string" }, { name: "loyalty", dataType: "int64" }] }), "customAttributes[1].name", ['"loyalty" duplicates customAttributes[0].name', "unique name"]],
  ["custom attribute name has a space", (c) => ({ ...c, customAttributes: [{ name: "Loyalty Number", dataType: "string" }] }), "customAttributes[0].name", ['"Loyalty Number"', "^[A-Za-z][A-Za-z0-9]{0,99}$"]],
  ["custom attribute name is a built-in", (c) => ({ ...c, customAttributes: [{ name: "City", dataType: "string" }] }), "customAttributes[0].name", ['"City" is the name of a built-in attribute', "a name other than city"]],
  ["custom attribute dataType is unknown", (c) => ({ ...c, customAttributes: [{ name: "Loyalty", dataType: "dateTime" }] }), "customAttributes[0].dataType", ['"dateTime"', "allowed: string, boolean, int64"]],
  // user flows
  ["user flow keys repeat", (c) => (c.userFlows.push({ key: "signup-signin", displayName: "Other", identityProviders: ["emailOtp"] }), c), "userFlows[1].key", ['"signup-signin" duplicates userFlows[0].key', "a unique key per user flow"]],
  ["user flow displayNames repeat in another case", (c) => (c.userFlows.push({ key: "other", displayName: "signupsignin", identityProviders: ["emailOtp"] }), c), "userFlows[1].displayName", ['"signupsignin" duplicates userFlows[0].displayName', "case-insensitive"]],
  ["user flow displayName is 257 characters", (c) => (c.userFlows[0].displayName = "n".repeat(257), c), "userFlows[0].displayName", ["is 257 characters long", "1-256 characters"]],
  ["identityProviders is empty", (c) => (c.userFlows[0].identityProviders = [], c), "userFlows[0].identityProviders", ["[] is empty", "a list of at least one identity provider"]],
  ["identityProviders repeat", (c) => (c.userFlows[0].identityProviders = ["emailOtp", "emailOtp"], c), "userFlows[0].identityProviders[1]", ['"emailOtp" duplicates userFlows[0].identityProviders[0]', "each identity provider once"]],
  ["identity provider is neither built-in nor configured", (c) => (c.userFlows[0].identityProviders = ["google"], c), "userFlows[0].identityProviders[0]", ['"google" is offered by user flow "signup-signin" but is neither a built-in sign-in method nor an identityProviders key', "allowed: emailPassword, emailOtp"]],
  ["flow attribute is neither built-in nor custom", (c) => (c.userFlows[0].attributes = [{ attribute: "nickname" }], c), "userFlows[0].attributes[0].attribute", ['"nickname" is neither a built-in attribute nor a customAttributes name', "allowed: city, country"]],
  ["flow attribute repeats", (c) => (c.userFlows[0].attributes = [{ attribute: "email" }, { attribute: "email", required: true }], c), "userFlows[0].attributes[1].attribute", ['"email" duplicates userFlows[0].attributes[0].attribute', "each attribute once per flow"]],
  ["flow attribute is hidden and required", (c) => (c.userFlows[0].attributes = [{ attribute: "city", hidden: true, required: true }], c), "userFlows[0].attributes[0].hidden", ["true with required: true can never be filled in", "allowed: hidden: false, or required: false"]],
  ["signUpAllowed is a YAML string", (c) => (c.userFlows[0].signUpAllowed = "false", c), "userFlows[0].signUpAllowed", ['"false" is not a boolean', "true or false (a YAML boolean, not a quoted string)"]],
  ["an app is linked to two flows", (c) => (c.userFlows.push({ key: "profile", displayName: "Profile", identityProviders: ["emailOtp"], apps: ["spa"] }), c), "userFlows[1].apps[0]", ['"spa" is linked to both user flows "signup-signin" (userFlows[0]) and "profile" (userFlows[1])', "one user flow per app"]],
  ["a flow repeats an app", (c) => (c.userFlows[0].apps = ["spa", "spa"], c), "userFlows[0].apps[1]", ['"spa" duplicates userFlows[0].apps[0]', "each app once per flow"]],
  // branding
  ["backgroundColor is a name", (c) => withBranding(c, { backgroundColor: "red" }), "branding.default.backgroundColor", ['"red" is not a #RRGGBB colour', "#RRGGBB"]],
  ["backgroundColor has 3 digits", (c) => withBranding(c, { backgroundColor: "#FFF" }), "branding.default.backgroundColor", ['"#FFF"', "#RRGGBB"]],
  ["signInPageText is 1025 characters", (c) => withBranding(c, { signInPageText: "t".repeat(1025) }), "branding.default.signInPageText", ["is 1025 characters long", "at most 1024 characters"]],
  ["usernameHintText is 65 characters", (c) => withBranding(c, { usernameHintText: "u".repeat(65) }), "branding.default.usernameHintText", ["is 65 characters long", "at most 64 characters"]],
  ["customForgotMyPasswordText is 257 characters", (c) => withBranding(c, { customForgotMyPasswordText: "f".repeat(257) }), "branding.default.customForgotMyPasswordText", ["is 257 characters long", "at most 256 characters"]],
  ["customTermsOfUseUrl is http", (c) => withBranding(c, { customTermsOfUseUrl: "http://contoso.example/terms" }), "branding.default.customTermsOfUseUrl", ['"http://contoso.example/terms" is not an https:// URL', "https:// URL of printable ASCII characters without spaces (encode a space as %20), at most 128"]],
  ["customPrivacyAndCookiesUrl is not ASCII", (c) => withBranding(c, { customPrivacyAndCookiesUrl: "https://contoso.example/confidentialité" }), "branding.default.customPrivacyAndCookiesUrl", ["contains non-ASCII characters", "ASCII"]],
  ["customAccountResetCredentialsUrl is 129 characters", (c) => withBranding(c, { customAccountResetCredentialsUrl: `https://contoso.example/${"r".repeat(105)}` }), "branding.default.customAccountResetCredentialsUrl", ["is 129 characters long", "at most 128 characters"]],
  ["layoutTemplateType is unknown", (c) => withBranding(c, { loginPageLayoutConfiguration: { layoutTemplateType: "grid" } }), "branding.default.loginPageLayoutConfiguration.layoutTemplateType", ['"grid"', "allowed: default, verticalSplit"]],
  ["a visibility flag is a string", (c) => withBranding(c, { loginPageTextVisibilitySettings: { hideForgotMyPassword: "true" } }), "branding.default.loginPageTextVisibilitySettings.hideForgotMyPassword", ['"true" is not a boolean', "true or false"]],
  ["branding has an unknown key", (c) => withBranding(c, { backgroundColour: "#FFFFFF" }), "branding.default.backgroundColour", ['"backgroundColour" is not a known key', "allowed: backgroundColor, headerBackgroundColor, signInPageText"]],
  ["images has an unknown stream", (c) => withBranding(c, { images: { logo: "branding/banner.png" } }), "branding.default.images.logo", ['"logo" is not a known key', "allowed: bannerLogo, squareLogo, squareLogoDark, headerLogo, backgroundImage, favicon, customCSS"]],
  ["an image file does not exist", (c) => withBranding(c, { images: { bannerLogo: "branding/missing.png" } }), "branding.default.images.bannerLogo", ['"branding/missing.png" does not exist', "a readable file for bannerLogo"]],
  ["a localization is keyed default", (c) => ({ ...c, branding: { localizations: { default: {} } } }), "branding.localizations.default", ['"default" is the default branding\'s id', "culture names External ID company branding supports"]],
  ["a localization is keyed 0", (c) => ({ ...c, branding: { localizations: { "0": {} } } }), 'branding.localizations["0"]', ['"0" is the default branding\'s id', "configure it under branding.default"]],
  ["a localization key uses an underscore", (c) => ({ ...c, branding: { localizations: { fr_FR: {} } } }), "branding.localizations.fr_FR", ['"fr_FR" is not a browser language External ID branding supports (nearest: fr-FR (French (France)))', "e.g. fr-FR, de-DE, pt-BR"]],
  ["a localization key is not in canonical case", (c) => ({ ...c, branding: { localizations: { "pt-br": {} } } }), "branding.localizations.pt-br", ['"pt-br" is not in the documented case (write pt-BR (Portuguese (Brazil)))', "culture names"]],
  // endpoints, graph, lifecycle, top level
  ["graph endpoint has a path", (c) => ({ ...c, endpoints: { graph: "https://graph.microsoft.com/v1.0" } }), "endpoints.graph", ['"https://graph.microsoft.com/v1.0" has a path', "an https:// origin without a path"]],
  ["authorityHost is http", (c) => ({ ...c, endpoints: { authorityHost: "http://login.microsoftonline.com" } }), "endpoints.authorityHost", ["uses the scheme http:", "an https:// origin"]],
  ["graphApiVersion is unknown", (c) => ({ ...c, endpoints: { graphApiVersion: "v2.0" } }), "endpoints.graphApiVersion", ['"v2.0"', "allowed: beta, v1.0"]],
  ["maxConcurrentRequests is 0", (c) => ({ ...c, graph: { maxConcurrentRequests: 0 } }), "graph.maxConcurrentRequests", ["0 is out of range", "an integer from 1 to 32"]],
  ["retryDeadlineSeconds is fractional", (c) => ({ ...c, graph: { retryDeadlineSeconds: 1.5 } }), "graph.retryDeadlineSeconds", ["1.5 is out of range", "an integer from 1 to 3600"]],
  ["replicationWaitSeconds is a string", (c) => ({ ...c, graph: { replicationWaitSeconds: "120" } }), "graph.replicationWaitSeconds", ['"120" is not a number', "an integer from 1 to 1800"]],
  ["lifecycle is unknown", (c) => ({ ...c, lifecycle: "temporary" }), "lifecycle", ['"temporary"', "allowed: protected, ephemeral"]],
  ["an unknown top-level key", (c) => ({ ...c, userflows: [] }), "userflows", ['"userflows" is not a known key', "allowed: tenant, apps, customAttributes, identityProviders, userFlows, branding, endpoints, graph, lifecycle, readiness, teardown, automation"]],
  // tenant lifecycle (issue 4)
  ["subscriptionId is missing", (c) => (delete c.tenant.create.subscriptionId, c), "tenant.create.subscriptionId", ["value is missing", "allowed: a GUID"]],
  ["homeTenantId is not a GUID", (c) => (c.tenant.create.homeTenantId = "contoso.onmicrosoft.com", c), "tenant.create.homeTenantId", ['"contoso.onmicrosoft.com" is not a GUID', "allowed: a GUID"]],
  ["subdomainSuffix is unknown", (c) => ((c.tenant.create.subdomainSuffix = "random"), (c.lifecycle = "ephemeral"), c), "tenant.create.subdomainSuffix", ['"random" is not a valid subdomainSuffix', "allowed: none, stack"]],
  ["subdomainSuffix stack on a protected stack", (c) => (c.tenant.create.subdomainSuffix = "stack", c), "tenant.create.subdomainSuffix", ['"stack" needs lifecycle: ephemeral (lifecycle is "protected")', "allowed: none; or stack together with lifecycle: ephemeral"]],
  ["subdomain leaves no room for the suffix", (c) => ((c.tenant.create.subdomainSuffix = "stack"), (c.tenant.create.subdomain = "a".repeat(21)), (c.lifecycle = "ephemeral"), c), "tenant.create.subdomain", ["is 21 characters long, which leaves no room for the 6-character suffix", "allowed: 1-20 ASCII letters or digits with subdomainSuffix: stack"]],
  ["resourceManager endpoint is http", (c) => ({ ...c, endpoints: { resourceManager: "http://management.azure.com" } }), "endpoints.resourceManager", ["uses the scheme http:", "an https:// origin without a path"]],
  ["readiness deadline is 0", (c) => ({ ...c, readiness: { deadlineSeconds: 0 } }), "readiness.deadlineSeconds", ["0 is out of range", "an integer from 1 to 7200"]],
  ["readiness has an unknown key", (c) => ({ ...c, readiness: { timeoutSeconds: 60 } }), "readiness.timeoutSeconds", ['"timeoutSeconds" is not a known key', "allowed: deadlineSeconds"]],
  ["teardown deletion deadline is a string", (c) => ({ ...c, teardown: { deletionDeadlineSeconds: "600" } }), "teardown.deletionDeadlineSeconds", ['"600" is not a number', "an integer from 1 to 7200"]],
];

describe("parseStackConfig rejects invalid configs", () => {
  test("GIVEN the catalogue WHEN counted THEN it holds at least 25 distinct rules", () => {
    expect(new Set(invalidCases.map(([name]) => name)).size).toBe(invalidCases.length);
    expect(invalidCases.length).toBeGreaterThanOrEqual(25);
  });

  test.each(invalidCases)("GIVEN a config where %s WHEN parsed THEN exactly that problem is reported", (_rule, change, expectedPath, fragments) => {
    const problems = problemsOf(change(validConfig()));
    expect(problems).toHaveLength(1);
    const [problem] = problems as [string];
    expect(problem.startsWith(`${expectedPath}: `)).toBe(true);
    for (const fragment of fragments) expect(problem).toContain(fragment);
    expect(problem).toContain("; allowed: ");
  });

  test("GIVEN a flow naming an unconfigured app WHEN parsed THEN the message names the value and lists the app keys", () => {
    const c = validConfig();
    c.userFlows[0].apps = ["spa", "web"];
    expect(problemsOf(c)).toEqual(['userFlows[0].apps[1]: "web" is not a configured app key; allowed: spa, legacy']);
  });

  test("GIVEN a config with three unrelated errors WHEN parsed THEN all three are reported in one error", () => {
    const c = validConfig();
    c.tenant.create.subdomain = "contoso-ciam";
    c.apps[0].redirectUris = ["http://contoso.example"];
    c.userFlows[0].apps = ["web"];
    let caught: unknown;
    try {
      parseStackConfig(c, { projectDir: repoRoot });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const error = caught as ConfigValidationError;
    expect(error.problems.map((p) => p.split(": ")[0]).sort()).toEqual(["apps[0].redirectUris[0]", "tenant.create.subdomain", "userFlows[0].apps[0]"]);
    expect(error.message).toContain("has 3 problems");
    for (const p of error.problems) expect(error.message).toContain(p);
  });

  test("GIVEN errors in several parts at once WHEN parsed THEN cross-references are still checked", () => {
    const c = validConfig();
    c.lifecycle = "forever";
    c.apps[0].displayName = "";
    c.userFlows.push({ key: "profile", displayName: "Profile", identityProviders: ["emailOtp"], apps: ["spa"] });
    const paths = problemsOf(c).map((p) => p.split(": ")[0]);
    expect(paths.sort()).toEqual(["apps[0].displayName", "lifecycle", "userFlows[1].apps[0]"]);
  });

  test("GIVEN a non-object app entry WHEN parsed THEN its path and the spa keys are named", () => {
    const c = validConfig();
    c.apps.push("spa2");
    expect(problemsOf(c)).toEqual([
      'apps[2]: "spa2" is not an object; allowed: an object with keys key, displayName, redirectUris, signInAudience, sampleRedirectUri',
    ]);
  });
});

describe("parseStackConfig applies defaults and derives values", () => {
  let parsed: StackConfig;
  beforeAll(() => {
    const c = validConfig();
    c.userFlows[0] = { key: "signup-signin", displayName: "SignUpSignIn", identityProviders: ["emailOtp", "emailPassword"] };
    parsed = parseStackConfig(c, { projectDir: repoRoot });
  });

  test("GIVEN no apps (a tenant with flows and branding only, as an export of a tenant without linked apps gives) WHEN parsed THEN apps is empty", () => {
    const c = validConfig();
    delete (c as Record<string, unknown>).apps;
    c.userFlows[0].apps = [];
    expect(parseStackConfig(c, { projectDir: repoRoot }).apps).toEqual([]);
  });

  test("GIVEN no endpoints, graph or lifecycle WHEN parsed THEN public cloud, default tuning and protected apply", () => {
    expect(parsed.endpoints).toEqual({
      graph: "https://graph.microsoft.com",
      authorityHost: "https://login.microsoftonline.com",
      graphApiVersion: "beta",
      resourceManager: "https://management.azure.com",
    });
    expect(parsed.endpoints).toEqual(PUBLIC_CLOUD_ENDPOINTS);
    expect(parsed.graph).toEqual({ retryDeadlineSeconds: 300, replicationWaitSeconds: 120, maxConcurrentRequests: 4 });
    expect(parsed.graph).toEqual(DEFAULT_GRAPH_TUNING);
    expect(parsed.lifecycle).toBe("protected");
    expect(parsed.endpoints.resourceManager).toBe("https://management.azure.com");
    expect(parsed.readiness).toEqual({ deadlineSeconds: 900 });
    expect(parsed.teardown).toEqual({ deletionDeadlineSeconds: 1800 });
  });

  test("GIVEN subdomainSuffix stack on an ephemeral stack WHEN parsed for two stacks THEN each gets the prefix plus 6 stable characters, and the domain and authority follow", () => {
    const c = validConfig();
    c.lifecycle = "ephemeral";
    c.tenant.create.subdomain = "ciamci";
    c.tenant.create.subdomainSuffix = "stack";
    const a1 = parseStackConfig(c, { projectDir: repoRoot, project: "ciam-tenant", stack: "ci-101" }).tenant;
    const a2 = parseStackConfig(c, { projectDir: repoRoot, project: "ciam-tenant", stack: "ci-101" }).tenant;
    const b = parseStackConfig(c, { projectDir: repoRoot, project: "ciam-tenant", stack: "ci-102" }).tenant;
    expect(a1.subdomain).toMatch(/^ciamci[0-9a-z]{6}$/);
    expect(a2.subdomain).toBe(a1.subdomain);
    expect(b.subdomain).toMatch(/^ciamci[0-9a-z]{6}$/);
    expect(b.subdomain).not.toBe(a1.subdomain);
    expect(a1.domainName).toBe(`${a1.subdomain}.onmicrosoft.com`);
    expect(a1.authority).toBe(`https://${a1.subdomain}.ciamlogin.com/`);
  });

  test("GIVEN subdomainSuffix none (the default) WHEN parsed THEN the subdomain is the configured one", () => {
    expect(parseStackConfig(validConfig(), { projectDir: repoRoot, project: "p", stack: "s" }).tenant.subdomain).toBe("contosociamdev");
  });

  test("GIVEN a flow without attributes or apps WHEN parsed THEN email (required) + displayName (optional) and no apps apply", () => {
    const [flow] = parsed.userFlows;
    expect(flow!.attributes).toEqual([
      { attribute: "email", required: true, hidden: false, source: "builtIn" },
      { attribute: "displayName", required: false, hidden: false, source: "builtIn" },
    ]);
    expect(flow!.apps).toEqual([]);
    expect(flow!.signUpAllowed).toBe(true);
  });

  test("GIVEN identity provider kinds WHEN parsed THEN their Graph ids follow in the same order", () => {
    expect(parsed.userFlows[0]!.identityProviderIds).toEqual(["EmailOtpSignup-OAUTH", "EmailPassword-OAUTH"]);
  });

  test("GIVEN a created tenant WHEN parsed THEN kind, sku, resource-group creation, authority and domain are set", () => {
    expect(parsed.tenant).toEqual({
      kind: "create",
      subscriptionId: SUBSCRIPTION,
      homeTenantId: HOME_TENANT,
      subdomainSuffix: "none",
      resourceGroup: { name: "rg-ciam-dev", location: "westeurope", create: true },
      subdomain: "contosociamdev",
      displayName: "Contoso customers",
      countryCode: "US",
      dataLocation: "United States",
      sku: "Standard",
      authority: "https://contosociamdev.ciamlogin.com/",
      domainName: "contosociamdev.onmicrosoft.com",
    });
  });

  test("GIVEN spa and existing apps WHEN parsed THEN kinds, audience, sample redirect URI and lower-cased client id are set", () => {
    expect(parsed.apps).toEqual([
      {
        kind: "spa",
        key: "spa",
        displayName: "ciam-spa-sample",
        redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"],
        signInAudience: "AzureADMyOrg",
        sampleRedirectUri: "http://localhost:3000/redirect",
      },
      { kind: "existing", key: "legacy", clientId: GUID_A },
    ]);
  });

  test("GIVEN no customAttributes, no branding WHEN parsed THEN the lists are empty and branding is absent", () => {
    expect(parsed.customAttributes).toEqual([]);
    expect(parsed).not.toHaveProperty("branding");
  });

  test("GIVEN no URI ending in /redirect WHEN parsed THEN the first redirect URI is the sample one", () => {
    const c = validConfig();
    c.apps[0].redirectUris = ["https://app.contoso.example/", "http://localhost:5173"];
    const app = parseStackConfig(c, { projectDir: repoRoot }).apps[0]!;
    expect(app.kind === "spa" && app.sampleRedirectUri).toBe("https://app.contoso.example/");
  });

  test("GIVEN an existing tenant with an upper-case GUID WHEN parsed THEN it is lower-cased and authority derived", () => {
    const c = validConfig();
    c.tenant = { existing: { tenantId: GUID_A.toUpperCase(), subdomain: "contosociam" } };
    expect(parseStackConfig(c, { projectDir: repoRoot }).tenant).toEqual({
      kind: "existing",
      tenantId: GUID_A,
      subdomain: "contosociam",
      authority: "https://contosociam.ciamlogin.com/",
      domainName: "contosociam.onmicrosoft.com",
    });
  });

  test("GIVEN a custom attribute used by a flow WHEN parsed THEN the flow attribute is marked custom", () => {
    const c = validConfig();
    c.customAttributes = [{ name: "LoyaltyNumber", dataType: "string", description: "Loyalty card number" }];
    c.userFlows[0].attributes = [{ attribute: "email", required: true }, { attribute: "LoyaltyNumber", label: "Loyalty number" }];
    const flow = parseStackConfig(c, { projectDir: repoRoot }).userFlows[0]!;
    expect(flow.attributes).toEqual([
      { attribute: "email", required: true, hidden: false, source: "builtIn" },
      { attribute: "LoyaltyNumber", required: false, hidden: false, label: "Loyalty number", source: "custom" },
    ]);
  });

  test("GIVEN an endpoint with a trailing slash WHEN parsed THEN it is normalized to the origin", () => {
    const c = {
      ...validConfig(),
      endpoints: { graph: "https://graph.microsoft.us/", authorityHost: "https://login.microsoftonline.us", graphApiVersion: "v1.0", resourceManager: "https://management.usgovcloudapi.net/" },
    };
    expect(parseStackConfig(c, { projectDir: repoRoot }).endpoints).toEqual({
      graph: "https://graph.microsoft.us",
      authorityHost: "https://login.microsoftonline.us",
      graphApiVersion: "v1.0",
      resourceManager: "https://management.usgovcloudapi.net",
    });
  });

  test("GIVEN every built-in attribute WHEN referenced by a flow THEN all are accepted", () => {
    const c = validConfig();
    c.userFlows[0].attributes = BUILT_IN_ATTRIBUTES.map((attribute) => ({ attribute }));
    expect(problemsOf(c)).toEqual([]);
  });

  test("GIVEN locale keys from External ID's branding language list WHEN parsed THEN they are accepted with empty images", () => {
    const c = { ...validConfig(), branding: { localizations: { "fr-FR": {}, "pt-BR": {}, "sr-Latn-RS": {}, "he-IL": {} } } };
    const branding = parseStackConfig(c, { projectDir: repoRoot }).branding!;
    expect(Object.keys(branding.localizations)).toEqual(["fr-FR", "pt-BR", "sr-Latn-RS", "he-IL"]);
    expect(branding.localizations["fr-FR"]).toEqual({ images: {} });
    expect(branding).not.toHaveProperty("default");
  });
});

describe("the message helpers", () => {
  test("GIVEN paths WHEN formatted THEN indices use brackets and odd keys are quoted", () => {
    expect(formatConfigPath(["userFlows", 0, "apps", 1])).toBe("userFlows[0].apps[1]");
    expect(formatConfigPath(["branding", "localizations", "fr-FR"])).toBe("branding.localizations.fr-FR");
    expect(formatConfigPath(["branding", "localizations", "0"])).toBe('branding.localizations["0"]');
    expect(formatConfigPath([])).toBe("(config)");
  });

  test("GIVEN a value WHEN described THEN it reads value, problem, allowed", () => {
    expect(describeProblem("web", "is not a configured app key", "spa, legacy")).toBe('"web" is not a configured app key; allowed: spa, legacy');
    expect(describeProblem(undefined, "is missing", "a string")).toBe("value is missing; allowed: a string");
  });
});

describe("the example stack Pulumi.dev.yaml", () => {
  const doc = parseYaml(filledExampleStackText()) as { config: Record<string, unknown> };
  const raw = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^ciam-tenant:/, ""), v]));
  const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(path.join(repoRoot, file))).digest("hex");

  test("GIVEN the example WHEN read THEN every key is in the ciam-tenant namespace", () => {
    for (const key of Object.keys(doc.config)) expect(key).toMatch(/^ciam-tenant:/);
  });

  test("GIVEN the example WHEN parsed THEN it is valid and yields the quickstart's derived values", () => {
    const config = parseStackConfig(raw, { projectDir: repoRoot });
    expect(config.tenant.kind).toBe("create");
    expect(config.tenant.authority).toBe("https://contosociamdev.ciamlogin.com/");
    expect(config.tenant.domainName).toBe("contosociamdev.onmicrosoft.com");
    expect(config.tenant).toMatchObject({ countryCode: "US", dataLocation: "United States", sku: "Standard" });
    expect(config.apps).toEqual([
      {
        kind: "spa",
        key: "spa",
        displayName: "ciam-spa-sample",
        redirectUris: ["http://localhost:3000", "http://localhost:3000/redirect"],
        signInAudience: "AzureADMyOrg",
        sampleRedirectUri: "http://localhost:3000/redirect",
      },
    ]);
    expect(config.userFlows).toHaveLength(1);
    expect(config.userFlows[0]).toMatchObject({ displayName: "SignUpSignIn", identityProviderIds: ["EmailPassword-OAUTH"], apps: ["spa"] });
    expect(config.endpoints).toEqual(PUBLIC_CLOUD_ENDPOINTS);
    expect(config.lifecycle).toBe("protected");
  });

  test("GIVEN the example's branding files WHEN parsed THEN each image carries its absolute path, type, size and sha256", () => {
    const branding = parseStackConfig(raw, { projectDir: repoRoot }).branding!;
    const expectAsset = (asset: unknown, file: string, width: number, height: number) =>
      expect(asset).toEqual({
        path: path.join(repoRoot, file),
        contentType: "image/png",
        size: fs.statSync(path.join(repoRoot, file)).size,
        sha256: sha256(file),
        width,
        height,
      });
    expectAsset(branding.default!.images.bannerLogo, "branding/banner.png", 245, 36);
    expectAsset(branding.default!.images.squareLogo, "branding/square.png", 240, 240);
    expect(Object.keys(branding.localizations)).toEqual(["fr-FR"]);
    expectAsset(branding.localizations["fr-FR"]!.images.bannerLogo, "branding/banner-fr.png", 245, 36);
    expect(branding.default).toMatchObject({
      backgroundColor: "#F0F4F8",
      customPrivacyAndCookiesUrl: "https://contoso.example/privacy",
      customTermsOfUseUrl: "https://contoso.example/terms",
    });
  });
});
