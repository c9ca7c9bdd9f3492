/**
 * The one Graph permission table (dynamic-providers/graph/permissions.ts): which application permissions each
 * stack feature needs (least privilege, no read permission its write permission already covers), which operation a
 * request is, and that no feature ever asks for a permission that could grant permissions.
 *
 * The expected sets are written out by hand from the Graph reference pages, not computed from the table.
 * Does not prove: that Graph enforces exactly these (tests/graph/identity-check.test.ts runs the providers against
 * the emulator's independent copy of the documented table).
 */
import { GRAPH_OPERATIONS, deniedOperations, operationFor, requiredApplicationPermissions, type StackFeatures } from "../../dynamic-providers/graph";

const NONE: StackFeatures = { apps: false, customAttributes: false, userFlows: false, branding: false, identityProviders: false };
const PER_FEATURE: Record<keyof StackFeatures, string[]> = {
  apps: ["Application.ReadWrite.OwnedBy", "DelegatedPermissionGrant.ReadWrite.All"],
  customAttributes: ["IdentityUserFlow.ReadWrite.All"],
  userFlows: ["EventListener.ReadWrite.All"],
  branding: ["OrganizationalBranding.ReadWrite.All"],
  identityProviders: ["IdentityProvider.ReadWrite.All"],
};
const FEATURES = Object.keys(PER_FEATURE) as (keyof StackFeatures)[];
/** What every stack needs whatever its config: the readiness gate reads the tenant (GET /organization/{id}). */
const ALWAYS = ["Organization.Read.All"];
const ALL_COMBINATIONS: StackFeatures[] = Array.from({ length: 2 ** 5 }, (_, n) => Object.fromEntries(FEATURES.map((f, i) => [f, (n >> i) % 2 === 1])) as unknown as StackFeatures);

describe("requiredApplicationPermissions", () => {
  test.each(FEATURES)("GIVEN only the %s feature WHEN the permissions are derived THEN exactly its least privileged set", (feature) => {
    expect(requiredApplicationPermissions({ ...NONE, [feature]: true })).toEqual([...ALWAYS, ...PER_FEATURE[feature]].sort());
  });

  test("GIVEN every combination of features WHEN derived THEN the permissions are the union of the features' sets, nothing more", () => {
    for (const features of ALL_COMBINATIONS) {
      const expected = [...ALWAYS, ...FEATURES.filter((f) => features[f]).flatMap((f) => PER_FEATURE[f])].sort();
      expect(requiredApplicationPermissions(features)).toEqual(expected);
    }
  });

  test("GIVEN no feature WHEN derived THEN only the readiness gate's read of the tenant is granted", () => {
    expect(requiredApplicationPermissions(NONE)).toEqual(ALWAYS);
  });

  test("GIVEN any combination WHEN derived THEN no permission that can grant permissions or edit any app is ever requested", () => {
    const forbidden = ["AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "Directory.ReadWrite.All", "Directory.Read.All", "RoleManagement.ReadWrite.Directory"];
    for (const features of ALL_COMBINATIONS) for (const p of forbidden) expect(requiredApplicationPermissions(features)).not.toContain(p);
  });

  test("GIVEN the derived set of all features WHEN checked against every operation THEN each operation is allowed and none is denied", () => {
    const all = { apps: true, customAttributes: true, userFlows: true, branding: true, identityProviders: true };
    expect(deniedOperations(requiredApplicationPermissions(all), all)).toEqual([]);
  });

  test("GIVEN the derived set minus any one permission WHEN checked THEN at least one operation is denied (each permission is needed)", () => {
    const all = { apps: true, customAttributes: true, userFlows: true, branding: true, identityProviders: true };
    const granted = requiredApplicationPermissions(all);
    for (const p of granted) expect(deniedOperations(granted.filter((q) => q !== p), all).length).toBeGreaterThan(0);
  });
});

describe("operationFor", () => {
  test.each([
    ["GET", "/identity/authenticationEventsFlows?$filter=displayName eq 'x'", "userFlows.read"],
    ["GET", "/identity/identityProviders", "identityProviders.read"],
    ["PATCH", "/identity/identityProviders/Apple-Managed-OIDC", "identityProviders.write"],
    ["GET", "/servicePrincipals(appId='99045fe1-7639-4a75-9d4a-577b6ca3810f')", "identityProviders.prerequisite"],
    ["POST", "/identity/authenticationEventsFlows/abc/conditions/applications/includeApplications", "userFlows.write"],
    ["DELETE", "/identity/authenticationEventsFlows/abc/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders/EmailOtpSignup-OAUTH/$ref", "userFlows.write"],
    ["POST", "/identity/userFlowAttributes", "customAttributes.write"],
    ["GET", "/identity/userFlowAttributes?$filter=userFlowAttributeType eq 'custom'", "customAttributes.read"],
    ["PATCH", "/organization/t/branding", "branding.write"],
    ["GET", "/organization/t?$select=id", "tenant.readiness"],
    ["PUT", "/organization/t/branding/localizations/fr-FR/bannerLogo", "branding.write"],
    ["GET", "/organization/t/branding/localizations", "branding.read"],
    ["POST", "/applications", "apps.write"],
    ["POST", "/servicePrincipals", "apps.write"],
    ["GET", "/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'", "apps.lookupGraph"],
    ["POST", "/oauth2PermissionGrants", "apps.consent"],
    ["POST", "/servicePrincipals/sp/appRoleAssignedTo", "automation.appRoles"],
    ["POST", "/applications/app/federatedIdentityCredentials", "automation.federatedCredentials"],
    ["PATCH", "/beta/identity/authenticationEventsFlows/abc", "userFlows.write"],
  ])("GIVEN %s %s WHEN looked up THEN it is %s", (method, path, id) => {
    expect(operationFor(method, path)?.id).toBe(id);
  });

  test("GIVEN GET /organization WHEN looked up THEN it is not in the table (no provider reads it)", () => {
    expect(operationFor("GET", "/organization")).toBeUndefined();
  });

  test("GIVEN the table WHEN read THEN every operation cites the learn.microsoft.com Graph page its permissions come from", () => {
    for (const op of GRAPH_OPERATIONS) expect(op.doc).toMatch(/^https:\/\/learn\.microsoft\.com\/en-us\/graph\/api\/[a-z0-9-]+$/);
  });
});
