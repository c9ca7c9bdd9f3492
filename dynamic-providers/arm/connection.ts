/**
 * Where and how the ARM layer talks to Azure Resource Manager. An `ArmConnection` is an input of the ARM-backed
 * dynamic resources, so it is stored in state: it holds no secret (the credential comes from the environment at
 * call time, through the same `credentialFor` as the Graph layer).
 */

export interface ArmConnection {
  /**
   * The tenant the subscription belongs to (the "home" tenant of the person creating the CIAM tenant): ARM tokens
   * are issued by it, never by the CIAM tenant.
   */
  readonly homeTenantId: string;
  /** Subscription that holds the resource group of the `ciamDirectories` resource. */
  readonly subscriptionId: string;
  /** ARM origin, e.g. `https://management.azure.com` (national clouds: `https://management.usgovcloudapi.net`, …). */
  readonly resourceManagerEndpoint: string;
  /** Entra authority host the ARM token comes from, e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string;
  /** Stop retrying throttled or unavailable (429/503/504) calls after this many seconds. @default 300 */
  readonly retryDeadlineSeconds?: number;
  /** Smallest back-off between retries and polls when ARM sends no Retry-After (tests keep it short). @default 1000 */
  readonly minRetryDelayMs?: number;
}

export const PUBLIC_RESOURCE_MANAGER = "https://management.azure.com";

export interface ResolvedArmConnection extends Required<ArmConnection> {}

export function resolveArmConnection(conn: ArmConnection): ResolvedArmConnection {
  return {
    homeTenantId: conn.homeTenantId,
    subscriptionId: conn.subscriptionId,
    resourceManagerEndpoint: conn.resourceManagerEndpoint.replace(/\/+$/, ""),
    authorityHost: conn.authorityHost.replace(/\/+$/, ""),
    retryDeadlineSeconds: conn.retryDeadlineSeconds ?? 300,
    minRetryDelayMs: conn.minRetryDelayMs ?? 1000,
  };
}

/** The `.default` scope of the ARM origin in use, e.g. `https://management.azure.com/.default`. */
export function armScope(resourceManagerEndpoint: string): string {
  return `${new URL(resourceManagerEndpoint).origin}/.default`;
}
