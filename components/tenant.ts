/**
 * `CiamTenant`: the Microsoft Entra External ID (CIAM) tenant the rest of the stack configures — created through
 * ARM (`Microsoft.AzureActiveDirectory/ciamDirectories`) or an existing one named by config.
 *
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/overview-customers-ciam
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as azureactivedirectory from "@pulumi/azure-native/azureactivedirectory";
import * as resources from "@pulumi/azure-native/resources";
import type { EndpointsConfig, GraphTuningConfig, Lifecycle, ReadinessConfig, TeardownConfig, TenantConfig } from "../config/schema";
import type { GraphConnection, StackFeatures } from "../dynamic-providers/graph";
import { identityDisagreement } from "../dynamic-providers/core";
import { IdentityCheck } from "../dynamic-providers/tenant/identity-check";
import type { ArmConnection } from "../dynamic-providers/arm";
import { TenantPreflight } from "../dynamic-providers/tenant/preflight";
import { TenantReadiness } from "../dynamic-providers/tenant/readiness";
import { TenantTeardown } from "../dynamic-providers/tenant/teardown";
import { tenantChildNames } from "./naming";

/** Application (client) id of Microsoft Graph, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Arguments of {@link CiamTenant}: the validated config sections it reads. */
export interface CiamTenantArgs {
  /**
   * The tenant to create (`kind: "create"`) or to configure (`kind: "existing"`).
   * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-create-external-tenant-portal
   */
  readonly tenant: TenantConfig;
  /**
   * Graph origin, authority host and API version the dynamic providers call.
   * @default - the public cloud (set by the config schema)
   */
  readonly endpoints: EndpointsConfig;
  /**
   * Retry deadlines and concurrency of the Graph layer.
   * @default - 300 s retry deadline, 120 s replication wait, 4 concurrent requests (set by the config schema)
   */
  readonly graph: GraphTuningConfig;
  /**
   * `protected` marks the tenant (and the resource group the stack creates) `protect` and `retainOnDelete`, so
   * `pulumi destroy` can neither delete nor orphan-delete a directory; `ephemeral` leaves both off.
   * @see https://learn.microsoft.com/en-us/entra/external-id/customers/how-to-delete-external-tenant-portal
   * @default "protected" (set by the config schema)
   */
  readonly lifecycle: Lifecycle;
  /**
   * The parts of the stack that call Graph. A pipeline's app-only token must hold their permissions, or every
   * preview and update stops before its first write (see {@link IdentityCheck}).
   * @default - none: only the tenant of the token is checked
   */
  readonly features?: StackFeatures;
  /**
   * How long to wait for the tenant to answer before anything is written into it.
   * @default - 900 s (set by the config schema)
   */
  readonly readiness: ReadinessConfig;
  /**
   * How long `pulumi destroy` of an ephemeral stack waits for ARM and login to confirm the tenant is gone.
   * @default - 1800 s (set by the config schema)
   */
  readonly teardown: TeardownConfig;
}

/**
 * The external tenant, plus what every other component needs to reach it: its id, its sign-in authority, the Graph
 * connection of the dynamic providers and (lazily) an `azuread` provider bound to it.
 */
export class CiamTenant extends pulumi.ComponentResource {
  /** Directory (tenant) id. Known after the tenant exists; never undefined once resolved. */
  public readonly tenantId: pulumi.Output<string>;
  /** Initial domain, `<subdomain>.onmicrosoft.com`. */
  public readonly domainName: pulumi.Output<string>;
  /** Initial subdomain. */
  public readonly subdomain: pulumi.Output<string>;
  /** Sign-in authority of the tenant's apps, `https://<subdomain>.ciamlogin.com/`. */
  public readonly authority: pulumi.Output<string>;
  /** Connection of every Graph-backed dynamic resource (no secret: credentials come from the environment). */
  public readonly graphConnection: pulumi.Output<GraphConnection>;
  /** The ARM resource group the stack created, if it created one. */
  public readonly resourceGroup?: resources.ResourceGroup;
  /** The ARM `ciamDirectories` resource, when the stack creates the tenant. */
  public readonly directory?: azureactivedirectory.CIAMTenant;
  /** Checked before anything in the tenant is written; the azuread provider and `graphConnection` depend on it. */
  public readonly identityCheck: IdentityCheck;
  /** Name and provider checks before the tenant is created; proof of deletion after an ephemeral destroy. */
  public readonly preflight?: TenantPreflight;
  /** Checks that the tenant answers: waits for a created one, looks once at an existing one. */
  public readonly readiness: TenantReadiness;
  /** Empties the tenant before its deletion (created tenants only; acts only when ephemeral). */
  public readonly teardown?: TenantTeardown;
  /**
   * What every resource that writes into the tenant must `dependsOn`: created after the tenant answers and — the
   * engine deletes dependents first — deleted before the tenant is emptied and deleted.
   */
  public readonly ready: pulumi.Resource;

  private readonly childNames: ReturnType<typeof tenantChildNames>;
  private readonly graphEndpoint: string;
  private provider?: azuread.Provider;
  private graphSp?: pulumi.Output<GraphServicePrincipal>;
  private graphSpObjectId?: pulumi.Output<string>;

  constructor(name: string, args: CiamTenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ciam-tenant:index:Tenant", name, {}, opts);
    this.childNames = tenantChildNames(name);
    this.graphEndpoint = args.endpoints.graph;
    const t = args.tenant;

    if (t.kind === "create") {
      const keep = args.lifecycle !== "ephemeral";
      const rgName = t.resourceGroup.name;
      const arm: ArmConnection = {
        homeTenantId: t.homeTenantId,
        subscriptionId: t.subscriptionId,
        resourceManagerEndpoint: args.endpoints.resourceManager,
        authorityHost: args.endpoints.authorityHost,
        retryDeadlineSeconds: args.graph.retryDeadlineSeconds,
      };
      // The directory depends on the preflight, so the engine checks it before creating anything and deletes it
      // after the directory: its delete is where an ephemeral destroy proves the directory is gone.
      this.preflight = new TenantPreflight(
        this.childNames.preflight,
        {
          arm,
          resourceGroupName: rgName,
          subdomain: t.subdomain,
          countryCode: t.countryCode,
          lifecycle: args.lifecycle,
          deletionDeadlineSeconds: args.teardown.deletionDeadlineSeconds,
        },
        { parent: this },
      );
      if (t.resourceGroup.create) {
        this.resourceGroup = new resources.ResourceGroup(
          this.childNames.resourceGroup,
          { resourceGroupName: rgName, location: t.resourceGroup.location },
          { parent: this, protect: keep, retainOnDelete: keep, dependsOn: [this.preflight] },
        );
      }
      this.directory = new azureactivedirectory.CIAMTenant(
        this.childNames.directory,
        {
          resourceGroupName: this.resourceGroup ? this.resourceGroup.name : rgName,
          // The initial subdomain (prefix form); a change replaces the tenant.
          resourceName: t.subdomain,
          // A data-residency geography, never an Azure region: omitted, azure-native would send the resource
          // group's region, which ARM rejects (pulumi/pulumi-azure-native#66).
          location: t.dataLocation,
          sku: { name: t.sku, tier: "A0" },
          createTenantProperties: { displayName: t.displayName, countryCode: t.countryCode },
        },
        {
          parent: this,
          dependsOn: [this.preflight],
          // Deleting a directory is a manual runbook (no users but the admin, no apps); neither a typo nor a
          // destroy should start it. `ephemeral` stacks opt out.
          protect: keep,
          retainOnDelete: keep,
          // ARM is reported to read a created tenant back as sku {name: "Base", tier: "A0"} whatever was sent
          // ("Standard" in, "Base" out): after a refresh every `up` would PUT the SKU again, forever. The SKU is
          // therefore set at creation only; to change it, drop this line for one `up` (or use the portal).
          ignoreChanges: ["sku"],
        },
      );
      this.tenantId = this.directory.tenantId.apply((id) => {
        if (!id) throw new pulumi.ResourceError(`CIAM tenant "${t.subdomain}" reported no tenantId: its provisioning has not completed. Run pulumi up again once it has.`, this);
        return id;
      });
      this.domainName = pulumi.output(t.domainName);
    } else {
      this.tenantId = pulumi.output(t.tenantId);
      this.domainName = pulumi.output(t.domainName);
    }

    this.subdomain = pulumi.output(t.subdomain);
    this.authority = pulumi.output(t.authority);
    const { endpoints, graph } = args;
    const connection = this.tenantId.apply(
      (tenantId): GraphConnection => ({
        tenantId,
        graphEndpoint: endpoints.graph,
        authorityHost: endpoints.authorityHost,
        apiVersion: endpoints.graphApiVersion,
        retryDeadlineSeconds: graph.retryDeadlineSeconds,
        replicationWaitSeconds: graph.replicationWaitSeconds,
        maxConcurrentRequests: graph.maxConcurrentRequests,
      }),
    );
    // Between the tenant and everything inside it: check that it answers. A tenant the stack creates refuses tokens
    // and Graph calls for a while, so even the identity check waits for this; an existing one gets one look, and a
    // refusal fails at once with its cause instead of waiting out the deadline.
    this.readiness = new TenantReadiness(
      this.childNames.readiness,
      { connection, deadlineSeconds: args.readiness.deadlineSeconds, tenantOrigin: t.kind === "create" ? "created" : "existing" },
      { parent: this, ...(this.directory ? { dependsOn: [this.directory] } : {}) },
    );
    this.identityCheck = new IdentityCheck(
      this.childNames.identityCheck,
      { connection, features: args.features ?? { apps: false, customAttributes: false, userFlows: false, branding: false } },
      { parent: this, dependsOn: [this.readiness] },
    );
    // Same value, plus a dependency on the check: every Graph-backed resource waits for it. The URN is known in
    // preview too, so the connection stays known (an unknown tenantId would preview every resource as replaced).
    this.graphConnection = pulumi.all([this.identityCheck.urn, connection]).apply(([, c]) => c);

    // For a created tenant, the teardown empties it before its deletion (acting only when ephemeral); the engine
    // deletes it after everything inside, which depends on it, and before the readiness and the tenant.
    if (t.kind === "create") {
      this.teardown = new TenantTeardown(
        this.childNames.teardown,
        { connection: this.graphConnection, lifecycle: args.lifecycle },
        { parent: this, dependsOn: [this.readiness, this.identityCheck] },
      );
    }
    this.ready = this.teardown ?? this.identityCheck;

    this.registerOutputs({
      tenantId: this.tenantId,
      domainName: this.domainName,
      subdomain: this.subdomain,
      authority: this.authority,
      graphConnection: this.graphConnection,
    });
  }

  /**
   * The explicit `azuread` provider of this tenant, created on first use (a stack whose apps all exist elsewhere
   * registers none). It carries only `tenantId` (and the cloud): credentials come from the environment (`ARM_*`) or
   * the Azure CLI at run time, so no secret or token lands in state and refresh/destroy work with short-lived
   * credentials (pulumi/pulumi#4981). The SDK's constructor fills only `environment`, `msiEndpoint` and `useMsi` from
   * `ARM_*` defaults, none of them secret. Throws when the environment would make this provider sign in as another
   * identity than the Graph layer (see `identityDisagreement`).
   * @see https://www.pulumi.com/registry/packages/azuread/installation-configuration/
   */
  public azureadProvider(): azuread.Provider {
    if (this.provider === undefined) {
      // The azuread provider reads its own ARM_* variables in its own process; the Graph layer selects from the same
      // environment (dynamic-providers/core/identity.ts). Refuse to register the provider when the two would act as
      // different identities: apps would be written as one and flows as another, or half the run would fail.
      const disagreement = identityDisagreement(process.env);
      if (disagreement) throw new pulumi.RunError(disagreement); // a user-facing config problem: printed once, no trace
    }
    const environment = azureadEnvironment(this.graphEndpoint);
    this.provider ??= new azuread.Provider(
      this.childNames.azureadProvider,
      { tenantId: this.tenantId, ...(environment ? { environment } : {}) },
      // Nothing is written through azuread before the identity check passed.
      { parent: this, dependsOn: [this.identityCheck] },
    );
    return this.provider;
  }

  /**
   * Object id of the Microsoft Graph service principal in this tenant (the resource of delegated-permission
   * grants), looked up once and shared by every app.
   * @see https://learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant
   */
  public graphServicePrincipalObjectId(): pulumi.Output<string> {
    return (this.graphSpObjectId ??= this.graphServicePrincipal().apply((sp) => sp.objectId));
  }

  /**
   * The Microsoft Graph service principal of this tenant: its object id and the ids of its app roles (application
   * permissions) by value, looked up once. App role ids are read from the tenant, never hard-coded.
   * @see https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal
   */
  public graphServicePrincipal(): pulumi.Output<GraphServicePrincipal> {
    if (this.graphSp === undefined) {
      const provider = this.azureadProvider();
      // Explicit dependencies make the SDK skip the lookup (unknown result) while the tenant, its readiness or the
      // provider has no id yet — the preview of a tenant still to be created — instead of asking a tenant that may
      // not answer yet.
      const dependsOn: pulumi.Resource[] = [this.ready, provider];
      this.graphSp = azuread
        .getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { provider, parent: this, dependsOn })
        .apply((sp): GraphServicePrincipal => ({ objectId: sp.objectId, appRoleIds: { ...(sp.appRoleIds ?? {}) } }));
    }
    return this.graphSp;
  }
}

/** The Microsoft Graph service principal of a tenant, as far as this stack needs it. */
export interface GraphServicePrincipal {
  readonly objectId: string;
  /** App role (application permission) ids by value, e.g. `EventListener.ReadWrite.All`. */
  readonly appRoleIds: Readonly<Record<string, string>>;
}

/**
 * The azuread provider's cloud `environment` for a Graph endpoint, so a national-cloud `endpoints` config reaches
 * the same cloud through azuread as through the Graph layer. `undefined` for the public cloud (the provider's
 * default) and for hosts that are no Microsoft cloud (a local emulator).
 * @see https://learn.microsoft.com/en-us/graph/deployments
 */
export function azureadEnvironment(graphEndpoint: string): string | undefined {
  const host = new URL(graphEndpoint).hostname.toLowerCase();
  const byHost: Readonly<Record<string, string>> = {
    "graph.microsoft.us": "usgovernment",
    "dod-graph.microsoft.us": "dod",
    "microsoftgraph.chinacloudapi.cn": "china",
  };
  return byHost[host];
}
