/**
 * `SignInExperience`: what customers see when they sign up or sign in — custom user attributes, sign-up/sign-in
 * user flows, the apps each flow serves, and company branding (default and per locale, with images and CSS).
 * Every child is a Graph-backed dynamic resource; this component only wires them and orders them.
 *
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-user-flow-sign-up-sign-in-customers
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-customize-branding-customers
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { BrandingConfig, BrandingImages, BrandingPropertiesConfig, CustomAttributeConfig, IdentityProviderConfig, UserFlowConfig } from "../config/schema";
import type { BrandingAssetKind } from "../config/images";
import type { GraphConnection } from "../dynamic-providers/graph";
import { UserFlowAttribute } from "../dynamic-providers/user-flows/attribute";
import { UserFlow } from "../dynamic-providers/user-flows/user-flow";
import { UserFlowAppLink } from "../dynamic-providers/user-flows/app-link";
import { IdentityProvider, type IdentityProviderInputs } from "../dynamic-providers/identity-providers/identity-provider";
import { DefaultBranding } from "../dynamic-providers/branding/default-branding";
import type { BrandingProperties } from "../dynamic-providers/branding/properties";
import { BrandingLocalization } from "../dynamic-providers/branding/localization";
import { BrandingAsset } from "../dynamic-providers/branding/asset";
import { DEFAULT_BRANDING_LOCALE, signInChildNames } from "./naming";

/** An application user flows can be linked to. */
export interface SignInApp {
  /** Application (client) id. */
  readonly clientId: pulumi.Input<string>;
  /**
   * The app's service principal when the stack registers it. Graph links a flow to an app through its service
   * principal, so the link waits for it.
   * @default - none: the app (and its service principal) exist outside the stack
   */
  readonly servicePrincipal?: pulumi.Resource;
}

/** Arguments of {@link SignInExperience}. */
export interface SignInExperienceArgs {
  /** The tenant's Graph connection (see `CiamTenant.graphConnection`); holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * The tenant's readiness gate (`CiamTenant.ready`): every child depends on it, so nothing is written before the
   * tenant answers, and on destroy everything is deleted before the tenant is emptied.
   * @default - no gate (the tenant is known to answer)
   */
  readonly ready?: pulumi.Resource;
  /**
   * Custom user attributes, created before the flows that collect them.
   * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-define-custom-attributes
   * @default - no custom attribute
   */
  readonly customAttributes?: readonly CustomAttributeConfig[];
  /**
   * Social, Apple and OIDC identity providers, created before the flows that offer them, with their secrets by
   * config key (`loadIdentityProviderSecrets`: secret Outputs, never plain values).
   * @see https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-identityproviders
   * @default - none: flows offer only email sign-in
   */
  readonly identityProviders?: readonly IdentityProviderConfig[];
  readonly identityProviderSecrets?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Sign-up/sign-in user flows, each linked to the apps it lists.
   * @see https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-authenticationeventsflows
   * @default - no user flow: apps can sign existing users in, nobody can sign up
   */
  readonly userFlows?: readonly UserFlowConfig[];
  /**
   * Applications flows may link, by config key.
   * @default - no app: a flow listing an app key fails (the config schema already guarantees every key exists)
   */
  readonly apps?: Readonly<Record<string, SignInApp>>;
  /**
   * Company branding: default and localizations, with their images.
   * @see https://learn.microsoft.com/en-us/graph/api/resources/organizationalbranding
   * @default - branding not managed: Microsoft's neutral sign-in page
   */
  readonly branding?: BrandingConfig;
  /**
   * Directory that branding file paths are stored relative to, so state holds no machine path and the dynamic
   * provider (which runs with the project directory as its working directory) finds the files.
   * @default process.cwd() - Pulumi runs the program in the project directory
   */
  readonly projectDir?: string;
}

/** Custom attributes, user flows, app links and branding of the tenant. */
export class SignInExperience extends pulumi.ComponentResource {
  /** Graph ids of the user flows, by config key. */
  public readonly userFlowIds: pulumi.Output<Record<string, string>>;
  /** The user flow resources, by config key. */
  public readonly userFlows: Readonly<Record<string, UserFlow>>;
  /** The custom attribute resources, by config name. */
  public readonly customAttributes: Readonly<Record<string, UserFlowAttribute>>;
  /** The identity provider resources, by config key. */
  public readonly identityProviders: Readonly<Record<string, IdentityProvider>>;
  /** The default company branding, when configured. */
  public readonly defaultBranding?: DefaultBranding;
  /** Branding localizations, by locale. */
  public readonly localizations: Readonly<Record<string, BrandingLocalization>>;
  private readonly gate: pulumi.Resource[];

  constructor(name: string, args: SignInExperienceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ciam-tenant:index:SignInExperience", name, {}, opts);
    const names = signInChildNames(name);
    const connection = args.connection;
    const apps = args.apps ?? {};
    const projectDir = args.projectDir ?? process.cwd();
    const gate: pulumi.Resource[] = args.ready ? [args.ready] : [];
    this.gate = gate;

    const customAttributes: Record<string, UserFlowAttribute> = {};
    for (const a of args.customAttributes ?? []) {
      customAttributes[a.name] = new UserFlowAttribute(
        names.customAttribute(a.name),
        { connection, displayName: a.name, dataType: a.dataType, ...(a.description !== undefined ? { description: a.description } : {}) },
        { parent: this, dependsOn: gate },
      );
    }

    const identityProviders: Record<string, IdentityProvider> = {};
    for (const p of args.identityProviders ?? []) {
      const secret = args.identityProviderSecrets?.[p.key];
      if (secret === undefined) throw new pulumi.ResourceError(`identity provider "${p.key}" has no secret: load it with loadIdentityProviderSecrets`, this);
      identityProviders[p.key] = new IdentityProvider(names.identityProvider(p.key), { connection, secret, ...identityProviderArgs(p) }, { parent: this, dependsOn: gate });
    }

    const userFlows: Record<string, UserFlow> = {};
    for (const f of args.userFlows ?? []) {
      const custom = f.attributes.filter((a) => a.source === "custom").map((a) => customAttributes[a.attribute]!);
      const flow = new UserFlow(
        names.userFlow(f.key),
        {
          connection,
          displayName: f.displayName,
          isSignUpAllowed: f.signUpAllowed,
          identityProviders: f.identityProviderIds.map((id) => (typeof id === "string" ? id : identityProviders[id.key]!.providerId)),
          attributes: f.attributes.map((a) => ({
            id: a.source === "custom" ? customAttributes[a.attribute]!.attributeId : a.attribute,
            required: a.required,
            hidden: a.hidden,
            ...(a.label !== undefined ? { label: a.label } : {}),
          })),
        },
        { parent: this, dependsOn: [...gate, ...custom] },
      );
      userFlows[f.key] = flow;

      for (const appKey of f.apps) {
        const app = apps[appKey];
        if (!app) throw new pulumi.ResourceError(`SignInExperience "${name}": user flow "${f.key}" links app "${appKey}", which was not passed in args.apps`, this);
        new UserFlowAppLink(
          names.appLink(f.key, appKey),
          // The flow's resource id, not its flowId output: an id stays known while the flow is updated in place,
          // whereas outputs of a resource being updated are unknown in preview, which would preview a replacement.
          { connection, userFlowId: flow.id, appId: app.clientId },
          { parent: this, dependsOn: [...gate, ...(app.servicePrincipal ? [app.servicePrincipal] : [])] },
        );
      }
    }

    const branding = args.branding;
    if (branding?.default) {
      this.defaultBranding = new DefaultBranding(
        names.defaultBranding,
        { connection, properties: brandingProperties(branding.default) },
        { parent: this, dependsOn: gate },
      );
      this.addAssets(names, connection, DEFAULT_BRANDING_LOCALE, branding.default.images, this.defaultBranding, projectDir);
    }
    const localizations: Record<string, BrandingLocalization> = {};
    for (const [locale, props] of Object.entries(branding?.localizations ?? {})) {
      // Graph creates the default branding with the first localization; when the stack manages both, the default
      // goes first so the two never race.
      const localization = new BrandingLocalization(
        names.localization(locale),
        { connection, locale, properties: brandingProperties(props) },
        { parent: this, dependsOn: [...gate, ...(this.defaultBranding ? [this.defaultBranding] : [])] },
      );
      localizations[locale] = localization;
      this.addAssets(names, connection, locale, props.images, localization, projectDir);
    }

    this.userFlows = userFlows;
    this.customAttributes = customAttributes;
    this.identityProviders = identityProviders;
    this.localizations = localizations;
    this.userFlowIds = pulumi.all(Object.fromEntries(Object.entries(userFlows).map(([k, f]) => [k, f.id])));

    this.registerOutputs({ userFlowIds: this.userFlowIds });
  }

  /**
   * One `BrandingAsset` per configured stream, depending on its branding object: created after it, and — because
   * the engine deletes dependents first — deleted before it.
   */
  private addAssets(
    names: ReturnType<typeof signInChildNames>,
    connection: pulumi.Input<GraphConnection>,
    locale: string,
    images: BrandingImages,
    owner: pulumi.Resource,
    projectDir: string,
  ): void {
    for (const [kind, asset] of Object.entries(images) as [BrandingAssetKind, BrandingImages[BrandingAssetKind]][]) {
      if (!asset) continue;
      new BrandingAsset(
        names.asset(locale, kind),
        {
          connection,
          locale,
          kind,
          filePath: path.relative(projectDir, asset.path).split(path.sep).join("/"),
          contentSha256: asset.sha256,
          contentType: asset.contentType,
        },
        { parent: this, dependsOn: [...this.gate, owner] },
      );
    }
  }
}

/** The resource inputs of a configured provider (its secret aside). */
function identityProviderArgs(p: IdentityProviderConfig): Omit<IdentityProviderInputs, "connection" | "secret"> {
  switch (p.type) {
    case "google":
    case "facebook":
      return { type: p.type, displayName: p.displayName, clientId: p.clientId };
    case "apple":
      return { type: p.type, displayName: p.displayName, developerId: p.developerId, serviceId: p.serviceId, keyId: p.keyId };
    case "oidc":
      return {
        type: p.type,
        displayName: p.displayName,
        clientId: p.clientId,
        issuer: p.issuer,
        wellKnownEndpoint: p.wellKnownEndpoint,
        scope: p.scope,
        clientAuthentication: p.clientAuthentication,
      };
  }
}

/** The branding properties Graph stores on the branding object itself (images are separate streams). */
function brandingProperties(config: BrandingPropertiesConfig): BrandingProperties {
  const { images: _images, ...properties } = config;
  return properties;
}
