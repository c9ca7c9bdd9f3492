/**
 * A pipeline's identity that cannot do the job, on the real engine: `pulumi preview` and `pulumi up` stop at the
 * identity check (which the engine runs before anything that writes into the tenant) with the tenant or permissions
 * missing and the fix, and Graph sees no write — whether the token lacks a permission the config needs or was issued
 * for another tenant.
 *
 * What this does not prove: real Entra tokens (the emulator signs its own, with the `roles`/`tid` it is told to), nor
 * how long a newly granted permission takes to reach a token.
 */
import { randomUUID } from "node:crypto";
import { Scenario, startScenario } from "./scenario";

jest.setTimeout(10 * 60_000);

let s: Scenario;

beforeAll(async () => {
  // Graph enforces application permissions; the app holds what user flows need, not custom attributes or branding.
  s = await startScenario({ enforceAppRoles: true, appRoles: ["EventListener.ReadWrite.All"], streamDelete: "supported" });
});

afterAll(async () => {
  await s?.emu.stop();
  s?.stack.dispose();
});

test("an app token missing permissions the config needs stops preview and up before any write, naming the permissions and the fix", async () => {
  s.emu.clearLog();
  // Preview: the identity check (its `check` runs in preview) lists everything the config needs that the token lacks.
  const preview = await s.stack.run(["preview"], { okCodes: [255, 1] });
  const planned = `${preview.stdout}${preview.stderr}`;
  expect(planned).toContain("lacks Microsoft Graph application permissions this stack's config needs, so nothing was changed");
  for (const p of ["IdentityUserFlow.ReadWrite.All", "Organization.Read.All", "OrganizationalBranding.ReadWrite.All"]) expect(planned).toContain(p);
  expect(planned).toContain("It carries: EventListener.ReadWrite.All");
  expect(planned).toContain("ciam-tenant:automation");

  // Up: the first thing that touches the tenant, the readiness gate, is refused (403) and fails at once — it does
  // not wait to its deadline — naming the permission its call needs and what the token carries.
  const up = await s.stack.run(["up", "--yes", "--skip-preview"], { okCodes: [255, 1] });
  const applied = `${up.stdout}${up.stderr}`;
  expect(applied).toContain("Organization.Read.All");
  expect(applied).toContain("carries: EventListener.ReadWrite.All");
  expect(applied).toContain("ciam-tenant:automation");
  expect(s.emu.writes()).toEqual([]);
  // The readiness gate read the tenant (refused); nothing that writes into it was even attempted.
  expect(s.emu.requests.filter((r) => r.version !== null && r.method !== "GET")).toEqual([]);
});

test("a token issued for another tenant stops up before any write, naming both tenants", async () => {
  const other = randomUUID();
  s.emu.options.appRoles = ["EventListener.ReadWrite.All", "IdentityUserFlow.ReadWrite.All", "Organization.Read.All", "OrganizationalBranding.ReadWrite.All"];
  s.emu.options.tokenTenantId = other;
  s.emu.clearLog();
  const up = await s.stack.run(["up", "--yes", "--skip-preview"], { okCodes: [255, 1] });

  const out = `${up.stdout}${up.stderr}`;
  expect(out).toContain(other);
  expect(out).toContain(s.emu.tenantId);
  expect(s.emu.writes()).toEqual([]);
  // Refused before it was sent: Graph saw no request at all with that token.
  expect(s.emu.requests.filter((r) => r.version !== null)).toEqual([]);
});

test("once the identity holds the permissions and the right tenant, the same stack deploys", async () => {
  s.emu.options.tokenTenantId = undefined;
  s.emu.clearLog();
  await s.stack.up();
  expect(s.emu.writes().some((w) => w.status === 403)).toBe(false); // nothing refused for want of a permission
  expect(s.emu.store.counts()).toMatchObject({ flows: 1, customAttributes: 1, flowLinks: 1, defaultBranding: 1, localizations: 1 });
  await s.stack.destroy();
  expect(s.emu.store.counts()).toMatchObject({ flows: 0, customAttributes: 0, flowLinks: 0, defaultBranding: 0, localizations: 0 });
});
