/**
 * The ARM transport against the HTTPS emulator with a real @azure/identity credential: the token it asks for (home
 * tenant, ARM scope), retries of 429/503 honouring Retry-After with a deadline, errors naming code, message and
 * request ids, and long-running operations followed through Azure-AsyncOperation and Location.
 *
 * Not proven here: the real ARM service's timings (polls here end after a counted number of answers) and RBAC (the
 * emulator checks no role).
 */
import { startEmulator, type Emulator } from "../emulator";
import { createDirectoryBody, directoryPath } from "../emulator/helpers";
import { armClient, ArmAuthError, ArmRequestError, type ArmConnection } from "../../dynamic-providers/arm";
import { ServiceUnreachableError } from "../../dynamic-providers/core";
import { CIAM_API_VERSION, PROVIDERS_API_VERSION } from "../../dynamic-providers/tenant/preflight";

let emu: Emulator;
let conn: ArmConnection;
const CREDENTIAL_VARIABLES = ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] as const;
const savedEnv = Object.fromEntries(CREDENTIAL_VARIABLES.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  emu = await startEmulator({ armRetryAfterSeconds: 0, armAsyncPolls: 2, armCreateIdentity: "any" });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  Object.assign(process.env, { AZURE_CLIENT_ID: emu.clientId, AZURE_CLIENT_SECRET: emu.clientSecret });
  conn = {
    homeTenantId: emu.homeTenantId,
    subscriptionId: emu.subscriptionId,
    resourceManagerEndpoint: emu.armUrl,
    authorityHost: emu.url,
    retryDeadlineSeconds: 3,
    minRetryDelayMs: 5,
  };
  emu.faults.clear();
  emu.clearLog();
});
afterEach(() => {
  for (const k of CREDENTIAL_VARIABLES) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

const armCalls = () => emu.requests.filter((r) => r.service === "arm");
const providerPath = () => `/subscriptions/${emu.subscriptionId}/providers/Microsoft.AzureActiveDirectory`;

describe("authentication", () => {
  test("GIVEN client credentials WHEN reading the provider registration THEN a home-tenant token for the ARM scope is used and ARM answers", async () => {
    const provider = await armClient(conn).get<{ registrationState: string }>(providerPath(), PROVIDERS_API_VERSION);
    expect(provider.registrationState).toBe("Registered");
    const tokenCalls = emu.requests.filter((r) => r.service === "login" && /oauth2\/v2\.0\/token$/.test(r.path));
    expect(tokenCalls.length).toBeGreaterThanOrEqual(1);
    for (const t of tokenCalls) {
      expect(t.path.toLowerCase()).toContain(emu.homeTenantId.toLowerCase());
      expect((t.body as Record<string, string>).scope).toBe(emu.armScope);
    }
    expect(armCalls().map((r) => [r.method, r.path, r.query["api-version"]])).toEqual([["GET", providerPath(), PROVIDERS_API_VERSION]]);
  });

  test("GIVEN a wrong secret WHEN calling ARM THEN an ArmAuthError names the home tenant and how to sign in, and no ARM call is made", async () => {
    process.env.AZURE_CLIENT_SECRET = "not-the-secret";
    const error = await armClient(conn).get(providerPath(), PROVIDERS_API_VERSION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArmAuthError);
    expect((error as Error).message).toContain(`tenant ${emu.homeTenantId}`);
    expect((error as Error).message).toContain(`az login --tenant ${emu.homeTenantId}`);
    expect(armCalls()).toEqual([]);
  });
});

describe("retries and errors", () => {
  test("GIVEN two 429s with Retry-After 0 WHEN reading THEN the third attempt succeeds", async () => {
    emu.faults.inject({ service: "arm", status: 429, retryAfterSeconds: 0, times: 2 });
    const provider = await armClient(conn).get<{ registrationState: string }>(providerPath(), PROVIDERS_API_VERSION);
    expect(provider.registrationState).toBe("Registered");
    expect(armCalls().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  test("GIVEN 503s beyond the deadline WHEN reading THEN the error names the status, ARM's code, the request id and the attempts", async () => {
    emu.faults.inject({ service: "arm", status: 503, retryAfterSeconds: 1, times: 100 });
    const error = (await armClient({ ...conn, retryDeadlineSeconds: 2 }).get(providerPath(), PROVIDERS_API_VERSION).catch((e: unknown) => e)) as ArmRequestError;
    expect(error).toBeInstanceOf(ArmRequestError);
    expect(error.status).toBe(503);
    expect(error.code).toBe("ServiceUnavailable");
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toMatch(/^ARM GET \/subscriptions\/.+ failed: 503 ServiceUnavailable: .+x-ms-request-id [0-9a-f-]{36}; correlation id .+; \d attempts; gave up/);
    expect(armCalls().length).toBe(error.attempts);
    expect(error.attempts).toBeGreaterThanOrEqual(2);
  });

  test("GIVEN a resource group that does not exist WHEN reading a directory in it THEN 404 is not retried and getOrUndefined answers undefined", async () => {
    const path = directoryPath(emu, "contosoother", "rg-missing");
    expect(await armClient(conn).getOrUndefined(path, CIAM_API_VERSION)).toBeUndefined();
    const error = (await armClient(conn).get(path, CIAM_API_VERSION).catch((e: unknown) => e)) as ArmRequestError;
    expect([error.status, error.code]).toEqual([404, "ResourceGroupNotFound"]);
    expect(armCalls().length).toBe(2);
  });
});

describe("no answer (connection closed without an answer)", () => {
  test("GIVEN a read whose connection is closed WHEN reading THEN it is sent again and succeeds", async () => {
    emu.faults.inject({ service: "arm", method: "GET", status: "reset", times: 1 });
    const provider = await armClient(conn).get<{ registrationState: string }>(providerPath(), PROVIDERS_API_VERSION);
    expect(provider.registrationState).toBe("Registered");
    expect(armCalls().map((r) => [r.reset === true, r.status])).toEqual([[true, 0], [false, 200]]);
  });

  test("GIVEN checkNameAvailability (a read sent as POST) whose connection is closed WHEN asked THEN it is asked again", async () => {
    emu.faults.inject({ service: "arm", method: "POST", path: /checkNameAvailability$/, status: "reset", times: 1 });
    const answer = await armClient(conn).post<{ nameAvailable: boolean }>(`${providerPath()}/checkNameAvailability`, CIAM_API_VERSION, { name: "contosofree", countryCode: "US" });
    expect(answer.nameAvailable).toBe(true);
    expect(armCalls().map((r) => r.status)).toEqual([0, 200]);
  });

  test("GIVEN a provider registration (a POST that changes something) whose answer is lost WHEN sent THEN it is not sent again and the error says so", async () => {
    emu.faults.inject({ service: "arm", method: "POST", path: /\/register$/, status: "reset", applied: true, times: 1 });
    const error = (await armClient(conn).post(`${providerPath()}/register`, PROVIDERS_API_VERSION, undefined).catch((e: unknown) => e)) as ServiceUnreachableError;
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect(error.message).toMatch(/^ARM POST \/subscriptions\/[^ ]+\/register got no answer from https:\/\/[^:]+:\d+: UND_ERR_SOCKET: other side closed\. .*not known whether the request took effect/);
    expect(armCalls()).toHaveLength(1);
  });
});

describe("long-running operations", () => {
  test("GIVEN a create WHEN followed THEN the client polls Azure-AsyncOperation until Succeeded, and the directory exists", async () => {
    const client = armClient(conn);
    const started = await client.send("PUT", directoryPath(emu, "contosolro"), CIAM_API_VERSION, createDirectoryBody());
    expect(started.status).toBe(201);
    const seen: string[] = [];
    await client.waitForOperation(started, 10, (s) => seen.push(s));
    expect(seen[seen.length - 1]).toBe("Succeeded");
    expect(emu.arm.getDirectory("contosolro")).toMatchObject({ properties: { provisioningState: "Succeeded" } });
    const polls = armCalls().filter((r) => /operationStatuses/.test(r.path));
    expect(polls.length).toBe(2);
  });

  test("GIVEN a create of a taken name WHEN followed THEN the failed operation's code and message end the wait", async () => {
    emu.arm.markNameTaken("contosotaken");
    const client = armClient(conn);
    const started = await client.send("PUT", directoryPath(emu, "contosotaken"), CIAM_API_VERSION, createDirectoryBody());
    const error = (await client.waitForOperation(started, 10).catch((e: unknown) => e)) as ArmRequestError;
    expect(error).toBeInstanceOf(ArmRequestError);
    expect(error.code).toBe("AlreadyExists");
    expect(error.message).toContain("already exists");
  });

  test("GIVEN a delete answered with Location only WHEN followed THEN 202s are polled until the final answer", async () => {
    const client = armClient(conn);
    await client.waitForOperation(await client.send("PUT", directoryPath(emu, "contosoloc"), CIAM_API_VERSION, createDirectoryBody()), 10);
    const started = await client.send("DELETE", directoryPath(emu, "contosoloc"), CIAM_API_VERSION);
    expect(started.status).toBe(202);
    const locationOnly = { ...started, headers: new Headers({ location: started.headers.get("location")!, "retry-after": "0" }) };
    await client.waitForOperation(locationOnly, 10);
    expect(emu.arm.getDirectory("contosoloc")).toBeUndefined();
    expect(armCalls().filter((r) => /operationResults/.test(r.path)).map((r) => r.status)).toEqual([202, 204]);
  });

  test("GIVEN an operation that outlives its deadline WHEN followed THEN it fails naming the deadline", async () => {
    emu.options.armAsyncPolls = 1000;
    try {
      const client = armClient(conn);
      const started = await client.send("PUT", directoryPath(emu, "contososlow"), CIAM_API_VERSION, createDirectoryBody());
      const error = (await client.waitForOperation(started, 1).catch((e: unknown) => e)) as ArmRequestError;
      expect(error.code).toBe("OperationTimeout");
      expect(error.message).toContain("had not finished after 1s");
    } finally {
      emu.options.armAsyncPolls = 2;
      emu.arm.completeOperations();
    }
  });

  test("GIVEN an operation URL on another origin WHEN followed THEN no token is sent there", async () => {
    const started = { status: 202, body: undefined, headers: new Headers({ "azure-asyncoperation": "https://attacker.example/op/1", "retry-after": "0" }) };
    await expect(armClient(conn).waitForOperation(started, 5)).rejects.toThrow(/not on the configured endpoint/);
  });
});
