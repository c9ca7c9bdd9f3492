/**
 * credentials.ts turns the one identity selection into the @azure/identity credential of that kind, always for the
 * connection's tenant (never the environment's), and fetches GitHub's OIDC token with the token-exchange audience.
 * A local HTTP server stands in for GitHub's token request endpoint.
 *
 * Does not prove: that Entra exchanges these assertions (the emulator's token endpoint accepts client secrets
 * only), nor Azure Pipelines' OIDC endpoint (AzurePipelinesCredential is the SDK's own).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as identity from "@azure/identity";
import { credentialFor, gitHubActionsAssertion } from "../../dynamic-providers/core";

const STACK_TENANT = "11111111-2222-4333-8444-555555555555";
const ENV_TENANT = "99999999-2222-4333-8444-555555555555";
const APP = "0a0b0c0d-1111-4222-8333-444455556666";
const VARIABLES = [
  "AZURE_CLIENT_ID", "ARM_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "ARM_OIDC_TOKEN",
  "AZURE_FEDERATED_TOKEN_FILE", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID",
  "SYSTEM_ACCESSTOKEN", "SYSTEM_OIDCREQUESTURI",
];
const saved = Object.fromEntries(VARIABLES.map((k) => [k, process.env[k]]));

function setEnv(values: Record<string, string>): void {
  for (const k of VARIABLES) delete process.env[k];
  Object.assign(process.env, values);
}
afterEach(() => {
  for (const k of VARIABLES) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const target = { tenantId: STACK_TENANT, authorityHost: "https://login.microsoftonline.com" };

/** Values of every `tenantId` field inside a credential object (SDK internals, read for this assertion only). */
function tenantFields(root: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (o: unknown, depth: number): void => {
    if (o === null || typeof o !== "object" || seen.has(o) || depth > 5) return;
    seen.add(o);
    for (const [k, v] of Object.entries(o)) {
      if (k === "tenantId" && typeof v === "string") out.push(v);
      else walk(v, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

describe("credentialFor", () => {
  test.each([
    ["a person (nothing set)", {}, identity.AzureCliCredential],
    ["a client secret", { AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "s" }, identity.ClientSecretCredential],
    ["a literal OIDC token", { ARM_CLIENT_ID: APP, ARM_OIDC_TOKEN: "jwt" }, identity.ClientAssertionCredential],
    ["a federated token file", { AZURE_CLIENT_ID: APP, AZURE_FEDERATED_TOKEN_FILE: "/var/run/token" }, identity.WorkloadIdentityCredential],
    ["GitHub Actions OIDC", { AZURE_CLIENT_ID: APP, ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/t?x=1", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "r" }, identity.ClientAssertionCredential],
    [
      "an Azure Pipelines service connection",
      { ARM_CLIENT_ID: APP, ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID: "sc-id", SYSTEM_ACCESSTOKEN: "a", SYSTEM_OIDCREQUESTURI: "https://dev.azure.com/o/_apis/oidc" },
      identity.AzurePipelinesCredential,
    ],
  ])("GIVEN %s and AZURE_TENANT_ID of another tenant WHEN a credential is built THEN it is of the selected kind, for the stack's tenant", (_what, env, kind) => {
    setEnv({ ...env, AZURE_TENANT_ID: ENV_TENANT });
    const credential = credentialFor(target);
    expect(credential).toBeInstanceOf(kind);
    // Each keeps the tenant it was built for (in SDK-internal fields): the stack's, never the environment's.
    const tenants = tenantFields(credential);
    expect(tenants.length).toBeGreaterThan(0);
    expect(new Set(tenants)).toEqual(new Set([STACK_TENANT]));
  });

  test("GIVEN the same environment WHEN asked twice THEN the cached credential is reused, and a changed secret gets a new one", () => {
    setEnv({ AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "one" });
    const first = credentialFor(target);
    expect(credentialFor(target)).toBe(first);
    process.env.AZURE_CLIENT_SECRET = "two";
    expect(credentialFor(target)).not.toBe(first);
  });
});

describe("gitHubActionsAssertion", () => {
  let server: Server;
  let url = "";
  let seen: { authorization?: string; audience?: string | null; apiVersion?: string | null } = {};
  let answer: { status: number; body: string } = { status: 200, body: JSON.stringify({ value: "github-oidc-jwt" }) };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? "/", "http://127.0.0.1");
      seen = { authorization: req.headers.authorization, audience: u.searchParams.get("audience"), apiVersion: u.searchParams.get("api-version") };
      res.writeHead(answer.status, { "Content-Type": "application/json" });
      res.end(answer.body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_apis/distributedtask/hubs/build/plans/p/jobs/j/idtoken?api-version=2.0`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test("GIVEN GitHub's request URL and token WHEN an assertion is needed THEN it asks with the request token as bearer and the token-exchange audience, keeping the URL's own query", async () => {
    setEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token" });
    answer = { status: 200, body: JSON.stringify({ value: "github-oidc-jwt" }) };
    await expect(gitHubActionsAssertion()).resolves.toBe("github-oidc-jwt");
    expect(seen).toEqual({ authorization: "Bearer request-token", audience: "api://AzureADTokenExchange", apiVersion: "2.0" });
  });

  test("GIVEN GitHub refuses (no id-token: write) WHEN an assertion is needed THEN the error says which workflow permission to add", async () => {
    setEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token" });
    answer = { status: 403, body: JSON.stringify({ message: "forbidden" }) };
    await expect(gitHubActionsAssertion()).rejects.toThrow('GitHub Actions did not issue an OIDC token (HTTP 403): give the job "permissions: id-token: write"');
  });
});
