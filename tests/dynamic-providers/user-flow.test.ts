/**
 * The user flow provider, method by method, against the HTTPS Graph emulator (real credential, real Graph SDK, real
 * retries). The [unknown] "must `attributes` match the page `inputs`" answer is run both ways, as are the two
 * answers for a reference to an identity provider that does not exist. Not proven here: how the real Graph
 * service answers (the emulator follows the reference sheet), nor the engine's use of the results.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  userFlowProvider as provider,
  validateUserFlow,
  createFlowBody,
  FLOW_ODATA_TYPE,
  ATTRIBUTE_COLLECTION_ODATA_TYPE,
  INTERACTIVE_START_ODATA_TYPE,
  METHOD_LOAD_START_ODATA_TYPE,
  type UserFlowInputs,
  type UserFlowOutputs,
} from "../../dynamic-providers/user-flows/user-flow";
import { userFlowAttributeProvider } from "../../dynamic-providers/user-flows/attribute";
import { GraphRequestError, type GraphConnection } from "../../dynamic-providers/graph";
import { PartialCreateError } from "../../dynamic-providers/provider-kit";
import { ATTR_SEGMENT, FLOWS, IDP_SEGMENT, rejectionOf, UNKNOWN, useEmulator, type Fixture } from "./flows-fixtures";
import type { JsonObject } from "../emulator";

const CONN = {
  tenantId: "0b5c5a5e-1111-4222-8333-944445555666",
  graphEndpoint: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  apiVersion: "beta" as const,
};

function desired(connection: GraphConnection = CONN, over: Partial<UserFlowInputs> = {}): UserFlowInputs {
  return {
    connection,
    displayName: "SignUpSignIn",
    isSignUpAllowed: true,
    identityProviders: ["EmailPassword-OAUTH"],
    attributes: [
      { id: "email", required: true },
      { id: "displayName", required: false, label: "Name" },
    ],
    ...over,
  };
}

describe("check (pure)", () => {
  const valid = desired();
  const props = (inputs: Partial<UserFlowInputs>) => validateUserFlow(inputs).map((f) => f.property);

  test("GIVEN valid inputs WHEN checked THEN there is no failure and the inputs pass through", async () => {
    await expect(provider.check!(valid, valid)).resolves.toEqual({ inputs: valid, failures: [] });
  });

  test("GIVEN every value unknown (preview) WHEN checked THEN nothing fails", () => {
    const unknown = UNKNOWN as never;
    expect(validateUserFlow({ connection: CONN, displayName: unknown, isSignUpAllowed: unknown, identityProviders: unknown, attributes: unknown })).toEqual([]);
    expect(validateUserFlow({ ...valid, identityProviders: [UNKNOWN], attributes: [{ id: UNKNOWN, required: true }] })).toEqual([]);
  });

  test("GIVEN an empty displayName WHEN checked THEN the failure names it, the value and what is allowed", () => {
    expect(validateUserFlow({ ...valid, displayName: " " })).toEqual([
      {
        property: "displayName",
        reason: 'displayName: " " is only spaces; allowed: a string of 1-256 characters (counted in UTF-16 code units, as Graph does: an emoji counts as 2), not only spaces',
      },
    ]);
    expect(props({ ...valid, displayName: "x".repeat(257) })).toEqual(["displayName"]);
  });

  test('GIVEN isSignUpAllowed "false" (a string) WHEN checked THEN it fails: Graph rejects string booleans', () => {
    expect(validateUserFlow({ ...valid, isSignUpAllowed: "false" as never })).toEqual([
      { property: "isSignUpAllowed", reason: 'isSignUpAllowed: "false" is not a boolean; allowed: true or false (a YAML boolean, not a quoted string)' },
    ]);
  });

  test("GIVEN no identity provider WHEN checked THEN it fails", () => {
    expect(props({ ...valid, identityProviders: [] })).toEqual(["identityProviders"]);
  });

  test("GIVEN a duplicate (any case) and a malformed identity provider WHEN checked THEN each fails at its index", () => {
    const failures = validateUserFlow({ ...valid, identityProviders: ["EmailPassword-OAUTH", "emailpassword-oauth", "Email Password"] });
    expect(failures).toEqual([
      { property: "identityProviders[1]", reason: 'identityProviders[1]: "emailpassword-oauth" is not valid; each identity provider may be listed once' },
      {
        property: "identityProviders[2]",
        reason:
          'identityProviders[2]: "Email Password" is not valid; an identity provider id of letters, digits and "-" is required, e.g. "EmailPassword-OAUTH", "EmailOtpSignup-OAUTH"',
      },
    ]);
  });

  test("GIVEN no attribute WHEN checked THEN it fails", () => {
    expect(props({ ...valid, attributes: [] })).toEqual(["attributes"]);
  });

  test("GIVEN a duplicate attribute, a bad id, a string required and an empty label WHEN checked THEN each fails at its path", () => {
    const failures = validateUserFlow({
      ...valid,
      attributes: [
        { id: "email", required: true },
        { id: "Email", required: false },
        { id: "given name", required: false },
        { id: "city", required: "yes" as never, label: "" },
      ],
    });
    expect(failures.map((f) => f.property)).toEqual(["attributes[1].id", "attributes[2].id", "attributes[3].required", "attributes[3].label"]);
  });

  test("GIVEN a required attribute that is hidden WHEN checked THEN it fails saying why and how to fix", () => {
    expect(validateUserFlow({ ...valid, attributes: [{ id: "email", required: true, hidden: true }] })).toEqual([
      {
        property: "attributes[0].hidden",
        reason: "attributes[0].hidden: true with required: true can never be filled in, so sign-up could not complete; allowed: hidden: false, or required: false",
      },
    ]);
  });
});

describe("diff (pure)", () => {
  const olds: UserFlowOutputs & { __provider: string } = {
    ...desired(),
    flowId: "5f3f7c1e-2a7b-4c86-9f5e-0a7d2c1b9e10",
    stateVersion: 1,
    __provider: "serialized provider text",
  };
  const diff = (news: Partial<UserFlowInputs>) => provider.diff!(olds.flowId, olds, desired(CONN, news));
  const inPlace = { changes: true, replaces: [], deleteBeforeReplace: false };

  test("GIVEN the same managed values WHEN diffed THEN there is no change", async () => {
    await expect(diff({})).resolves.toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN identity providers in another order and case, a default label spelled out and hidden: false WHEN diffed THEN there is no change", async () => {
    const base = { ...olds, identityProviders: ["EmailPassword-OAUTH", "EmailOtpSignup-OAUTH"] };
    const news = desired(CONN, {
      identityProviders: ["emailotpsignup-oauth", "EmailPassword-OAUTH"],
      attributes: [
        { id: "email", required: true, hidden: false, label: "Email Address" },
        { id: "displayName", required: false, label: "Name" },
      ],
    });
    await expect(provider.diff!(olds.flowId, base, news)).resolves.toMatchObject({ changes: false });
  });

  test.each<[string, Partial<UserFlowInputs>]>([
    ["displayName", { displayName: "Other" }],
    ["description", { description: "Customers" }],
    ["isSignUpAllowed", { isSignUpAllowed: false }],
    ["identityProviders", { identityProviders: ["EmailOtpSignup-OAUTH"] }],
    ["attribute order", { attributes: [{ id: "displayName", required: false, label: "Name" }, { id: "email", required: true }] }],
    ["an attribute label", { attributes: [{ id: "email", required: true, label: "E-mail" }, { id: "displayName", required: false, label: "Name" }] }],
  ])("GIVEN a new %s WHEN diffed THEN it is an in-place change", async (_what, news) => {
    await expect(diff(news)).resolves.toEqual(inPlace);
  });

  test("GIVEN attributes still unknown (preview) WHEN diffed THEN it is a change", async () => {
    await expect(diff({ attributes: [{ id: UNKNOWN, required: true }] })).resolves.toEqual(inPlace);
  });

  test("GIVEN another tenant WHEN diffed THEN the flow is replaced (a new tenant gets a new flow)", async () => {
    await expect(diff({ connection: { ...CONN, tenantId: "9a9a9a9a-1111-4222-8333-944445555666" } })).resolves.toEqual({
      changes: true,
      replaces: ["connection"],
      deleteBeforeReplace: false,
    });
  });
});

/** Create with outputs (this provider always returns them). */
async function create(inputs: UserFlowInputs): Promise<{ id: string; outs: UserFlowOutputs }> {
  const r = await provider.create(inputs);
  if (!r.outs) throw new Error("create returned no outputs");
  return { id: r.id, outs: r.outs };
}

function liveFlow(fx: Fixture, id: string): JsonObject {
  const f = fx.emu.store.getFlow(id);
  if (!f) throw new Error(`no flow ${id}`);
  return f;
}

function liveIdps(fx: Fixture, id: string): string[] {
  const h = liveFlow(fx, id).onAuthenticationMethodLoadStart as { identityProviders: { id: string }[] };
  return h.identityProviders.map((p) => p.id);
}

function liveAttributes(fx: Fixture, id: string): { ids: string[]; inputs: JsonObject[] } {
  const h = liveFlow(fx, id).onAttributeCollection as {
    attributes: { id: string }[];
    attributeCollectionPage: { views: { inputs: JsonObject[] }[] };
  };
  return { ids: h.attributes.map((a) => a.id), inputs: h.attributeCollectionPage.views.flatMap((v) => v.inputs) };
}

const inputSummary = (inputs: JsonObject[]) => inputs.map((i) => ({ attribute: i.attribute, label: i.label, required: i.required, hidden: i.hidden }));

describe.each([true, false])("against the emulator (attributes must match inputs: %s)", (attributesMustMatchInputs) => {
  const fx = useEmulator({ attributesMustMatchInputs });
  const inputs = (over: Partial<UserFlowInputs> = {}) => desired(fx().connection, over);
  afterEach(() => {
    for (const f of fx().emu.store.listFlows()) fx().emu.store.deleteFlow(String(f.id));
  });

  test("GIVEN no flow of that name WHEN created THEN one POST sends the documented body with the attribute page and the id comes from the answer", async () => {
    const { id, outs } = await create(inputs());
    expect(fx().writeLines()).toEqual([`POST ${FLOWS}`]);
    expect(fx().emu.writes()[0].body).toEqual({
      "@odata.type": FLOW_ODATA_TYPE,
      displayName: "SignUpSignIn",
      onAuthenticationMethodLoadStart: { "@odata.type": METHOD_LOAD_START_ODATA_TYPE, identityProviders: [{ id: "EmailPassword-OAUTH" }] },
      onInteractiveAuthFlowStart: { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: true },
      onAttributeCollection: {
        "@odata.type": ATTRIBUTE_COLLECTION_ODATA_TYPE,
        attributes: [{ id: "email" }, { id: "displayName" }],
        attributeCollectionPage: {
          views: [
            {
              inputs: [
                { attribute: "email", label: "Email Address", inputType: "text", hidden: false, editable: true, writeToDirectory: true, required: true },
                { attribute: "displayName", label: "Name", inputType: "text", hidden: false, editable: true, writeToDirectory: true, required: false },
              ],
            },
          ],
        },
      },
    });
    expect(fx().emu.store.counts().flows).toBe(1);
    expect(id).toBe(liveFlow(fx(), "SignUpSignIn").id);
    expect(outs).toEqual({ ...inputs(), flowId: id, stateVersion: 1 });
    expect(liveIdps(fx(), id)).toEqual(["EmailPassword-OAUTH"]);
    expect(liveAttributes(fx(), id).ids).toEqual(["email", "displayName"]);
  });

  test("GIVEN a created flow WHEN read and diffed again THEN state comes back unchanged, no change is planned and nothing is written", async () => {
    const { id, outs } = await create(inputs({ description: "Customers", identityProviders: ["EmailOtpSignup-OAUTH", "EmailPassword-OAUTH"] }));
    fx().emu.clearLog();
    const read = await provider.read!(id, outs);
    expect(read).toEqual({ id, props: outs });
    await expect(provider.diff!(id, read.props!, inputs({ description: "Customers", identityProviders: ["EmailPassword-OAUTH", "EmailOtpSignup-OAUTH"] }))).resolves.toMatchObject({
      changes: false,
    });
    expect(fx().writeLines()).toEqual([]);
  });

  test("GIVEN the flow was renamed and sign-up disabled in the portal WHEN read THEN the drift shows; the update restores both in one PATCH", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.store.patchFlow(id, {
      displayName: "Renamed by hand",
      onInteractiveAuthFlowStart: { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: false },
    });
    const read = await provider.read!(id, outs);
    expect(read.props).toEqual({ ...outs, displayName: "Renamed by hand", isSignUpAllowed: false });
    await expect(provider.diff!(id, read.props!, inputs())).resolves.toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });

    fx().emu.clearLog();
    await provider.update!(id, read.props!, inputs());
    expect(fx().writeLines()).toEqual([`PATCH ${FLOWS}/${id}`]);
    expect(fx().emu.writes()[0].body).toEqual({
      "@odata.type": FLOW_ODATA_TYPE,
      displayName: "SignUpSignIn",
      onInteractiveAuthFlowStart: { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: true },
    });
    await expect(provider.read!(id, outs)).resolves.toEqual({ id, props: outs });
  });

  test("GIVEN identity providers and attributes changed out of band WHEN read THEN the live lists show", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.store.setFlowIdentityProviders(id, ["EmailOtpSignup-OAUTH"]);
    fx().emu.store.setFlowAttributes(id, ["email"]);
    const read = await provider.read!(id, outs);
    expect(read.props).toEqual({ ...outs, identityProviders: ["EmailOtpSignup-OAUTH"], attributes: [{ id: "email", required: true }] });
  });

  test("GIVEN the flow was deleted out of band WHEN read THEN it is reported gone", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.store.deleteFlow(id);
    await expect(provider.read!(id, outs)).resolves.toEqual({ id: "", props: undefined });
  });

  test("GIVEN a new name, description and sign-up setting WHEN updated THEN exactly one PATCH carries only those keys", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    const news = inputs({ displayName: "Customers", description: "For customers", isSignUpAllowed: false });
    const { outs: after } = await provider.update!(id, outs, news);
    expect(fx().writeLines()).toEqual([`PATCH ${FLOWS}/${id}`]);
    expect(fx().emu.writes()[0].body).toEqual({
      "@odata.type": FLOW_ODATA_TYPE,
      displayName: "Customers",
      description: "For customers",
      onInteractiveAuthFlowStart: { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: false },
    });
    expect(after).toEqual({ ...news, flowId: id, stateVersion: 1 });
    expect(liveFlow(fx(), id)).toMatchObject({ displayName: "Customers", description: "For customers", onInteractiveAuthFlowStart: { isSignUpAllowed: false } });
  });

  test("GIVEN the description removed WHEN updated THEN one PATCH sets it to null", async () => {
    const { id, outs } = await create(inputs({ description: "Customers" }));
    fx().emu.clearLog();
    const { outs: after } = await provider.update!(id, outs, inputs());
    expect(fx().emu.writes().map((w) => w.body)).toEqual([{ "@odata.type": FLOW_ODATA_TYPE, description: null }]);
    expect(liveFlow(fx(), id).description).toBeNull();
    expect(after).not.toHaveProperty("description");
    await expect(provider.read!(id, after!)).resolves.toEqual({ id, props: after });
  });

  test("GIVEN state written without stateVersion (the first shape) WHEN read THEN it is understood and upgraded", async () => {
    const { id, outs } = await create(inputs());
    const { stateVersion: _v, ...legacy } = outs;
    await expect(provider.read!(id, legacy as UserFlowOutputs)).resolves.toEqual({ id, props: outs });
  });

  test("GIVEN the only identity provider swapped WHEN updated THEN the new one is added before the old one is removed, with no PATCH", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    await provider.update!(id, outs, inputs({ identityProviders: ["EmailOtpSignup-OAUTH"] }));
    expect(fx().writeLines()).toEqual([`POST ${FLOWS}/${id}/${IDP_SEGMENT}/$ref`, `DELETE ${FLOWS}/${id}/${IDP_SEGMENT}/EmailPassword-OAUTH/$ref`]);
    expect(fx().emu.writes()[0].body).toEqual({ "@odata.id": `${fx().emu.url}/beta/identityProviders/EmailOtpSignup-OAUTH` });
    expect(liveIdps(fx(), id)).toEqual(["EmailOtpSignup-OAUTH"]);
  });

  test("GIVEN an attribute added, one removed and one relabelled WHEN updated THEN $ref add, $ref remove, then one PATCH of the whole page", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    const news = inputs({ attributes: [{ id: "email", required: true, label: "E-mail" }, { id: "city", required: false }] });
    const { outs: after } = await provider.update!(id, outs, news);
    expect(fx().writeLines()).toEqual([
      `POST ${FLOWS}/${id}/${ATTR_SEGMENT}/$ref`,
      `DELETE ${FLOWS}/${id}/${ATTR_SEGMENT}/displayName/$ref`,
      `PATCH ${FLOWS}/${id}`,
    ]);
    const [add, , patch] = fx().emu.writes();
    expect(add.body).toEqual({ "@odata.id": `${fx().emu.url}/beta/identity/userFlowAttributes/city` });
    expect(Object.keys(patch.body as JsonObject)).toEqual(["@odata.type", "onAttributeCollection"]);
    expect((patch.body as JsonObject).onAttributeCollection).toEqual({
      "@odata.type": ATTRIBUTE_COLLECTION_ODATA_TYPE,
      attributes: [{ id: "email" }, { id: "city" }],
      attributeCollectionPage: {
        views: [
          {
            inputs: [
              { attribute: "email", label: "E-mail", inputType: "text", hidden: false, editable: true, writeToDirectory: true, required: true },
              { attribute: "city", label: "City", inputType: "text", hidden: false, editable: true, writeToDirectory: true, required: false },
            ],
          },
        ],
      },
    });
    const live = liveAttributes(fx(), id);
    expect(live.ids).toEqual(["email", "city"]);
    expect(inputSummary(live.inputs)).toEqual([
      { attribute: "email", label: "E-mail", required: true, hidden: false },
      { attribute: "city", label: "City", required: false, hidden: false },
    ]);
    await expect(provider.read!(id, after!)).resolves.toEqual({ id, props: after });
  });

  test("GIVEN only the page settings changed (a label and hidden) WHEN updated THEN one PATCH and no $ref call", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    await provider.update!(id, outs, inputs({ attributes: [{ id: "email", required: true }, { id: "displayName", required: false, hidden: true }] }));
    expect(fx().writeLines()).toEqual([`PATCH ${FLOWS}/${id}`]);
    expect(inputSummary(liveAttributes(fx(), id).inputs)).toEqual([
      { attribute: "email", label: "Email Address", required: true, hidden: false },
      { attribute: "displayName", label: "Display Name", required: false, hidden: true },
    ]);
  });

  test("GIVEN only connection tuning changed WHEN updated THEN no Graph call is made and state records the tuning", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.clearLog();
    const tuned = { ...fx().connection, maxConcurrentRequests: 2 };
    const { outs: after } = await provider.update!(id, outs, inputs({ connection: tuned, identityProviders: ["EmailPassword-OAUTH"] }));
    expect(fx().graphCalls()).toEqual([]);
    expect(after?.connection).toEqual(tuned);
  });

  test("GIVEN a flow of that name made in the portal WHEN created THEN it is adopted and converged without a second flow", async () => {
    const existing = fx().emu.store.addFlow({
      "@odata.type": FLOW_ODATA_TYPE,
      displayName: "SignUpSignIn",
      onAuthenticationMethodLoadStart: { "@odata.type": METHOD_LOAD_START_ODATA_TYPE, identityProviders: [{ id: "EmailOtpSignup-OAUTH" }] },
      onInteractiveAuthFlowStart: { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: false },
      onAttributeCollection: {
        "@odata.type": ATTRIBUTE_COLLECTION_ODATA_TYPE,
        attributes: [{ id: "email" }],
        attributeCollectionPage: { views: [{ inputs: [{ attribute: "email", label: "Email", required: true }] }] },
      },
    });
    fx().emu.clearLog();
    const { id, outs } = await create(inputs());
    expect(id).toBe(existing);
    expect(fx().writeLines()).toEqual([
      `POST ${FLOWS}/${id}/${IDP_SEGMENT}/$ref`,
      `DELETE ${FLOWS}/${id}/${IDP_SEGMENT}/EmailOtpSignup-OAUTH/$ref`,
      `POST ${FLOWS}/${id}/${ATTR_SEGMENT}/$ref`,
      `PATCH ${FLOWS}/${id}`,
    ]);
    expect(Object.keys(fx().emu.writes()[3].body as JsonObject)).toEqual(["@odata.type", "onInteractiveAuthFlowStart", "onAttributeCollection"]);
    expect(fx().emu.store.counts().flows).toBe(1);
    await expect(provider.read!(id, outs)).resolves.toEqual({ id, props: outs });
  });

  test("GIVEN a flow of that name exactly as declared WHEN created THEN it is adopted with no write", async () => {
    const existing = fx().emu.store.addFlow(createFlowBody(inputs()) as unknown as JsonObject);
    fx().emu.clearLog();
    const { id } = await create(inputs());
    expect(id).toBe(existing);
    expect(fx().writeLines()).toEqual([]);
  });

  test("GIVEN adoption whose PATCH keeps failing WHEN created THEN a partial-create error carries the id and what the flow was", async () => {
    const existing = fx().emu.store.addFlow({
      "@odata.type": FLOW_ODATA_TYPE,
      displayName: "SignUpSignIn",
      onAuthenticationMethodLoadStart: { "@odata.type": METHOD_LOAD_START_ODATA_TYPE, identityProviders: [{ id: "EmailPassword-OAUTH" }] },
      onInteractiveAuthFlowStart: { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: false },
    });
    fx().emu.faults.inject({ method: "PATCH", status: 503, times: 1000 });
    const error = await rejectionOf(provider.create(inputs({ attributes: [{ id: "email", required: true }] })));
    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError;
    expect(partial.id).toBe(existing);
    expect(partial.properties).toMatchObject({ flowId: existing, isSignUpAllowed: false, identityProviders: ["EmailPassword-OAUTH"], attributes: [] });
    expect(partial.message).toContain("503 serviceNotAvailable");
    expect(fx().emu.store.counts().flows).toBe(1);
  });

  test("GIVEN a flow with a linked app WHEN deleted THEN the flow and its link are gone; deleting again succeeds", async () => {
    const { id, outs } = await create(inputs());
    const app = fx().emu.store.addApplication();
    fx().emu.store.setFlowApplications(id, [app.appId]);
    fx().emu.clearLog();
    await provider.delete!(id, outs);
    await provider.delete!(id, outs);
    expect(fx().writeLines()).toEqual([`DELETE ${FLOWS}/${id}`, `DELETE ${FLOWS}/${id}`]);
    expect(fx().emu.store.counts()).toMatchObject({ flows: 0, flowLinks: 0 });
  });
});

describe.each(["400", "404"] as const)("a reference Graph cannot resolve (unknown reference answered %s)", (unknownReference) => {
  const fx = useEmulator({ unknownReference });
  const inputs = (over: Partial<UserFlowInputs> = {}) => desired(fx().connection, over);

  test("GIVEN an identity provider id that does not exist WHEN created THEN Graph's error surfaces with status, code and request-id, and no flow exists", async () => {
    const error = await rejectionOf(provider.create(inputs({ identityProviders: ["Nope-OAUTH"] })));
    expect(error).toBeInstanceOf(GraphRequestError);
    const g = error as GraphRequestError;
    expect(g.status).toBe(Number(unknownReference));
    expect(g.code).toBe(unknownReference === "400" ? "Request_BadRequest" : "Request_ResourceNotFound");
    expect(g.attempts).toBe(1);
    expect(error.message).toContain(`Graph POST ${FLOWS} failed: ${unknownReference} ${g.code}`);
    expect(error.message).toContain(`request-id ${g.requestId}`);
    expect(fx().emu.store.counts().flows).toBe(0);
  });
});

describe("retries and replication lag", () => {
  const fx = useEmulator();
  const inputs = (over: Partial<UserFlowInputs> = {}) => desired(fx().connection, over);
  afterEach(() => {
    for (const f of fx().emu.store.listFlows()) fx().emu.store.deleteFlow(String(f.id));
    for (const a of fx().emu.store.listUserFlowAttributes()) if (a.userFlowAttributeType === "custom") fx().emu.store.deleteUserFlowAttribute(String(a.id));
  });

  test("GIVEN a 429 with Retry-After then 503s on the POST WHEN created THEN exactly one flow exists", async () => {
    fx().emu.faults.inject({ method: "POST", path: /authenticationEventsFlows$/, status: 429, retryAfterSeconds: 1, times: 1 });
    fx().emu.faults.inject({ method: "POST", path: /authenticationEventsFlows$/, status: 503, times: 2 });
    const started = Date.now();
    await create(inputs());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fx().writeLines()).toEqual([`POST ${FLOWS}`, `POST ${FLOWS}`, `POST ${FLOWS}`, `POST ${FLOWS}`]);
    expect(fx().emu.store.counts().flows).toBe(1);
  });

  test("GIVEN 503s on the $ref calls and the PATCH WHEN updated THEN each write lands exactly once", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.faults.inject({ path: /\$ref$/, status: 503, times: 2 });
    fx().emu.faults.inject({ method: "PATCH", status: 504, times: 1 });
    await provider.update!(id, outs, inputs({ identityProviders: ["EmailOtpSignup-OAUTH"], attributes: [{ id: "email", required: true }, { id: "city", required: false }] }));
    expect(liveIdps(fx(), id)).toEqual(["EmailOtpSignup-OAUTH"]);
    expect(liveAttributes(fx(), id).ids).toEqual(["email", "city"]);
    expect(fx().emu.store.counts().flows).toBe(1);
  });

  test("GIVEN Graph throttles past the retry deadline WHEN created THEN the error names the deadline and Graph's code, and no flow exists", async () => {
    fx().emu.faults.inject({ method: "POST", path: /authenticationEventsFlows$/, status: 429, times: 1000 });
    const error = await rejectionOf(provider.create(inputs()));
    expect(error.message).toMatch(new RegExp(`^Graph POST ${FLOWS} failed: 429 TooManyRequests: `));
    expect(error.message).toContain("retry deadline was reached");
    expect(fx().emu.store.counts().flows).toBe(0);
  });

  test("GIVEN a custom attribute created moments ago (still replicating) WHEN a flow using it is created THEN the POST is retried and one flow exists", async () => {
    fx().emu.options.replicationLag = { requests: 2 };
    const attr = await userFlowAttributeProvider.create({ connection: fx().connection, displayName: "LoyaltyNumber", dataType: "string" });
    fx().emu.clearLog();
    const { id } = await create(inputs({ attributes: [{ id: "email", required: true }, { id: attr.id, required: false }] }));
    expect(fx().writeLines()).toEqual([`POST ${FLOWS}`, `POST ${FLOWS}`, `POST ${FLOWS}`]);
    expect(fx().emu.store.counts().flows).toBe(1);
    expect(inputSummary(liveAttributes(fx(), id).inputs)[1]).toEqual({ attribute: attr.id, label: "LoyaltyNumber", required: false, hidden: false });
  });

  test("GIVEN a custom attribute created moments ago WHEN added to an existing flow THEN its $ref is retried and it is added once", async () => {
    const { id, outs } = await create(inputs());
    fx().emu.options.replicationLag = { requests: 2 };
    const attr = await userFlowAttributeProvider.create({ connection: fx().connection, displayName: "MemberSince", dataType: "int64" });
    fx().emu.clearLog();
    await provider.update!(id, outs, inputs({ attributes: [...outs.attributes, { id: attr.id, required: false }] }));
    const refs = `POST ${FLOWS}/${id}/${ATTR_SEGMENT}/$ref`;
    expect(fx().writeLines()).toEqual([refs, refs, refs, `PATCH ${FLOWS}/${id}`]);
    expect(liveAttributes(fx(), id).ids).toEqual(["email", "displayName", attr.id]);
  });

  test("GIVEN the provider object WHEN serialized as Pulumi does THEN it succeeds and holds no secret from the environment", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider);
    expect(serialized.text).toContain("authenticationEventsFlows");
    expect(serialized.text).not.toContain(fx().emu.clientSecret);
  });
});
