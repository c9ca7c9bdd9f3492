/**
 * The gate between the tenant and everything written into it: `create` checks that the tenant answers — its OpenID
 * metadata on the authority host, then one Graph call with the stack's own credential. Every resource that writes
 * into the tenant depends on it.
 *
 * Why: a freshly created external tenant is not usable at once; token requests and Graph calls fail for a while
 * (AADSTS90002 "tenant not found", 401/403/404), and no figure says for how long (reference: arm-and-auth §6
 * [unknown]; the two probes, the 5 → 60 s back-off and the answers retried are its recommendation [inferred]).
 *
 * Only a tenant the stack created (`tenantOrigin: "created"`; absent in inputs and state of earlier versions, which
 * always waited) is waited for, with back-off, progress lines and `deadlineSeconds`, and only through the answers
 * reference §6 names for a tenant still being provisioned: metadata 400 AADSTS90002 (and 429/503/504), a token
 * refused with AADSTS90002/700016/500011/7000215, Graph 401/403/404. Passing the deadline fails with the last
 * reason; `pulumi up` again resumes the wait (nothing was recorded).
 *
 * An existing tenant (`tenantOrigin: "existing"`) answers at once or never: one look, with only the Graph layer's
 * 429/503/504 retries (and the same for the metadata read) — no waiting loop.
 *
 * Whatever the origin, an answer that waiting cannot change fails the first look, naming the cause and the fix: a
 * token for another audience (401 "Invalid audience" for a token whose `aud` is not Graph), a token of another
 * tenant (refused before it is sent, see graph/client.ts `accessTokenFor`), an app token without the permission of
 * the call (403), contradictory credential variables, any other 4xx, a token failure of another kind.
 *
 * `delete` does nothing: the gate writes nothing. Serialized by value into state: plain functions only.
 */
import * as pulumi from "@pulumi/pulumi";
import { accessTokenFor, allows, audienceProblem, decodeClaims, graphClient, isAppOnly, isGraphError, operationFor, resolveConnection, tenantMetadata, type GraphConnection, type ResolvedConnection } from "../graph";
import { endSentence, pollUntil, repairError, type PollAnswer } from "../core";
import { checkConnection, checkOneOf, diffManaged, failure, isUnknown, progress, upgradeState, withCleanErrors } from "../provider-kit";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;

/** Default of `readiness.deadlineSeconds`: generous, as creation itself "can take up to 30 minutes" (reference §1.5). */
export const DEFAULT_READINESS_DEADLINE_SECONDS = 900;

/** Longest step between two looks: the reference's 60 s cap. */
const MAX_STEP_MS = 60_000;

/** Whether the stack created the tenant (it may still be provisioning) or was given an existing one. */
export type TenantOrigin = "created" | "existing";
const TENANT_ORIGINS: readonly TenantOrigin[] = ["created", "existing"];

export interface TenantReadinessInputs {
  /** The tenant and the Graph endpoint; holds no secret. */
  readonly connection: GraphConnection;
  /** Give up waiting (a created tenant only) after this many seconds. */
  readonly deadlineSeconds: number;
  /**
   * `created`: the stack created the tenant, whose first minutes may be waited through; `existing`: one look.
   * Absent in inputs and state written before it existed: `created` (what those versions did).
   */
  readonly tenantOrigin?: TenantOrigin;
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
      `tenant ${tenantId} did not answer within ${deadlineSeconds}s (${attempts} checks); last answer: ${endSentence(lastReason)} ` +
      `A new external tenant can take many minutes to become usable: run pulumi up again to keep waiting, or raise ` +
      `ciam-tenant:readiness.deadlineSeconds.`;
    super(message);
    this.name = "TenantNotReadyError";
    repairError(this, TenantNotReadyError, message);
  }
}

/** The tenant answered with something waiting cannot change: its cause and its fix, at the first look. */
export class TenantUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantUnusableError";
    repairError(this, TenantUnusableError, message);
  }
}

export function validateTenantReadiness(inputs: Partial<TenantReadinessInputs>): pulumi.dynamic.CheckFailure[] {
  const out = [...checkConnection(inputs.connection)];
  const d = inputs.deadlineSeconds;
  if (!isUnknown(d) && (typeof d !== "number" || !Number.isInteger(d) || d < 0)) out.push(failure("deadlineSeconds", d, "a whole number of seconds ≥ 0 is required"));
  if (inputs.tenantOrigin !== undefined) out.push(...checkOneOf("tenantOrigin", inputs.tenantOrigin, TENANT_ORIGINS));
  return out;
}

/** Statuses of Graph that mean "this tenant does not know us yet", right after it was created (reference §6). */
const NOT_YET_STATUSES = [401, 403, 404];

/**
 * AADSTS codes of a token request to a tenant still being provisioned (reference §6: 90002 tenant not found, 700016
 * app not found, 500011 resource principal not found, 7000215 secret not yet known), and MSAL's own failure to read
 * the tenant's metadata (its form of 90002, seen before the token request is even sent).
 */
const NOT_YET_TOKEN = /\bAADSTS(90002|700016|500011|7000215)\b|endpoints_resolution_error/;

/** Why an existing tenant's answer is final, and what to check: appended to answers that carry no fix of their own. */
function existingFix(tenantId: string): string {
  return (
    `ciam-tenant:tenant.existing names a tenant that exists, so waiting would not change this answer. Fix: check ` +
    `ciam-tenant:tenant.existing.tenantId (the directory id of the external tenant) and the credential: az login ` +
    `--tenant ${tenantId} --allow-no-subscriptions, or AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a federated token ` +
    `of an app registered in that tenant.`
  );
}

/**
 * One look: metadata first (anonymous, cheap), then one Graph read with the stack's credential (with the Graph
 * layer's 429/503/504 retries). Answers "not yet" only for what may pass: for a created tenant the provisioning
 * answers, for an existing one a throttled or unavailable metadata read or a connection that broke under it. Throws everything else, with its fix.
 */
async function probe(conn: ResolvedConnection, origin: TenantOrigin): Promise<PollAnswer<string>> {
  const created = origin === "created";
  const metadata = await tenantMetadata(conn.authorityHost, conn.tenantId);
  if (metadata.state === "unavailable") {
    if (metadata.transient) {
      return { done: false, reason: `OpenID metadata: ${metadata.detail}`, ...(metadata.retryAfterMs !== undefined ? { retryAfterMs: metadata.retryAfterMs } : {}) };
    }
    throw new TenantUnusableError(
      `tenant ${conn.tenantId}: its OpenID metadata on ${conn.authorityHost} could not be read (${metadata.detail}). ` +
        `Fix: ciam-tenant:endpoints.authorityHost must be the Entra authority host of the tenant's cloud ` +
        `(public cloud: https://login.microsoftonline.com), reachable from this machine.`,
    );
  }
  if (metadata.state === "notFound") {
    if (created) return { done: false, reason: `OpenID metadata: ${metadata.detail}` };
    throw new TenantUnusableError(
      `tenant ${conn.tenantId} is not known to ${conn.authorityHost} (OpenID metadata: ${endSentence(metadata.detail)}) ${existingFix(conn.tenantId)}`,
    );
  }
  const path = `/organization/${encodeURIComponent(conn.tenantId)}?$select=id`;
  try {
    await graphClient(conn).get(path);
    return { done: true, value: metadata.issuer };
  } catch (e) {
    // A token failure: the provisioning codes may pass on a created tenant; anything else carries its own fix.
    if (e instanceof Error && e.name === "GraphAuthError") {
      if (created && NOT_YET_TOKEN.test(e.message)) return { done: false, reason: e.message };
      throw e;
    }
    if (!isGraphError(e)) throw e; // GraphIdentityError (another tenant's token, contradictory variables), network
    // A token for another resource: Graph refuses it as "Invalid audience" however long one waits.
    if (e.status === 401) {
      const problem = audienceProblem(decodeClaims(await accessTokenFor(conn)), conn.graphEndpoint, conn.tenantId);
      if (problem) throw new TenantUnusableError(`${endSentence(e.message)} ${problem}`);
    }
    // A 403 to an app token that holds none of the call's permissions is not a tenant still starting. The error
    // names the permission and the grant (graph/permissions.ts, diagnosis.ts `forbiddenHint`).
    if (e.status === 403 && (await lacksPermission(conn, path))) throw e;
    if (!NOT_YET_STATUSES.includes(e.status)) throw e;
    if (created) return { done: false, reason: e.message };
    // Every 403 carries its fix (the permission the call needs); 401/404 of an existing tenant get the tenant's.
    if (e.status === 403) throw e;
    throw new TenantUnusableError(`${endSentence(e.message)} ${existingFix(conn.tenantId)}`);
  }
}

/** Is the stack's token an app token without any permission the call accepts? (A person's token: never.) */
async function lacksPermission(conn: ResolvedConnection, path: string): Promise<boolean> {
  const claims = decodeClaims(await accessTokenFor(conn));
  const op = operationFor("GET", path);
  return claims !== undefined && isAppOnly(claims) && op !== undefined && !allows(claims.roles ?? [], op);
}

export async function waitForTenant(inputs: TenantReadinessInputs, step = "tenant-readiness"): Promise<string> {
  const conn = resolveConnection(inputs.connection);
  if (inputs.tenantOrigin === "existing") {
    // One look. Only a throttled or unavailable metadata read is asked again, as the Graph layer asks its calls
    // again: within the connection's retry deadline, silently.
    const once = await pollUntil({
      deadlineSeconds: conn.retryDeadlineSeconds,
      minDelayMs: conn.minRetryDelayMs,
      probe: () => probe(conn, "existing"),
    });
    if (once.done) return once.value;
    throw new TenantUnusableError(
      `tenant ${conn.tenantId}: ${endSentence(once.reason)} It was still refused when the ${conn.retryDeadlineSeconds}s retry deadline ` +
        `(ciam-tenant:graph.retryDeadlineSeconds) was reached (${once.attempts} attempts): run pulumi up again later.`,
    );
  }
  const outcome = await pollUntil({
    deadlineSeconds: inputs.deadlineSeconds,
    minDelayMs: conn.minRetryDelayMs,
    maxDelayMs: MAX_STEP_MS,
    probe: () => probe(conn, "created"),
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

export const tenantReadinessProvider: pulumi.dynamic.ResourceProvider<TenantReadinessInputs, TenantReadinessOutputs> = withCleanErrors({
  async check(_olds, news) {
    return { inputs: news, failures: validateTenantReadiness(news) };
  },

  async diff(_id, olds, news) {
    // Another tenant is a new wait (replace); a new deadline or endpoint tuning only updates state. `tenantOrigin`
    // matters to create only: state written before it existed (without it) shows no change.
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
});

export interface TenantReadinessArgs {
  /** The tenant's Graph connection; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * Give up waiting for a created tenant to answer after this many seconds.
   * @default 900 - creation alone "can take up to 30 minutes"; a rerun of `pulumi up` keeps waiting
   */
  readonly deadlineSeconds?: pulumi.Input<number>;
  /**
   * `created` when the stack creates the tenant (its provisioning answers are waited through), `existing` for a
   * tenant given by config (one look, no waiting).
   * @default "created"
   */
  readonly tenantOrigin?: pulumi.Input<TenantOrigin>;
}

/** Checks, once, that the tenant answers (waiting for a created one); everything written into it depends on it. */
export class TenantReadiness extends ReferencedResource {
  /** The tenant's issuer from its OpenID metadata. */
  declare readonly issuer: pulumi.Output<string>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: TenantReadinessArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "graph:TenantReadiness",
      tenantReadinessProvider,
      name,
      {
        connection: args.connection,
        deadlineSeconds: args.deadlineSeconds ?? DEFAULT_READINESS_DEADLINE_SECONDS,
        tenantOrigin: args.tenantOrigin ?? "created",
        issuer: undefined,
        stateVersion: undefined,
      },
      opts,
    );
  }
}
