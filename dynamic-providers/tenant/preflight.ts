/**
 * Preflight of a tenant the stack creates, and — for a disposable stack — proof that it is really gone after
 * `pulumi destroy`. The `ciamDirectories` resource depends on it, which gives it both places in the engine's
 * ordering: it is checked before the tenant is created and deleted after the tenant is.
 *
 * `check` (runs during `pulumi preview` and `up`, before anything is created): fails with a message naming the fix
 * when `Microsoft.AzureActiveDirectory` is not registered on the subscription (reference arm-and-auth §1.9
 * [verified]) or the subdomain is taken (`checkNameAvailability`, §1.8 [verified]) — instead of a long-running
 * create failing late and obscurely (§1.4: a clash surfaced only in the async operation). It calls ARM only when
 * the inputs are known and differ from those it already passed, and never reports our own tenant as taken: a
 * directory of that name in the stack's own resource group is ours.
 *
 * `delete` (after the tenant's ARM delete, `ephemeral` only): polls until ARM no longer lists the directory AND the
 * login service no longer knows `<subdomain>.onmicrosoft.com`, with a deadline, and fails loudly otherwise: B2C
 * deletions were seen to report success while the directory lived on (§1.7 [verified for B2C]; CIAM [inferred]).
 * A rerun of `pulumi destroy` polls again.
 *
 * Serialized by value into state: plain functions only.
 */
import * as pulumi from "@pulumi/pulumi";
import { armClient, resolveArmConnection, type ArmConnection } from "../arm";
import { tenantMetadata } from "../graph";
import { isGuid, LIFECYCLES, pollUntil, repairError, type PollAnswer, type TenantLifecycle } from "../core";
import { checkOneOf, containsUnknown, failure, inputsAsState, isUnknown, jsonEqual, progress, withCleanErrors } from "../provider-kit";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;

/** API version of `ciamDirectories` (the one azure-native's CIAMTenant uses; reference §1.1). */
export const CIAM_API_VERSION = "2023-05-17-preview";
/** API version of Resource Providers - Get. @see https://learn.microsoft.com/en-us/rest/api/resources/providers/get */
export const PROVIDERS_API_VERSION = "2021-04-01";
export const NAMESPACE = "Microsoft.AzureActiveDirectory";

/** Default of `teardown.deletionDeadlineSeconds`. */
export const DEFAULT_DELETION_DEADLINE_SECONDS = 1800;

export interface TenantPreflightInputs {
  /** Subscription, home tenant and endpoints of ARM; holds no secret. */
  readonly arm: ArmConnection;
  readonly resourceGroupName: string;
  /** The tenant's initial subdomain = the `ciamDirectories` resource name. */
  readonly subdomain: string;
  /** `createTenantProperties.countryCode`, which the name check needs. */
  readonly countryCode: string;
  /** `ephemeral`: after the tenant's deletion, verify it is gone. */
  readonly lifecycle: TenantLifecycle;
  /** How long to wait for the directory to disappear after its ARM delete. */
  readonly deletionDeadlineSeconds: number;
}

export interface TenantPreflightOutputs extends TenantPreflightInputs {
  readonly stateVersion: number;
}

/** The directory outlived its ARM delete. */
export class DirectorySurvivedError extends Error {
  constructor(subdomain: string, deadlineSeconds: number, lastReason: string) {
    const message =
      `the tenant ${subdomain}.onmicrosoft.com was deleted through ARM, but ${deadlineSeconds}s later it is still there (${lastReason}). ` +
      `It is NOT deleted. Check Entra admin center > Manage tenants; delete it there if needed (https://aka.ms/delete-ciam-tenant), ` +
      `then run pulumi destroy again, which checks again.`;
    super(message);
    this.name = "DirectorySurvivedError";
    repairError(this, DirectorySurvivedError, message);
  }
}

const SUBDOMAIN = /^[A-Za-z0-9]{1,26}$/;

export function validateTenantPreflight(inputs: Partial<TenantPreflightInputs>): pulumi.dynamic.CheckFailure[] {
  const out: pulumi.dynamic.CheckFailure[] = [];
  const arm = inputs.arm;
  if (isUnknown(arm)) {
    // Unknown as a whole during preview (the sentinel is a string): checked again when known.
  } else if (arm === undefined || arm === null || typeof arm !== "object") {
    out.push(failure("arm", arm, "an object with homeTenantId, subscriptionId, resourceManagerEndpoint and authorityHost is required"));
  } else {
    for (const key of ["homeTenantId", "subscriptionId"] as const) {
      if (!isUnknown(arm[key]) && !isGuid(arm[key])) out.push(failure(`arm.${key}`, arm[key], "a GUID is required"));
    }
    for (const key of ["resourceManagerEndpoint", "authorityHost"] as const) {
      const v = arm[key];
      if (!isUnknown(v) && (typeof v !== "string" || !/^https:\/\/[^/?#\s]+\/?$/.test(v))) out.push(failure(`arm.${key}`, v, "an https:// origin without a path is required"));
    }
  }
  const { subdomain, resourceGroupName, countryCode, lifecycle, deletionDeadlineSeconds } = inputs;
  if (!isUnknown(subdomain) && (typeof subdomain !== "string" || !SUBDOMAIN.test(subdomain))) out.push(failure("subdomain", subdomain, "1-26 ASCII letters or digits"));
  if (!isUnknown(resourceGroupName) && (typeof resourceGroupName !== "string" || resourceGroupName.length === 0)) out.push(failure("resourceGroupName", resourceGroupName, "a resource group name"));
  if (!isUnknown(countryCode) && (typeof countryCode !== "string" || !/^[A-Z]{2}$/.test(countryCode))) out.push(failure("countryCode", countryCode, "an upper-case ISO 3166-1 alpha-2 code"));
  out.push(...checkOneOf("lifecycle", lifecycle, LIFECYCLES));
  const d = deletionDeadlineSeconds;
  if (!isUnknown(d) && (typeof d !== "number" || !Number.isInteger(d) || d < 0)) out.push(failure("deletionDeadlineSeconds", d, "a whole number of seconds ≥ 0 is required"));
  return out;
}

function directoryPath(i: TenantPreflightInputs): string {
  const enc = encodeURIComponent;
  return `/subscriptions/${enc(i.arm.subscriptionId)}/resourceGroups/${enc(i.resourceGroupName)}/providers/${NAMESPACE}/ciamDirectories/${enc(i.subdomain)}`;
}

/** Same subscription, resource group and subdomain (ARM names compare case-insensitively). */
function sameTenant(a: Partial<TenantPreflightInputs> | undefined, b: TenantPreflightInputs): boolean {
  const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
  return (
    !!a?.arm &&
    lower(a.arm.subscriptionId) === lower(b.arm.subscriptionId) &&
    lower(a.resourceGroupName) === lower(b.resourceGroupName) &&
    lower(a.subdomain) === lower(b.subdomain)
  );
}

interface ProviderInfo {
  registrationState?: string;
}
interface NameAvailability {
  nameAvailable?: boolean;
  reason?: string | null;
  message?: string | null;
}

/**
 * The ARM half of preflight: what stands in the way of creating the tenant, as check failures (empty: go ahead).
 * Calls, in order: provider registration; our own directory (exists → nothing to check); name availability.
 */
export async function preflight(inputs: TenantPreflightInputs): Promise<pulumi.dynamic.CheckFailure[]> {
  const client = armClient(inputs.arm);
  const sub = inputs.arm.subscriptionId;
  const provider = await client.get<ProviderInfo>(`/subscriptions/${encodeURIComponent(sub)}/providers/${NAMESPACE}`, PROVIDERS_API_VERSION);
  if (provider?.registrationState !== "Registered") {
    return [
      {
        property: "arm.subscriptionId",
        reason:
          `arm.subscriptionId: subscription ${sub} is not registered for the resource provider ${NAMESPACE} ` +
          `(registrationState ${JSON.stringify(provider?.registrationState ?? null)}), so no external tenant can be created in it; ` +
          `register it once: az provider register --namespace ${NAMESPACE} --subscription ${sub}`,
      },
    ];
  }
  if (await client.getOrUndefined(directoryPath(inputs), CIAM_API_VERSION)) return []; // ours already
  const answer = await client.post<NameAvailability>(`/subscriptions/${encodeURIComponent(sub)}/providers/${NAMESPACE}/checkNameAvailability`, CIAM_API_VERSION, {
    name: inputs.subdomain,
    countryCode: inputs.countryCode,
  });
  if (answer?.nameAvailable === true) return [];
  return [
    {
      property: "subdomain",
      reason:
        `subdomain: ${JSON.stringify(inputs.subdomain)} cannot be used for a new tenant: ${answer?.reason ?? "unavailable"}: ${answer?.message ?? "no reason given"}; ` +
        `allowed: a subdomain no other tenant has — change ciam-tenant:tenant.create.subdomain` +
        (inputs.lifecycle === "ephemeral" ? " or set ciam-tenant:tenant.create.subdomainSuffix: stack" : ""),
    },
  ];
}

/** One look after the ARM delete: gone when ARM lists no directory and login knows no such domain. */
async function goneProbe(inputs: TenantPreflightInputs): Promise<PollAnswer<true>> {
  const directory = await armClient(inputs.arm).getOrUndefined<{ properties?: { provisioningState?: string } }>(directoryPath(inputs), CIAM_API_VERSION);
  if (directory) return { done: false, reason: `ARM still lists ciamDirectories/${inputs.subdomain} (provisioningState ${directory.properties?.provisioningState ?? "unknown"})` };
  const domain = `${inputs.subdomain}.onmicrosoft.com`;
  const metadata = await tenantMetadata(resolveArmConnection(inputs.arm).authorityHost, domain);
  if (metadata.state === "notFound") return { done: true, value: true };
  if (metadata.state === "found") return { done: false, reason: `the login service still answers for ${domain} (issuer ${metadata.issuer})` };
  return { done: false, reason: `the login service did not say: ${metadata.detail}`, ...(metadata.retryAfterMs !== undefined ? { retryAfterMs: metadata.retryAfterMs } : {}) };
}

export async function verifyDeleted(inputs: TenantPreflightInputs, step = "tenant-deletion"): Promise<void> {
  const conn = resolveArmConnection(inputs.arm);
  const outcome = await pollUntil({
    deadlineSeconds: inputs.deletionDeadlineSeconds,
    minDelayMs: conn.minRetryDelayMs,
    maxDelayMs: 60_000,
    probe: () => goneProbe(inputs),
    onWait: (attempt, reason, waitMs, deadline) =>
      progress(step, `${inputs.subdomain}.onmicrosoft.com not gone yet (check ${attempt}: ${reason}); next check in ${Math.ceil(waitMs / 1000)}s, giving up at ${deadline.toISOString()}`),
  });
  if (!outcome.done) throw new DirectorySurvivedError(inputs.subdomain, inputs.deletionDeadlineSeconds, outcome.reason);
}

const recorded = inputsAsState<TenantPreflightInputs>(STATE_VERSION);

export const tenantPreflightProvider: pulumi.dynamic.ResourceProvider<TenantPreflightInputs, TenantPreflightOutputs> = withCleanErrors({
  async check(olds, news) {
    const failures = validateTenantPreflight(news);
    // Preview with unknown inputs: nothing to ask yet. Inputs already passed: the tenant exists and is ours, or is
    // being created; asking again would report our own name as taken.
    if (failures.length > 0 || containsUnknown(news) || sameTenant(olds, news)) return { inputs: news, failures };
    return { inputs: news, failures: await preflight(news) };
  },

  async diff(_id, olds, news) {
    const old = recorded.state(olds);
    if (containsUnknown(news) || !sameTenant(old, news)) {
      return { changes: true, replaces: ["subdomain"], deleteBeforeReplace: false };
    }
    // Inputs only: `__provider` (the serialized provider code, in both) changes with every release of this code.
    const { stateVersion: _v, __provider: _po, ...oldInputs } = old as typeof old & { __provider?: unknown };
    const { __provider: _pn, ...newInputs } = news as typeof news & { __provider?: unknown };
    return { changes: !jsonEqual(oldInputs, newInputs), replaces: [] };
  },

  async create(inputs) {
    return { id: `${inputs.arm.subscriptionId}/${inputs.resourceGroupName}/${inputs.subdomain}`, outs: { ...inputs, stateVersion: STATE_VERSION } };
  },

  read: recorded.read,
  update: recorded.update,

  async delete(_id, props) {
    const old = recorded.state(props);
    if (old.lifecycle !== "ephemeral") return; // protected: the tenant was retained, not deleted
    await verifyDeleted(old);
  },
});

export interface TenantPreflightArgs {
  readonly arm: pulumi.Input<ArmConnection>;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly subdomain: pulumi.Input<string>;
  readonly countryCode: pulumi.Input<string>;
  readonly lifecycle: pulumi.Input<TenantLifecycle>;
  /** @default 1800 */
  readonly deletionDeadlineSeconds?: pulumi.Input<number>;
}

/** Preflight before the tenant is created; proof of deletion after it is destroyed. See the file header. */
export class TenantPreflight extends ReferencedResource {
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: TenantPreflightArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "arm:TenantPreflight",
      tenantPreflightProvider,
      name,
      { ...args, deletionDeadlineSeconds: args.deletionDeadlineSeconds ?? DEFAULT_DELETION_DEADLINE_SECONDS, stateVersion: undefined },
      opts,
    );
  }
}
