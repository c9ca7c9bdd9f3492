/**
 * `AutomationIdentity`: the identity pipelines use inside the external tenant, created by a person's first run.
 *
 * A home-tenant service principal has no rights in a CIAM tenant (app permissions are app role assignments to a
 * service principal IN that tenant), and a CIAM tenant can only be created by a user. So the person who runs the
 * first `pulumi up` also creates, here, an app registration + service principal in the tenant that trusts the
 * pipelines' OIDC tokens (federated identity credentials: no secret exists to copy or leak) and holds exactly the
 * Microsoft Graph application permissions the stack's config needs, with admin consent as app role assignments to
 * the tenant's Microsoft Graph service principal.
 *
 * Never granted to the automation identity: the right to grant app roles or change its own credentials
 * (AppRoleAssignment.ReadWrite.All, Application.ReadWrite.All) — an identity that can, can give itself anything.
 * Changing this component (new subjects, new permissions) is therefore a person's run.
 * One grant is still broad: a stack that registers apps needs DelegatedPermissionGrant.ReadWrite.All for their admin
 * consent, and that permission lets its holder consent any delegated permission for any app — with
 * Application.ReadWrite.OwnedBy (apps it owns) it could consent delegated scopes to an app of its own. Graph offers
 * nothing narrower for `oauth2PermissionGrants` (oauth2permissiongrant-post); a stack whose apps are `existing` never
 * gets it. README, Permissions, says so.
 *
 * @see https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-create-trust
 * @see https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto
 */
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { automationSubjects, type AutomationConfig, type StackConfig } from "../config/schema";
import { requiredApplicationPermissions, type StackFeatures } from "../dynamic-providers/graph";
import { automationChildNames } from "./naming";
import { MICROSOFT_GRAPH_APP_ID, type GraphServicePrincipal } from "./tenant";

/** The audience Entra expects in federated tokens from any issuer. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** Which Graph-calling parts a config uses: decides the permissions the automation identity gets. Pure. */
export function stackFeatures(config: Pick<StackConfig, "apps" | "customAttributes" | "userFlows" | "branding"> & Partial<Pick<StackConfig, "identityProviders">>): StackFeatures {
  return {
    ...((config.identityProviders ?? []).length > 0 ? { identityProviders: true } : {}),
    apps: config.apps.some((a) => a.kind === "spa"),
    customAttributes: config.customAttributes.length > 0,
    userFlows: config.userFlows.length > 0,
    branding: config.branding !== undefined,
  };
}

/**
 * The id of a Graph application permission, read from the tenant's Graph service principal (ids are never
 * hard-coded: they are only trusted as the tenant reports them).
 * @throws naming the tenant, the permission and the roles the service principal has
 */
export function appRoleId(sp: GraphServicePrincipal, permission: string, tenantId: string): string {
  const id = sp.appRoleIds[permission];
  if (id) return id;
  throw new pulumi.RunError(
    `The Microsoft Graph service principal of tenant ${tenantId} has no app role "${permission}"; ` +
      `known: ${Object.keys(sp.appRoleIds).sort().join(", ") || "(none)"}`,
  );
}

/** What the automation identity needs from its tenant; {@link CiamTenant} provides it. */
export interface AutomationTenant {
  readonly tenantId: pulumi.Output<string>;
  /** The tenant's gate (`CiamTenant.ready`): created after the tenant answers, deleted before a teardown. */
  readonly ready: pulumi.Resource;
  azureadProvider(): azuread.Provider;
  graphServicePrincipal(): pulumi.Output<GraphServicePrincipal>;
}

/** Arguments of {@link AutomationIdentity}. */
export interface AutomationIdentityArgs {
  /** Display name and the pipelines to trust. */
  readonly automation: AutomationConfig;
  /** The parts of the stack the identity must be able to manage; each adds its least privileged permissions. */
  readonly features: StackFeatures;
  readonly tenant: AutomationTenant;
}

/** GitHub repository variables (name → value) a workflow needs to sign in as the automation identity. */
export interface GitHubPipelineVariables {
  readonly AZURE_CLIENT_ID: string;
  readonly AZURE_TENANT_ID: string;
}

/** The fields of the Azure DevOps service connection (workload identity federation, manual) and the pipeline variables. */
export interface AzureDevOpsPipelineVariables {
  readonly serviceConnection: {
    readonly organization?: string;
    readonly project?: string;
    readonly name?: string;
    readonly authenticationScheme: "WorkloadIdentityFederation";
    /** "Service Principal Id" (the automation app's client id). */
    readonly servicePrincipalId: string;
    /** "Tenant ID" (the CIAM tenant). */
    readonly tenantId: string;
    readonly issuer: string;
    readonly subject: string;
  };
  readonly variables: GitHubPipelineVariables;
}

/** The `automation` stack output. */
export interface AutomationOutput {
  /** Application (client) id of the automation app. */
  readonly clientId: string;
  /** The CIAM tenant it lives in. */
  readonly tenantId: string;
  /** Microsoft Graph application permissions granted (admin-consented). */
  readonly permissions: readonly string[];
  /** Trusted OIDC token issuers and subjects. */
  readonly federatedCredentials: readonly { readonly issuer: string; readonly subject: string }[];
  /** What to set in each pipeline system. */
  readonly pipelineVariables: {
    readonly github?: GitHubPipelineVariables;
    readonly azureDevOps?: AzureDevOpsPipelineVariables;
  };
}

/** An app registration + service principal in the tenant for pipelines, trusted by OIDC, with least-privilege Graph permissions. */
export class AutomationIdentity extends pulumi.ComponentResource {
  /** Application (client) id: `AZURE_CLIENT_ID` / `ARM_CLIENT_ID` of pipeline runs. */
  public readonly clientId: pulumi.Output<string>;
  /** Object id of the service principal: made owner of the apps the stack registers (Application.ReadWrite.OwnedBy). */
  public readonly servicePrincipalObjectId: pulumi.Output<string>;
  /** The Graph application permissions granted, sorted. */
  public readonly permissions: readonly string[];
  public readonly application: azuread.Application;
  public readonly servicePrincipal: azuread.ServicePrincipal;
  public readonly federatedCredentials: readonly azuread.ApplicationFederatedIdentityCredential[];
  public readonly appRoleAssignments: readonly azuread.AppRoleAssignment[];
  /** The `automation` stack output. */
  public readonly output: pulumi.Output<AutomationOutput>;

  constructor(name: string, args: AutomationIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ciam-tenant:index:AutomationIdentity", name, {}, opts);
    const { automation, features, tenant } = args;
    const names = automationChildNames(name);
    // After the tenant's readiness gate, and — the engine deletes dependents first — deleted before a teardown.
    const childOpts: pulumi.CustomResourceOptions = { parent: this, provider: tenant.azureadProvider(), dependsOn: [tenant.ready] };
    this.permissions = requiredApplicationPermissions(features);
    const graphSp = tenant.graphServicePrincipal();
    const roleId = (permission: string) => pulumi.all([graphSp, tenant.tenantId]).apply(([sp, tenantId]) => appRoleId(sp, permission, tenantId));

    this.application = new azuread.Application(
      names.application,
      {
        displayName: automation.displayName,
        // A workload identity of this tenant only; it has no redirect URI and no secret: it signs in with OIDC tokens.
        signInAudience: "AzureADMyOrg",
        // Declared on the app so the portal shows them as requested-and-granted; the grant itself is the assignments.
        requiredResourceAccesses: [
          {
            resourceAppId: MICROSOFT_GRAPH_APP_ID,
            resourceAccesses: this.permissions.map((p) => ({ id: roleId(p), type: "Role" })),
          },
        ],
      },
      childOpts,
    );
    this.servicePrincipal = new azuread.ServicePrincipal(names.servicePrincipal, { clientId: this.application.clientId }, childOpts);
    this.federatedCredentials = automationSubjects(automation).map(
      (s) =>
        new azuread.ApplicationFederatedIdentityCredential(
          names.federatedCredential(s.key),
          {
            applicationId: this.application.id,
            displayName: s.key,
            description: `ciam-tenant: ${s.subject}`,
            issuer: s.issuer,
            subject: s.subject,
            audiences: [TOKEN_EXCHANGE_AUDIENCE],
          },
          childOpts,
        ),
    );
    // Admin consent to application permissions = one app role assignment per permission on Graph's service principal.
    this.appRoleAssignments = this.permissions.map(
      (p) =>
        new azuread.AppRoleAssignment(
          names.appRole(p),
          { appRoleId: roleId(p), principalObjectId: this.servicePrincipal.objectId, resourceObjectId: graphSp.objectId },
          childOpts,
        ),
    );

    this.clientId = this.application.clientId;
    this.servicePrincipalObjectId = this.servicePrincipal.objectId;
    const permissions = this.permissions;
    const subjects = automationSubjects(automation).map(({ issuer, subject }) => ({ issuer, subject }));
    this.output = pulumi.all([this.clientId, tenant.tenantId]).apply(([clientId, tenantId]): AutomationOutput => {
      const variables = { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: tenantId };
      const ado = automation.azureDevOps;
      return {
        clientId,
        tenantId,
        permissions,
        federatedCredentials: subjects,
        pipelineVariables: {
          ...(automation.github ? { github: variables } : {}),
          ...(ado
            ? {
                azureDevOps: {
                  serviceConnection: {
                    ...(ado.organization ? { organization: ado.organization } : {}),
                    ...(ado.project ? { project: ado.project } : {}),
                    ...(ado.serviceConnection ? { name: ado.serviceConnection } : {}),
                    authenticationScheme: "WorkloadIdentityFederation",
                    servicePrincipalId: clientId,
                    tenantId,
                    issuer: ado.issuer,
                    subject: ado.subject,
                  },
                  variables,
                },
              }
            : {}),
        },
      };
    });

    this.registerOutputs({ clientId: this.clientId, servicePrincipalObjectId: this.servicePrincipalObjectId, output: this.output });
  }
}
