/**
 * The stack's settings: cloud endpoints, Graph-layer tuning, the readiness wait, teardown and the lifecycle. Every
 * key has a default, so a stack file may leave all of them out.
 */
import type { z } from "zod";
import { LIFECYCLES, type TenantLifecycle } from "../dynamic-providers/core";
import { type Frozen, httpsOrigin, int, oneOf, strict } from "./fields";

/** Public-cloud endpoints, used when `endpoints` is absent. */
export const PUBLIC_CLOUD_ENDPOINTS = {
  graph: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  graphApiVersion: "beta",
  resourceManager: "https://management.azure.com",
} as const;

/** Readiness wait used when `readiness` (or its key) is absent. */
export const DEFAULT_READINESS = { deadlineSeconds: 900 } as const;

/** Teardown settings used when `teardown` (or its key) is absent. */
export const DEFAULT_TEARDOWN = { deletionDeadlineSeconds: 1800 } as const;

/** Graph-layer tuning used when `graph` (or one of its keys) is absent. */
export const DEFAULT_GRAPH_TUNING = {
  retryDeadlineSeconds: 300,
  replicationWaitSeconds: 120,
  maxConcurrentRequests: 4,
} as const;

/** Cloud endpoints (national clouds). @default {@link PUBLIC_CLOUD_ENDPOINTS} */
export const endpointsSchema = strict({
  /** Graph origin, no path. */
  graph: httpsOrigin().default(PUBLIC_CLOUD_ENDPOINTS.graph),
  /** Entra authority host for tokens, no path. */
  authorityHost: httpsOrigin().default(PUBLIC_CLOUD_ENDPOINTS.authorityHost),
  /** @default "beta" */
  graphApiVersion: oneOf(["beta", "v1.0"], "graphApiVersion").default(PUBLIC_CLOUD_ENDPOINTS.graphApiVersion),
  /** Azure Resource Manager origin, no path. @default "https://management.azure.com" */
  resourceManager: httpsOrigin().default(PUBLIC_CLOUD_ENDPOINTS.resourceManager),
});

/** The wait until a tenant answers (OpenID metadata + one Graph call). @default {@link DEFAULT_READINESS} */
export const readinessSchema = strict({
  /** Give up after this many seconds (1–7200); `pulumi up` again resumes. @default 900 */
  deadlineSeconds: int(1, 7200).default(DEFAULT_READINESS.deadlineSeconds),
});

/** Destroy of a disposable (`lifecycle: ephemeral`) stack. @default {@link DEFAULT_TEARDOWN} */
export const teardownSchema = strict({
  /** After the tenant's ARM delete, wait this long (1–7200 s) for ARM and login to confirm it is gone. @default 1800 */
  deletionDeadlineSeconds: int(1, 7200).default(DEFAULT_TEARDOWN.deletionDeadlineSeconds),
});

/** Graph-layer tuning. @default {@link DEFAULT_GRAPH_TUNING} */
export const graphTuningSchema = strict({
  /** Stop retrying 429/503/504 after this many seconds (1–3600). @default 300 */
  retryDeadlineSeconds: int(1, 3600).default(DEFAULT_GRAPH_TUNING.retryDeadlineSeconds),
  /** Retry replication-lag 404s right after a create for this many seconds (1–1800). @default 120 */
  replicationWaitSeconds: int(1, 1800).default(DEFAULT_GRAPH_TUNING.replicationWaitSeconds),
  /** Concurrent Graph requests per tenant within one provider process (1–32). @default 4 */
  maxConcurrentRequests: int(1, 32).default(DEFAULT_GRAPH_TUNING.maxConcurrentRequests),
});

/** `lifecycle`: what `pulumi destroy` may do to the tenant. @default "protected" */
export const lifecycleSchema = oneOf(LIFECYCLES, "lifecycle").default("protected");

export type EndpointsConfig = Frozen<z.output<typeof endpointsSchema>>;
export type ReadinessConfig = Frozen<z.output<typeof readinessSchema>>;
export type TeardownConfig = Frozen<z.output<typeof teardownSchema>>;
export type GraphTuningConfig = Frozen<z.output<typeof graphTuningSchema>>;
/** `protected`: tenant protected and retained on delete; `ephemeral`: a stack that may be destroyed. */
export type Lifecycle = TenantLifecycle;
