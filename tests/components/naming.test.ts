/**
 * Logical names are public contract (a changed name replaces a tenant object), so they are pinned here exactly.
 * A failing test here means a rename: add `aliases` to the child before updating the expectation.
 */
import { DEFAULT_BRANDING_LOCALE, appChildNames, componentNames, localeLabel, signInChildNames, tenantChildNames } from "../../components/naming";

describe("naming", () => {
  test("GIVEN the program WHEN naming top-level components THEN the tenant is ciam, the sign-in experience sign-in and each app its config key", () => {
    expect(componentNames.tenant).toBe("ciam");
    expect(componentNames.signInExperience).toBe("sign-in");
    expect(componentNames.app("spa")).toBe("spa");
    expect(componentNames.destroyGuard).toBe("destroy-guard");
  });

  test("GIVEN a tenant component name WHEN naming its children THEN they are prefixed with it", () => {
    expect(tenantChildNames("ciam")).toEqual({
      resourceGroup: "ciam-rg",
      directory: "ciam-tenant",
      azureadProvider: "ciam-azuread",
      identityCheck: "ciam-identity-check",
      preflight: "ciam-preflight",
      readiness: "ciam-ready",
      teardown: "ciam-teardown",
    });
  });

  test("GIVEN an app component name WHEN naming its children THEN they are <name>-app, <name>-sp and <name>-consent", () => {
    expect(appChildNames("spa")).toEqual({ application: "spa-app", servicePrincipal: "spa-sp", consent: "spa-consent" });
  });

  test("GIVEN a sign-in experience name WHEN naming children by config key, locale and kind THEN names are stable and distinct", () => {
    const n = signInChildNames("sign-in");
    expect(n.customAttribute("LoyaltyNumber")).toBe("sign-in-attr-LoyaltyNumber");
    expect(n.userFlow("signup-signin")).toBe("sign-in-flow-signup-signin");
    expect(n.appLink("signup-signin", "spa")).toBe("sign-in-link-signup-signin-spa");
    expect(n.defaultBranding).toBe("sign-in-branding-default");
    expect(n.localization("fr-FR")).toBe("sign-in-branding-fr-FR");
    expect(n.asset(DEFAULT_BRANDING_LOCALE, "bannerLogo")).toBe("sign-in-asset-default-bannerLogo");
    expect(n.asset("fr-FR", "bannerLogo")).toBe("sign-in-asset-fr-FR-bannerLogo");
  });

  test("GIVEN the default branding's locale id 0 WHEN labelled THEN it reads default, and real locales read as themselves", () => {
    expect(DEFAULT_BRANDING_LOCALE).toBe("0");
    expect(localeLabel("0")).toBe("default");
    expect(localeLabel("pt-BR")).toBe("pt-BR");
  });
});
