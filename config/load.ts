/** Reading the stack's `ciam-tenant:*` keys from Pulumi config, for {@link parseStackConfig}. */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigValidationError, describeProblem, formatConfigPath } from "./messages";
import { type StackConfig, parseStackConfig } from "./stack";

/** Keys read as structured (JSON) config. */
const STRUCTURED_KEYS = ["tenant", "apps", "customAttributes", "identityProviders", "userFlows", "branding", "endpoints", "graph", "readiness", "teardown", "automation"] as const;

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
  const parsedSecretKeys = new Set(secretConfigKeysOf(raw.identityProviders));
  const known = new Set<string>([...STRUCTURED_KEYS, "lifecycle", ...parsedSecretKeys]);
  // A secret no provider names any more (left behind when a provider was removed) is reported as such, without
  // its value ever reaching the schema.
  const leftoverSecrets: string[] = [];
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    if (known.has(key)) continue;
    if (isConfigSecret(fullKey)) leftoverSecrets.push(key);
    else raw[key] = config.get(key);
  }
  const leftovers = leftoverSecrets.map(
    (key) =>
      `${formatConfigPath([key])}: ${describeProblem(key, "is a secret that no identity provider names", `pulumi config rm ${key}, or name it in identityProviders[] as {secretConfig: ${key}}`)}`,
  );
  let parsed: StackConfig | undefined;
  const problems: string[] = [];
  try {
    parsed = parseStackConfig(raw, { projectDir: process.cwd(), project: pulumi.getProject(), stack: pulumi.getStack() });
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    problems.push(...e.problems);
  }
  problems.push(...leftovers);
  if (problems.length > 0 || !parsed) throw new ConfigValidationError(problems);
  return parsed;
}

/** The config keys `identityProviders[].clientSecret/privateKey.secretConfig` name (read from the raw value). */
function secretConfigKeysOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  for (const p of raw) {
    for (const field of ["clientSecret", "privateKey"]) {
      const source = p && typeof p === "object" ? (p as Record<string, unknown>)[field] : undefined;
      const key = source && typeof source === "object" ? (source as Record<string, unknown>).secretConfig : undefined;
      if (typeof key === "string") out.push(key);
    }
  }
  return out;
}

/**
 * The secret of each configured identity provider, by provider key, as a secret Output: the value of the secret
 * config key it names (which must have been set with `pulumi config set --secret`), or the content of Apple's .p8
 * file. Registers nothing; every problem is reported at once, before any resource exists.
 *
 * @throws ConfigValidationError naming the key path, the config key and the command that sets it
 */
export function loadIdentityProviderSecrets(config: Pick<StackConfig, "identityProviders">): Record<string, pulumi.Output<string>> {
  const pulumiConfig = new pulumi.Config(CONFIG_NAMESPACE);
  const out: Record<string, pulumi.Output<string>> = {};
  const problems: string[] = [];
  config.identityProviders.forEach((p, i) => {
    const field = p.type === "apple" ? "privateKey" : "clientSecret";
    const source = p.type === "apple" ? p.privateKey : p.clientSecret;
    if ("file" in source) {
      out[p.key] = pulumi.secret(fs.readFileSync(source.file, "utf8"));
      return;
    }
    const at = formatConfigPath(["identityProviders", i, field, "secretConfig"]);
    const fullKey = `${CONFIG_NAMESPACE}:${source.secretConfig}`;
    const set = `pulumi config set --secret ${source.secretConfig} <${p.type === "apple" ? "contents of the .p8 key" : "client secret"}>`;
    if (pulumiConfig.get(source.secretConfig) === undefined) {
      problems.push(`${at}: ${describeProblem(source.secretConfig, "is not set", set)}`);
    } else if (isConfigSecret(fullKey) === false) {
      problems.push(`${at}: ${describeProblem(source.secretConfig, "is set in plain text, not as a secret", `${set} (the stack file then holds it encrypted)`)}`);
    } else {
      out[p.key] = pulumiConfig.requireSecret(source.secretConfig);
    }
  });
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return out;
}

/**
 * Whether a config key was set as a secret: the SDK's own test (`runtime.isConfigSecret`, marked internal, so read
 * defensively); `undefined` when this SDK does not offer it, and the check is then skipped.
 */
function isConfigSecret(fullKey: string): boolean | undefined {
  const test = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  return typeof test === "function" ? test(fullKey) : undefined;
}
