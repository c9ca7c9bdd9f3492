/**
 * The one entry point of the providers package: every dynamic resource's provider, by the key its state names.
 *
 * A resource's state holds a small reference (see `reference.ts`), not a copy of its provider's code; the
 * dynamic-provider process resolves the reference here, in the `ciam-tenant-providers` package built from this
 * folder into the program's node_modules. The keys are part of the state format: a key, once written, stays (a
 * renamed or moved provider keeps its key here), so every stack deployed since keeps refreshing and destroying.
 *
 * Modules are loaded on first use, so a process that serves one resource type loads only that family.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ProviderError } from "./core";

const PROVIDERS: Readonly<Record<string, () => pulumi.dynamic.ResourceProvider>> = {
  "arm:TenantPreflight": () => require("./tenant/preflight").tenantPreflightProvider,
  "graph:TenantReadiness": () => require("./tenant/readiness").tenantReadinessProvider,
  "graph:TenantTeardown": () => require("./tenant/teardown").tenantTeardownProvider,
  "graph:IdentityCheck": () => require("./tenant/identity-check").identityCheckProvider,
  "stack:DestroyGuard": () => require("./tenant/destroy-guard").destroyGuardProvider,
  "graph:UserFlow": () => require("./user-flows/user-flow").userFlowProvider,
  "graph:UserFlowAttribute": () => require("./user-flows/attribute").userFlowAttributeProvider,
  "graph:UserFlowAppLink": () => require("./user-flows/app-link").userFlowAppLinkProvider,
  "graph:DefaultBranding": () => require("./branding/default-branding").defaultBrandingProvider,
  "graph:BrandingLocalization": () => require("./branding/localization").brandingLocalizationProvider,
  "graph:BrandingAsset": () => require("./branding/asset").brandingAssetProvider,
  "graph:IdentityProvider": () => require("./identity-providers/identity-provider").identityProviderProvider,
};

/** The keys state may name. */
export const PROVIDER_KEYS: readonly string[] = Object.keys(PROVIDERS);

/** The provider a state's reference names. */
export function providerFor(key: string): pulumi.dynamic.ResourceProvider {
  const load = PROVIDERS[key];
  if (!load) throw new ProviderError("ProvidersPackage", `This version of ciam-tenant has no provider "${key}" (it knows ${PROVIDER_KEYS.join(", ")}): the state was written by another version`);
  return load();
}
