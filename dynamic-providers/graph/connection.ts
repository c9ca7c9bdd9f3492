/**
 * Where and how the Graph layer talks to one tenant. A `GraphConnection` is an input of every dynamic resource,
 * so it is stored in state: it must never hold a secret (credentials are resolved from the environment at call
 * time, see credentials.ts).
 */

/** Microsoft Graph API versions the providers may use. User flows and some branding fields are beta-first. */
export type GraphApiVersion = "beta" | "v1.0";

export interface GraphConnection {
  /** The directory (tenant) id the calls are made in: the CIAM tenant, never the home tenant. */
  readonly tenantId: string;
  /** Graph origin, e.g. `https://graph.microsoft.com` (national clouds: `https://graph.microsoft.us`, …). */
  readonly graphEndpoint: string;
  /** Entra authority host, e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string;
  /** API version used unless a call says otherwise. */
  readonly apiVersion: GraphApiVersion;
  /** Stop retrying throttled or unavailable (429/503/504) calls after this many seconds. @default 300 */
  readonly retryDeadlineSeconds?: number;
  /** Retry replication-lag 404s right after a create for this many seconds. @default 120 */
  readonly replicationWaitSeconds?: number;
  /** Calls in flight at once for one tenant within one provider process. @default 4 */
  readonly maxConcurrentRequests?: number;
  /** Smallest back-off between retries when Graph sends no Retry-After. @default 1000 */
  readonly minRetryDelayMs?: number;
}

export const PUBLIC_CLOUD = {
  graphEndpoint: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
} as const;

/** Connection settings with every optional knob resolved. */
export interface ResolvedConnection extends Required<GraphConnection> {}

export function resolveConnection(conn: GraphConnection): ResolvedConnection {
  return {
    tenantId: conn.tenantId,
    graphEndpoint: trimSlash(conn.graphEndpoint),
    authorityHost: trimSlash(conn.authorityHost),
    apiVersion: conn.apiVersion ?? "beta",
    retryDeadlineSeconds: conn.retryDeadlineSeconds ?? 300,
    replicationWaitSeconds: conn.replicationWaitSeconds ?? 120,
    maxConcurrentRequests: conn.maxConcurrentRequests ?? 4,
    minRetryDelayMs: conn.minRetryDelayMs ?? 1000,
  };
}

/** The `.default` scope of the Graph origin in use, e.g. `https://graph.microsoft.com/.default`. */
export function graphScope(graphEndpoint: string): string {
  return `${new URL(graphEndpoint).origin}/.default`;
}


function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
