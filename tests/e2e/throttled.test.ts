/**
 * `pulumi up` on the real engine while Graph throttles (429 with Retry-After), is briefly unavailable (503) and
 * lags in replication (a new object answers 404 when addressed by id, for its first requests): the run still
 * converges within its retry deadlines, creates every object exactly once, and a rerun has nothing to do.
 *
 * What this does not prove: the exact throttling and lag of the real service (their shapes are emulator switches,
 * reference §6); long outages beyond the configured deadlines (unit tests of the Graph layer cover giving up).
 */
import { appliedWrites, Scenario, SCENARIO_RESOURCES, startScenario } from "./scenario";

jest.setTimeout(10 * 60_000);

let s: Scenario;

beforeAll(async () => {
  s = await startScenario({ streamDelete: "supported", replicationLag: { requests: 2 } });
});

afterAll(async () => {
  await s?.emu.stop();
  s?.stack.dispose();
});

test("up converges through 429s, a 503 and replication lag, creating each object once", async () => {
  s.emu.faults.inject({ method: "POST", path: /^\/identity\/userFlowAttributes$/, status: 429, retryAfterSeconds: 1, times: 2 });
  s.emu.faults.inject({ method: "POST", path: /^\/identity\/authenticationEventsFlows$/, status: 503, times: 1 });
  s.emu.faults.inject({ method: "PUT", path: /\/bannerLogo$/, status: 429, retryAfterSeconds: 1, times: 2 });
  s.emu.faults.inject({ method: "GET", status: 429, retryAfterSeconds: 1, times: 3 });

  const up = await s.stack.up([], { timeoutMs: 8 * 60_000 });

  expect(s.emu.faults.pending()).toEqual([]); // every injected failure was met, and retried past
  const failed = s.emu.requests.filter((r) => r.status === 429 || r.status === 503).length;
  expect(failed).toBe(2 + 1 + 2 + 3);
  // Replication lag was met too: something answered 404 right after its creation, and was retried.
  expect(s.emu.requests.some((r) => r.version !== null && r.status === 404)).toBe(true);
  expect(up.changes).toEqual({ create: SCENARIO_RESOURCES.length });
  const writes = appliedWrites(s.emu);
  expect(writes.filter((w) => w === "POST /identity/userFlowAttributes")).toHaveLength(1);
  expect(writes.filter((w) => w === "POST /identity/authenticationEventsFlows")).toHaveLength(1);
  expect(writes.filter((w) => w.endsWith("/includeApplications"))).toHaveLength(1);
  expect(writes.filter((w) => w.startsWith("PUT "))).toHaveLength(2);
  expect(s.emu.store.counts()).toMatchObject({ flows: 1, customAttributes: 1, flowLinks: 1, defaultBranding: 1, localizations: 1, brandingStreams: 2 });

  s.emu.clearLog();
  await s.stack.preview(["--expect-no-changes"]);
  expect(s.emu.writes()).toEqual([]);
  await s.stack.destroy();
  expect(s.emu.store.counts()).toMatchObject({ flows: 0, customAttributes: 0, flowLinks: 0, defaultBranding: 0, localizations: 0, brandingStreams: 0 });
});
