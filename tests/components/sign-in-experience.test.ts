/**
 * SignInExperience with strict mocks: which Graph-backed dynamic resources it registers for a config, how their
 * inputs are wired (attribute ids, flow ids, app ids, relative file paths) and in which order the engine must
 * create/delete them (dependencies). Does not run the providers (see the emulator tests for what they send Graph).
 */
import * as path from "node:path";
import type { BrandingConfig, CustomAttributeConfig, UserFlowConfig } from "../../config/schema";
import type { GraphConnection } from "../../dynamic-providers/graph";
import { Harness, installMocks, promiseOf, fakeId } from "./harness";

const connection: GraphConnection = {
  tenantId: "abcdefab-1234-5678-9abc-def012345678",
  graphEndpoint: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  apiVersion: "beta",
  retryDeadlineSeconds: 300,
  replicationWaitSeconds: 120,
  maxConcurrentRequests: 4,
};
const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const SPA_CLIENT_ID = "0a0b0c0d-0000-4000-8000-000000000001";
const LEGACY_CLIENT_ID = "0a0b0c0d-0000-4000-8000-000000000002";

const customAttributes: CustomAttributeConfig[] = [{ name: "LoyaltyNumber", dataType: "string", description: "Loyalty card number" }];
const userFlows: UserFlowConfig[] = [
  {
    key: "signup-signin",
    displayName: "SignUpSignIn",
    signUpAllowed: true,
    identityProviders: ["emailPassword"],
    identityProviderIds: ["EmailPassword-OAUTH"],
    attributes: [
      { attribute: "email", source: "builtIn", required: true, hidden: false },
      { attribute: "LoyaltyNumber", source: "custom", required: false, hidden: false, label: "Loyalty number" },
    ],
    apps: ["spa"],
  },
  {
    key: "otp",
    displayName: "OtpOnly",
    signUpAllowed: false,
    identityProviders: ["emailOtp"],
    identityProviderIds: ["EmailOtpSignup-OAUTH"],
    attributes: [{ attribute: "email", source: "builtIn", required: true, hidden: false }],
    apps: ["legacy"],
  },
];
const asset = (file: string, contentType: "image/png" | "text/css", sha: string) => ({ path: path.join(PROJECT_DIR, file), contentType, size: 100, sha256: sha.repeat(64) });
const branding: BrandingConfig = {
  default: {
    backgroundColor: "#F0F4F8",
    signInPageText: "Welcome",
    images: { bannerLogo: asset("branding/banner.png", "image/png", "a"), customCSS: asset("branding/custom.css", "text/css", "b") },
  },
  localizations: {
    "fr-FR": { signInPageText: "Bienvenue", images: { bannerLogo: asset("branding/banner-fr.png", "image/png", "c") } },
  },
};

async function build(args: { withBranding?: boolean; defaultBranding?: boolean; withGate?: boolean }) {
  jest.resetModules();
  const h = await installMocks();
  const pulumi = h.pulumi;
  const { SignInExperience } = await import("../../components/sign-in-experience");
  // A stand-in for the app's service principal: any custom resource the mocks know.
  class StandInServicePrincipal extends pulumi.CustomResource {
    constructor(name: string) {
      super("azuread:index/servicePrincipal:ServicePrincipal", name, { clientId: SPA_CLIENT_ID });
    }
  }
  const sp = new StandInServicePrincipal("spa-sp");
  // A stand-in for the tenant's readiness gate: any custom resource the mocks know.
  const gate = args.withGate ? new StandInServicePrincipal("gate") : undefined;
  const b: BrandingConfig | undefined = !args.withBranding ? undefined : args.defaultBranding === false ? { localizations: branding.localizations } : branding;
  const experience = new SignInExperience("sign-in", {
    connection,
    customAttributes,
    userFlows,
    apps: { spa: { clientId: SPA_CLIENT_ID, servicePrincipal: sp }, legacy: { clientId: LEGACY_CLIENT_ID } },
    ...(b ? { branding: b } : {}),
    ...(gate ? { ready: gate } : {}),
    projectDir: PROJECT_DIR,
  });
  const ids = await promiseOf(experience.userFlowIds);
  await h.settle();
  return { h, experience, ids, sp: h.byName("spa-sp") };
}

const namesOf = (h: Harness, type: string) => h.byType(`pulumi-nodejs:dynamic/graph:${type}`).map((r) => r.name).sort();

describe("SignInExperience", () => {
  test("GIVEN the tenant's readiness gate WHEN constructed with attributes, flows, links and branding THEN every child depends on it", async () => {
    const { h } = await build({ withBranding: true, withGate: true });
    const gate = h.byName("gate");
    const children = h.registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/graph:"));
    expect(children.length).toBe(10);
    for (const r of children) expect([r.name, r.dependencies.includes(gate.urn)]).toEqual([r.name, true]);
  });

  test("GIVEN no gate WHEN constructed THEN the children depend on nothing extra (the tenant is known to answer)", async () => {
    const { h } = await build({});
    expect(h.byName("sign-in-attr-LoyaltyNumber").dependencies).toEqual([]);
  });

  test("GIVEN attributes, two flows and two apps WHEN constructed THEN exactly one attribute, two flows and two links are registered under the component", async () => {
    const { h } = await build({});
    const component = h.byName("sign-in");
    expect(component.type).toBe("ciam-tenant:index:SignInExperience");
    expect(h.registrations.map((r) => r.type).sort()).toEqual([
      "azuread:index/servicePrincipal:ServicePrincipal",
      "ciam-tenant:index:SignInExperience",
      "pulumi-nodejs:dynamic/graph:UserFlow",
      "pulumi-nodejs:dynamic/graph:UserFlow",
      "pulumi-nodejs:dynamic/graph:UserFlowAppLink",
      "pulumi-nodejs:dynamic/graph:UserFlowAppLink",
      "pulumi-nodejs:dynamic/graph:UserFlowAttribute",
    ]);
    expect(namesOf(h, "UserFlowAttribute")).toEqual(["sign-in-attr-LoyaltyNumber"]);
    expect(namesOf(h, "UserFlow")).toEqual(["sign-in-flow-otp", "sign-in-flow-signup-signin"]);
    expect(namesOf(h, "UserFlowAppLink")).toEqual(["sign-in-link-otp-legacy", "sign-in-link-signup-signin-spa"]);
    for (const r of h.registrations.filter((r) => r.type.startsWith("pulumi-nodejs:"))) {
      expect(r.parent).toBe(component.urn);
      expect(r.inputs.connection).toEqual(connection);
    }
  });

  test("GIVEN a flow collecting a custom attribute WHEN registered THEN it refers to the attribute's Graph id and depends on the attribute", async () => {
    const { h } = await build({});
    const attr = h.byName("sign-in-attr-LoyaltyNumber");
    expect(attr.inputs).toMatchObject({ displayName: "LoyaltyNumber", dataType: "string", description: "Loyalty card number" });
    const flow = h.byName("sign-in-flow-signup-signin");
    expect(flow.inputs).toMatchObject({
      displayName: "SignUpSignIn",
      isSignUpAllowed: true,
      identityProviders: ["EmailPassword-OAUTH"],
      attributes: [
        { id: "email", required: true, hidden: false },
        { id: "extension_b2cextensionsapp_LoyaltyNumber", required: false, hidden: false, label: "Loyalty number" },
      ],
    });
    expect(flow.dependencies).toContain(attr.urn);
    const otp = h.byName("sign-in-flow-otp");
    expect(otp.inputs).toMatchObject({ isSignUpAllowed: false, identityProviders: ["EmailOtpSignup-OAUTH"], attributes: [{ id: "email", required: true, hidden: false }] });
    expect(otp.dependencies).not.toContain(attr.urn);
  });

  test("GIVEN an app registered by the stack WHEN linked THEN the link waits for its service principal; an existing app's link depends on its flow only", async () => {
    const { h, sp } = await build({});
    const link = h.byName("sign-in-link-signup-signin-spa");
    expect(link.inputs).toMatchObject({ userFlowId: fakeId("flow", "sign-in-flow-signup-signin"), appId: SPA_CLIENT_ID });
    expect(link.dependencies).toEqual(expect.arrayContaining([sp.urn, h.byName("sign-in-flow-signup-signin").urn]));
    const legacy = h.byName("sign-in-link-otp-legacy");
    expect(legacy.inputs).toMatchObject({ userFlowId: fakeId("flow", "sign-in-flow-otp"), appId: LEGACY_CLIENT_ID });
    expect(legacy.dependencies).toEqual([h.byName("sign-in-flow-otp").urn]);
  });

  test("GIVEN flows WHEN outputs resolve THEN userFlowIds maps each config key to its flow id", async () => {
    const { ids, experience } = await build({});
    expect(ids).toEqual({ "signup-signin": fakeId("flow", "sign-in-flow-signup-signin"), otp: fakeId("flow", "sign-in-flow-otp") });
    expect(Object.keys(experience.userFlows).sort()).toEqual(["otp", "signup-signin"]);
  });

  test("GIVEN default and fr-FR branding with images WHEN constructed THEN the localization follows the default and each asset depends on its own branding object", async () => {
    const { h } = await build({ withBranding: true });
    expect(namesOf(h, "DefaultBranding")).toEqual(["sign-in-branding-default"]);
    expect(namesOf(h, "BrandingLocalization")).toEqual(["sign-in-branding-fr-FR"]);
    expect(namesOf(h, "BrandingAsset")).toEqual(["sign-in-asset-default-bannerLogo", "sign-in-asset-default-customCSS", "sign-in-asset-fr-FR-bannerLogo"]);

    const def = h.byName("sign-in-branding-default");
    expect(def.inputs.properties).toEqual({ backgroundColor: "#F0F4F8", signInPageText: "Welcome" });
    const fr = h.byName("sign-in-branding-fr-FR");
    expect(fr.inputs).toMatchObject({ locale: "fr-FR", properties: { signInPageText: "Bienvenue" } });
    expect(fr.dependencies).toContain(def.urn);

    const banner = h.byName("sign-in-asset-default-bannerLogo");
    expect(banner.inputs).toMatchObject({ locale: "0", kind: "bannerLogo", filePath: "branding/banner.png", contentSha256: "a".repeat(64), contentType: "image/png" });
    expect(banner.dependencies).toEqual([def.urn]);
    expect(h.byName("sign-in-asset-default-customCSS").inputs).toMatchObject({ locale: "0", kind: "customCSS", filePath: "branding/custom.css", contentType: "text/css" });
    const frBanner = h.byName("sign-in-asset-fr-FR-bannerLogo");
    expect(frBanner.inputs).toMatchObject({ locale: "fr-FR", kind: "bannerLogo", filePath: "branding/banner-fr.png", contentSha256: "c".repeat(64) });
    expect(frBanner.dependencies).toEqual([fr.urn]);
  });

  test("GIVEN localizations without a default WHEN constructed THEN no default branding is registered and the localization depends on nothing", async () => {
    const { h } = await build({ withBranding: true, defaultBranding: false });
    expect(namesOf(h, "DefaultBranding")).toEqual([]);
    expect(h.byName("sign-in-branding-fr-FR").dependencies).toEqual([]);
    expect(namesOf(h, "BrandingAsset")).toEqual(["sign-in-asset-fr-FR-bannerLogo"]);
  });

  test("GIVEN no branding WHEN constructed THEN no branding resource exists", async () => {
    const { h } = await build({});
    for (const t of ["DefaultBranding", "BrandingLocalization", "BrandingAsset"]) expect(namesOf(h, t)).toEqual([]);
  });
});
