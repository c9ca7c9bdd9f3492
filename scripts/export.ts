/**
 * `npm run export -- --tenant <tenantId> [--stack prod] [--out Pulumi.prod.yaml] [--graph <origin>]
 *  [--authority-host <origin>] [--force]`
 *
 * Reads a tenant set up by hand (export/read.ts) with the credentials and endpoints the stack uses, and writes the
 * stack config that reproduces it (export/stack-file.ts) plus its branding files under `branding/<stack>/`, beside
 * the output file. Nothing is written until everything was read and the config passed the program's own
 * validation; an existing file is never overwritten without `--force`. Reads only: no Graph write.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { graphClient, PUBLIC_CLOUD } from "../dynamic-providers/graph";
import { parseStackConfig } from "../config/schema";
import { httpsUrlProblem } from "../dynamic-providers/core";
import { readTenant } from "../export/read";
import { stackExport } from "../export/stack-file";

const USAGE =
  "usage: npm run export -- --tenant <tenantId> [--stack prod] [--out Pulumi.<stack>.yaml] [--graph <origin>] [--authority-host <origin>] [--force]";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STACK = /^[A-Za-z0-9_.-]{1,100}$/;

class UsageError extends Error {}

interface Args {
  tenant: string;
  stack: string;
  out: string;
  graph?: string;
  authorityHost?: string;
  force: boolean;
}

function origin(flag: string, value: string): string {
  const problem = httpsUrlProblem(value, { origin: true });
  if (problem) throw new UsageError(`${flag} ${JSON.stringify(value)} ${problem}; allowed: an https origin such as ${flag === "--graph" ? PUBLIC_CLOUD.graphEndpoint : PUBLIC_CLOUD.authorityHost}`);
  return new URL(value).origin;
}

export function parseArgs(argv: readonly string[]): Args {
  const values: Record<string, string> = {};
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--force") {
      force = true;
      continue;
    }
    if (!["--tenant", "--stack", "--out", "--graph", "--authority-host"].includes(flag)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
    const v = argv[++i];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    values[flag] = v;
  }
  const tenant = values["--tenant"];
  if (!tenant) throw new UsageError("--tenant is required");
  if (!GUID.test(tenant)) throw new UsageError(`--tenant ${JSON.stringify(tenant)} is not a tenant id; allowed: a GUID (Entra admin center > Overview > Tenant ID)`);
  const stack = values["--stack"] ?? "prod";
  if (!STACK.test(stack)) throw new UsageError(`--stack ${JSON.stringify(stack)} is not a stack name; allowed: letters, digits, _ . - (at most 100)`);
  return {
    tenant: tenant.toLowerCase(),
    stack,
    out: path.resolve(values["--out"] ?? `Pulumi.${stack}.yaml`),
    ...(values["--graph"] ? { graph: origin("--graph", values["--graph"]) } : {}),
    ...(values["--authority-host"] ? { authorityHost: origin("--authority-host", values["--authority-host"]) } : {}),
    force,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`export: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  const projectDir = path.dirname(args.out);
  const brandingDir = `branding/${args.stack}`;

  const client = graphClient({
    tenantId: args.tenant,
    graphEndpoint: args.graph ?? PUBLIC_CLOUD.graphEndpoint,
    authorityHost: args.authorityHost ?? PUBLIC_CLOUD.authorityHost,
    apiVersion: "beta",
  });
  process.stderr.write(`export: tenant ${args.tenant} on ${client.connection.graphEndpoint}\n`);
  let result: ReturnType<typeof stackExport>;
  try {
    const snapshot = await readTenant(client, (m) => process.stderr.write(`  ${m}…\n`));
    result = stackExport(snapshot, { stack: args.stack, brandingDir, ...(args.graph ? { graph: args.graph } : {}), ...(args.authorityHost ? { authorityHost: args.authorityHost } : {}) });
  } catch (e) {
    process.stderr.write(`export failed, nothing written: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }

  const targets = [args.out, ...result.files.map((f) => path.join(projectDir, f.path))];
  const existing = targets.filter((t) => fs.existsSync(t));
  if (existing.length > 0 && !args.force) {
    process.stderr.write(`export: not overwriting ${existing.map((t) => path.relative(process.cwd(), t) || t).join(", ")}; move ${existing.length === 1 ? "it" : "them"} away or pass --force. Nothing written.\n`);
    return 1;
  }

  // Stage the branding files, check the config as the program will, then move everything into place.
  const staging = fs.mkdtempSync(path.join(projectDir, ".export-"));
  try {
    for (const f of result.files) {
      fs.mkdirSync(path.dirname(path.join(staging, f.path)), { recursive: true });
      fs.writeFileSync(path.join(staging, f.path), f.bytes);
    }
    try {
      parseStackConfig(result.config, { projectDir: staging, stack: args.stack });
    } catch (e) {
      process.stderr.write(`export failed, nothing written: the tenant holds values this project's config refuses:\n${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    for (const f of result.files) {
      const to = path.join(projectDir, f.path);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(path.join(staging, f.path), to);
    }
    const tmp = path.join(staging, "stack.yaml");
    fs.writeFileSync(tmp, result.text);
    fs.renameSync(tmp, args.out);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }

  const out = process.stdout;
  out.write(`Wrote ${path.relative(process.cwd(), args.out) || args.out}`);
  out.write(` (${Object.entries(result.counts).map(([k, n]) => `${n} ${k}`).join(", ")})`);
  out.write(result.files.length > 0 ? ` and ${result.files.length} file${result.files.length === 1 ? "" : "s"} under ${brandingDir}/.\n` : ".\n");
  if (result.secretCommands.length > 0) out.write(`\nGraph returns no secrets; set them before pulumi up:\n${result.secretCommands.map((c) => `  ${c}`).join("\n")}\n`);
  if (result.notExported.length > 0) out.write(`\nNot exported (left unmanaged; pulumi up neither changes nor deletes them):\n${result.notExported.map((n) => `  - ${n}`).join("\n")}\n`);
  out.write(`\nNext: pulumi stack init ${args.stack} (once), then pulumi up --stack ${args.stack}: it adopts what was exported and writes nothing.\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`export failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
