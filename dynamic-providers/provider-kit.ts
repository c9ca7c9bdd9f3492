/**
 * What every Graph-backed dynamic provider shares: preview unknowns, one wording for check failures, managed-key
 * diffs, partial-create errors and state-shape upgrades. Pure functions only — this module is serialized into
 * each provider by value, so it holds no SDK object and reads nothing at load time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphConnection } from "./graph";
import { isAnswerLost, isUserFacing, repairError, isGuid, sameGuid, ProviderError } from "./core";

/** The value inputs hold during preview while an upstream Output is unknown (pulumi/pulumi#6310). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True when the value, or anything inside it, is still unknown (preview). */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** One wording for every check failure: the property, the value, and what is allowed. */
export function failure(property: string, value: unknown, allowed: string): pulumi.dynamic.CheckFailure {
  return { property, reason: `${property}: ${JSON.stringify(value)} is not valid; ${allowed}` };
}

/** Check failures of the connection input (unknown parts are skipped: they are checked again at update time). */
export function checkConnection(conn: GraphConnection | undefined, property = "connection"): pulumi.dynamic.CheckFailure[] {
  // A connection computed from a tenant still to be created is unknown as a whole during preview: the engine sends
  // the unknown sentinel (a string) in its place, so this test must come before the object test.
  if (isUnknown(conn)) return [];
  if (conn === undefined || conn === null || typeof conn !== "object") {
    return [failure(property, conn, "an object with tenantId, graphEndpoint, authorityHost and apiVersion is required")];
  }
  const out: pulumi.dynamic.CheckFailure[] = [];
  if (!isUnknown(conn.tenantId) && !isGuid(conn.tenantId)) out.push(failure(`${property}.tenantId`, conn.tenantId, "a tenant id (GUID) is required"));
  for (const key of ["graphEndpoint", "authorityHost"] as const) {
    const v = conn[key];
    if (isUnknown(v)) continue;
    if (typeof v !== "string" || !/^https:\/\/[^/?#\s]+\/?$/.test(v)) out.push(failure(`${property}.${key}`, v, "an https:// origin without a path is required"));
  }
  if (!isUnknown(conn.apiVersion) && conn.apiVersion !== "beta" && conn.apiVersion !== "v1.0") {
    out.push(failure(`${property}.apiVersion`, conn.apiVersion, 'allowed: "beta", "v1.0"'));
  }
  for (const key of ["retryDeadlineSeconds", "replicationWaitSeconds", "maxConcurrentRequests", "minRetryDelayMs"] as const) {
    const v = conn[key];
    if (v === undefined || isUnknown(v)) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) out.push(failure(`${property}.${key}`, v, "a whole number ≥ 0 is required"));
  }
  return out;
}

/** Structural equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface ManagedDiffSpec<T> {
  /** Managed keys that Graph can change in place. */
  readonly updatable: readonly (keyof T & string)[];
  /** Managed keys that force a new object (the tenant is always one). */
  readonly replaceOn: readonly (keyof T & string)[];
  /** Delete the old object first: its natural key (name, locale, app id) must stay unique. */
  readonly deleteBeforeReplace?: boolean;
  /** Per-key equality where plain JSON equality is wrong (sets, case-insensitive ids). */
  readonly equal?: Partial<Record<keyof T & string, (a: unknown, b: unknown) => boolean>>;
}

/**
 * Diff of managed keys only: `__provider`, outputs and connection tuning never count. A value still unknown in
 * preview counts as a change (of the replacing kind when the key forces replacement). A change of the tenant id
 * replaces. A change of connection tuning alone (endpoints, deadlines) is reported as an in-place change so that
 * state records it, and update() then makes no Graph call.
 */
export function diffManaged<T extends { connection: GraphConnection }>(
  olds: T,
  news: T,
  spec: ManagedDiffSpec<T>,
): pulumi.dynamic.DiffResult {
  const changed = (key: keyof T & string) => {
    const n = news[key];
    if (containsUnknown(n)) return true;
    const eq = spec.equal?.[key] ?? jsonEqual;
    return !eq(olds[key], n);
  };
  const replaces: string[] = spec.replaceOn.filter(changed);
  const oldConn = olds.connection ?? ({} as GraphConnection);
  const newConn = news.connection ?? ({} as GraphConnection);
  if (containsUnknown(newConn.tenantId) || !sameGuid(oldConn.tenantId, newConn.tenantId)) replaces.push("connection");
  const updates = spec.updatable.filter(changed);
  const tuningChanged = !replaces.includes("connection") && !jsonEqual(withoutTenant(oldConn), withoutTenant(newConn));
  return {
    changes: replaces.length > 0 || updates.length > 0 || tuningChanged,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && spec.deleteBeforeReplace === true,
  };
}

function withoutTenant(conn: GraphConnection): Omit<GraphConnection, "tenantId"> {
  const { tenantId: _ignored, ...rest } = conn;
  return rest;
}

/** The keys of `spec.updatable` whose values differ between olds and news (what update() must send). */
export function changedKeys<T>(olds: T, news: T, keys: readonly (keyof T & string)[], equal?: ManagedDiffSpec<T>["equal"]): (keyof T & string)[] {
  return keys.filter((k) => !(equal?.[k] ?? jsonEqual)(olds[k], news[k]));
}

/**
 * Thrown when create fails after the Graph object exists: the engine records `id` and `properties` as a
 * partially created resource, so the next `up` updates it instead of orphaning it and creating a duplicate.
 */
export class PartialCreateError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(id: string, properties: Record<string, unknown>, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const message = `created ${id} but could not finish configuring it: ${why}`;
    super(message);
    this.name = "PartialCreateError";
    repairError(this, PartialCreateError, message);
    this.id = id;
    this.properties = properties;
    this.reasons = [why];
  }
}

/** The steps of {@link postOrAdopt}. */
export interface PostOrAdoptSteps<Answer, Found, Result> {
  /** The create's POST. */
  readonly post: () => Promise<Answer>;
  /** Looks the object up by its natural key; undefined when it is not there. */
  readonly find: () => Promise<Found | undefined>;
  /** Takes over the object found. */
  readonly adopt: (found: Found) => Promise<Result>;
  /** The create's result from the POST's answer. */
  readonly created: (answer: Answer) => Result;
}

/**
 * A create's POST that neither fails nor duplicates when Graph made the object but its answer did not arrive.
 * When the POST fails, the object is looked up by its natural key: found, it is adopted (this POST made it before
 * its answer was lost, a POST the client retried after a gateway timeout did and the retry reports a duplicate, or
 * a concurrent run did). Not found, and the answer was lost (the connection broke: the request may never have
 * arrived), the POST is sent once more. Any other failure, or a lookup that fails too, throws the POST's error.
 */
export async function postOrAdopt<Answer, Found, Result>(steps: PostOrAdoptSteps<Answer, Found, Result>): Promise<Result> {
  let answer: Answer;
  try {
    answer = await steps.post();
  } catch (e) {
    let found: Found | undefined;
    try {
      found = await steps.find();
    } catch {
      throw e; // nothing known about the object: a second POST could duplicate it
    }
    if (found !== undefined) return steps.adopt(found);
    if (!isAnswerLost(e)) throw e;
    answer = await steps.post();
  }
  return steps.created(answer);
}

/**
 * Brings state written by any earlier version of a provider to the current shape. `upgrades[n]` turns version n
 * into n+1; state without `stateVersion` is version 1 (the first shape ever written).
 */
export function upgradeState<T extends { stateVersion: number }>(
  props: Record<string, unknown>,
  current: number,
  upgrades: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {},
): T {
  let state = { ...props };
  let version = typeof state.stateVersion === "number" ? state.stateVersion : 1;
  if (version > current) {
    throw new ProviderError("StateVersion", `state was written by a newer version of this provider (stateVersion ${version} > ${current}); upgrade the project`);
  }
  while (version < current) {
    const up = upgrades[version];
    if (!up) throw new ProviderError("StateVersion", `no upgrade from stateVersion ${version}`);
    state = up(state);
    version++;
  }
  return { ...state, stateVersion: current } as unknown as T;
}

/** Escapes a string for a single-quoted OData literal (`'` doubles). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A progress line the person running `pulumi up`/`destroy` sees while a step waits. A dynamic provider has no
 * engine connection for `pulumi.log` (it falls back to the console); the engine shows the provider's stderr live,
 * under the stack, and keeps it in the run's diagnostics (checked with the Pulumi CLI 3.248.0).
 */
export function progress(step: string, message: string): void {
  process.stderr.write(`[${step}] ${message}\n`);
}

/** Check failure unless the value is unknown or one of `allowed` (listed in the message). */
export function checkOneOf(property: string, value: unknown, allowed: readonly string[]): pulumi.dynamic.CheckFailure[] {
  if (isUnknown(value) || allowed.includes(value as string)) return [];
  return [failure(property, value, `allowed: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`)];
}

/**
 * `state`, `read` and `update` of a resource whose state is simply its last inputs (plus `stateVersion`): there is
 * no remote object to read back or change, so refresh keeps the state and an update records the new inputs.
 */
export function inputsAsState<I extends object>(stateVersion: number) {
  const state = (props: unknown) => upgradeState<I & { stateVersion: number }>((props ?? {}) as Record<string, unknown>, stateVersion);
  return {
    state,
    read: async (id: string, props?: unknown) => ({ id, props: state(props) }),
    update: async (_id: string, _olds: unknown, news: I) => ({ outs: { ...news, stateVersion } }),
  };
}

/**
 * What the dynamic-provider host of @pulumi/pulumi 3.248 (cmd/dynamic-provider/index.js) does with an error a
 * provider method throws:
 * - create and update: it answers the engine with `err.message` only (grpcResponseFromError), and prints nothing;
 * - check, diff, read and delete: it prints ``console.error(`${err}: ${err.stack}`)`` — `Name: message: Name:
 *   message` and every frame, which the engine shows as the stack's output — and answers with `err.message`.
 * The engine prints that answer as the resource's `error:` line, so the message is all a person needs. This marker
 * starts what the host prints for a user-facing error, and {@link quietHostConsole} drops exactly those lines.
 */
const REPORTED = "\u2063ciam-tenant: reported to the engine\u2063";

/**
 * Makes the provider process's console.error skip the host's print of an error already answered to the engine
 * (the engine drops blank lines, never ours). Installed once per process, on first use; every other line passes.
 */
function quietHostConsole(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  if (g.__ciamQuietHostConsole === true) return;
  g.__ciamQuietHostConsole = true;
  const original = console.error;
  console.error = function (this: unknown, ...args: unknown[]): void {
    if (typeof args[0] === "string" && args[0].startsWith(REPORTED)) return;
    original.apply(this, args);
  };
}

/**
 * A user-facing error (see isUserFacing in graph/errors.ts) made to reach the terminal once, without frames: its
 * stack is its message, and what the host prints of it is dropped. The same object is rethrown — class, `status`,
 * `id`/`properties` of a partial create all stay. Any other value (a bug) is returned untouched, trace and all.
 */
export function reportable(e: unknown): unknown {
  if (!isUserFacing(e)) return e;
  quietHostConsole();
  const message = e.message;
  Object.defineProperty(e, "stack", { value: message, configurable: true, writable: true, enumerable: false });
  Object.defineProperty(e, "toString", { value: () => REPORTED, configurable: true, writable: true, enumerable: false });
  return e;
}

/**
 * The provider with every method wrapped so that a user-facing error it throws is reported once, as its message
 * (see {@link reportable}). Wrap each exported provider object: `export const xProvider = withCleanErrors({ … })`.
 */
export function withCleanErrors<P extends object>(provider: P): P {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(provider)) {
    if (typeof value !== "function") {
      wrapped[key] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    wrapped[key] = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      try {
        return await method.apply(this, args);
      } catch (e) {
        throw reportable(e);
      }
    };
  }
  return wrapped as P;
}
