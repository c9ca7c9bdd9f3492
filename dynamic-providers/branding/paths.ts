/**
 * Where the branding family lives in Graph (reference §4): the paths of the default branding, its localizations
 * and their streams, and the one way to read the default. Shared by the family's resource files, each of which
 * keeps its own life (check, diff, create, read, update, delete).
 */
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import type { GraphClient } from "../graph";

/** `Accept-Language: 0` addresses the default branding; without it Node's fetch sends `*` (reference §4.2). */
export const DEFAULT_LOCALE_HEADERS = { "Accept-Language": "0" } as const;

/** The tenant's default branding (locale "0"). */
export function brandingPath(tenantId: string): string {
  return `/organization/${encodeURIComponent(tenantId)}/branding`;
}

/** The collection of the branding's localizations (the default's `0` among them). */
export function localizationsPath(tenantId: string): string {
  return `${brandingPath(tenantId)}/localizations`;
}

/** One localization; `0` is the default. */
export function localizationPath(tenantId: string, locale: string): string {
  return `${localizationsPath(tenantId)}/${encodeURIComponent(locale)}`;
}

/** One image or CSS stream of a localization (`0`: the default's). */
export function streamPath(tenantId: string, locale: string, kind: string): string {
  return `${localizationPath(tenantId, locale)}/${kind}`;
}

export type LiveBranding = MicrosoftGraphBeta.OrganizationalBranding & Record<string, unknown>;

/** The default branding as Graph holds it, or undefined when the tenant has none. */
export async function readDefaultBranding(client: GraphClient, opts: { replicationLag?: boolean } = {}): Promise<LiveBranding | undefined> {
  return client.getOrUndefined<LiveBranding>(brandingPath(client.connection.tenantId), { headers: DEFAULT_LOCALE_HEADERS, ...opts });
}
