/**
 * The words every layer shares, defined once: what a GUID is and how two compare, the placeholder GUID, and a
 * tenant's lifecycles. The config schema, the components and the providers all read them from here.
 */

/** Source of the GUID pattern (8-4-4-4-12 hex digits, any case), for building larger patterns. */
export const GUID_TEXT = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

const GUID = new RegExp(`^${GUID_TEXT}$`);

export function isGuid(value: unknown): value is string {
  return typeof value === "string" && GUID.test(value);
}

/** GUIDs compare case-insensitively (Graph returns them lower-case, people paste them upper-case). */
export function sameGuid(a: string | undefined, b: string | undefined): boolean {
  return (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
}

/** The all-zero GUID: a placeholder, never a real subscription, tenant or app id. */
export const NIL_GUID = "00000000-0000-0000-0000-000000000000";

/**
 * What `pulumi destroy` may do to a tenant: `protected` refuses (DestroyGuard), `ephemeral` empties and deletes it
 * (TenantTeardown, then the CIAMTenant resource).
 */
export const LIFECYCLES = ["protected", "ephemeral"] as const;
export type TenantLifecycle = (typeof LIFECYCLES)[number];

/**
 * What is wrong with `value` as an absolute https URL (`origin`: also no path, query or fragment), in the words of
 * the config's messages; `undefined` when it is one. Credentials in the URL are always refused.
 */
export function httpsUrlProblem(value: string, opts: { origin?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URL";
  }
  if (url.protocol !== "https:") return `uses the scheme ${url.protocol}`;
  if (opts.origin && (url.pathname !== "/" || url.search || url.hash || url.username || url.password)) return "has a path, query, fragment or credentials";
  if (url.username || url.password) return "carries a user name or password";
  return undefined;
}
