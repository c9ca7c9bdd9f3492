/**
 * `apps`: single-page applications the stack registers (`spa`) and applications registered elsewhere that it only
 * links to a user flow (`existing`), with Entra's redirect URI rules.
 */
import { z } from "zod";
import { type Frozen, boundedText, guid, isRecord, list, logicalKey, oneOf, strict, strings, text } from "./fields";
import { report } from "./messages";

/** Characters Entra refuses in a redirect URI ("Redirect URIs do not support special characters"). */
const REDIRECT_URI_SPECIALS = /[!$'(),;]/;
/** Most redirect URIs per app: 256 for single- and multi-tenant sign-in audiences (an external tenant's apps are single-tenant). */
export const MAX_REDIRECT_URIS = 256;

/**
 * SPA redirect URI rules (Microsoft's "Redirect URI (reply URL) restrictions and limitations"): absolute https, or
 * http only on localhost/127.0.0.1; none of `! $ ' ( ) , ;`; no user name or password; no fragment, no wildcard;
 * not the IPv6 loopback; at most 256 characters.
 *
 * @returns what is wrong, or `undefined` when the URI is acceptable
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > 256) return `is ${uri.length} characters long`;
  if (uri.includes("#")) return "contains a fragment (#...)";
  if (uri.includes("*")) return "contains a wildcard";
  const special = REDIRECT_URI_SPECIALS.exec(uri);
  if (special) return `contains ${special[0]}, one of the characters Entra refuses in redirect URIs (! $ ' ( ) , ;)`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not an absolute URI";
  }
  if (url.username || url.password) return "carries a user name or password (user:password@host)";
  if (url.hostname === "[::1]") return "uses the IPv6 loopback [::1], which Entra does not support (use 127.0.0.1)";
  if (url.protocol === "https:") return url.hostname ? undefined : "has no host";
  if (url.protocol === "http:") {
    return url.hostname === "localhost" || url.hostname === "127.0.0.1" ? undefined : `uses http:// for host ${url.hostname}`;
  }
  return `uses the scheme ${url.protocol}`;
}

const REDIRECT_URI_ALLOWED =
  "an absolute https:// URI, or http://localhost or http://127.0.0.1 (any port), without a fragment, wildcard, user name or password or any of ! $ ' ( ) , ; and at most 256 characters";

/**
 * The form in which Entra matches redirect URIs: a URI without a path is returned with a trailing slash, and on
 * localhost the port is ignored, so `https://contoso.example` and `https://contoso.example/` (or two localhost URIs
 * differing only by port) are one redirect URI to the login server.
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reply-url#localhost-exceptions
 */
export function redirectUriMatchKey(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const loopback = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  const host = loopback ? url.hostname : url.host;
  const pathname = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${host}${pathname}${url.search}`;
}
const redirectUri = () => text(REDIRECT_URI_ALLOWED, redirectUriProblem);

/**
 * A single-page application registered by the stack (auth code + PKCE, no implicit grant).
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
 */
const spaAppSchema = strict({
  /** Logical key, `[a-z][a-z0-9-]{0,39}`; names child resources. */
  key: logicalKey("app"),
  /** Application display name. */
  displayName: boundedText(120, 1),
  /** `spa.redirectUris`: at least one; https, or http only on localhost/127.0.0.1. */
  redirectUris: list(redirectUri(), "redirect URIs", 1).superRefine((v, ctx) => {
    if (v.length > MAX_REDIRECT_URIS) report(ctx, [], `${v.length} redirect URIs`, "are more than an app can hold", `at most ${MAX_REDIRECT_URIS} redirect URIs per app`);
  }),
  /** `signInAudience`. @default "AzureADMyOrg" - the only audience for customer apps of an external tenant */
  signInAudience: oneOf(["AzureADMyOrg"], "signInAudience", "customer apps of an external tenant must be single-tenant").default("AzureADMyOrg"),
  /** The redirect URI a sample app should use. @default the first URI ending in `/redirect`, else the first URI */
  sampleRedirectUri: redirectUri().optional(),
})
  .superRefine(
    (a, ctx) => {
      if (!isRecord(a)) return;
      const uris = strings(a.redirectUris);
      if (typeof a.sampleRedirectUri === "string" && uris.length && !uris.includes(a.sampleRedirectUri)) {
        report(ctx, ["sampleRedirectUri"], a.sampleRedirectUri, "is not one of redirectUris", uris.join(", "));
      }
    },
    { when: () => true },
  )
  .transform((a) => ({
    kind: "spa" as const,
    ...a,
    sampleRedirectUri: a.sampleRedirectUri ?? a.redirectUris.find((u) => u.endsWith("/redirect")) ?? a.redirectUris[0]!,
  }));

/** An application registered elsewhere; the stack only links it to a user flow. */
const existingAppSchema = strict({
  key: logicalKey("app"),
  existing: strict({
    /** Application (client) id, lower-cased. */
    clientId: guid("clientId"),
  }),
}).transform((a) => ({ kind: "existing" as const, key: a.key, clientId: a.existing.clientId }));

/** A single-page application registered by the stack. */
export type SpaAppConfig = Frozen<z.output<typeof spaAppSchema>>;
/** An application registered elsewhere (`clientId` lower-cased); the stack only links it to a user flow. */
export type ExistingAppConfig = Frozen<z.output<typeof existingAppSchema>>;
/** An application: registered by the stack (`spa`) or existing. Switch on `kind`. */
export type AppConfig = SpaAppConfig | ExistingAppConfig;

/** An app is `existing` when it has an `existing` key, else a spa app; issues of the chosen shape are passed up. */
export const appSchema = z.unknown().transform((v, ctx): AppConfig => {
  const chosen = isRecord(v) && v.existing !== undefined ? existingAppSchema : spaAppSchema;
  const r = chosen.safeParse(v);
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: undefined });
  return z.NEVER;
});
