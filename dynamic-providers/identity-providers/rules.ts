/**
 * The identity-provider family's rule table: the social (Google, Facebook), Apple and OpenID Connect providers of
 * an external tenant, read by the IdentityProvider provider's `check` (and, once the config section exists, by the
 * config schema, so both say the same thing about the same value).
 *
 * Sources: external-id-features.md §1.2 (payloads; "all the properties … are required"; only `responseType: code`;
 * no `client_secret_basic`), §1.3 (one Google, Facebook and Apple per tenant).
 * @see https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-identityproviders?view=graph-rest-beta
 */
import { Rule, httpsUrlProblem, lengthAllowed, lengthProblem } from "../core";

/** The kinds of provider, by this project's names. */
export const IDENTITY_PROVIDER_TYPES = ["google", "facebook", "apple", "oidc"] as const;
export type IdentityProviderType = (typeof IDENTITY_PROVIDER_TYPES)[number];

/** How an OIDC provider authenticates the tenant at its token endpoint (`client_secret_basic` is not supported). */
export const OIDC_CLIENT_AUTHENTICATIONS = ["client_secret_post", "client_secret_jwt"] as const;
export type OidcClientAuthentication = (typeof OIDC_CLIENT_AUTHENTICATIONS)[number];

function required(max: number, example: string): Rule {
  return {
    type: "string",
    allowed: `${lengthAllowed(max, 1)}, not only spaces`,
    problem: (v: string) => lengthProblem(v, 1, max) ?? (v.trim() === "" ? "is only spaces" : undefined),
    examples: { valid: [example], invalid: ["", "  "] },
  };
}

const httpsUrl: Rule = {
  type: "string",
  allowed: "an absolute https:// URL",
  problem: (v: string) => httpsUrlProblem(v),
  examples: { valid: ["https://idp.contoso.example/", "https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0"], invalid: ["http://idp.contoso.example", "idp.contoso.example"] },
};

/** Apple's team and key ids are 10-character upper-case alphanumerics (Apple's developer account pages) [inferred]. */
const appleId: Rule = {
  type: "string",
  allowed: "Apple's 10-character id (upper-case letters and digits), as the Apple developer account shows it",
  problem: (v: string) => (/^[A-Z0-9]{10}$/.test(v) ? undefined : "is not a 10-character Apple id"),
  examples: { valid: ["A1B2C3D4E5"], invalid: ["a1b2c3d4e5", "A1B2C3", ""] },
};

/** Rules of the values an identity provider takes. */
export const IDENTITY_PROVIDER_RULES = {
  displayName: required(256, "Google"),
  clientId: required(1024, "1234567890-abc.apps.googleusercontent.com"),
  /** The client secret (social, OIDC) or the content of Apple's .p8 key. */
  secret: required(16384, "a-client-secret"),
  developerId: appleId,
  keyId: appleId,
  serviceId: required(256, "com.contoso.signin"),
  issuer: httpsUrl,
  wellKnownEndpoint: httpsUrl,
  /** The OIDC scopes; `openid` is what makes it an OpenID Connect sign-in. */
  scope: {
    type: "string",
    allowed: "space-separated scopes including openid, e.g. openid profile email",
    problem: (v: string) => (v.split(/\s+/).includes("openid") ? undefined : "does not include openid"),
    examples: { valid: ["openid profile email", "openid"], invalid: ["profile email", ""] },
  },
} as const satisfies Readonly<Record<string, Rule>>;

/** The inputs each kind needs besides `displayName`. */
export const IDENTITY_PROVIDER_FIELDS: Readonly<Record<IdentityProviderType, readonly (keyof typeof IDENTITY_PROVIDER_RULES)[]>> = {
  google: ["clientId", "secret"],
  facebook: ["clientId", "secret"],
  apple: ["developerId", "serviceId", "keyId", "secret"],
  oidc: ["clientId", "secret", "issuer", "wellKnownEndpoint", "scope"],
};
