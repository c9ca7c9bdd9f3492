/**
 * The app-to-user-flow link provider, method by method, against the HTTPS Graph emulator. The [unknown] answers for
 * "app without service principal" and "app linked to another flow" are run both ways. Not proven here: how the real
 * Graph service answers (the emulator follows the reference sheet), nor the engine's use of the results.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  userFlowAppLinkProvider as provider,
  validateUserFlowAppLink,
  type UserFlowAppLinkInputs,
  type UserFlowAppLinkOutputs,
} from "../../dynamic-providers/user-flows/app-link";
import { createFlowBody } from "../../dynamic-providers/user-flows/user-flow";
import { GraphRequestError, type GraphConnection } from "../../dynamic-providers/graph";
import { FLOWS, rejectionOf, UNKNOWN, useEmulator, type Fixture } from "./flows-fixtures";
import type { JsonObject } from "../emulator";

const CONN = {
  tenantId: "0b5c5a5e-1111-4222-8333-944445555666",
  graphEndpoint: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  apiVersion: "beta" as const,
};
const FLOW_ID = "5f3f7c1e-2a7b-4c86-9f5e-0a7d2c1b9e10";
const APP_ID = "7d0c8a4e-3b2f-4e1a-9c6d-1f2e3d4c5b6a";

describe("check (pure)", () => {
  const valid: UserFlowAppLinkInputs = { connection: CONN, userFlowId: FLOW_ID, appId: APP_ID };

  test("GIVEN valid inputs WHEN checked THEN there is no failure", async () => {
    await expect(provider.check!(valid, valid)).resolves.toEqual({ inputs: valid, failures: [] });
  });

  test("GIVEN a flow id and app id still unknown (preview) WHEN checked THEN they are skipped", () => {
    expect(validateUserFlowAppLink({ ...valid, userFlowId: UNKNOWN, appId: UNKNOWN })).toEqual([]);
  });

  test("GIVEN an app name instead of a client id WHEN checked THEN the failure says a client id is required", () => {
    expect(validateUserFlowAppLink({ ...valid, appId: "ciam-spa-sample" })).toEqual([
      { property: "appId", reason: 'appId: "ciam-spa-sample" is not valid; the application\'s client id (GUID) is required, not its object id or name' },
    ]);
  });

  test("GIVEN a flow name instead of its id WHEN checked THEN the failure names userFlowId", () => {
    expect(validateUserFlowAppLink({ ...valid, userFlowId: "SignUpSignIn" }).map((f) => f.property)).toEqual(["userFlowId"]);
  });
});

describe("diff (pure)", () => {
  const olds: UserFlowAppLinkOutputs & { __provider: string } = {
    connection: CONN,
    userFlowId: FLOW_ID,
    appId: APP_ID,
    stateVersion: 1,
    __provider: "serialized provider text",
  };
  const news = (over: Partial<UserFlowAppLinkInputs> = {}): UserFlowAppLinkInputs => ({ connection: CONN, userFlowId: FLOW_ID, appId: APP_ID, ...over });

  test("GIVEN the same ids in another case WHEN diffed THEN there is no change", async () => {
    await expect(provider.diff!("x", olds, news({ appId: APP_ID.toUpperCase() }))).resolves.toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("GIVEN another flow WHEN diffed THEN the link is replaced, deleting first (an app is on one flow only)", async () => {
    await expect(provider.diff!("x", olds, news({ userFlowId: "11111111-2222-4333-8444-555555555555" }))).resolves.toEqual({
      changes: true,
      replaces: ["userFlowId"],
      deleteBeforeReplace: true,
    });
  });

  test("GIVEN another app, still unknown (preview) WHEN diffed THEN the link is replaced", async () => {
    await expect(provider.diff!("x", olds, news({ appId: UNKNOWN }))).resolves.toEqual({ changes: true, replaces: ["appId"], deleteBeforeReplace: true });
  });

  test("GIVEN only connection tuning WHEN diffed THEN it is an in-place change without replace", async () => {
    await expect(provider.diff!("x", olds, news({ connection: { ...CONN, minRetryDelayMs: 10 } }))).resolves.toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

function addFlow(fx: Fixture, displayName: string): string {
  const body = createFlowBody({
    connection: fx.connection,
    displayName,
    isSignUpAllowed: true,
    identityProviders: ["EmailPassword-OAUTH"],
    attributes: [{ id: "email", required: true }],
  });
  return fx.emu.store.addFlow(body as unknown as JsonObject);
}

function linkedApps(fx: Fixture, flowId: string): string[] {
  const flow = fx.emu.store.getFlow(flowId) as { conditions: { applications: { includeApplications: { appId: string }[] } } };
  return flow.conditions.applications.includeApplications.map((a) => a.appId);
}

async function create(inputs: UserFlowAppLinkInputs): Promise<{ id: string; outs: UserFlowAppLinkOutputs }> {
  const r = await provider.create(inputs);
  if (!r.outs) throw new Error("create returned no outputs");
  return { id: r.id, outs: r.outs };
}

const linksPath = (flowId: string) => `${FLOWS}/${flowId}/conditions/applications/includeApplications`;

describe.each(["400", "409"] as const)("against the emulator (app linked elsewhere answered %s)", (linkConflict) => {
  const fx = useEmulator({ linkConflict });
  let flowId: string;
  let otherFlowId: string;
  let appId: string;
  const inputs = (over: Partial<UserFlowAppLinkInputs> = {}): UserFlowAppLinkInputs => ({ connection: fx().connection, userFlowId: flowId, appId, ...over });
  beforeEach(() => {
    flowId = addFlow(fx(), "SignUpSignIn");
    otherFlowId = addFlow(fx(), "PartnersOnly");
    appId = fx().emu.store.addApplication({ displayName: "ciam-spa-sample" }).appId;
    fx().emu.clearLog();
  });
  afterEach(() => {
    for (const f of fx().emu.store.listFlows()) fx().emu.store.deleteFlow(String(f.id));
  });

  test("GIVEN an app with a service principal WHEN linked THEN one POST sends {appId} and state holds both ids", async () => {
    const { id, outs } = await create(inputs());
    expect(id).toBe(`${flowId}/${appId}`);
    expect(outs).toEqual({ ...inputs(), stateVersion: 1 });
    expect(fx().writeLines()).toEqual([`POST ${linksPath(flowId)}`]);
    expect(fx().emu.writes()[0].body).toEqual({ appId });
    expect(linkedApps(fx(), flowId)).toEqual([appId]);
    expect(fx().emu.store.counts().flowLinks).toBe(1);
  });

  test("GIVEN the app is already linked to this flow WHEN linked THEN it is adopted with no write", async () => {
    fx().emu.store.setFlowApplications(flowId, [appId]);
    const { id } = await create(inputs({ appId: appId.toUpperCase() }));
    expect(id).toBe(`${flowId}/${appId.toUpperCase()}`);
    expect(fx().writeLines()).toEqual([]);
    expect(fx().emu.store.counts().flowLinks).toBe(1);
  });

  test("GIVEN the app is linked to another flow WHEN linked THEN it fails naming that flow and the fix, writing nothing", async () => {
    fx().emu.store.setFlowApplications(otherFlowId, [appId]);
    const error = await rejectionOf(provider.create(inputs()));
    expect(error.message).toBe(
      `application ${appId} is already linked to user flow "PartnersOnly" (${otherFlowId}), and an application can be linked to one user flow only; ` +
        `remove it from that flow's apps in the configuration, or unlink it in the tenant ` +
        `(Entra admin center > External Identities > User flows > PartnersOnly > Applications), then run again`,
    );
    expect(error).toMatchObject({ name: "ProviderError", code: "Conflict" });
    expect(fx().writeLines()).toEqual([]);
    expect(linkedApps(fx(), otherFlowId)).toEqual([appId]);
    expect(linkedApps(fx(), flowId)).toEqual([]);
  });

  test("GIVEN the lookup misses a link made moments ago elsewhere WHEN the POST is refused THEN the error still names the other flow", async () => {
    // Another deployment links the app right after this one's lookup answered "linked nowhere".
    const pending = provider.create(inputs());
    await waitFor(() => fx().graphCalls().some((r) => r.method === "GET" && r.status !== 0));
    fx().emu.store.setFlowApplications(otherFlowId, [appId]);
    const error = await rejectionOf(pending);
    expect(fx().writeLines()).toEqual([`POST ${linksPath(flowId)}`]);
    expect(fx().graphCalls().find((r) => r.method === "POST")?.status).toBe(Number(linkConflict));
    expect(error.message).toContain(`already linked to user flow "PartnersOnly" (${otherFlowId})`);
  });

  test("GIVEN the same link appears between lookup and POST (a retried POST that had landed) WHEN the POST is refused THEN the link is adopted", async () => {
    const pending = provider.create(inputs());
    await waitFor(() => fx().graphCalls().some((r) => r.method === "GET" && r.status !== 0));
    fx().emu.store.setFlowApplications(flowId, [appId]);
    await expect(pending).resolves.toEqual({ id: `${flowId}/${appId}`, outs: { ...inputs(), stateVersion: 1 } });
    expect(fx().graphCalls().map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200", `POST ${linkConflict}`, "GET 200"]);
    expect(fx().emu.store.counts().flowLinks).toBe(1);
  });

  test("GIVEN a link WHEN read THEN state comes back unchanged and nothing is written", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    await expect(provider.read!(id, outs)).resolves.toEqual({ id, props: outs });
    expect(fx().writeLines()).toEqual([]);
  });

  test("GIVEN the app was unlinked in the portal WHEN read THEN the link is reported gone", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.store.setFlowApplications(flowId, []);
    await expect(provider.read!(id, outs)).resolves.toEqual({ id: "", props: undefined });
  });

  test("GIVEN the flow was deleted (which unlinks its apps) WHEN read and deleted THEN the link is gone and delete succeeds", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.store.deleteFlow(flowId);
    await expect(provider.read!(id, outs)).resolves.toEqual({ id: "", props: undefined });
    await provider.delete!(id, outs);
    expect(fx().emu.store.counts().flowLinks).toBe(0);
  });

  test("GIVEN a link WHEN deleted THEN one DELETE unlinks the app; deleting again succeeds", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    await provider.delete!(id, outs);
    await provider.delete!(id, outs);
    expect(fx().writeLines()).toEqual([`DELETE ${linksPath(flowId)}/${appId}`, `DELETE ${linksPath(flowId)}/${appId}`]);
    expect(linkedApps(fx(), flowId)).toEqual([]);
  });

  test("GIVEN only connection tuning changed WHEN updated THEN no Graph call is made", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    const tuned: GraphConnection = { ...fx().connection, retryDeadlineSeconds: 9 };
    await expect(provider.update!(id, outs, inputs({ connection: tuned }))).resolves.toEqual({ outs: { ...outs, connection: tuned } });
    expect(fx().graphCalls()).toEqual([]);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setImmediate(r));
  }
}

describe.each(["400", "404"] as const)("an app without service principal (answered %s)", (linkWithoutServicePrincipal) => {
  const fx = useEmulator({ linkWithoutServicePrincipal });

  test("GIVEN an app that has no service principal WHEN linked THEN Graph's error surfaces and nothing is linked", async () => {
    const flowId = addFlow(fx(), "SignUpSignIn");
    const { appId } = fx().emu.store.addApplication({ withServicePrincipal: false });
    const connection = { ...fx().connection, replicationWaitSeconds: 1 };
    const error = await rejectionOf(provider.create({ connection, userFlowId: flowId, appId }));
    expect(error).toBeInstanceOf(GraphRequestError);
    const g = error as GraphRequestError;
    expect(g.status).toBe(Number(linkWithoutServicePrincipal));
    expect(error.message).toContain(`request-id ${g.requestId}`);
    if (linkWithoutServicePrincipal === "404") {
      // Indistinguishable from replication lag: retried for the replication window, then given up.
      expect(g.attempts).toBeGreaterThan(1);
      expect(error.message).toContain("retry deadline was reached");
    } else {
      expect(g.attempts).toBe(1);
    }
    expect(fx().emu.store.counts().flowLinks).toBe(0);
  });
});

describe("retries and replication lag", () => {
  const fx = useEmulator();
  let flowId: string;
  beforeEach(() => {
    flowId = addFlow(fx(), "SignUpSignIn");
    fx().emu.clearLog();
  });
  afterEach(() => {
    for (const f of fx().emu.store.listFlows()) fx().emu.store.deleteFlow(String(f.id));
  });

  test("GIVEN a service principal created moments ago (still replicating) WHEN linked THEN the POST rides out the 404s and links once", async () => {
    fx().emu.options.replicationLag = { requests: 2 };
    const { appId } = fx().emu.store.addApplication();
    await create({ connection: fx().connection, userFlowId: flowId, appId });
    expect(fx().writeLines()).toEqual([`POST ${linksPath(flowId)}`, `POST ${linksPath(flowId)}`, `POST ${linksPath(flowId)}`]);
    expect(fx().graphCalls().filter((r) => r.method === "POST").map((r) => r.status)).toEqual([404, 404, 201]);
    expect(linkedApps(fx(), flowId)).toEqual([appId]);
  });

  test("GIVEN a 429 with Retry-After and a 503 on the POST WHEN linked THEN the app is linked exactly once", async () => {
    const { appId } = fx().emu.store.addApplication();
    fx().emu.faults.inject({ method: "POST", path: /includeApplications$/, status: 429, retryAfterSeconds: 1, times: 1 });
    fx().emu.faults.inject({ method: "POST", path: /includeApplications$/, status: 503, times: 1 });
    await create({ connection: fx().connection, userFlowId: flowId, appId });
    expect(fx().writeLines()).toHaveLength(3);
    expect(linkedApps(fx(), flowId)).toEqual([appId]);
    expect(fx().emu.store.counts().flowLinks).toBe(1);
  });

  test("GIVEN Graph throttles past the retry deadline WHEN linked THEN the error names the deadline and Graph's code, and nothing is linked", async () => {
    const { appId } = fx().emu.store.addApplication();
    fx().emu.faults.inject({ method: "POST", path: /includeApplications$/, status: 429, times: 1000 });
    const error = await rejectionOf(provider.create({ connection: fx().connection, userFlowId: flowId, appId }));
    expect(error.message).toMatch(new RegExp(`^Graph POST ${linksPath(flowId)} failed: 429 TooManyRequests: `));
    expect(error.message).toContain("retry deadline was reached");
    expect(fx().emu.store.counts().flowLinks).toBe(0);
  });

  test("GIVEN the provider object WHEN serialized as Pulumi does THEN it succeeds and holds no secret from the environment", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider);
    expect(serialized.text).toContain("includeApplications");
    expect(serialized.text).not.toContain(fx().emu.clientSecret);
  });
});
