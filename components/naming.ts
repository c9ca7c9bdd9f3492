/**
 * Pulumi logical names of every resource the program registers, in one place.
 *
 * These names are **public contract**: a logical name is part of the resource's URN, and a changed URN makes the
 * engine delete the old resource and create a new one — for the objects below that means a new tenant, a new app
 * registration (new client id), a user flow re-created empty. Never rename silently: if a name here must change,
 * keep the old one reachable with `aliases: [{ name: <old> }]` on the child for at least one release.
 *
 * Logical names are kept apart from display names: a display name is a Graph/ARM property that can change in place;
 * a logical name is the key Pulumi tracks the object by, derived from the component name and the config key.
 *
 * Pure functions, no Pulumi import.
 */

/** Branding locale id of the default (tenant-wide) company branding in Graph. */
export const DEFAULT_BRANDING_LOCALE = "0";

/** Names of the top-level components `index.ts` creates. */
export const componentNames = {
  /** The `CiamTenant` component. */
  tenant: "ciam",
  /** The `SignInExperience` component. */
  signInExperience: "sign-in",
  /** A `SpaApplication` component: the app's config key. */
  app: (appKey: string): string => appKey,
  /** The `AutomationIdentity` component (only when `automation` is configured). */
  automation: "ciam-automation",
  /** The `DestroyGuard` that stops `pulumi destroy` of a protected stack (registered last, top level). */
  destroyGuard: "destroy-guard",
} as const;

/** Children of an `AutomationIdentity` named `name`. */
export function automationChildNames(name: string) {
  return {
    /** `azuread:index/application:Application`: the automation app registration. */
    application: `${name}-app`,
    /** `azuread:index/servicePrincipal:ServicePrincipal`. */
    servicePrincipal: `${name}-sp`,
    /** `azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential`, by subject key. */
    federatedCredential: (subjectKey: string): string => `${name}-fic-${subjectKey}`,
    /** `azuread:index/appRoleAssignment:AppRoleAssignment`: one Graph application permission, by its name. */
    appRole: (permission: string): string => `${name}-role-${permission}`,
  } as const;
}

/** Children of a `CiamTenant` named `name`. */
export function tenantChildNames(name: string) {
  return {
    /** `azure-native:resources:ResourceGroup` (only when the stack creates the group). */
    resourceGroup: `${name}-rg`,
    /** `azure-native:azureactivedirectory:CIAMTenant`. */
    directory: `${name}-tenant`,
    /** Explicit `azuread` provider bound to the tenant. */
    azureadProvider: `${name}-azuread`,
    /** `graph:IdentityCheck`: refuses a run whose identity is of another tenant or lacks a needed permission. */
    identityCheck: `${name}-identity-check`,
    /** `TenantPreflight` (ARM): name and provider checks before creation, proof of deletion after destroy. */
    preflight: `${name}-preflight`,
    /** `TenantReadiness`: waits until the tenant answers; everything inside depends on it. */
    readiness: `${name}-ready`,
    /** `TenantTeardown`: empties a disposable tenant before its deletion. */
    teardown: `${name}-teardown`,
  } as const;
}

/** Children of a `SpaApplication` named `name`. */
export function appChildNames(name: string) {
  return {
    /** `azuread:index/application:Application`. */
    application: `${name}-app`,
    /** `azuread:index/servicePrincipal:ServicePrincipal`. */
    servicePrincipal: `${name}-sp`,
    /** `azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant` (admin consent). */
    consent: `${name}-consent`,
  } as const;
}

/** Children of a `SignInExperience` named `name`. */
export function signInChildNames(name: string) {
  return {
    /** A custom user flow attribute, by its config name. */
    customAttribute: (attributeName: string): string => `${name}-attr-${attributeName}`,
    /** A user flow, by its config key. */
    userFlow: (flowKey: string): string => `${name}-flow-${flowKey}`,
    /** A social, Apple or OIDC identity provider, by its config key. */
    identityProvider: (key: string): string => `${name}-idp-${key}`,
    /** The link of one app to one user flow, by both config keys. */
    appLink: (flowKey: string, appKey: string): string => `${name}-link-${flowKey}-${appKey}`,
    /** The default company branding. */
    defaultBranding: `${name}-branding-default`,
    /** A branding localization, by its BCP 47 locale key. */
    localization: (locale: string): string => `${name}-branding-${locale}`,
    /**
     * One branding stream (image or CSS), by locale and kind. The default branding's locale id `"0"` reads as
     * `default` (config keys can never be `default`: the schema rejects it as a locale).
     */
    asset: (locale: string, kind: string): string => `${name}-asset-${localeLabel(locale)}-${kind}`,
  } as const;
}

/** `default` for the default branding's locale id, the locale itself otherwise. */
export function localeLabel(locale: string): string {
  return locale === DEFAULT_BRANDING_LOCALE ? "default" : locale;
}
