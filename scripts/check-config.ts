/**
 * `ts-node scripts/check-config.ts [stack]`: validates `Pulumi.<stack>.yaml` with the stack's own schema before
 * `npm run deploy` selects or creates the stack, so a file still holding placeholders (`<your-subscription-id>`)
 * stops at once with the list of keys to fill in — no stack, no passphrase prompt, no token request first.
 *
 * It reads the file the way Pulumi hands it to the program: the `ciam-tenant:` keys of `config:`, structured values
 * as they are. Secret values (`secure:`) cannot be read without the stack's key and are left to the program's own
 * check. Exit codes: 0 valid, 2 invalid config or no such file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_NAMESPACE, ConfigValidationError, parseStackConfig } from "../config/schema";

export interface ConfigCheck {
  readonly ok: boolean;
  /** One line per problem, `<path>: <value> <what>; allowed: …`. */
  readonly problems: readonly string[];
}

/** The `ciam-tenant` namespace of a stack file, keyed without the namespace; `secure:` values are left out. */
export function namespaceOf(stackFileText: string): Record<string, unknown> {
  const doc = (parseYaml(stackFileText) ?? {}) as { config?: Record<string, unknown> };
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(doc.config ?? {})) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) continue;
    raw[fullKey.slice(CONFIG_NAMESPACE.length + 1)] = value;
  }
  return raw;
}

/** Validates one stack file of the project in `projectDir`. */
export function checkStackFile(projectDir: string, stack: string): ConfigCheck {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return { ok: false, problems: [`No Pulumi.${stack}.yaml: copy Pulumi.dev.yaml to Pulumi.${stack}.yaml and edit it first.`] };
  try {
    parseStackConfig(namespaceOf(fs.readFileSync(file, "utf8")), { projectDir, project: CONFIG_NAMESPACE, stack });
    return { ok: true, problems: [] };
  } catch (e) {
    if (e instanceof ConfigValidationError) return { ok: false, problems: e.problems };
    throw e;
  }
}

if (require.main === module) {
  const stack = process.argv[2] ?? "dev";
  const result = checkStackFile(process.cwd(), stack);
  if (!result.ok) {
    console.error(`Pulumi.${stack}.yaml is not ready to deploy (${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}); nothing was changed:`);
    for (const p of result.problems) console.error(`  - ${p}`);
    process.exit(2);
  }
}
