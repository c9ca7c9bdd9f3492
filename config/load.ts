/** Reading the stack's `ciam-tenant:*` keys from Pulumi config, for {@link parseStackConfig}. */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./messages";
import { type StackConfig, parseStackConfig } from "./stack";

/** Keys read as structured (JSON) config. */
const STRUCTURED_KEYS = ["tenant", "apps", "customAttributes", "userFlows", "branding", "endpoints", "graph", "readiness", "teardown", "automation"] as const;

/**
 * Reads the `ciam-tenant` namespace of the current stack and validates it with {@link parseStackConfig}, resolving
 * branding files against the current directory (the Pulumi project directory). Registers no resource.
 *
 * Unknown `ciam-tenant:*` keys are passed on so they are reported rather than silently ignored.
 *
 * @throws ConfigValidationError listing every problem
 * @see https://www.pulumi.com/docs/iac/concepts/config/#structured-configuration
 */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Record<string, unknown> = {};
  for (const key of STRUCTURED_KEYS) {
    let value: unknown;
    try {
      value = config.getObject<unknown>(key);
    } catch {
      value = config.get(key); // not JSON: hand the string on, the schema says what is expected
    }
    if (value !== undefined) raw[key] = value;
  }
  const lifecycle = config.get("lifecycle");
  if (lifecycle !== undefined) raw.lifecycle = lifecycle;
  const known = new Set<string>([...STRUCTURED_KEYS, "lifecycle"]);
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    if (!known.has(key)) raw[key] = config.get(key);
  }
  return parseStackConfig(raw, { projectDir: process.cwd(), project: pulumi.getProject(), stack: pulumi.getStack() });
}
