/**
 * Reads what `npm run export` turns into a stack config: everything this project manages in a tenant, through the
 * same Graph layer (credentials, endpoints, retries, error mapping) and the same per-resource mappings the
 * providers use (`discover…` in each resource's file). Reads only: nothing here writes to Graph.
 */
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import { type GraphClient, GraphRequestError } from "../dynamic-providers/graph";
import { discoverAssets } from "../dynamic-providers/branding/asset";
import { discoverDefaultBranding } from "../dynamic-providers/branding/default-branding";
import { discoverLocalizations } from "../dynamic-providers/branding/localization";
import { discoverFlowApps } from "../dynamic-providers/user-flows/app-link";
import { discoverCustomAttributes, type DiscoveredAttribute } from "../dynamic-providers/user-flows/attribute";
import { discoverUserFlows, type DiscoveredFlow } from "../dynamic-providers/user-flows/user-flow";
import { discoverIdentityProviders, type DiscoveredIdentityProvider } from "../dynamic-providers/identity-providers/identity-provider";
import type { BrandingAssetKind, BrandingValues } from "../dynamic-providers/branding/properties";

/** One image or CSS stream as read. */
export interface SnapshotAsset {
  readonly kind: BrandingAssetKind;
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** The default branding (`locale` "0") or one localization, as read. */
export interface SnapshotBranding {
  readonly locale: string;
  readonly values: BrandingValues;
  /** Keys holding a value that the project does not manage. */
  readonly unmanaged: readonly string[];
  readonly assets: readonly SnapshotAsset[];
}

/** Everything an export reads from one tenant. */
export interface TenantSnapshot {
  readonly tenantId: string;
  /** The initial `<subdomain>.onmicrosoft.com` domain's subdomain. */
  readonly subdomain: string;
  readonly displayName: string;
  readonly customAttributes: readonly DiscoveredAttribute[];
  readonly flows: readonly (DiscoveredFlow & { readonly appIds: readonly string[] })[];
  /** Flows of other types, not modelled. */
  readonly otherFlows: readonly { id: string; displayName: string; type: string }[];
  /** Display names of the linked apps by appId (lower-case); absent when the directory could not be read. */
  readonly appNames: Readonly<Record<string, string>> | undefined;
  /** Why the app names could not be read, if they could not. */
  readonly appNamesProblem?: string;
  readonly identityProviders: readonly DiscoveredIdentityProvider[];
  readonly otherIdentityProviders: readonly { id: string; displayName: string; type: string }[];
  readonly defaultBranding: SnapshotBranding | undefined;
  readonly localizations: readonly SnapshotBranding[];
}

/** Says what is being read (the CLI prints it). */
export type Progress = (message: string) => void;

/** Reads the tenant. Errors are the Graph layer's (code, message, request-id), with the part being read named. */
export async function readTenant(client: GraphClient, progress: Progress = () => undefined): Promise<TenantSnapshot> {
  const tenantId = client.connection.tenantId;
  const step = async <T>(what: string, read: () => Promise<T>): Promise<T> => {
    progress(`reading ${what}`);
    try {
      return await read();
    } catch (e) {
      if (e instanceof Error) e.message = `while reading ${what}: ${e.message}`;
      throw e;
    }
  };

  const org = await step("the organization", () => client.get<MicrosoftGraphBeta.Organization>(`/organization/${encodeURIComponent(tenantId)}`));
  const initial = (org.verifiedDomains ?? []).find((d) => d.isInitial)?.name ?? "";
  const subdomain = initial.replace(/\.onmicrosoft\.com$/i, "");

  const customAttributes = await step("custom user flow attributes", () => discoverCustomAttributes(client));
  const { flows: found, others: otherFlows } = await step("user flows", () => discoverUserFlows(client));
  const flows: (DiscoveredFlow & { appIds: string[] })[] = [];
  for (const f of found) {
    flows.push({ ...f, appIds: await step(`the apps of user flow ${JSON.stringify(f.displayName)}`, () => discoverFlowApps(client, f.id)) });
  }

  let appNames: Record<string, string> | undefined;
  let appNamesProblem: string | undefined;
  if (flows.some((f) => f.appIds.length > 0)) {
    try {
      const apps = await step("application names", () => client.list<MicrosoftGraphBeta.Application>("/applications?$select=appId,displayName"));
      appNames = Object.fromEntries(apps.filter((a) => a.appId).map((a) => [a.appId!.toLowerCase(), a.displayName ?? ""]));
    } catch (e) {
      // Names only make the keys readable: without Application.Read.All the keys come from the app ids.
      if (!(e instanceof GraphRequestError && e.status === 403)) throw e;
      appNamesProblem = `application names could not be read (${e.code}: ${e.serviceMessage}); app keys are made from their client ids`;
    }
  }

  const { providers: identityProviders, others: otherIdentityProviders } = await step("identity providers", () => discoverIdentityProviders(client));

  const def = await step("the default branding", () => discoverDefaultBranding(client));
  const defaultBranding = def ? { locale: "0", ...def, assets: await step("the default branding's images and CSS", () => discoverAssets(client, "0")) } : undefined;
  const localizations: SnapshotBranding[] = [];
  if (def) {
    for (const l of await step("branding localizations", () => discoverLocalizations(client))) {
      localizations.push({ ...l, assets: await step(`the images and CSS of branding locale ${l.locale}`, () => discoverAssets(client, l.locale)) });
    }
  }

  return {
    tenantId, subdomain, displayName: org.displayName ?? "", customAttributes, flows, otherFlows, appNames,
    ...(appNamesProblem ? { appNamesProblem } : {}),
    identityProviders, otherIdentityProviders, defaultBranding, localizations,
  };
}
