/**
 * `IdentityCheck`: stops a run before its first write when the identity it runs as cannot do what the stack needs.
 *
 * Graph answers a token of another tenant with 401 and a missing application permission with 403 — on whichever
 * call comes first, often after other objects were already written. So the tenant component registers this
 * resource, the azuread provider and every Graph-backed resource depend on it, and its `check` — which the engine
 * calls on every preview and update, before anything that depends on it is registered — gets a token the way the
 * Graph layer will and reads its claims (diagnosis only, never trusted for access):
 *  - `tid` not the stack's tenant → an error naming both tenants and the fix;
 *  - an app-only token (pipelines) whose `roles` miss a permission the config's features need (permissions.ts) →
 *    an error listing each missing permission, what it is for, what the token has, and how to grant it.
 * A person's token (`scp`) is only checked for its tenant: a person's rights also come from directory roles no
 * claim shows. No Graph request is made; create/update/delete write nothing anywhere.
 *
 * Serialized by value into the dynamic provider like every resource here (pulumi-notes §2).
 */
import * as pulumi from "@pulumi/pulumi";
import { accessTokenFor, decodeClaims, GraphIdentityError, missingPermissionsProblem, resolveConnection, type GraphConnection, type StackFeatures } from "../graph";
import { checkConnection, containsUnknown, failure, jsonEqual, upgradeState, withCleanErrors } from "../provider-kit";
import { sameGuid } from "../core";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;
const FEATURE_KEYS = ["apps", "customAttributes", "userFlows", "branding"] as const;

export interface IdentityCheckInputs {
  readonly connection: GraphConnection;
  /** The parts of the stack the identity must be able to manage. */
  readonly features: StackFeatures;
}

export interface IdentityCheckOutputs extends IdentityCheckInputs {
  readonly stateVersion: number;
}

/**
 * Throws a GraphIdentityError when the identity of this environment cannot act for the stack in this tenant;
 * GraphAuthError when no token can be obtained at all. Sends no Graph request.
 */
export async function verifyIdentity(connection: GraphConnection, features: StackFeatures): Promise<void> {
  const token = await accessTokenFor(resolveConnection(connection)); // refuses a token of another tenant
  const problem = missingPermissionsProblem(decodeClaims(token), features);
  if (problem) throw new GraphIdentityError(problem);
}

function validate(inputs: Partial<IdentityCheckInputs>): pulumi.dynamic.CheckFailure[] {
  const out = [...checkConnection(inputs.connection)];
  const f = inputs.features as Record<string, unknown> | undefined;
  if (typeof f !== "object" || f === null || FEATURE_KEYS.some((k) => typeof f[k] !== "boolean") || (f.identityProviders !== undefined && typeof f.identityProviders !== "boolean")) {
    out.push(failure("features", f, `an object with the booleans ${FEATURE_KEYS.join(", ")} is required`));
  }
  return out;
}

export const identityCheckProvider: pulumi.dynamic.ResourceProvider<IdentityCheckInputs, IdentityCheckOutputs> = withCleanErrors({
  async check(_olds, news) {
    const failures = validate(news);
    if (failures.length > 0) return { inputs: news, failures };
    // During a preview of a tenant still to be created the tenant id is unknown: there is nothing to sign in to yet.
    if (!containsUnknown(news.connection)) await verifyIdentity(news.connection, news.features);
    return { inputs: news };
  },

  async diff(_id, olds, news) {
    const old = upgradeState<IdentityCheckOutputs>(olds as unknown as Record<string, unknown>, STATE_VERSION);
    const changes = !sameGuid(old.connection.tenantId, news.connection.tenantId) || !jsonEqual(old.features, news.features);
    return { changes, replaces: [] };
  },

  async create(inputs) {
    return { id: `identity-check-${inputs.connection.tenantId.toLowerCase()}`, outs: { ...inputs, stateVersion: STATE_VERSION } };
  },

  async update(_id, _olds, news) {
    return { outs: { ...news, stateVersion: STATE_VERSION } };
  },

  async read(id, props) {
    return { id, props: upgradeState<IdentityCheckOutputs>(props as unknown as Record<string, unknown>, STATE_VERSION) };
  },

  async delete() {
    // Nothing exists outside Pulumi's state.
  },
});

export interface IdentityCheckArgs {
  /** The tenant and Graph endpoint; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /** The parts of the stack that call Graph: their permissions are required of an app-only token. */
  readonly features: pulumi.Input<StackFeatures>;
}

/** Fails preview and update before any write when the run's identity is of another tenant or lacks a needed permission. */
export class IdentityCheck extends ReferencedResource {
  declare readonly features: pulumi.Output<StackFeatures>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: IdentityCheckArgs, opts?: pulumi.CustomResourceOptions) {
    super("graph:IdentityCheck", identityCheckProvider, name, { ...args, stateVersion: undefined }, opts);
  }
}
