/**
 * Smoke check of a deployed stack, from its outputs: the pipelines run it between `pulumi up` and `pulumi destroy`.
 *
 *   pulumi stack output --json --stack <stack> > outputs.json
 *   npx ts-node --transpile-only pipelines/smoke-check.ts --outputs outputs.json --stack-file Pulumi.<stack>.yaml [--live]
 *
 * Checks that the outputs describe the tenant and the apps/flows the stack file configures: the tenant id (when
 * the stack names an existing tenant), domain and authority of its subdomain; per configured app a GUID client id
 * and an MSAL config that points at that authority with a registered redirect URI; per configured flow an id.
 * `--live` also asks the tenant's public OpenID metadata (no credential) and checks its issuer names the tenant.
 * Every problem is listed, then the exit code is 1.
 *
 * Reading objects back through Graph is `pulumi refresh --expect-no-changes`, which the pipelines run as well.
 */
import * as fs from "node:fs";
import { parse } from "yaml";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NS = "ciam-tenant";

/** What the stack file says the outputs must contain. */
export interface Expectations {
  /** Set when the stack names an existing tenant; a created tenant's id is only known from the outputs. */
  readonly tenantId?: string;
  readonly subdomain: string;
  /** Keys of the apps the stack registers (an `existing` app exports a client id but no redirect URIs). */
  readonly registeredApps: readonly string[];
  readonly existingApps: readonly string[];
  readonly userFlows: readonly string[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

/** The expectations of a `Pulumi.<stack>.yaml` text. @throws Error when the file has no tenant subdomain */
export function expectationsFromStackFile(text: string): Expectations {
  const config = (parse(text) as { config?: Rec } | null)?.config ?? {};
  const tenant = config[`${NS}:tenant`];
  const t = isRec(tenant) ? (isRec(tenant.existing) ? tenant.existing : isRec(tenant.create) ? tenant.create : undefined) : undefined;
  if (!t || typeof t.subdomain !== "string") throw new Error(`the stack file sets no ${NS}:tenant.existing.subdomain or ${NS}:tenant.create.subdomain`);
  const list = (key: string): Rec[] => {
    const v = config[`${NS}:${key}`];
    return Array.isArray(v) ? v.filter(isRec) : [];
  };
  const apps = list("apps");
  return {
    ...(isRec(tenant) && isRec(tenant.existing) && typeof t.tenantId === "string" ? { tenantId: t.tenantId } : {}),
    subdomain: t.subdomain,
    registeredApps: apps.filter((a) => !("existing" in a)).map((a) => String(a.key)),
    existingApps: apps.filter((a) => "existing" in a).map((a) => String(a.key)),
    userFlows: list("userFlows").map((f) => String(f.key)),
  };
}

/** Every way `outputs` (of `pulumi stack output --json`) fails `expected`; empty when the stack looks deployed. */
export function outputProblems(outputs: unknown, expected: Expectations): string[] {
  const problems: string[] = [];
  if (!isRec(outputs)) return ["outputs: not a JSON object (expected the output of `pulumi stack output --json`)"];
  const sub = expected.subdomain.toLowerCase();
  const authority = `https://${sub}.ciamlogin.com/`;
  const tenantId = outputs.tenantId;
  if (typeof tenantId !== "string" || !GUID.test(tenantId)) problems.push(`tenantId: ${JSON.stringify(tenantId)} is not a GUID`);
  else if (expected.tenantId && tenantId.toLowerCase() !== expected.tenantId.toLowerCase()) {
    problems.push(`tenantId: "${tenantId}" is not the configured tenant "${expected.tenantId}"`);
  }
  if (outputs.domainName !== `${sub}.onmicrosoft.com`) problems.push(`domainName: ${JSON.stringify(outputs.domainName)} is not "${sub}.onmicrosoft.com"`);
  if (outputs.authority !== authority) problems.push(`authority: ${JSON.stringify(outputs.authority)} is not "${authority}"`);

  const apps = isRec(outputs.apps) ? outputs.apps : {};
  if (!isRec(outputs.apps)) problems.push("apps: missing");
  for (const key of [...expected.registeredApps, ...expected.existingApps]) {
    const app = apps[key];
    if (!isRec(app)) {
      problems.push(`apps.${key}: missing`);
      continue;
    }
    if (typeof app.clientId !== "string" || !GUID.test(app.clientId)) problems.push(`apps.${key}.clientId: ${JSON.stringify(app.clientId)} is not a GUID`);
    const auth = isRec(app.msalConfig) && isRec(app.msalConfig.auth) ? app.msalConfig.auth : undefined;
    if (!auth) {
      problems.push(`apps.${key}.msalConfig.auth: missing`);
      continue;
    }
    if (auth.clientId !== app.clientId) problems.push(`apps.${key}.msalConfig.auth.clientId: ${JSON.stringify(auth.clientId)} is not the app's clientId`);
    if (auth.authority !== authority) problems.push(`apps.${key}.msalConfig.auth.authority: ${JSON.stringify(auth.authority)} is not "${authority}"`);
    if (expected.registeredApps.includes(key)) {
      const uris = Array.isArray(app.redirectUris) ? app.redirectUris : [];
      if (uris.length === 0) problems.push(`apps.${key}.redirectUris: none registered`);
      if (typeof auth.redirectUri !== "string" || !uris.includes(auth.redirectUri)) {
        problems.push(`apps.${key}.msalConfig.auth.redirectUri: ${JSON.stringify(auth.redirectUri)} is not one of the registered redirect URIs`);
      }
    }
  }
  const flows = isRec(outputs.userFlowIds) ? outputs.userFlowIds : {};
  for (const key of expected.userFlows) {
    const id = flows[key];
    if (typeof id !== "string" || id.trim() === "") problems.push(`userFlowIds.${key}: ${JSON.stringify(id)} is not a user flow id`);
  }
  return problems;
}

/**
 * The tenant's OpenID metadata as apps see it: `https://<subdomain>.ciamlogin.com/<tenantId>/v2.0/.well-known/openid-configuration`.
 * Its `issuer` is `https://<tenantId>.ciamlogin.com/<tenantId>/v2.0`.
 * @see https://learn.microsoft.com/en-us/entra/external-id/customers/reference-ciam-openid-connect (issuer format) [inferred]
 */
export async function liveProblems(tenantId: string, subdomain: string, fetchImpl: typeof fetch = fetch): Promise<string[]> {
  const url = `https://${subdomain.toLowerCase()}.ciamlogin.com/${tenantId}/v2.0/.well-known/openid-configuration`;
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) return [`${url}: HTTP ${res.status} (the tenant does not answer as a CIAM tenant)`];
    const body = (await res.json()) as { issuer?: unknown };
    if (typeof body.issuer !== "string" || !body.issuer.toLowerCase().includes(tenantId.toLowerCase())) {
      return [`${url}: issuer ${JSON.stringify(body.issuer)} does not name tenant ${tenantId}`];
    }
    return [];
  } catch (err) {
    return [`${url}: ${(err as Error).message}`];
  }
}

function argument(args: readonly string[], name: string): string {
  const i = args.indexOf(name);
  const value = i >= 0 ? args[i + 1] : undefined;
  if (value === undefined || value.startsWith("--")) throw new Error(`missing ${name} <file>`);
  return value;
}

/** CLI: returns the exit code after printing every problem (or one line saying what was checked). */
export async function main(args: readonly string[], fetchImpl: typeof fetch = fetch): Promise<number> {
  const expected = expectationsFromStackFile(fs.readFileSync(argument(args, "--stack-file"), "utf8"));
  const outputs: unknown = JSON.parse(fs.readFileSync(argument(args, "--outputs"), "utf8"));
  const problems = outputProblems(outputs, expected);
  if (problems.length === 0 && args.includes("--live")) {
    problems.push(...(await liveProblems((outputs as { tenantId: string }).tenantId, expected.subdomain, fetchImpl)));
  }
  if (problems.length > 0) {
    console.error(`Smoke check failed (${problems.length}):\n  ${problems.join("\n  ")}`);
    return 1;
  }
  const what = [`tenant ${(outputs as { tenantId: string }).tenantId}`, `${expected.registeredApps.length + expected.existingApps.length} app(s)`, `${expected.userFlows.length} user flow(s)`];
  console.log(`Smoke check passed: ${what.join(", ")}${args.includes("--live") ? ", OpenID metadata answers" : ""}.`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`Smoke check failed: ${err.message}`);
      process.exit(1);
    },
  );
}
