/**
 * `identityProviders`: the social (Google, Facebook), Apple and OpenID Connect providers user flows can offer next to
 * `emailPassword` and `emailOtp`, checked by the identity-provider family's rule table. Secrets are never values in
 * the stack file: a client secret names a secret config key (`pulumi config set --secret <key> <value>`), Apple's
 * .p8 key is that or a file path; `load.ts` reads them as secrets.
 *
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/concept-authentication-methods-customers
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { IDENTITY_PROVIDER_RULES, OIDC_CLIENT_AUTHENTICATIONS } from "../dynamic-providers/identity-providers/rules";
import { type Frozen, isRecord, logicalKey, oneOf, strict, stringRule, text } from "./fields";
import { report } from "./messages";

/** Keys of config values: what `pulumi config set --secret <key>` accepts (the namespace is added). */
const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/** Where a secret comes from: a secret config key, or (Apple's .p8 key) a file. */
function secretSource(what: string, allowFile: boolean) {
  const allowed = `{secretConfig: <key>}, a key set with pulumi config set --secret <key> <${what}>${allowFile ? ", or {file: <path of the .p8 file>}" : ""}`;
  // A value that is not a key name may be the secret itself, pasted in the wrong place: it is never shown.
  const keyAllowed = "a config key name (letters, digits, _ . -), set with pulumi config set --secret";
  const keyName = text(keyAllowed).superRefine((v, ctx) => {
    if (!CONFIG_KEY.test(v)) report(ctx, [], "(not shown)", "is not a config key name (if it is the secret itself, remove it from the stack file)", keyAllowed);
  });
  const fromConfig = strict({ secretConfig: keyName });
  const fromFile = strict({ file: text("a path to the .p8 key file Apple gave (outside the repository is best: it is a private key)") });
  return z.unknown().transform((v, ctx): { readonly secretConfig: string } | { readonly file: string } => {
    if (typeof v === "string") {
      report(ctx, [], "(a value)", "is written in the stack file; a secret must not be", allowed);
      return z.NEVER;
    }
    const chosen = allowFile && isRecord(v) && v.file !== undefined ? fromFile : fromConfig;
    const r = chosen.safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: undefined });
    return z.NEVER;
  });
}

const common = {
  /** Logical key, `[a-z][a-z0-9-]{0,39}`: what `userFlows[].identityProviders` names; names the resource. */
  key: logicalKey("identity provider"),
};

const socialSchema = <T extends "google" | "facebook">(type: T) =>
  strict({
    ...common,
    type: oneOf([type] as [T], "type"),
    /** Text of the sign-in button. @default "Google" / "Facebook" */
    displayName: stringRule(IDENTITY_PROVIDER_RULES.displayName).default(type === "google" ? "Google" : "Facebook"),
    /** The OAuth client id from the Google Cloud console / the Facebook app. */
    clientId: stringRule(IDENTITY_PROVIDER_RULES.clientId),
    clientSecret: secretSource("client secret", false),
  });

const appleSchema = strict({
  ...common,
  type: oneOf(["apple"], "type"),
  /** Fixed by Entra ("Apple"). @default "Apple" */
  displayName: stringRule(IDENTITY_PROVIDER_RULES.displayName).default("Apple"),
  /** The Apple developer team id. */
  developerId: stringRule(IDENTITY_PROVIDER_RULES.developerId),
  /** The Services ID (client id) registered at Apple, e.g. `com.contoso.signin`. */
  serviceId: stringRule(IDENTITY_PROVIDER_RULES.serviceId),
  /** The id of the Sign in with Apple key. */
  keyId: stringRule(IDENTITY_PROVIDER_RULES.keyId),
  /** The .p8 private key: Apple requires renewing it every 6 months. */
  privateKey: secretSource("contents of the .p8 key", true),
});

const oidcSchema = strict({
  ...common,
  type: oneOf(["oidc"], "type"),
  /** Text of the sign-in button. */
  displayName: stringRule(IDENTITY_PROVIDER_RULES.displayName),
  clientId: stringRule(IDENTITY_PROVIDER_RULES.clientId),
  clientSecret: secretSource("client secret", false),
  /** The provider's issuer, an https URL; one provider per issuer in a tenant. */
  issuer: stringRule(IDENTITY_PROVIDER_RULES.issuer),
  /** The OpenID metadata document. @default `<issuer>/.well-known/openid-configuration` */
  wellKnownEndpoint: stringRule(IDENTITY_PROVIDER_RULES.wellKnownEndpoint).optional(),
  /** @default "openid profile email" */
  scope: stringRule(IDENTITY_PROVIDER_RULES.scope).default("openid profile email"),
  /** How the tenant authenticates at the token endpoint (`client_secret_basic` is not supported). @default "client_secret_post" */
  clientAuthentication: oneOf(OIDC_CLIENT_AUTHENTICATIONS, "clientAuthentication").default("client_secret_post"),
}).transform((o) => ({ ...o, wellKnownEndpoint: o.wellKnownEndpoint ?? `${o.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration` }));

const SCHEMAS = { google: socialSchema("google"), facebook: socialSchema("facebook"), apple: appleSchema, oidc: oidcSchema } as const;
const TYPES = Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[];

type Parsed = { [K in keyof typeof SCHEMAS]: z.output<(typeof SCHEMAS)[K]> }[keyof typeof SCHEMAS];

/** One provider: the schema of its `type`; issues of that schema are passed up. */
export function identityProviderSchema(projectDir: string) {
  return z.unknown().transform((v, ctx): Parsed => {
    const type = isRecord(v) ? v.type : undefined;
    if (typeof type !== "string" || !(TYPES as string[]).includes(type)) {
      report(ctx, ["type"], type, type === undefined ? "is missing" : "is not a valid identity provider type", TYPES.join(", "));
      return z.NEVER;
    }
    const r = SCHEMAS[type as keyof typeof SCHEMAS].safeParse(v);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: undefined });
      return z.NEVER;
    }
    const parsed = r.data as Parsed;
    if (parsed.type === "apple" && "file" in parsed.privateKey) {
      const file = path.resolve(projectDir, parsed.privateKey.file);
      const problem = p8Problem(file);
      if (problem) {
        report(ctx, ["privateKey", "file"], parsed.privateKey.file, problem, "a readable .p8 file holding -----BEGIN PRIVATE KEY-----, as Apple's developer account gives it");
        return z.NEVER;
      }
      return { ...parsed, privateKey: { file } };
    }
    return parsed;
  });
}

/** What is wrong with a .p8 key file, or `undefined`. Its content is never put in a message. */
function p8Problem(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`;
  }
  return /-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/.test(text) ? undefined : "is not a PEM private key (no BEGIN/END PRIVATE KEY lines)";
}

/** A configured identity provider (secrets by reference only). Switch on `type`. */
export type IdentityProviderConfig = Frozen<Parsed>;

/**
 * The redirect URIs to register at the provider's console, as External ID documents them for each type (both host
 * forms where the documentation changed between revisions: external-id-features §1.6).
 */
export function identityProviderRedirectUris(type: IdentityProviderConfig["type"], tenant: { subdomain: string; tenantId: string }): string[] {
  const sub = tenant.subdomain.toLowerCase();
  const tid = tenant.tenantId.toLowerCase();
  const oauth2 = [`https://${sub}.ciamlogin.com/${tid}/federation/oauth2`, `https://${sub}.ciamlogin.com/${sub}.onmicrosoft.com/federation/oauth2`];
  const te = [`https://login.microsoftonline.com/te/${tid}/oauth2/authresp`, `https://login.microsoftonline.com/te/${sub}.onmicrosoft.com/oauth2/authresp`];
  switch (type) {
    case "google":
      return [
        "https://login.microsoftonline.com",
        ...te,
        `https://${tid}.ciamlogin.com/${tid}/federation/oidc/accounts.google.com`,
        `https://${tid}.ciamlogin.com/${sub}.onmicrosoft.com/federation/oidc/accounts.google.com`,
        ...oauth2,
      ];
    case "facebook":
      return [
        ...te,
        `https://${sub}.ciamlogin.com/${tid}/federation/oidc/www.facebook.com`,
        `https://${sub}.ciamlogin.com/${sub}.onmicrosoft.com/federation/oidc/www.facebook.com`,
        ...oauth2,
      ];
    case "apple":
      return [`https://${tid}.ciamlogin.com/${tid}/federation/oauth2`, `https://${tid}.ciamlogin.com/${sub}/federation/oauth2`, `https://${sub}.ciamlogin.com/${tid}/federation/oauth2`];
    case "oidc":
      return oauth2;
  }
}

/** The day (YYYY-MM-DD, UTC) Apple's key must be renewed by: 6 months after it was applied (§1.2, Apple's rule). */
export function appleKeyRenewBy(appliedAt: string): string {
  const d = new Date(appliedAt);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.toISOString().slice(0, 10);
}
