/**
 * The gate between the tenant and everything written into it: `create` waits until the tenant answers — its
 * OpenID metadata on the authority host, then one Graph call with the stack's own credential — with back-off and a
 * deadline, printing progress while it waits. Every resource that writes into the tenant depends on it.
 *
 * Why: a freshly created external tenant is not usable at once; token requests and Graph calls fail for a while
 * (AADSTS90002 "tenant not found", 401/403/404), and no figure says for how long (reference: arm-and-auth §6
 * [unknown]; the two probes and the 5 → 60 s back-off are its recommendation [inferred]). For an existing tenant
 * the same two calls answer at once, so a wrong tenant id or credential fails here, first and clearly.
 *
 * Not-ready answers waited through: metadata 400 AADSTS90002 (or any non-200), a token failure (GraphAuthError:
 * AADSTS90002/700016/7000215…) and Graph 401/403/404. Anything else (a 400 of Graph, a deadline of the Graph
 * layer's own 429/503/504 retries) ends the wait with its own error. Passing the deadline fails with the last
 * reason; `pulumi up` again resumes the wait (nothing was recorded).
 *
 * `delete` does nothing: the gate writes nothing. Serialized by value into state: plain functions only.
 */
import * as pulumi from "@pulumi/pulumi";
import { accessTokenFor, allows, decodeClaims, graphClient, isAppOnly, isGraphError, operationFor, type GraphConnection } from "./graph";
import { resolveConnection } from "./graph/connection";
import { tenantMetadata } from "./graph/metadata";
import { pollUntil, type PollAnswer } from "./transport";
import { repairError } from "./graph/errors";
import { checkConnection, diffManaged, failure, isUnknown, progress, upgradeState } from "./provider-kit";

const STATE_VERSION = 1;

/** Default of `readiness.deadlineSeconds`: generous, as creation itself "can take up to 30 minutes" (reference §1.5). */
export const DEFAULT_READINESS_DEADLINE_SECONDS = 900;

/** Longest step between two looks: the reference's 60 s cap. */
const MAX_STEP_MS = 60_000;

export interface TenantReadinessInputs {
  /** The tenant and the Graph endpoint; holds no secret. */
  readonly connection: GraphConnection;
  /** Give up waiting after this many seconds. */
  readonly deadlineSeconds: number;
}

export interface TenantReadinessOutputs extends TenantReadinessInputs {
  /** The issuer the tenant's metadata announced when it first answered. */
  readonly issuer: string;
  readonly stateVersion: number;
}

/** The tenant did not answer before the deadline. */
export class TenantNotReadyError extends Error {
  constructor(tenantId: string, deadlineSeconds: number, attempts: number, lastReason: string) {
    const message =
      `tenant ${tenantId} did not answer within ${deadlineSeconds}s (${attempts} checks); last answer: ${lastReason}. ` +
      `A new external tenant can take many minutes to become usable: run pulumi up again to keep waiting, or raise ` +
      `ciam-tenant:readiness.deadlineSeconds. For an existing tenant check ciam-tenant:tenant.existing.tenantId and ` +
      `the credential (az login --tenant ${tenantId} --allow-no-subscriptions, or AZURE_CLIENT_ID/AZURE_CLIENT_SECRET).`;
    super(message);
    this.name = "TenantNotReadyError";
    repairError(this, TenantNotReadyError, message);
  }
}

export function validateTenantReadiness(inputs: Partial<TenantReadinessInputs>): pulumi.dynamic.CheckFailure[] {
  const out = [...checkConnection(inputs.connection)];
  const d = inputs.deadlineSeconds;
  if (!isUnknown(d) && (typeof d !== "number" || !Number.isInteger(d) || d < 0)) out.push(failure("deadlineSeconds", d, "a whole number of seconds ≥ 0 is required"));
  return out;
}

/** Statuses of Graph that mean "this tenant does not know us yet", right after it was created. */
const NOT_YET_STATUSES = [401, 403, 404];

/** One look: metadata first (anonymous, cheap), then one Graph read with the stack's credential. */
async function probe(conn: GraphConnection): Promise<PollAnswer<string>> {
  const metadata = await tenantMetadata(conn.authorityHost, conn.tenantId);
  if (metadata.state !== "found") {
    return { done: false, reason: `OpenID metadata: ${metadata.detail}`, ...(metadata.state === "unavailable" && metadata.retryAfterMs !== undefined ? { retryAfterMs: metadata.retryAfterMs } : {}) };
  }
  const path = `/organization/${encodeURIComponent(conn.tenantId)}?$select=id`;
  try {
    await graphClient(conn).get(path);
    return { done: true, value: metadata.issuer };
  } catch (e) {
    if (e instanceof Error && e.name === "GraphAuthError") return { done: false, reason: e.message };
    // A 403 to an app token that holds none of the call's permissions is not a tenant still starting: waiting would
    // only delay the same answer to the deadline. Fail now; the error names the permission (graph/permissions.ts).
    if (isGraphError(e) && e.status === 403 && (await lacksPermission(conn, path))) throw e;
    if (isGraphError(e) && NOT_YET_STATUSES.includes(e.status)) return { done: false, reason: e.message };
    throw e;
  }
}

/** Is the stack's token an app token without any permission the call accepts? (A person's token: never.) */
async function lacksPermission(conn: GraphConnection, path: string): Promise<boolean> {
  const claims = decodeClaims(await accessTokenFor(resolveConnection(conn)));
  const op = operationFor("GET", path);
  return claims !== undefined && isAppOnly(claims) && op !== undefined && !allows(claims.roles ?? [], op);
}

export async function waitForTenant(inputs: TenantReadinessInputs, step = "tenant-readiness"): Promise<string> {
  const conn = resolveConnection(inputs.connection);
  const outcome = await pollUntil({
    deadlineSeconds: inputs.deadlineSeconds,
    minDelayMs: conn.minRetryDelayMs,
    maxDelayMs: MAX_STEP_MS,
    probe: () => probe(conn),
    onWait: (attempt, reason, waitMs, deadline) =>
      progress(step, `tenant ${conn.tenantId} not usable yet (check ${attempt}: ${reason}); next check in ${Math.ceil(waitMs / 1000)}s, giving up at ${deadline.toISOString()}`),
  });
  if (!outcome.done) throw new TenantNotReadyError(conn.tenantId, inputs.deadlineSeconds, outcome.attempts, outcome.reason);
  if (outcome.attempts > 1) progress(step, `tenant ${conn.tenantId} answers (after ${outcome.attempts} checks)`);
  return outcome.value;
}

function state(props: unknown): TenantReadinessOutputs {
  return upgradeState<TenantReadinessOutputs>((props ?? {}) as Record<string, unknown>, STATE_VERSION);
}

export const tenantReadinessProvider: pulumi.dynamic.ResourceProvider<TenantReadinessInputs, TenantReadinessOutputs> = {
  async check(_olds, news) {
    return { inputs: news, failures: validateTenantReadiness(news) };
  },

  async diff(_id, olds, news) {
    // Another tenant is a new wait (replace); a new deadline or endpoint tuning only updates state.
    const d = diffManaged<TenantReadinessInputs>(state(olds), news, { updatable: ["deadlineSeconds"], replaceOn: [] });
    return d;
  },

  async create(inputs) {
    const issuer = await waitForTenant(inputs);
    return { id: inputs.connection.tenantId, outs: { ...inputs, issuer, stateVersion: STATE_VERSION } };
  },

  async read(id, props) {
    return { id, props: state(props) };
  },

  async update(_id, olds, news) {
    return { outs: { ...news, issuer: state(olds).issuer, stateVersion: STATE_VERSION } };
  },

  async delete() {
    // Nothing was written: emptying the tenant is TenantTeardown's job, deleting it the tenant's.
  },
};

export interface TenantReadinessArgs {
  /** The tenant's Graph connection; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * Give up waiting for the tenant to answer after this many seconds.
   * @default 900 - creation alone "can take up to 30 minutes"; a rerun of `pulumi up` keeps waiting
   */
  readonly deadlineSeconds?: pulumi.Input<number>;
}

/** Waits, once, until the tenant answers; everything written into the tenant depends on it. */
export class TenantReadiness extends pulumi.dynamic.Resource {
  /** The tenant's issuer from its OpenID metadata. */
  declare readonly issuer: pulumi.Output<string>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: TenantReadinessArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      tenantReadinessProvider,
      name,
      { connection: args.connection, deadlineSeconds: args.deadlineSeconds ?? DEFAULT_READINESS_DEADLINE_SECONDS, issuer: undefined, stateVersion: undefined },
      opts,
      "graph",
      "TenantReadiness",
    );
  }
}
