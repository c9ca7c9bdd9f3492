/**
 * The whole stack configuration: the sections composed into one schema, cross-references checked, and the
 * validated, defaults-applied {@link StackConfig} components receive.
 */
import { z } from "zod";
import { appSchema } from "./apps";
import { automationSchema } from "./automation";
import { brandingSchema } from "./branding";
import { identityProviderSchema } from "./identity-providers";
import { type Frozen, list, strict } from "./fields";
import { ConfigValidationError, fallbackError, formatIssues } from "./messages";
import { checkReferences } from "./references";
import {
  DEFAULT_GRAPH_TUNING,
  DEFAULT_READINESS,
  DEFAULT_TEARDOWN,
  PUBLIC_CLOUD_ENDPOINTS,
  endpointsSchema,
  graphTuningSchema,
  lifecycleSchema,
  readinessSchema,
  teardownSchema,
} from "./settings";
import { tenantSchema, withSubdomainSuffix } from "./tenant";
import { customAttributeSchema, resolveUserFlow, userFlowSchema } from "./user-flows";

/** Options of {@link parseStackConfig}. */
export interface ParseStackConfigOptions {
  /** Directory that relative branding file paths are resolved against (the Pulumi project directory). */
  readonly projectDir: string;
  /** Project and stack names, which `subdomainSuffix: stack` derives the suffix from. @default "ciam-tenant", "dev" */
  readonly project?: string;
  readonly stack?: string;
}

/** The sections, each with its default, and what the config derives across them. */
function stackShape(opts: ParseStackConfigOptions) {
  return strict({
    tenant: tenantSchema,
    /** Keys unique. @default - none (a tenant with branding or flows only, as an export of a tenant without linked apps gives) */
    apps: list(appSchema, "apps").default([]),
    /** @default - none */
    customAttributes: list(customAttributeSchema, "custom attributes").default([]),
    /** Social, Apple and OIDC providers user flows may offer. @default - none */
    identityProviders: list(identityProviderSchema(opts.projectDir), "identity providers").default([]),
    /** @default - none */
    userFlows: list(userFlowSchema, "user flows").default([]),
    /** @default - branding not managed */
    branding: brandingSchema(opts.projectDir).optional(),
    endpoints: endpointsSchema.default(PUBLIC_CLOUD_ENDPOINTS),
    graph: graphTuningSchema.default(DEFAULT_GRAPH_TUNING),
    /** @default "protected" */
    lifecycle: lifecycleSchema,
    readiness: readinessSchema.default(DEFAULT_READINESS),
    teardown: teardownSchema.default(DEFAULT_TEARDOWN),
    /** @default - no automation identity */
    automation: automationSchema.optional(),
  }).transform((c) => {
    const customNames = new Set(c.customAttributes.map((a) => a.name));
    const { branding, automation, ...rest } = c;
    return {
      ...rest,
      tenant: withSubdomainSuffix(c.tenant, opts.project ?? "ciam-tenant", opts.stack ?? "dev"),
      userFlows: c.userFlows.map((f) => resolveUserFlow(f, customNames)),
      // Absent sections stay absent (not present as undefined): components test them with `if (config.branding)`.
      ...(branding ? { branding } : {}),
      ...(automation ? { automation } : {}),
    };
  });
}

/** The validated, defaults-applied stack configuration. */
export type StackConfig = Frozen<z.output<ReturnType<typeof stackShape>>>;

/**
 * The zod schema of the whole config (keys without namespace). Branding file paths resolve against
 * `opts.projectDir`, which is why the schema is built per call.
 */
export function stackConfigSchema(opts: ParseStackConfigOptions) {
  const shape = stackShape(opts);
  // Cross-references read the raw input: they must run, and name what the user wrote, even where a part of the
  // config failed its own checks.
  return z.unknown().transform((raw, ctx): StackConfig => {
    const parsed = shape.safeParse(raw, { error: fallbackError });
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: undefined });
    checkReferences(raw, ctx);
    return parsed.success && ctx.issues.length === 0 ? parsed.data : z.NEVER;
  });
}

/**
 * Validates the stack config and returns it typed, with defaults applied and derived values computed (tenant
 * authority and domain, sample redirect URIs, identity provider ids, branding file hashes).
 *
 * Reads the branding files it names (to check and hash them); registers nothing.
 *
 * @param raw the config keys without namespace: `{ tenant, apps, userFlows, customAttributes, branding, endpoints, graph, lifecycle, readiness, teardown, automation }`
 * @param opts `projectDir` resolves relative branding file paths; `project` and `stack` feed `subdomainSuffix: stack`
 * @throws ConfigValidationError listing every problem, each as `<path>: <message>`
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/overview-customers-ciam
 */
export function parseStackConfig(raw: Record<string, unknown>, opts: ParseStackConfigOptions): StackConfig {
  const result = stackConfigSchema(opts).safeParse(raw, { error: fallbackError });
  if (result.success) return result.data;
  throw new ConfigValidationError(formatIssues(result.error.issues));
}
