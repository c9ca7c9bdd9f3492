/**
 * The custom user flow attribute provider, method by method, against the HTTPS Graph emulator (real credential,
 * real Graph SDK, real retries). Not proven here: how the real Graph service answers (the emulator follows the
 * reference sheet), nor the engine's use of the results (that is the end-to-end tests' job).
 */
import { showValue } from "../../dynamic-providers/core";
import * as pulumi from "@pulumi/pulumi";
import {
  userFlowAttributeProvider as provider,
  validateUserFlowAttribute,
  type UserFlowAttributeInputs,
  type UserFlowAttributeOutputs,
} from "../../dynamic-providers/user-flows/attribute";
import { GraphRequestError } from "../../dynamic-providers/graph";
import { PartialCreateError } from "../../dynamic-providers/provider-kit";
import { rejectionOf, UNKNOWN, useEmulator } from "./flows-fixtures";

const ATTRS = "/identity/userFlowAttributes";

describe("check (pure)", () => {
  const conn = {
    tenantId: "0b5c5a5e-1111-4222-8333-944445555666",
    graphEndpoint: "https://graph.microsoft.com",
    authorityHost: "https://login.microsoftonline.com",
    apiVersion: "beta" as const,
  };
  const valid: UserFlowAttributeInputs = { connection: conn, displayName: "LoyaltyNumber", dataType: "string", description: "Card number" };

  test("GIVEN valid inputs WHEN checked THEN there is no failure and the inputs pass through", async () => {
    await expect(provider.check!(valid, valid)).resolves.toEqual({ inputs: valid, failures: [] });
  });

  test("GIVEN an unknown name and data type (preview) WHEN checked THEN they are skipped", () => {
    expect(validateUserFlowAttribute({ ...valid, displayName: UNKNOWN, dataType: UNKNOWN as never })).toEqual([]);
  });

  test.each([
    ["empty", ""],
    ["starting with a digit", "1stName"],
    ["with a hyphen", "Loyalty-Number"],
    ["with a trailing space", "Trailing "],
    ["with an inner space", "Loyalty Number"],
    ["of 101 characters", "x".repeat(101)],
  ])("GIVEN a displayName %s WHEN checked THEN one failure names displayName, the value and what is allowed", (_label, displayName) => {
    const failures = validateUserFlowAttribute({ ...valid, displayName });
    expect(failures).toEqual([
      {
        property: "displayName",
        reason: `displayName: ${showValue(displayName)} is not a valid attribute name; allowed: a name matching ^[A-Za-z][A-Za-z0-9]{0,99}$ (letters and digits, starting with a letter)`,
      },
    ]);
  });

  test("GIVEN a name of letters and digits WHEN checked THEN it is accepted, as the config accepts it", () => {
    expect(validateUserFlowAttribute({ ...valid, displayName: "LoyaltyNumber2" })).toEqual([]);
  });

  test("GIVEN dataType dateTime WHEN checked THEN the failure lists the three creatable types", () => {
    expect(validateUserFlowAttribute({ ...valid, dataType: "dateTime" as never })).toEqual([
      { property: "dataType", reason: 'dataType: "dateTime" is not a valid dataType; allowed: string, boolean, int64' },
    ]);
  });

  test("GIVEN a numeric description and a connection without tenant WHEN checked THEN both fail", () => {
    const failures = validateUserFlowAttribute({ ...valid, description: 5 as never, connection: { ...conn, tenantId: "contoso" } });
    expect(failures.map((f) => f.property)).toEqual(["connection.tenantId", "description"]);
  });
});

describe("diff (pure)", () => {
  const conn = {
    tenantId: "0b5c5a5e-1111-4222-8333-944445555666",
    graphEndpoint: "https://graph.microsoft.com",
    authorityHost: "https://login.microsoftonline.com",
    apiVersion: "beta" as const,
  };
  const olds: UserFlowAttributeOutputs & { __provider: string } = {
    connection: conn,
    displayName: "LoyaltyNumber",
    dataType: "string",
    description: "Card number",
    attributeId: "extension_0123456789abcdef0123456789abcdef_LoyaltyNumber",
    stateVersion: 1,
    __provider: "serialized provider text",
  };
  const news: UserFlowAttributeInputs = { connection: conn, displayName: "LoyaltyNumber", dataType: "string", description: "Card number" };

  test("GIVEN the same managed values (and a different __provider) WHEN diffed THEN there is no change", async () => {
    await expect(provider.diff!("id", olds, news)).resolves.toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN state without stateVersion (first shape) and no description vs \"\" WHEN diffed THEN there is no change", async () => {
    const { stateVersion: _v, description: _d, ...legacy } = olds;
    await expect(provider.diff!("id", legacy as never, { ...news, description: "" })).resolves.toMatchObject({ changes: false });
  });

  test("GIVEN a new description WHEN diffed THEN it changes in place", async () => {
    await expect(provider.diff!("id", olds, { ...news, description: "Loyalty card" })).resolves.toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("GIVEN a new displayName WHEN diffed THEN it replaces, deleting first", async () => {
    await expect(provider.diff!("id", olds, { ...news, displayName: "MemberNumber" })).resolves.toEqual({
      changes: true,
      replaces: ["displayName"],
      deleteBeforeReplace: true,
    });
  });

  test("GIVEN a new dataType WHEN diffed THEN it replaces, deleting first", async () => {
    await expect(provider.diff!("id", olds, { ...news, dataType: "int64" })).resolves.toEqual({
      changes: true,
      replaces: ["dataType"],
      deleteBeforeReplace: true,
    });
  });

  test("GIVEN an unknown displayName (preview) WHEN diffed THEN it is a replacing change", async () => {
    await expect(provider.diff!("id", olds, { ...news, displayName: UNKNOWN })).resolves.toMatchObject({ replaces: ["displayName"] });
  });

  test("GIVEN only a new retry deadline WHEN diffed THEN it is an in-place change (state records it) with no replace", async () => {
    await expect(provider.diff!("id", olds, { ...news, connection: { ...conn, retryDeadlineSeconds: 60 } })).resolves.toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe("against the emulator", () => {
  const fx = useEmulator();
  const inputs = (over: Partial<UserFlowAttributeInputs> = {}): UserFlowAttributeInputs => ({
    connection: fx().connection,
    displayName: "LoyaltyNumber",
    dataType: "string",
    description: "Loyalty card number",
    ...over,
  });
  /** create() with its outputs, which this provider always returns. */
  const create = async (i: UserFlowAttributeInputs) => {
    const r = await provider.create(i);
    if (!r.outs) throw new Error("create returned no outputs");
    return { id: r.id, outs: r.outs };
  };
  const custom = () => fx().emu.store.listUserFlowAttributes().filter((a) => a.userFlowAttributeType === "custom");
  afterEach(() => {
    for (const a of custom()) fx().emu.store.deleteUserFlowAttribute(String(a.id));
  });

  test("GIVEN no such attribute WHEN created THEN one POST sends name, type and description and the id comes from the answer", async () => {
    const { id, outs } = await create(inputs());
    const expectedId = fx().emu.store.customAttributeId("LoyaltyNumber");
    expect(id).toBe(expectedId);
    expect(outs).toEqual({ ...inputs(), attributeId: expectedId, stateVersion: 1 });
    expect(fx().writeLines()).toEqual([`POST ${ATTRS}`]);
    expect(fx().emu.writes()[0].body).toEqual({ displayName: "LoyaltyNumber", dataType: "string", description: "Loyalty card number" });
    expect(custom()).toEqual([
      { id: expectedId, displayName: "LoyaltyNumber", description: "Loyalty card number", userFlowAttributeType: "custom", dataType: "string" },
    ]);
  });

  test("GIVEN no description WHEN created THEN the POST omits it and state has none", async () => {
    const { outs } = await provider.create(inputs({ description: undefined }));
    expect(fx().emu.writes()[0].body).toEqual({ displayName: "LoyaltyNumber", dataType: "string" });
    expect(outs).not.toHaveProperty("description");
  });

  test("GIVEN the attribute exists with the same type WHEN created THEN it is adopted with one PATCH of the description only", async () => {
    const existing = fx().emu.store.addCustomAttribute("LoyaltyNumber", "string", "old text");
    fx().emu.clearLog();
    const { id } = await provider.create(inputs());
    expect(id).toBe(existing);
    expect(fx().writeLines()).toEqual([`PATCH ${ATTRS}/${existing}`]);
    expect(fx().emu.writes()[0].body).toEqual({ description: "Loyalty card number" });
    expect(custom()).toHaveLength(1);
  });

  test("GIVEN the attribute exists exactly as declared WHEN created THEN it is adopted with no write", async () => {
    fx().emu.store.addCustomAttribute("LoyaltyNumber", "string", "Loyalty card number");
    fx().emu.clearLog();
    await provider.create(inputs());
    expect(fx().writeLines()).toEqual([]);
  });

  test("GIVEN the attribute exists as int64 WHEN created as string THEN it fails naming both types and how to fix, writing nothing", async () => {
    const existing = fx().emu.store.addCustomAttribute("LoyaltyNumber", "int64");
    fx().emu.clearLog();
    const error = await rejectionOf(provider.create(inputs()));
    expect(error.message).toBe(
      `user flow attribute "LoyaltyNumber" already exists (${existing}) with dataType "int64", not "string"; a data type cannot be changed: ` +
        `set dataType to "int64", or delete the attribute in the tenant (its stored values are lost) and run again`,
    );
    expect(fx().writeLines()).toEqual([]);
  });

  test("GIVEN an attribute whose name differs only in case WHEN created THEN it fails naming the existing one, writing nothing", async () => {
    const existing = fx().emu.store.addCustomAttribute("loyaltynumber", "string");
    fx().emu.clearLog();
    const error = await rejectionOf(provider.create(inputs()));
    expect(error.message).toContain(`the tenant already has "loyaltynumber" (${existing})`);
    expect(fx().writeLines()).toEqual([]);
  });

  test("GIVEN adoption whose description PATCH keeps failing WHEN created THEN a partial-create error carries the id", async () => {
    const existing = fx().emu.store.addCustomAttribute("LoyaltyNumber", "string", "old text");
    fx().emu.faults.inject({ method: "PATCH", status: 503, times: 1000 });
    const error = await rejectionOf(provider.create(inputs()));
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError).id).toBe(existing);
    expect((error as PartialCreateError).properties).toMatchObject({ attributeId: existing, description: "old text" });
  });

  test("GIVEN a created attribute WHEN read THEN the live values come back and nothing is written", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    await expect(provider.read!(id, outs)).resolves.toEqual({ id, props: outs });
    expect(fx().writeLines()).toEqual([]);
  });

  test("GIVEN the description was changed in the portal WHEN read THEN the drift shows and diff plans an in-place update", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.store.patchUserFlowAttribute(id, { description: "edited by hand" });
    const read = await provider.read!(id, outs);
    expect(read.props).toEqual({ ...outs, description: "edited by hand" });
    await expect(provider.diff!(id, read.props!, inputs())).resolves.toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN the attribute was deleted out of band WHEN read THEN it is reported gone", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.store.deleteUserFlowAttribute(id);
    await expect(provider.read!(id, outs)).resolves.toEqual({ id: "", props: undefined });
  });

  test("GIVEN a new description WHEN updated THEN exactly one PATCH carries only the description", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    const { outs: after } = await provider.update!(id, outs, inputs({ description: "Member card" }));
    expect(fx().writeLines()).toEqual([`PATCH ${ATTRS}/${id}`]);
    expect(fx().emu.writes()[0].body).toEqual({ description: "Member card" });
    expect(after).toEqual({ ...outs, description: "Member card" });
    expect(custom()[0].description).toBe("Member card");
  });

  test("GIVEN the description removed WHEN updated THEN one PATCH clears it", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    await provider.update!(id, outs, inputs({ description: undefined }));
    expect(fx().emu.writes().map((w) => w.body)).toEqual([{ description: "" }]);
    expect(custom()[0].description).toBe("");
  });

  test("GIVEN only connection tuning changed WHEN updated THEN no Graph call is made and state records the tuning", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    const tuned = { ...fx().connection, retryDeadlineSeconds: 30 };
    const { outs: after } = await provider.update!(id, outs, inputs({ connection: tuned }));
    expect(fx().graphCalls()).toEqual([]);
    expect(after?.connection).toEqual(tuned);
  });

  test("GIVEN an attribute WHEN deleted THEN it is gone; deleting it again succeeds", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    await provider.delete!(id, outs);
    expect(custom()).toEqual([]);
    await provider.delete!(id, outs);
    expect(fx().writeLines()).toEqual([`DELETE ${ATTRS}/${id}`, `DELETE ${ATTRS}/${id}`]);
  });

  test("GIVEN a 429 with Retry-After then 503s on the POST WHEN created THEN it succeeds with exactly one attribute", async () => {
    fx().emu.faults.inject({ method: "POST", path: /userFlowAttributes$/, status: 429, retryAfterSeconds: 1, times: 1 });
    fx().emu.faults.inject({ method: "POST", path: /userFlowAttributes$/, status: 503, times: 2 });
    const started = Date.now();
    await provider.create(inputs());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fx().writeLines()).toEqual([`POST ${ATTRS}`, `POST ${ATTRS}`, `POST ${ATTRS}`, `POST ${ATTRS}`]);
    expect(fx().emu.store.counts().customAttributes).toBe(1);
  });

  test("GIVEN Graph throttles past the retry deadline WHEN created THEN the error names the deadline and Graph's code, and nothing exists", async () => {
    fx().emu.faults.inject({ method: "POST", path: /userFlowAttributes$/, status: 429, times: 1000 });
    const error = await rejectionOf(provider.create(inputs()));
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.message).toMatch(/^Graph POST \/identity\/userFlowAttributes failed: 429 TooManyRequests: /);
    expect(error.message).toContain("retry deadline was reached");
    expect(fx().emu.store.counts().customAttributes).toBe(0);
  });

  test("GIVEN a dataType Graph rejects WHEN created THEN Graph's 400 surfaces with its code and request-id", async () => {
    const error = await rejectionOf(provider.create(inputs({ dataType: "dateTime" as never })));
    expect(error).toBeInstanceOf(GraphRequestError);
    const g = error as GraphRequestError;
    expect(g.status).toBe(400);
    expect(error.message).toContain(`400 ${g.code}`);
    expect(g.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(`request-id ${g.requestId}`);
  });

  test("GIVEN the provider object WHEN serialized as Pulumi does THEN it succeeds and holds no secret from the environment", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider);
    expect(serialized.text.length).toBeGreaterThan(0);
    expect(serialized.text).not.toContain(fx().emu.clientSecret);
  });
});
