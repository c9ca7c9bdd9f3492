/**
 * `SpaApplication`: a single-page application registered in the external tenant, ready for the CIAM JavaScript
 * sample — app registration (auth code + PKCE, no implicit grant), its service principal and tenant-wide admin
 * consent to Microsoft Graph `openid` + `offline_access` (customers cannot consent themselves).
 *
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-register-ciam-app
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import type { AppConfig } from "../config/schema";
import { appChildNames } from "./naming";
import { MICROSOFT_GRAPH_APP_ID } from "./tenant";

/**
 * Microsoft Graph delegated permissions every CIAM SPA needs, by claim value and permission (scope) id. The ids are
 * the same in every tenant.
 * @see https://learn.microsoft.com/en-us/graph/permissions-reference
 */
export const GRAPH_DELEGATED_SCOPES = {
  openid: "37f7f235-527c-4136-accd-4a02d197296e",
  offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
} as const;

/** What an app needs from its tenant; {@link CiamTenant} provides it. */
export interface SpaApplicationTenant {
  /** The tenant's readiness gate (`CiamTenant.ready`): every azuread resource of the app depends on it. */
  readonly ready: pulumi.Resource;
  /** Sign-in authority, `https://<subdomain>.ciamlogin.com/`. */
  readonly authority: pulumi.Input<string>;
  /** The tenant's `azuread` provider; called only when the app is registered by the stack. */
  azureadProvider(): azuread.Provider;
  /** Object id of the tenant's Microsoft Graph service principal; called only when consent is granted. */
  graphServicePrincipalObjectId(): pulumi.Output<string>;
}

/** Arguments of {@link SpaApplication}. */
export interface SpaApplicationArgs {
  /**
   * The app: `kind: "spa"` registers it (application, service principal, admin consent); `kind: "existing"` only
   * exposes its client id so user flows can link it.
   * @see https://learn.microsoft.com/en-us/entra/identity-platform/reply-url
   */
  readonly app: AppConfig;
  /** The tenant the app lives in. */
  readonly tenant: SpaApplicationTenant;
  /**
   * Object ids of principals that own the app registration and its service principal — the automation identity,
   * whose `Application.ReadWrite.OwnedBy` reaches only apps it owns (also those a person's first run created).
   * @see https://learn.microsoft.com/en-us/graph/permissions-reference#applicationreadwriteownedby
   * @default - no owners set by the stack
   */
  readonly owners?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The `auth` section of an MSAL.js configuration, in the shape the External ID sample
 * (`ms-identity-ciam-javascript-tutorial`, `1-Authentication/0-sign-in-vanillajs`, `authConfig.js`) accepts.
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/msal-js-initializing-client-applications
 */
export interface MsalBrowserConfig {
  readonly auth: {
    /** Application (client) id. */
    readonly clientId: string;
    /** `https://<subdomain>.ciamlogin.com/` (MSAL recognises `.ciamlogin.com` and adds the tenant domain). */
    readonly authority: string;
    /** The sample's redirect URI; absent for an app registered elsewhere (its URIs are not known here). */
    readonly redirectUri?: string;
  };
}

/** A SPA registered in (or linked into) the external tenant. */
export class SpaApplication extends pulumi.ComponentResource {
  /** Application (client) id. */
  public readonly clientId: pulumi.Output<string>;
  /** Registered SPA redirect URIs (empty for an existing app: not managed here). */
  public readonly redirectUris: pulumi.Output<string[]>;
  /**
   * The app's service principal when the stack registers the app, else undefined. Linking an app to a user flow
   * needs the service principal to exist, so links `dependsOn` it.
   */
  public readonly servicePrincipal?: azuread.ServicePrincipal;
  /** The app registration, when the stack registers the app. */
  public readonly application?: azuread.Application;
  /** Tenant-wide admin consent to Graph `openid offline_access`, when the stack registers the app. */
  public readonly consent?: azuread.ServicePrincipalDelegatedPermissionGrant;
  /** MSAL.js `auth` settings for the CIAM JavaScript sample. */
  public readonly msalConfig: pulumi.Output<MsalBrowserConfig>;

  constructor(name: string, args: SpaApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ciam-tenant:index:SpaApplication", name, {}, opts);
    const { app, tenant } = args;
    const owners = args.owners !== undefined ? { owners: args.owners } : {};

    let sampleRedirectUri: string | undefined;
    if (app.kind === "spa") {
      const names = appChildNames(name);
      const provider = tenant.azureadProvider();
      // After the tenant answers; on destroy, deleted before the tenant is emptied.
      const childOpts: pulumi.CustomResourceOptions = { parent: this, provider, dependsOn: [tenant.ready] };

      this.application = new azuread.Application(
        names.application,
        {
          displayName: app.displayName,
          // Customer apps of an external tenant are single-tenant.
          signInAudience: app.signInAudience,
          // SPA platform: authorization code flow with PKCE; tokens are never returned in the URL.
          singlePageApplication: { redirectUris: [...app.redirectUris] },
          // Declared explicitly so a portal change turning on the implicit grant is reverted by the next `up`.
          web: { implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false } },
          requiredResourceAccesses: [
            {
              resourceAppId: MICROSOFT_GRAPH_APP_ID,
              resourceAccesses: Object.values(GRAPH_DELEGATED_SCOPES).map((id) => ({ id, type: "Scope" })),
            },
          ],
          ...owners,
        },
        childOpts,
      );
      this.servicePrincipal = new azuread.ServicePrincipal(
        names.servicePrincipal,
        {
          clientId: this.application.clientId,
          // Makes the app show up under "Enterprise applications", as a portal registration does.
          tags: ["WindowsAzureActiveDirectoryIntegratedApp"],
          ...owners,
        },
        childOpts,
      );
      // No userObjectId: consentType AllPrincipals, i.e. admin consent on behalf of every user — customers of an
      // external tenant cannot consent themselves.
      this.consent = new azuread.ServicePrincipalDelegatedPermissionGrant(
        names.consent,
        {
          servicePrincipalObjectId: this.servicePrincipal.objectId,
          resourceServicePrincipalObjectId: tenant.graphServicePrincipalObjectId(),
          claimValues: Object.keys(GRAPH_DELEGATED_SCOPES),
        },
        childOpts,
      );
      this.clientId = this.application.clientId;
      this.redirectUris = pulumi.output([...app.redirectUris]);
      sampleRedirectUri = app.sampleRedirectUri;
    } else {
      this.clientId = pulumi.output(app.clientId);
      this.redirectUris = pulumi.output([]);
    }

    this.msalConfig = pulumi.all([this.clientId, tenant.authority]).apply(
      ([clientId, authority]): MsalBrowserConfig => ({
        auth: sampleRedirectUri === undefined ? { clientId, authority } : { clientId, authority, redirectUri: sampleRedirectUri },
      }),
    );

    this.registerOutputs({ clientId: this.clientId, redirectUris: this.redirectUris, msalConfig: this.msalConfig });
  }
}
