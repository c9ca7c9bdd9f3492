/**
 * The tenant's OpenID Connect metadata on the authority host, read anonymously: the cheapest question "does the
 * login service know this tenant?" — answered 200 for a live tenant and 400 `AADSTS90002` ("Tenant ... not found")
 * for one that does not exist (yet, or any more).
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 * Reference: arm-and-auth §6 (AADSTS90002 [verified]; polling it after a create [inferred]).
 */
import { networkFailure, parseRetryAfter, RETRYABLE_STATUSES } from "../core";

export type TenantMetadataAnswer =
  | { readonly state: "found"; readonly issuer: string }
  | { readonly state: "notFound"; readonly detail: string }
  | {
      readonly state: "unavailable";
      readonly detail: string;
      /** Asking again may help: 429/503/504, or a connection that broke (reset, closed, timed out). */
      readonly transient: boolean;
      readonly retryAfterMs?: number;
    };

/** AADSTS codes that mean "no such tenant" (90002: tenant not found; 90072/90023 never apply to discovery). */
const TENANT_NOT_FOUND_CODES = [90002];

/**
 * Reads `<authorityHost>/<tenant>/v2.0/.well-known/openid-configuration`. `tenant` is a tenant id or a verified
 * domain (`<subdomain>.onmicrosoft.com`). Never throws: a network failure is `unavailable`.
 */
export async function tenantMetadata(authorityHost: string, tenant: string): Promise<TenantMetadataAnswer> {
  const url = `${authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return {
      state: "unavailable",
      detail: `${url} did not answer: ${(e as Error).message}${cause ? ` (${cause})` : ""}`,
      transient: networkFailure(e)?.transient ?? false,
    };
  }
  const text = await res.text().catch(() => "");
  let body: { issuer?: string; error?: string; error_description?: string; error_codes?: number[] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON: a gateway page; described below by its status.
  }
  if (res.ok && typeof body.issuer === "string") return { state: "found", issuer: body.issuer };
  // The first sentence of AADSTS descriptions says it all; the rest (advice, trace and correlation ids) would make
  // every progress line several hundred characters long.
  const description = ((body.error_description ?? text.slice(0, 300)).split(/\r?\n/)[0] ?? "").split(/(?<=\.)\s/)[0] ?? "";
  const detail = `${res.status} ${body.error ?? res.statusText}: ${description}`.trim();
  if (res.status === 400 && (body.error_codes ?? []).some((c) => TENANT_NOT_FOUND_CODES.includes(c))) return { state: "notFound", detail };
  if (res.status === 400 && /AADSTS90002\b/.test(description)) return { state: "notFound", detail };
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
  return { state: "unavailable", detail, transient: RETRYABLE_STATUSES.includes(res.status), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}
