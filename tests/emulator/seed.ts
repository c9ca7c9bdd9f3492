/**
 * What a fresh external (CIAM) tenant holds before anyone configures it (reference §3.6, §3.7, §5, §9.4).
 */
import type { JsonObject } from "./types";

export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Graph's delegated scopes the project grants (reference §5 [verified: sample]; `email` id from Graph's own SP). */
export const GRAPH_SCOPES: ReadonlyArray<{ id: string; value: string; adminConsentDisplayName: string }> = [
  { id: "37f7f235-527c-4136-accd-4a02d197296e", value: "openid", adminConsentDisplayName: "Sign users in" },
  { id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", value: "offline_access", adminConsentDisplayName: "Maintain access to data you have given it access to" },
  { id: "14dad69e-099b-42c9-810b-d002981feec1", value: "profile", adminConsentDisplayName: "View users' basic profile" },
  { id: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", value: "email", adminConsentDisplayName: "View users' email address" },
  { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", value: "User.Read", adminConsentDisplayName: "Sign in and read user profile" },
];

export function graphScopeObjects(): JsonObject[] {
  return GRAPH_SCOPES.map((s) => ({
    adminConsentDescription: s.adminConsentDisplayName,
    adminConsentDisplayName: s.adminConsentDisplayName,
    id: s.id,
    isEnabled: true,
    type: "User",
    userConsentDescription: s.adminConsentDisplayName,
    userConsentDisplayName: s.adminConsentDisplayName,
    value: s.value,
  }));
}

/** The four built-in IdPs of an external tenant (reference §3.6 table; `state: null` per v1.0 examples). */
export const BUILT_IN_IDPS: ReadonlyArray<{ id: string; displayName: string; identityProviderType: string }> = [
  { id: "EmailPassword-OAUTH", displayName: "Email with password", identityProviderType: "EmailPassword" },
  { id: "EmailOtpSignup-OAUTH", displayName: "Email one-time passcode", identityProviderType: "EmailOTP" },
  { id: "AADSignup-OAUTH", displayName: "Microsoft Entra ID Sign up", identityProviderType: "AADSignup" },
  { id: "MSASignup-OAUTH", displayName: "Microsoft Account", identityProviderType: "MicrosoftAccount" },
];

/** The ten built-in user flow attributes (reference §3.7 [verified: entra:concept-user-attributes]). */
export const BUILT_IN_ATTRIBUTES: ReadonlyArray<{ id: string; displayName: string; description: string }> = [
  { id: "city", displayName: "City", description: "The city in which the user is located." },
  { id: "country", displayName: "Country/Region", description: "The country/region in which the user is located." },
  { id: "displayName", displayName: "Display Name", description: "Display Name of the User." },
  { id: "email", displayName: "Email Address", description: "Email address of the user" },
  { id: "givenName", displayName: "Given Name", description: "The user's given name (also known as first name)." },
  { id: "jobTitle", displayName: "Job Title", description: "The user's job title." },
  { id: "postalCode", displayName: "Postal Code", description: "The postal code of the user's address." },
  { id: "state", displayName: "State/Province", description: "The state or province in user's address." },
  { id: "streetAddress", displayName: "Street Address", description: "The street address where the user is located." },
  { id: "surname", displayName: "Surname", description: "The user's surname (also known as family name or last name)." },
];

export const B2C_EXTENSIONS_APP_NAME = "b2c-extensions-app. Do not modify. Used by AADB2C for storing user data.";
