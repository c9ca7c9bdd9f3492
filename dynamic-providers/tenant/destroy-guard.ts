/**
 * Stops `pulumi destroy` of a protected stack before it deletes anything, with a message saying how to make the
 * stack disposable.
 *
 * It depends on every other resource of the stack, so the engine deletes it first and alone; its `delete` throws
 * while the state says `protected`, and the engine stops there. Why it is needed (checked with the Pulumi CLI
 * 3.248.0): `protect` on the tenant stops a *previewed* destroy up front, with Pulumi's own "cannot be deleted
 * because it is protected" message, but `pulumi destroy --skip-preview` (what pipelines run) deletes every
 * unprotected resource first — apps, user flows, branding — and only then fails at the tenant. An existing tenant
 * is never protected (the stack does not own it), so nothing else would stop a destroy of its configuration.
 *
 * Its only input is the lifecycle; `pulumi up` with `lifecycle: ephemeral` records that, after which delete passes.
 * Serialized by value into state: plain functions only.
 */
import * as pulumi from "@pulumi/pulumi";
import { repairError, LIFECYCLES, type TenantLifecycle } from "../core";
import { checkOneOf, inputsAsState, withCleanErrors } from "../provider-kit";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;

export interface DestroyGuardInputs {
  readonly lifecycle: TenantLifecycle;
  /** The stack name, for the message. */
  readonly stack: string;
}

export interface DestroyGuardOutputs extends DestroyGuardInputs {
  readonly stateVersion: number;
}

export class ProtectedStackError extends Error {
  constructor(stack: string) {
    const message =
      `stack ${JSON.stringify(stack)} is protected (ciam-tenant:lifecycle is "protected"), so pulumi destroy stopped before deleting anything: ` +
      `a protected stack never deletes its tenant, its users or what it configured in them. To make the stack disposable: ` +
      `pulumi config set ciam-tenant:lifecycle ephemeral --stack ${stack}; pulumi up --stack ${stack}; then pulumi destroy --stack ${stack}.`;
    super(message);
    this.name = "ProtectedStackError";
    repairError(this, ProtectedStackError, message);
  }
}

const recorded = inputsAsState<DestroyGuardInputs>(STATE_VERSION);

export const destroyGuardProvider: pulumi.dynamic.ResourceProvider<DestroyGuardInputs, DestroyGuardOutputs> = withCleanErrors({
  async check(_olds, news) {
    return { inputs: news, failures: checkOneOf("lifecycle", news.lifecycle, LIFECYCLES) };
  },

  async diff(_id, olds, news) {
    const old = recorded.state(olds);
    return { changes: old.lifecycle !== news.lifecycle || old.stack !== news.stack, replaces: [] };
  },

  async create(inputs) {
    return { id: inputs.stack, outs: { ...inputs, stateVersion: STATE_VERSION } };
  },

  read: recorded.read,
  update: recorded.update,

  async delete(_id, props) {
    const old = recorded.state(props);
    if (old.lifecycle !== "ephemeral") throw new ProtectedStackError(old.stack);
  },
});

export interface DestroyGuardArgs {
  /** The stack's lifecycle; `protected` makes delete (i.e. `pulumi destroy`) fail. */
  readonly lifecycle: pulumi.Input<TenantLifecycle>;
  /** The stack name, quoted in the message. */
  readonly stack: pulumi.Input<string>;
}

/**
 * Register it last, with `dependsOn` every other resource (components expand to their children), so that the
 * engine deletes it before anything else.
 */
export class DestroyGuard extends ReferencedResource {
  declare readonly lifecycle: pulumi.Output<TenantLifecycle>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: DestroyGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super("stack:DestroyGuard", destroyGuardProvider, name, { ...args, stateVersion: undefined }, opts);
  }
}
