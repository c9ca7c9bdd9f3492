/**
 * Fidelity of `identity/authenticationEventsFlows` against the reference sheet §2, §3.1–§3.6 and checklist §9.1–§9.3.
 * Proves the emulator's answers, not the real service's: facts tagged [unknown] are pinned per switch value.
 */
import { Emulator, startEmulator } from "./index";
import { attributeCollection, call, minimalFlowBody } from "./helpers";
import type { JsonObject } from "./types";

const F = "/beta/identity/authenticationEventsFlows";
const CAST = "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const IDP_PATH = (id: string, cast = "microsoft.graph."): string =>
  `${F}/${id}/${cast}externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/${cast}onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`;
const ATTR_PATH = (id: string): string =>
  `${F}/${id}/${CAST}/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`;
const LINKS = (id: string): string => `${F}/${id}/conditions/applications/includeApplications`;

let emu: Emulator;
afterEach(async () => {
  await emu.stop();
});

async function createFlow(name: string, overrides: JsonObject = {}): Promise<string> {
  const r = await call(emu, "POST", F, { body: minimalFlowBody(name, overrides) });
  expect(r.status).toBe(201);
  return r.json.id as string;
}

function errorOf(r: { json: JsonObject }): { code: string; message: string } {
  return r.json.error as unknown as { code: string; message: string };
}

describe("flow create (reference §3.1)", () => {
  beforeEach(async () => {
    emu = await startEmulator();
  });

  test("GIVEN the minimal body WHEN POSTed THEN 201 with the documented create-response quirks", async () => {
    const r = await call(emu, "POST", F, { body: minimalFlowBody("SignUpSignIn") });
    expect(r.status).toBe(201);
    const id = r.json.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.json).toEqual({
      "@odata.context": `${emu.url}/beta/$metadata#identity/authenticationEventsFlows/$entity`,
      "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
      id,
      displayName: "SignUpSignIn",
      description: null,
      priority: 500,
      onAttributeCollectionStart: null,
      onAttributeCollectionSubmit: null,
      onUserCreateStart: null,
      conditions: { applications: { includeAllApplications: false } },
      onInteractiveAuthFlowStart: {
        "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
        isSignUpAllowed: true,
      },
      onAuthenticationMethodLoadStart: {
        "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
      },
      onAttributeCollection: null,
    });
  });

  test("GIVEN attributes, inputs and an app WHEN POSTed THEN the response omits attributes and includeApplications, inputs are fully keyed and enums normalized", async () => {
    const app = emu.store.addApplication({ displayName: "spa" });
    const body = minimalFlowBody("WithAttributes", {
      conditions: { applications: { includeApplications: [{ appId: app.appId }] } },
      onAttributeCollection: attributeCollection(["email", "displayName"]),
    });
    ((((body.onAttributeCollection as JsonObject).attributeCollectionPage as JsonObject).views as JsonObject[])[0].inputs as JsonObject[])[0].inputType = "Text";
    const r = await call(emu, "POST", F, { body });
    expect(r.status).toBe(201);
    expect(r.json.conditions).toEqual({ applications: { includeAllApplications: false } });
    expect(r.json.onAuthenticationMethodLoadStart).toEqual({
      "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
    });
    const collection = r.json.onAttributeCollection as JsonObject;
    expect(Object.keys(collection)).toEqual(["@odata.type", "accessPackages", "attributeCollectionPage"]);
    expect(collection.attributeCollectionPage).toEqual({
      customStringsFileId: null,
      views: [
        {
          title: null,
          description: null,
          inputs: [
            { attribute: "email", label: "email", inputType: "text", defaultValue: null, hidden: false, editable: true, writeToDirectory: true, required: true, validationRegEx: "^.*", options: [] },
            { attribute: "displayName", label: "displayName", inputType: "text", defaultValue: null, hidden: false, editable: true, writeToDirectory: true, required: false, validationRegEx: "^.*", options: [] },
          ],
        },
      ],
    });
    expect(emu.store.counts().flowLinks).toBe(1);
  });

  test("GIVEN no root @odata.type WHEN POSTed THEN 400 and nothing is created", async () => {
    const body = minimalFlowBody("NoType");
    delete body["@odata.type"];
    const r = await call(emu, "POST", F, { body });
    expect(r.status).toBe(400);
    expect(errorOf(r).code).toBe("Request_BadRequest");
    expect(emu.store.counts().flows).toBe(0);
  });

  test("GIVEN the docs' '…SignupEventsFlow' spelling WHEN POSTed THEN it is accepted and the schema spelling is emitted", async () => {
    const r = await call(emu, "POST", F, { body: minimalFlowBody("Spelling", { "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignupEventsFlow" }) });
    expect(r.status).toBe(201);
    expect(r.json["@odata.type"]).toBe("#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow");
  });

  test("GIVEN isSignUpAllowed as the string 'false' WHEN POSTed THEN 400 (entra-docs#777)", async () => {
    const r = await call(emu, "POST", F, {
      body: minimalFlowBody("StringBool", {
        onInteractiveAuthFlowStart: { "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp", isSignUpAllowed: "false" },
      }),
    });
    expect(r.status).toBe(400);
    expect(emu.store.counts().flows).toBe(0);
  });

  test("GIVEN an input with a string boolean WHEN POSTed THEN 400", async () => {
    const body = minimalFlowBody("StringBoolInput", { onAttributeCollection: attributeCollection(["email"]) });
    ((((body.onAttributeCollection as JsonObject).attributeCollectionPage as JsonObject).views as JsonObject[])[0].inputs as JsonObject[])[0].required = "true";
    expect((await call(emu, "POST", F, { body })).status).toBe(400);
  });

  test("GIVEN the default duplicateFlowName WHEN a second flow takes a used displayName (other case) THEN 409 Request_MultipleObjectsWithSameKeyValue", async () => {
    await createFlow("Dup");
    const r = await call(emu, "POST", F, { body: minimalFlowBody("dup") });
    expect(r.status).toBe(409);
    expect(errorOf(r).code).toBe("Request_MultipleObjectsWithSameKeyValue");
    expect(emu.store.counts().flows).toBe(1);
  });

  test("GIVEN duplicateFlowName 400 WHEN a displayName is reused THEN 400 Request_BadRequest", async () => {
    emu.options.duplicateFlowName = 400;
    await createFlow("Dup");
    const r = await call(emu, "POST", F, { body: minimalFlowBody("Dup") });
    expect(r.status).toBe(400);
    expect(errorOf(r).code).toBe("Request_BadRequest");
  });

  test("GIVEN handlerODataTypeRequired true (default) WHEN a handler lacks @odata.type THEN 400; false THEN 201", async () => {
    const body = minimalFlowBody("HandlerType", { onInteractiveAuthFlowStart: { isSignUpAllowed: true } });
    expect((await call(emu, "POST", F, { body })).status).toBe(400);
    emu.options.handlerODataTypeRequired = false;
    const r = await call(emu, "POST", F, { body });
    expect(r.status).toBe(201);
    expect(r.json.onInteractiveAuthFlowStart).toEqual({
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
      isSignUpAllowed: true,
    });
  });

  test("GIVEN a handler with a wrong @odata.type WHEN POSTed THEN 400 whatever the switch", async () => {
    emu.options.handlerODataTypeRequired = false;
    const body = minimalFlowBody("WrongHandler", { onInteractiveAuthFlowStart: { "@odata.type": "#microsoft.graph.somethingElse", isSignUpAllowed: true } });
    expect((await call(emu, "POST", F, { body })).status).toBe(400);
  });

  test("GIVEN no identity provider WHEN POSTed THEN 400", async () => {
    const body = minimalFlowBody("NoIdp", {
      onAuthenticationMethodLoadStart: { "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp", identityProviders: [] },
    });
    expect((await call(emu, "POST", F, { body })).status).toBe(400);
  });

  test("GIVEN unknownReference 404 (default) / 400 WHEN the body names an unknown IdP THEN that status", async () => {
    const body = minimalFlowBody("UnknownIdp", {
      onAuthenticationMethodLoadStart: {
        "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
        identityProviders: [{ id: "Google-OAUTH" }],
      },
    });
    const r404 = await call(emu, "POST", F, { body });
    expect(r404.status).toBe(404);
    expect(errorOf(r404).code).toBe("Request_ResourceNotFound");
    emu.options.unknownReference = "400";
    expect((await call(emu, "POST", F, { body })).status).toBe(400);
  });

  test("GIVEN attributesMustMatchInputs true (default) WHEN attributes and inputs differ THEN 400; false THEN 201", async () => {
    const body = minimalFlowBody("Mismatch", { onAttributeCollection: attributeCollection(["email", "city"], ["email"]) });
    expect((await call(emu, "POST", F, { body })).status).toBe(400);
    const body2 = minimalFlowBody("Mismatch2", { onAttributeCollection: attributeCollection(["email"], ["email", "city"]) });
    expect((await call(emu, "POST", F, { body: body2 })).status).toBe(400);
    emu.options.attributesMustMatchInputs = false;
    expect((await call(emu, "POST", F, { body })).status).toBe(201);
  });

  test("GIVEN omittedUserCreateStart WHEN a flow created without it is read THEN GET shows null (default) or the member handler", async () => {
    const id = await createFlow("UserCreate");
    expect((await call(emu, "GET", `${F}/${id}`)).json.onUserCreateStart).toBeNull();
    emu.options.omittedUserCreateStart = "member";
    expect((await call(emu, "GET", `${F}/${id}`)).json.onUserCreateStart).toEqual({
      "@odata.type": "#microsoft.graph.onUserCreateStartExternalUsersSelfServiceSignUp",
      userTypeToCreate: "member",
      accessPackages: [],
    });
  });
});

describe("flow get, list and $filter (reference §3.2)", () => {
  let appA: string;
  let flowA: string;
  let flowB: string;
  beforeEach(async () => {
    emu = await startEmulator();
    appA = emu.store.addApplication({ displayName: "a" }).appId;
    flowA = await createFlow("Alpha", { conditions: { applications: { includeApplications: [{ appId: appA }] } } });
    flowB = await createFlow("Beta", { onAttributeCollection: attributeCollection(["email", "city"]) });
    const google = emu.store.identityProviders.find((p) => p.identityProviderType === "Google");
    emu.store.setFlowIdentityProviders("Beta", ["EmailPassword-OAUTH", String(google?.id)]);
  });

  test("GIVEN a flow WHEN GET by id THEN navigation collections are inline, includeApplications with its @odata.context", async () => {
    const r = await call(emu, "GET", `${F}/${flowA}`);
    expect(r.status).toBe(200);
    expect(r.json["@odata.context"]).toBe(`${emu.url}/beta/$metadata#identity/authenticationEventsFlows/$entity`);
    expect(r.json.conditions).toEqual({
      applications: {
        includeAllApplications: false,
        "includeApplications@odata.context": `${emu.url}/beta/$metadata#identity/authenticationEventsFlows('${flowA}')/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications`,
        includeApplications: [{ appId: appA }],
      },
    });
    expect((r.json.onAuthenticationMethodLoadStart as JsonObject).identityProviders).toEqual([
      { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailPassword-OAUTH", displayName: "Email with password", identityProviderType: "EmailPassword", state: null },
    ]);
    const b = await call(emu, "GET", `${F}/${flowB}`);
    expect(((b.json.onAttributeCollection as JsonObject).attributes as JsonObject[]).map((a) => a.id)).toEqual(["email", "city"]);
  });

  test("GIVEN an unknown id WHEN GET THEN 404 Request_ResourceNotFound", async () => {
    const r = await call(emu, "GET", `${F}/00000000-0000-0000-0000-00000000abcd`);
    expect(r.status).toBe(404);
    expect(errorOf(r).code).toBe("Request_ResourceNotFound");
  });

  test.each([
    ["the documented cast form", (appId: string) => `${CAST}/conditions/applications/includeApplications/any(appId:appId/appId eq '${appId}')`],
    ["the graph.X cast", (appId: string) => `graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications/any(a:a/appId eq '${appId}')`],
    ["no cast (beta sample)", (appId: string) => `conditions/applications/includeApplications/any(a:a/appId eq '${appId}')`],
  ])("GIVEN %s WHEN listing with the app filter THEN exactly the linked flow", async (_name, filter) => {
    const r = await call(emu, "GET", `${F}?$filter=${encodeURIComponent(filter(appA))}`);
    expect(r.status).toBe(200);
    expect((r.json.value as JsonObject[]).map((f) => f.displayName)).toEqual(["Alpha"]);
    const none = await call(emu, "GET", `${F}?$filter=${encodeURIComponent(filter("11111111-1111-1111-1111-111111111111"))}`);
    expect(none.json.value).toEqual([]);
  });

  test("GIVEN a raw query with %20 and quotes WHEN listing by displayName THEN the filter is decoded", async () => {
    const r = await call(emu, "GET", `${F}?$filter=displayName%20eq%20%27Beta%27`);
    expect((r.json.value as JsonObject[]).map((f) => f.id)).toEqual([flowB]);
    const plain = await call(emu, "GET", `${F}?$filter=displayName eq 'Alpha'`);
    expect((plain.json.value as JsonObject[]).map((f) => f.id)).toEqual([flowA]);
  });

  test("GIVEN IdP and attribute any() filters WHEN listing THEN the matching flow", async () => {
    const google = String(emu.store.identityProviders.find((p) => p.identityProviderType === "Google")?.id);
    const idp = `${CAST}/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders/any(idp:idp/id eq '${google}')`;
    expect(((await call(emu, "GET", `${F}?$filter=${encodeURIComponent(idp)}`)).json.value as JsonObject[]).map((f) => f.displayName)).toEqual(["Beta"]);
    const attr = `${CAST}/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes/any(attribute:attribute/id eq 'city')`;
    expect(((await call(emu, "GET", `${F}?$filter=${encodeURIComponent(attr)}`)).json.value as JsonObject[]).map((f) => f.displayName)).toEqual(["Beta"]);
  });

  test("GIVEN mixed-case segments, the graph.X cast and a trailing slash WHEN reading THEN the same resources answer", async () => {
    expect((await call(emu, "GET", `/beta/Identity/AuthenticationEventsFlows/${flowA}/`)).status).toBe(200);
    const viaGraphCast = await call(emu, "GET", IDP_PATH(flowB, "graph."));
    expect((viaGraphCast.json.value as JsonObject[]).length).toBe(2);
    const viaUpper = await call(emu, "GET", IDP_PATH(flowB).replace("microsoft.graph.", "Microsoft.Graph."));
    expect(viaUpper.status).toBe(200);
    expect((await call(emu, "GET", `/v1.0/identity/authenticationeventsflows?$filter=displayName eq 'Alpha'`)).json.value).toHaveLength(1);
  });

  test("GIVEN a path without the derived-type cast WHEN addressing identityProviders THEN 400 (property not on the base type)", async () => {
    const r = await call(emu, "GET", `${F}/${flowA}/onAuthenticationMethodLoadStart/identityProviders`);
    expect(r.status).toBe(400);
  });

  test("GIVEN $select WHEN listing THEN only the selected properties (plus @odata annotations)", async () => {
    const r = await call(emu, "GET", `${F}?$select=id,displayName`);
    expect(r.json.value).toEqual([
      { "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow", id: flowA, displayName: "Alpha" },
      { "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow", id: flowB, displayName: "Beta" },
    ]);
  });
});

describe("flow update and delete (reference §3.3, §3.4)", () => {
  beforeEach(async () => {
    emu = await startEmulator();
  });

  const ROOT = { "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow" };

  test("GIVEN the disable-sign-up body WHEN PATCHed THEN 204 and GET shows it", async () => {
    const id = await createFlow("Patch");
    const r = await call(emu, "PATCH", `${F}/${id}`, {
      body: { ...ROOT, onInteractiveAuthFlowStart: { "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp", isSignUpAllowed: false } },
    });
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
    expect(emu.store.getFlow(id)?.onInteractiveAuthFlowStart).toEqual({
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
      isSignUpAllowed: false,
    });
  });

  test("GIVEN a PATCH without root @odata.type THEN 400 and nothing changes", async () => {
    const id = await createFlow("NoRoot");
    const r = await call(emu, "PATCH", `${F}/${id}`, { body: { description: "x" } });
    expect(r.status).toBe(400);
    expect(emu.store.getFlow(id)?.description).toBeNull();
  });

  test("GIVEN a PATCH of the page WHEN an input omits optional keys THEN the complex property is replaced whole (defaults, not old values)", async () => {
    const body = minimalFlowBody("Replace", { onAttributeCollection: attributeCollection(["email", "displayName"]) });
    const views = ((body.onAttributeCollection as JsonObject).attributeCollectionPage as JsonObject).views as JsonObject[];
    (views[0].inputs as JsonObject[])[1].label = "Your name";
    (views[0].inputs as JsonObject[])[1].hidden = true;
    const r0 = await call(emu, "POST", F, { body });
    const id = r0.json.id as string;
    const patch: JsonObject = {
      ...ROOT,
      onAttributeCollection: {
        "@odata.type": "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp",
        attributeCollectionPage: { views: [{ inputs: [{ attribute: "email", required: true }, { attribute: "displayName" }] }] },
      },
    };
    expect((await call(emu, "PATCH", `${F}/${id}`, { body: patch })).status).toBe(204);
    const inputs = (((emu.store.getFlow(id)?.onAttributeCollection as JsonObject).attributeCollectionPage as JsonObject).views as JsonObject[])[0].inputs as JsonObject[];
    expect(inputs[1]).toEqual({ attribute: "displayName", label: "Display Name", inputType: "text", defaultValue: null, hidden: false, editable: true, writeToDirectory: true, required: false, validationRegEx: "^.*", options: [] });
  });

  test("GIVEN a flow created without onAttributeCollection WHEN it is PATCHed THEN 400 (only patchable if configured at creation)", async () => {
    const id = await createFlow("NoCollection");
    const r = await call(emu, "PATCH", `${F}/${id}`, { body: { ...ROOT, onAttributeCollection: attributeCollection(["email"]) } });
    expect(r.status).toBe(400);
  });

  test("GIVEN attributesMustMatchInputs WHEN a PATCH leaves an attribute without input THEN 400 (true) / 204 (false)", async () => {
    const id = await createFlow("Sync", { onAttributeCollection: attributeCollection(["email", "city"]) });
    const patch = { ...ROOT, onAttributeCollection: attributeCollection(["email", "city"], ["email"]) };
    expect((await call(emu, "PATCH", `${F}/${id}`, { body: patch })).status).toBe(400);
    const patch2 = { ...ROOT, onAttributeCollection: attributeCollection(["email"], ["email", "country"]) };
    expect((await call(emu, "PATCH", `${F}/${id}`, { body: patch2 })).status).toBe(400);
    emu.options.attributesMustMatchInputs = false;
    expect((await call(emu, "PATCH", `${F}/${id}`, { body: patch })).status).toBe(204);
  });

  test("GIVEN patchIncludeApplications WHEN a PATCH lists apps THEN 400 (rejected, default) / links replaced (applied)", async () => {
    const a = emu.store.addApplication();
    const id = await createFlow("PatchApps");
    const patch = { ...ROOT, conditions: { applications: { includeApplications: [{ appId: a.appId }] } } };
    expect((await call(emu, "PATCH", `${F}/${id}`, { body: patch })).status).toBe(400);
    expect(emu.store.counts().flowLinks).toBe(0);
    emu.options.patchIncludeApplications = "applied";
    expect((await call(emu, "PATCH", `${F}/${id}`, { body: patch })).status).toBe(204);
    expect((emu.store.getFlow(id)?.conditions as JsonObject).applications).toMatchObject({ includeApplications: [{ appId: a.appId }] });
  });

  test("GIVEN a PATCH of onAuthenticationMethodLoadStart with no IdP THEN 400 'Must have at least one identity provider linked'", async () => {
    const id = await createFlow("IdpPatch");
    const r = await call(emu, "PATCH", `${F}/${id}`, {
      body: { ...ROOT, onAuthenticationMethodLoadStart: { "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp", identityProviders: [] } },
    });
    expect(r.status).toBe(400);
    expect(errorOf(r).message).toMatch(/at least one identity provider/);
  });

  test("GIVEN a PATCH renaming to another flow's displayName THEN 409", async () => {
    await createFlow("One");
    const id = await createFlow("Two");
    expect((await call(emu, "PATCH", `${F}/${id}`, { body: { ...ROOT, displayName: "ONE" } })).status).toBe(409);
  });

  test("GIVEN a linked flow WHEN DELETEd THEN 204, its apps are unlinked and can be linked elsewhere", async () => {
    const a = emu.store.addApplication();
    const id = await createFlow("Del", { conditions: { applications: { includeApplications: [{ appId: a.appId }] } } });
    expect((await call(emu, "DELETE", `${F}/${id}`)).status).toBe(204);
    expect(emu.store.counts()).toMatchObject({ flows: 0, flowLinks: 0 });
    const other = await createFlow("Other");
    expect((await call(emu, "POST", LINKS(other), { body: { appId: a.appId } })).status).toBe(201);
    expect((await call(emu, "DELETE", `${F}/${id}`)).status).toBe(404);
  });
});

describe("identity provider and attribute $ref (reference §3.6, §3.7)", () => {
  let flow: string;
  beforeEach(async () => {
    emu = await startEmulator();
    flow = await createFlow("Refs", { onAttributeCollection: attributeCollection(["email"]) });
  });

  test.each([
    ["legacy absolute on graph.microsoft.com beta", "https://graph.microsoft.com/beta/identityProviders/EmailOtpSignup-OAUTH"],
    ["legacy absolute v1.0", "https://graph.microsoft.com/v1.0/identityProviders/EmailOtpSignup-OAUTH"],
    ["identity/identityProviders", "https://graph.microsoft.com/beta/identity/identityProviders/EmailOtpSignup-OAUTH"],
    ["on the emulator host", "EMU/beta/identityProviders/EmailOtpSignup-OAUTH"],
    ["relative", "identityProviders/EmailOtpSignup-OAUTH"],
  ])("GIVEN an @odata.id %s WHEN POST $ref THEN 204 and the IdP is in the flow", async (_n, ref) => {
    const r = await call(emu, "POST", `${IDP_PATH(flow)}/$ref`, { body: { "@odata.id": ref.replace("EMU", emu.url) } });
    expect(r.status).toBe(204);
    const ids = ((emu.store.getFlow(flow)?.onAuthenticationMethodLoadStart as JsonObject).identityProviders as JsonObject[]).map((p) => p.id);
    expect(ids).toEqual(["EmailPassword-OAUTH", "EmailOtpSignup-OAUTH"]);
  });

  test("GIVEN a social IdP with a GUID id WHEN added by that id THEN 204; by the Google-OAUTH name THEN 404 (unknownReference default)", async () => {
    const google = String(emu.store.identityProviders.find((p) => p.identityProviderType === "Google")?.id);
    expect((await call(emu, "POST", `${IDP_PATH(flow)}/$ref`, { body: { "@odata.id": `https://graph.microsoft.com/beta/identityProviders/${google}` } })).status).toBe(204);
    const r = await call(emu, "POST", `${IDP_PATH(flow)}/$ref`, { body: { "@odata.id": "https://graph.microsoft.com/beta/identityProviders/Google-OAUTH" } });
    expect(r.status).toBe(404);
    emu.options.unknownReference = "400";
    expect((await call(emu, "POST", `${IDP_PATH(flow)}/$ref`, { body: { "@odata.id": "https://graph.microsoft.com/beta/identityProviders/Google-OAUTH" } })).status).toBe(400);
  });

  test("GIVEN an IdP already in the flow WHEN added again THEN 400", async () => {
    const r = await call(emu, "POST", `${IDP_PATH(flow)}/$ref`, { body: { "@odata.id": "https://graph.microsoft.com/beta/identityProviders/EmailPassword-OAUTH" } });
    expect(r.status).toBe(400);
  });

  test("GIVEN two IdPs WHEN one is removed THEN 204; removing the last THEN 400 and it stays", async () => {
    await call(emu, "POST", `${IDP_PATH(flow)}/$ref`, { body: { "@odata.id": "https://graph.microsoft.com/beta/identityProviders/EmailOtpSignup-OAUTH" } });
    expect((await call(emu, "DELETE", `${IDP_PATH(flow)}/EmailPassword-OAUTH/$ref`)).status).toBe(204);
    const last = await call(emu, "DELETE", `${IDP_PATH(flow)}/EmailOtpSignup-OAUTH/$ref`);
    expect(last.status).toBe(400);
    expect((await call(emu, "GET", IDP_PATH(flow))).json.value).toEqual([
      { "@odata.type": "#microsoft.graph.builtInIdentityProvider", id: "EmailOtpSignup-OAUTH", displayName: "Email one-time passcode", identityProviderType: "EmailOTP", state: null },
    ]);
    expect((await call(emu, "DELETE", `${IDP_PATH(flow)}/MSASignup-OAUTH/$ref`)).status).toBe(404);
  });

  test("GIVEN the doc template form without identityProviders/ WHEN DELETE THEN 400 (only the example form works)", async () => {
    const template = `${F}/${flow}/${CAST}/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/EmailPassword-OAUTH/$ref`;
    expect((await call(emu, "DELETE", template)).status).toBe(400);
  });

  test("GIVEN an attribute WHEN added by $ref THEN 204, it is in attributes and a default input joins the page", async () => {
    const r = await call(emu, "POST", `${ATTR_PATH(flow)}/$ref`, { body: { "@odata.id": "https://graph.microsoft.com/v1.0/identity/userFlowAttributes/city" } });
    expect(r.status).toBe(204);
    const got = emu.store.getFlow(flow)?.onAttributeCollection as JsonObject;
    expect((got.attributes as JsonObject[]).map((a) => a.id)).toEqual(["email", "city"]);
    const inputs = ((got.attributeCollectionPage as JsonObject).views as JsonObject[])[0].inputs as JsonObject[];
    expect(inputs.map((i) => i.attribute)).toEqual(["email", "city"]);
    expect(inputs[1]).toEqual({ attribute: "city", label: "City", inputType: "text", defaultValue: null, hidden: false, editable: true, writeToDirectory: true, required: false, validationRegEx: "^.*", options: [] });
  });

  test("GIVEN an attribute WHEN removed by $ref THEN 204, gone from attributes, its input stays until a PATCH drops it", async () => {
    await call(emu, "POST", `${ATTR_PATH(flow)}/$ref`, { body: { "@odata.id": "https://graph.microsoft.com/v1.0/identity/userFlowAttributes/city" } });
    expect((await call(emu, "DELETE", `${ATTR_PATH(flow)}/city/$ref`)).status).toBe(204);
    const got = emu.store.getFlow(flow)?.onAttributeCollection as JsonObject;
    expect((got.attributes as JsonObject[]).map((a) => a.id)).toEqual(["email"]);
    const inputs = ((got.attributeCollectionPage as JsonObject).views as JsonObject[])[0].inputs as JsonObject[];
    expect(inputs.map((i) => i.attribute)).toEqual(["email", "city"]);
    const patch = { "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow", onAttributeCollection: attributeCollection(["email"]) };
    expect((await call(emu, "PATCH", `${F}/${flow}`, { body: patch })).status).toBe(204);
  });

  test("GIVEN an unknown attribute WHEN added by $ref THEN 404 (default) and nothing changes", async () => {
    const r = await call(emu, "POST", `${ATTR_PATH(flow)}/$ref`, { body: { "@odata.id": "https://graph.microsoft.com/beta/identity/userFlowAttributes/extension_x_Nope" } });
    expect(r.status).toBe(404);
    expect(emu.writes().map((w) => w.status)).toEqual([201, 404]);
  });
});

describe("app links (reference §3.5)", () => {
  let flow: string;
  beforeEach(async () => {
    emu = await startEmulator();
    flow = await createFlow("Links");
  });

  test("GIVEN an app with a service principal WHEN linked THEN 201 {@odata.context, appId}; list, get and delete work", async () => {
    const a = emu.store.addApplication();
    const r = await call(emu, "POST", LINKS(flow), { body: { appId: a.appId } });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      "@odata.context": `${emu.url}/beta/$metadata#identity/authenticationEventsFlows('${flow}')/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications/$entity`,
      appId: a.appId,
    });
    expect((await call(emu, "GET", LINKS(flow))).json.value).toEqual([{ appId: a.appId }]);
    expect((await call(emu, "GET", `${F}/${flow}/${CAST}/conditions/applications/includeApplications`)).json.value).toEqual([{ appId: a.appId }]);
    expect((await call(emu, "DELETE", `${LINKS(flow)}/${a.appId}`)).status).toBe(204);
    expect((await call(emu, "DELETE", `${LINKS(flow)}/${a.appId}`)).status).toBe(404);
    expect((await call(emu, "GET", LINKS(flow))).json.value).toEqual([]);
  });

  test("GIVEN the typed link body WHEN POSTed THEN accepted", async () => {
    const a = emu.store.addApplication();
    const r = await call(emu, "POST", LINKS(flow), { body: { "@odata.type": "#microsoft.graph.authenticationConditionApplication", appId: a.appId } });
    expect(r.status).toBe(201);
  });

  test("GIVEN an app without service principal WHEN linked THEN 400 Request_BadRequest (default) / 404 (switch)", async () => {
    const a = emu.store.addApplication({ withServicePrincipal: false });
    const r = await call(emu, "POST", LINKS(flow), { body: { appId: a.appId } });
    expect(r.status).toBe(400);
    expect(errorOf(r).code).toBe("Request_BadRequest");
    emu.options.linkWithoutServicePrincipal = "404";
    const r2 = await call(emu, "POST", LINKS(flow), { body: { appId: a.appId } });
    expect(r2.status).toBe(404);
    expect(errorOf(r2).code).toBe("Request_ResourceNotFound");
    expect(emu.store.counts().flowLinks).toBe(0);
  });

  test("GIVEN an app linked to another flow WHEN linked THEN 400 (default) / 409 (switch) with a generic message", async () => {
    const a = emu.store.addApplication();
    const other = await createFlow("Other");
    expect((await call(emu, "POST", LINKS(other), { body: { appId: a.appId } })).status).toBe(201);
    const r = await call(emu, "POST", LINKS(flow), { body: { appId: a.appId } });
    expect(r.status).toBe(400);
    expect(errorOf(r).code).toBe("Request_BadRequest");
    expect(errorOf(r).message).not.toContain(other);
    expect(errorOf(r).message).not.toContain("Other");
    emu.options.linkConflict = "409";
    const r2 = await call(emu, "POST", LINKS(flow), { body: { appId: a.appId } });
    expect(r2.status).toBe(409);
    expect(errorOf(r2).code).toBe("Request_MultipleObjectsWithSameKeyValue");
    expect(emu.store.counts().flowLinks).toBe(1);
  });

  test("GIVEN an unknown appId WHEN unlinked THEN 404", async () => {
    expect((await call(emu, "DELETE", `${LINKS(flow)}/22222222-2222-2222-2222-222222222222`)).status).toBe(404);
  });
});
