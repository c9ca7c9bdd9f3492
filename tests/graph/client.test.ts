/**
 * The Graph transport against the HTTPS emulator with a real @azure/identity credential and the stock Graph SDK:
 * authentication, retries and their deadlines, replication-lag retries, paging and error reporting.
 * Not proven here: the behaviour of the real Graph service (see the emulator's switches for what is inferred).
 */
import { startEmulator, type Emulator } from "../emulator";
import { nextWait, ServiceUnreachableError, parseRetryAfter, backoff } from "../../dynamic-providers/core";
import { callerIdentity, graphClient, GraphAuthError, GraphRequestError, identityOfToken, type GraphConnection } from "../../dynamic-providers/graph";

let emu: Emulator;
let conn: GraphConnection;
const CREDENTIAL_VARIABLES = ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] as const;
const savedEnv = Object.fromEntries(CREDENTIAL_VARIABLES.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  Object.assign(process.env, { AZURE_CLIENT_ID: emu.clientId, AZURE_CLIENT_SECRET: emu.clientSecret });
  conn = {
    tenantId: emu.tenantId,
    graphEndpoint: emu.url,
    authorityHost: emu.url,
    apiVersion: "beta",
    minRetryDelayMs: 5,
    retryDeadlineSeconds: 3,
    replicationWaitSeconds: 3,
  };
  emu.faults.clear();
  emu.options.replicationLag = undefined;
  emu.clearLog();
});
afterEach(() => {
  // Restore the keys this file sets; replacing process.env itself would swap Node's env object for a plain one.
  for (const k of CREDENTIAL_VARIABLES) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

const graphCalls = () => emu.requests.filter((r) => r.version !== null);

describe("authentication", () => {
  test("GIVEN client credentials of the tenant WHEN reading the organization THEN a bearer token is sent and the tenant answers", async () => {
    const org = await graphClient(conn).get<{ value: { id: string; tenantType: string }[] }>("/organization");
    expect(org.value[0]).toMatchObject({ id: emu.tenantId, tenantType: "CIAM" });
    const [call] = graphCalls();
    expect(call.headers.authorization).toBe("<redacted>");
    expect(call.headers["client-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("GIVEN the secret in the environment changed to a wrong one WHEN calling Graph THEN no cached token is reused, the error names the tenant and how to sign in, and no Graph call is made", async () => {
    await graphClient(conn).get("/organization"); // a token for the right secret is cached by now
    process.env.AZURE_CLIENT_SECRET = "not-the-secret";
    emu.clearLog();
    const error = await graphClient(conn).get("/organization").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphAuthError);
    expect((error as Error).message).toContain(`tenant ${emu.tenantId}`);
    expect((error as Error).message).toContain("az login --tenant");
    expect(graphCalls()).toHaveLength(0);
  });

  test("GIVEN an authority that cannot be reached WHEN calling Graph THEN the failure is a GraphAuthError naming tenant and authority", async () => {
    const error = await graphClient({ ...conn, authorityHost: "https://localhost:1" }).get("/organization").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphAuthError);
    expect((error as Error).message).toContain(`Could not get a Microsoft Graph token for tenant ${emu.tenantId} from https://localhost:1`);
    expect(graphCalls()).toHaveLength(0);
  });
});

describe("retries", () => {
  test("GIVEN a 429 with Retry-After: 1 WHEN reading THEN the call is repeated once, no sooner than a second later", async () => {
    emu.faults.inject({ method: "GET", path: /^\/organization$/, status: 429, retryAfterSeconds: 1, times: 1 });
    await graphClient(conn).get("/organization");
    const calls = graphCalls();
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
  });

  test("GIVEN a 429 with Retry-After on one call WHEN other calls to the tenant are queued THEN they all hold back until it expires", async () => {
    emu.faults.inject({ method: "GET", path: /^\/organization$/, status: 429, retryAfterSeconds: 1, times: 1 });
    const client = graphClient({ ...conn, maxConcurrentRequests: 1 });
    await Promise.all([client.get("/organization"), client.get("/organization"), client.get("/organization")]);
    const [throttled, ...rest] = graphCalls();
    expect(throttled.status).toBe(429);
    expect(rest.map((c) => c.status)).toEqual([200, 200, 200]);
    for (const call of rest) expect(call.at - throttled.at).toBeGreaterThanOrEqual(1000);
  });

  test("GIVEN 503 then 504 without Retry-After WHEN creating THEN it backs off, retries and creates exactly one object", async () => {
    emu.faults.inject({ method: "POST", path: /userFlowAttributes$/, status: 503, times: 1 });
    emu.faults.inject({ method: "POST", path: /userFlowAttributes$/, status: 504, times: 1 });
    const created = await graphClient(conn).post<{ id: string }>("/identity/userFlowAttributes", {
      displayName: "RetryOnce",
      description: "d",
      dataType: "string",
    });
    expect(graphCalls().map((c) => c.status)).toEqual([503, 504, 201]);
    const all = await graphClient(conn).list<{ id: string; displayName: string }>("/identity/userFlowAttributes");
    expect(all.filter((a) => a.displayName === "RetryOnce").map((a) => a.id)).toEqual([created.id]);
  });

  test("GIVEN throttling that outlasts the deadline WHEN reading THEN the error keeps status, Graph code, message, request-id and says it gave up", async () => {
    emu.faults.inject({ method: "GET", path: /^\/organization$/, status: 429, retryAfterSeconds: 1, times: 100 });
    const error = (await graphClient({ ...conn, retryDeadlineSeconds: 2 }).get("/organization").catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.status).toBe(429);
    expect(error.code).toBe("TooManyRequests");
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.attempts).toBeGreaterThanOrEqual(2);
    expect(error.message).toContain("GET /organization failed: 429 TooManyRequests");
    expect(error.message).toContain(`request-id ${error.requestId}`);
    expect(error.message).toContain("2s retry deadline");
    expect(graphCalls().length).toBe(error.attempts);
  });

  test("GIVEN a 400 WHEN writing THEN it is not retried", async () => {
    const error = (await graphClient(conn)
      .post("/identity/userFlowAttributes", { displayName: "Bad", dataType: "notAType" })
      .catch((e: unknown) => e)) as GraphRequestError;
    expect(error.status).toBe(400);
    expect(graphCalls()).toHaveLength(1);
  });
});

describe("no answer (connection reset or refused)", () => {
  test("GIVEN a connection closed without an answer WHEN reading THEN the read is sent again and succeeds", async () => {
    emu.faults.inject({ method: "GET", path: /^\/organization$/, status: "reset", times: 1 });
    const org = await graphClient(conn).get<{ value: { id: string }[] }>("/organization");
    expect(org.value.map((o) => o.id)).toEqual([emu.tenantId]);
    expect(graphCalls().map((c) => [c.reset === true, c.status])).toEqual([[true, 0], [false, 200]]);
  });

  test("GIVEN the answer to a PATCH is lost after it took effect WHEN updating THEN it is sent again (a PATCH of absolute values is harmless twice)", async () => {
    const created = await graphClient(conn).post<{ id: string }>("/identity/userFlowAttributes", { displayName: "PatchTwice", description: "old", dataType: "string" });
    emu.clearLog();
    emu.faults.inject({ method: "PATCH", status: "reset", applied: true, times: 1 });
    await graphClient(conn).patch(`/identity/userFlowAttributes/${created.id}`, { description: "new" });
    expect(graphCalls().map((c) => [c.method, c.reset === true, c.applied === true])).toEqual([["PATCH", true, true], ["PATCH", false, false]]);
    expect((await graphClient(conn).get<{ description: string }>(`/identity/userFlowAttributes/${created.id}`)).description).toBe("new");
  });

  test("GIVEN a POST whose connection is closed without an answer WHEN creating THEN it is not sent again and the error names the call, the cause and what to do", async () => {
    emu.faults.inject({ method: "POST", path: /userFlowAttributes$/, status: "reset", times: 1 });
    const error = (await graphClient(conn)
      .post("/identity/userFlowAttributes", { displayName: "NotTwice", description: "d", dataType: "string" })
      .catch((e: unknown) => e)) as ServiceUnreachableError;
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect(error.message).toMatch(new RegExp(`^Graph POST /identity/userFlowAttributes got no answer from ${emu.url}: UND_ERR_SOCKET: other side closed\\. `));
    expect(error.message).toContain("not known whether the request took effect; run pulumi up again");
    expect(graphCalls()).toHaveLength(1);
  });

  test("GIVEN connections that keep breaking WHEN reading THEN it gives up at the retry deadline, naming the attempts and the deadline", async () => {
    emu.faults.inject({ method: "GET", path: /^\/organization$/, status: "reset", times: 10_000 });
    const error = (await graphClient({ ...conn, retryDeadlineSeconds: 1 }).get("/organization").catch((e: unknown) => e)) as ServiceUnreachableError;
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect(error.attempts).toBeGreaterThanOrEqual(2);
    expect(error.message).toContain(`(${error.attempts} attempts)`);
    expect(error.message).toContain("1s retry deadline (ciam-tenant:graph.retryDeadlineSeconds)");
    expect(graphCalls()).toHaveLength(error.attempts);
  });

  test("GIVEN a Graph endpoint where nothing listens WHEN reading THEN it fails at once naming the refused connection and ciam-tenant:endpoints.graph", async () => {
    // A second tenant that answers once (so the credential holds a token for it), then stops listening.
    const gone = await startEmulator();
    Object.assign(process.env, { AZURE_CLIENT_ID: gone.clientId, AZURE_CLIENT_SECRET: gone.clientSecret });
    const goneConn = { ...conn, tenantId: gone.tenantId, graphEndpoint: gone.url, authorityHost: gone.url };
    await graphClient(goneConn).get("/organization");
    await gone.stop();
    const error = (await graphClient(goneConn).get("/organization").catch((e: unknown) => e)) as ServiceUnreachableError;
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect(error.networkCode).toBe("ECONNREFUSED");
    expect(error.attempts).toBe(1);
    expect(error.message).toMatch(new RegExp(`^Graph GET /organization got no answer from ${gone.url}: ECONNREFUSED: .*Check ciam-tenant:endpoints\\.graph \\(${gone.url}\\)`));
  });
});

describe("replication lag", () => {
  test("GIVEN an object created moments ago WHEN read with replicationLag THEN 404s are retried until it appears", async () => {
    const client = graphClient(conn);
    const created = await client.post<{ id: string }>("/identity/userFlowAttributes", { displayName: "Lagging", description: "d", dataType: "string" });
    emu.options.replicationLag = { requests: 2 };
    const created2 = await client.post<{ id: string }>("/identity/userFlowAttributes", { displayName: "Lagging2", description: "d", dataType: "string" });
    emu.clearLog();
    const read = await client.get<{ id: string }>(`/identity/userFlowAttributes/${created2.id}`, { replicationLag: true });
    expect(read.id).toBe(created2.id);
    expect(graphCalls().map((c) => c.status)).toEqual([404, 404, 200]);
    expect(created.id).not.toBe(created2.id);
  });

  test("GIVEN a 404 WHEN the caller did not just create the object THEN it is not retried", async () => {
    const client = graphClient(conn);
    expect(await client.getOrUndefined("/identity/userFlowAttributes/extension_missing_Nope")).toBeUndefined();
    expect(graphCalls().map((c) => c.status)).toEqual([404]);
    expect(await client.delete("/identity/userFlowAttributes/extension_missing_Nope")).toBe("absent");
  });
});

describe("paging", () => {
  test("GIVEN a collection larger than a page WHEN listed THEN every item is returned by following nextLink", async () => {
    const client = graphClient(conn);
    for (const n of ["PageA", "PageB", "PageC"]) await client.post("/identity/userFlowAttributes", { displayName: n, description: n, dataType: "string" });
    const expected = (await client.list<{ id: string }>("/identity/userFlowAttributes")).map((a) => a.id);
    emu.options.pageSize = 2;
    emu.clearLog();
    const paged = (await client.list<{ id: string }>("/identity/userFlowAttributes")).map((a) => a.id);
    emu.options.pageSize = 100;
    expect(paged).toEqual(expected);
    expect(graphCalls().length).toBe(Math.ceil(expected.length / 2));
  });
});

describe("pure helpers", () => {
  test("GIVEN Retry-After in seconds or as a date WHEN parsed THEN milliseconds come back", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect(parseRetryAfter(inFive)).toBeGreaterThan(3000);
  });

  test("GIVEN growing attempts WHEN backing off THEN the delay grows, stays within bounds and never goes below the minimum", () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const d = backoff(100, attempt);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(60_000);
    }
    expect(backoff(1000, 30)).toBeGreaterThanOrEqual(30_000);
  });

  test("GIVEN Retry-After: 0 WHEN the next wait is computed THEN it is the smallest back-off, not a spin; a longer Retry-After is honoured", () => {
    const far = Date.now() + 60_000;
    expect(nextWait(0, 1000, 1, far)).toBe(1000);
    expect(nextWait(5000, 1000, 1, far)).toBe(5000);
    expect(nextWait(5000, 1000, 1, Date.now() + 1000)).toBeUndefined(); // past the deadline: give up
  });
});

describe("who runs the stack", () => {
  test("GIVEN the app's credential WHEN asked for the caller THEN the tenant token names the app", async () => {
    expect(await callerIdentity(conn)).toEqual({ kind: "app", appId: emu.clientId.toLowerCase() });
    expect(emu.writes()).toEqual([]);
  });

  test("GIVEN a delegated token of the admin WHEN read THEN it names that user; an unreadable token is unknown, not an error", () => {
    expect(identityOfToken(emu.accessToken({ user: true }))).toEqual({ kind: "user", objectId: emu.store.adminUserId.toLowerCase() });
    expect(identityOfToken("opaque-token")).toEqual({ kind: "unknown" });
    expect(identityOfToken("a.bm90IGpzb24.c")).toEqual({ kind: "unknown" });
  });
});
