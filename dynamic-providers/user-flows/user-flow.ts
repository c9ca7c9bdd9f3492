/**
 * A self-service sign-up/sign-in user flow of the external tenant: an `externalUsersSelfServiceSignUpEventsFlow`
 * under `/identity/authenticationEventsFlows`.
 *
 * Graph facts this file rests on (reference: graph-api.md §2, §3):
 * - Root `@odata.type` is required on POST and PATCH; every handler carries its own `@odata.type` (§2).
 * - `displayName` is unique in the tenant: create adopts a flow of the same name (`displayName eq '…'`).
 * - `onAttributeCollection` can be PATCHed only if it was configured at creation, so create always sends it (§3.3).
 * - Identity providers and attributes are navigation collections changed through `$ref`; a flow keeps at least
 *   one identity provider, so adds go before removes (§3.6). A removed attribute also leaves the page only when
 *   the page is PATCHed listing every input to keep (§3.7).
 * - The 201 answer omits the navigation collections; its id is trusted (§3.1, §6).
 * - DELETE also unlinks every application from the flow (§3.4).
 *
 * The provider runs from the providers package (../reference.ts) and stays serializable by value, the form older states hold (pulumi-notes §2): plain functions only,
 * SDK modules are required inside the Graph layer at call time, and `@pulumi/pulumi` is used by the resource class
 * alone, never inside a provider method.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import { graphClient, type GraphClient, type GraphConnection } from "../graph";
import { ruleFailures, ProviderError } from "../core";
import {
  PartialCreateError,
  changedKeys,
  checkConnection,
  diffManaged,
  failure,
  isUnknown,
  odataString,
  postOrAdopt,
  upgradeState,
  withCleanErrors,
  type ManagedDiffSpec,
} from "../provider-kit";
import { FLOW_ATTRIBUTE_RULES, USER_FLOW_RULES } from "./rules";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;
const FLOWS = "/identity/authenticationEventsFlows";
const FLOW_CAST = "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";

export const FLOW_ODATA_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
export const METHOD_LOAD_START_ODATA_TYPE = "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp";
export const INTERACTIVE_START_ODATA_TYPE = "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp";
export const ATTRIBUTE_COLLECTION_ODATA_TYPE = "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp";

/** One attribute collected on the sign-up page, in page order. */
export interface UserFlowAttributeSetting {
  /** A built-in attribute id (`email`, `displayName`, `city`, …) or a custom one (`extension_<app>_<Name>`). */
  id: string;
  /** The user must fill it in. */
  required: boolean;
  /** Collected but not shown (cannot be combined with `required`). @default false */
  hidden?: boolean;
  /** Label on the page. @default - the attribute's documented name ("Email Address", …) or the custom name */
  label?: string;
}

/** A {@link UserFlowAttributeSetting} whose fields may still be Outputs (e.g. a UserFlowAttribute's attributeId). */
export interface UserFlowAttributeSettingArgs {
  id: pulumi.Input<string>;
  required: pulumi.Input<boolean>;
  hidden?: pulumi.Input<boolean>;
  label?: pulumi.Input<string>;
}

/** Inputs as the provider sees them (every Output resolved). */
export interface UserFlowInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly description?: string;
  readonly isSignUpAllowed: boolean;
  readonly identityProviders: string[];
  readonly attributes: UserFlowAttributeSetting[];
}

/** State written by the provider. `stateVersion` 1 is the first shape. */
export interface UserFlowOutputs extends UserFlowInputs {
  /** Graph id of the flow (GUID); also the resource id. */
  readonly flowId: string;
  readonly stateVersion: number;
}

type Typed<T> = T & { "@odata.type"?: string };
type MethodLoadStart = Typed<MicrosoftGraphBeta.OnAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp>;
type InteractiveStart = Typed<MicrosoftGraphBeta.OnInteractiveAuthFlowStartExternalUsersSelfServiceSignUp>;
type AttributeCollection = Typed<MicrosoftGraphBeta.OnAttributeCollectionExternalUsersSelfServiceSignUp>;
type InputConfiguration = MicrosoftGraphBeta.AuthenticationAttributeCollectionInputConfiguration;
/** The flow as sent and received; the typings declare the handlers by their abstract base types. */
type FlowPayload = Typed<
  Omit<MicrosoftGraphBeta.ExternalUsersSelfServiceSignUpEventsFlow, "onAuthenticationMethodLoadStart" | "onInteractiveAuthFlowStart" | "onAttributeCollection"> & {
    onAuthenticationMethodLoadStart?: MethodLoadStart | null;
    onInteractiveAuthFlowStart?: InteractiveStart | null;
    onAttributeCollection?: AttributeCollection | null;
  }
>;

/** The managed keys, i.e. what `read` reports and `update` converges. */
type FlowSettings = Omit<UserFlowInputs, "connection">;
const UPDATABLE = ["displayName", "description", "isSignUpAllowed", "identityProviders", "attributes"] as const;

// ---------------------------------------------------------------------------------------------- validation

const IDP_ID = /^[A-Za-z0-9-]+$/;
/** Built-in ids are camelCase words; custom ones `extension_<32 hex>_<Name>`. */
const ATTRIBUTE_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Check failures of the inputs; values unknown during preview are skipped. */
export function validateUserFlow(inputs: Partial<UserFlowInputs>): pulumi.dynamic.CheckFailure[] {
  const out = [...checkConnection(inputs.connection)];
  const { displayName, description, isSignUpAllowed, identityProviders, attributes } = inputs;
  out.push(...ruleFailures("displayName", USER_FLOW_RULES.displayName, displayName, isUnknown));
  if (description !== undefined && !isUnknown(description) && (typeof description !== "string" || description.length > 1024)) {
    out.push(failure("description", description, "a string of at most 1024 characters, or omit it"));
  }
  out.push(...ruleFailures("isSignUpAllowed", USER_FLOW_RULES.signUpAllowed, isSignUpAllowed, isUnknown));
  out.push(...validateIdentityProviders(identityProviders));
  out.push(...validateAttributeSettings(attributes));
  return out;
}

function validateIdentityProviders(idps: unknown): pulumi.dynamic.CheckFailure[] {
  if (isUnknown(idps)) return [];
  if (!Array.isArray(idps) || idps.length === 0) return ruleFailures("identityProviders", USER_FLOW_RULES.identityProviders, idps, isUnknown);
  const out: pulumi.dynamic.CheckFailure[] = [];
  const seen = new Set<string>();
  idps.forEach((idp, i) => {
    if (isUnknown(idp)) return;
    if (typeof idp !== "string" || !IDP_ID.test(idp)) {
      out.push(failure(`identityProviders[${i}]`, idp, 'an identity provider id of letters, digits and "-" is required, e.g. "EmailPassword-OAUTH", "EmailOtpSignup-OAUTH"'));
    } else if (seen.has(idp.toLowerCase())) {
      out.push(failure(`identityProviders[${i}]`, idp, "each identity provider may be listed once"));
    } else {
      seen.add(idp.toLowerCase());
    }
  });
  return out;
}

function validateAttributeSettings(attributes: unknown): pulumi.dynamic.CheckFailure[] {
  if (isUnknown(attributes)) return [];
  if (!Array.isArray(attributes) || attributes.length === 0) return ruleFailures("attributes", USER_FLOW_RULES.attributes, attributes, isUnknown);
  const out: pulumi.dynamic.CheckFailure[] = [];
  const seen = new Set<string>();
  attributes.forEach((a, i) => {
    const at = `attributes[${i}]`;
    if (isUnknown(a)) return;
    if (a === null || typeof a !== "object" || Array.isArray(a)) {
      out.push(failure(at, a, "an object {id, required, hidden?, label?} is required"));
      return;
    }
    const s = a as Record<string, unknown>;
    if (!isUnknown(s.id)) {
      if (typeof s.id !== "string" || !ATTRIBUTE_ID.test(s.id)) {
        out.push(failure(`${at}.id`, s.id, 'a built-in attribute id ("email", "displayName", …) or a custom attribute id (extension_…) is required'));
      } else if (seen.has(s.id.toLowerCase())) {
        out.push(failure(`${at}.id`, s.id, "each attribute may be listed once"));
      } else {
        seen.add(s.id.toLowerCase());
      }
    }
    out.push(...ruleFailures(`${at}.required`, FLOW_ATTRIBUTE_RULES.required, s.required, isUnknown));
    if (s.hidden !== undefined) out.push(...ruleFailures(`${at}.hidden`, FLOW_ATTRIBUTE_RULES.hidden, s.hidden, isUnknown, s));
    if (s.label !== undefined) out.push(...ruleFailures(`${at}.label`, FLOW_ATTRIBUTE_RULES.label, s.label, isUnknown));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------- comparison

/** Labels of the built-in attributes as Graph documents them (reference §3.7), used when `label` is omitted. */
const BUILT_IN_LABELS: Readonly<Record<string, string>> = {
  city: "City",
  country: "Country/Region",
  displayname: "Display Name",
  email: "Email Address",
  givenname: "Given Name",
  jobtitle: "Job Title",
  postalcode: "Postal Code",
  state: "State/Province",
  streetaddress: "Street Address",
  surname: "Surname",
};

/** The label shown when the setting names none: the documented name, or `<Name>` of `extension_<app>_<Name>`. */
export function defaultLabel(attributeId: string): string {
  const builtIn = BUILT_IN_LABELS[attributeId.toLowerCase()];
  if (builtIn) return builtIn;
  const custom = /^extension_[0-9a-f]{32}_(.+)$/i.exec(attributeId);
  return custom ? custom[1] : attributeId;
}

function isCustomAttribute(attributeId: string): boolean {
  return /^extension_/i.test(attributeId);
}

function normalizedSetting(s: UserFlowAttributeSetting) {
  return { id: s.id.toLowerCase(), required: s.required === true, hidden: s.hidden === true, label: s.label ?? defaultLabel(s.id) };
}

function sameSetting(a: UserFlowAttributeSetting, b: UserFlowAttributeSetting): boolean {
  const x = normalizedSetting(a);
  const y = normalizedSetting(b);
  return x.id === y.id && x.required === y.required && x.hidden === y.hidden && x.label === y.label;
}

/** Attributes are an ordered list: the page shows them in this order. */
function sameAttributes(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  return a.length === b.length && a.every((s, i) => sameSetting(s as UserFlowAttributeSetting, b[i] as UserFlowAttributeSetting));
}

/** Identity providers are a set; ids compare case-insensitively. */
function sameIdSet(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  const x = new Set(a.map((v) => String(v).toLowerCase()));
  const y = new Set(b.map((v) => String(v).toLowerCase()));
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function sameDescription(a: unknown, b: unknown): boolean {
  return (a || undefined) === (b || undefined);
}

const EQUAL: ManagedDiffSpec<UserFlowInputs>["equal"] = {
  description: sameDescription,
  identityProviders: sameIdSet,
  attributes: sameAttributes,
};

// ---------------------------------------------------------------------------------------------- Graph mapping

function flowPath(flowId: string): string {
  return `${FLOWS}/${encodeURIComponent(flowId)}`;
}
function idpPath(flowId: string): string {
  return `${flowPath(flowId)}/${FLOW_CAST}/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`;
}
function attributePath(flowId: string): string {
  return `${flowPath(flowId)}/${FLOW_CAST}/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`;
}

function inputConfiguration(s: UserFlowAttributeSetting): InputConfiguration {
  return {
    attribute: s.id,
    label: s.label ?? defaultLabel(s.id),
    inputType: "text",
    hidden: s.hidden === true,
    editable: true,
    writeToDirectory: true,
    required: s.required,
  };
}

/** The whole attribute collection step: the attribute references and one page listing every input, in order. */
function attributeCollection(attributes: UserFlowAttributeSetting[]): AttributeCollection {
  return {
    "@odata.type": ATTRIBUTE_COLLECTION_ODATA_TYPE,
    attributes: attributes.map((a) => ({ id: a.id })),
    attributeCollectionPage: { views: [{ inputs: attributes.map(inputConfiguration) }] },
  };
}

/** POST body: the reference's minimal body plus `onAttributeCollection`, so the page can be PATCHed later. */
export function createFlowBody(inputs: UserFlowInputs): FlowPayload {
  return {
    "@odata.type": FLOW_ODATA_TYPE,
    displayName: inputs.displayName,
    ...(inputs.description ? { description: inputs.description } : {}),
    onAuthenticationMethodLoadStart: {
      "@odata.type": METHOD_LOAD_START_ODATA_TYPE,
      identityProviders: inputs.identityProviders.map((id) => ({ id })),
    },
    onInteractiveAuthFlowStart: { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: inputs.isSignUpAllowed },
    onAttributeCollection: attributeCollection(inputs.attributes),
  };
}

function settingsOf(inputs: UserFlowInputs | UserFlowOutputs): FlowSettings {
  return {
    displayName: inputs.displayName,
    ...(inputs.description ? { description: inputs.description } : {}),
    isSignUpAllowed: inputs.isSignUpAllowed,
    identityProviders: inputs.identityProviders,
    attributes: inputs.attributes,
  };
}

function outputsFrom(connection: GraphConnection, settings: FlowSettings, flowId: string): UserFlowOutputs {
  return { connection, ...settingsOf({ connection, ...settings }), flowId, stateVersion: STATE_VERSION };
}

/** Live identity provider ids; fetched separately when the entity does not inline them. */
async function liveIdentityProviders(client: GraphClient, flowId: string, live: FlowPayload): Promise<string[]> {
  const inline = live.onAuthenticationMethodLoadStart?.identityProviders;
  const idps = inline ?? (await client.list<{ id?: string }>(idpPath(flowId)));
  return idps.map((p) => p.id ?? "").filter(Boolean);
}

/** Live attribute ids referenced by the flow; fetched separately when the entity does not inline them. */
async function liveAttributeIds(client: GraphClient, flowId: string, live: FlowPayload): Promise<string[]> {
  const collection = live.onAttributeCollection;
  if (!collection) return [];
  const attrs = collection.attributes ?? (await client.list<{ id?: string }>(attributePath(flowId)));
  return attrs.map((a) => a.id ?? "").filter(Boolean);
}

/**
 * The managed keys as the tenant has them. Where the live value means the same as `previous` (set order, an
 * omitted default label, "" vs no description) the previous spelling is kept, so refresh reports only real drift.
 */
async function liveSettings(client: GraphClient, flowId: string, live: FlowPayload, previous?: FlowSettings): Promise<FlowSettings> {
  const idps = await liveIdentityProviders(client, flowId, live);
  const attributeIds = await liveAttributeIds(client, flowId, live);
  const referenced = new Set(attributeIds.map((id) => id.toLowerCase()));
  const inputs: InputConfiguration[] = (live.onAttributeCollection?.attributeCollectionPage?.views ?? []).flatMap((v) => v.inputs ?? []);
  // An input left on the page after its attribute was unreferenced (`$ref` DELETE without the page PATCH) is not
  // collected: the attribute is no longer part of the flow.
  const fromPage: UserFlowAttributeSetting[] = inputs
    .filter((i) => typeof i.attribute === "string" && referenced.has(i.attribute.toLowerCase()))
    .map((i) => {
      const id = i.attribute as string;
      const label = i.label && i.label !== defaultLabel(id) ? i.label : undefined;
      return { id, required: i.required === true, ...(i.hidden ? { hidden: true } : {}), ...(label ? { label } : {}) };
    });
  // An attribute referenced by the flow but missing from the page still counts (it is collected with defaults).
  const onPage = new Set(fromPage.map((s) => s.id.toLowerCase()));
  const attributes = [...fromPage, ...attributeIds.filter((id) => !onPage.has(id.toLowerCase())).map((id) => ({ id, required: false }))];
  const prev = previous;
  const prevAttr = (s: UserFlowAttributeSetting) => prev?.attributes?.find((p) => p.id.toLowerCase() === s.id.toLowerCase());
  const liveDescription = live.description || undefined;
  const description = prev && sameDescription(prev.description, liveDescription) ? prev.description : liveDescription;
  return {
    displayName: live.displayName ?? "",
    ...(description !== undefined ? { description } : {}),
    isSignUpAllowed: live.onInteractiveAuthFlowStart?.isSignUpAllowed === true,
    identityProviders: prev && sameIdSet(prev.identityProviders, idps) ? prev.identityProviders : idps,
    attributes: prev && sameAttributes(prev.attributes, attributes)
      ? prev.attributes
      : attributes.map((s) => {
          const p = prevAttr(s);
          return p && sameSetting(p, s) ? p : s;
        }),
  };
}

async function findByName(client: GraphClient, displayName: string): Promise<FlowPayload | undefined> {
  const found = await client.list<FlowPayload>(`${FLOWS}?$filter=displayName eq ${odataString(displayName)}`);
  return found.find((f) => f.displayName === displayName) ?? found[0];
}

/**
 * Brings the flow from `from` to `to` with the fewest writes: `$ref` adds of identity providers before removes
 * (a flow keeps at least one), `$ref` adds and removes of attributes, then at most one PATCH holding every changed
 * property (root `@odata.type` always; the attribute step as a whole page listing every input to keep).
 * List deltas are taken against the live flow, so an out-of-band edit not yet refreshed does not break the update.
 */
async function converge(client: GraphClient, flowId: string, from: FlowSettings, to: FlowSettings, live?: FlowPayload): Promise<void> {
  const keys = changedKeys<FlowSettings>(from, to, UPDATABLE, EQUAL as ManagedDiffSpec<FlowSettings>["equal"]);
  if (keys.length === 0) return;
  const base = `${client.connection.graphEndpoint}/${client.connection.apiVersion}`;
  const current = async () => (live ??= await client.get<FlowPayload>(flowPath(flowId)));

  if (keys.includes("identityProviders")) {
    const have = await liveIdentityProviders(client, flowId, await current());
    const lower = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()));
    const haveSet = lower(have);
    const wantSet = lower(to.identityProviders);
    for (const idp of to.identityProviders.filter((x) => !haveSet.has(x.toLowerCase()))) {
      await client.post(`${idpPath(flowId)}/$ref`, { "@odata.id": `${base}/identityProviders/${idp}` });
    }
    for (const idp of have.filter((x) => !wantSet.has(x.toLowerCase()))) {
      await client.delete(`${idpPath(flowId)}/${encodeURIComponent(idp)}/$ref`);
    }
  }

  const patch: FlowPayload = { "@odata.type": FLOW_ODATA_TYPE };
  if (keys.includes("displayName")) patch.displayName = to.displayName;
  if (keys.includes("description")) patch.description = to.description || null;
  if (keys.includes("isSignUpAllowed")) {
    patch.onInteractiveAuthFlowStart = { "@odata.type": INTERACTIVE_START_ODATA_TYPE, isSignUpAllowed: to.isSignUpAllowed };
  }
  if (keys.includes("attributes")) {
    const have = await liveAttributeIds(client, flowId, await current());
    const haveSet = new Set(have.map((x) => x.toLowerCase()));
    const wantSet = new Set(to.attributes.map((a) => a.id.toLowerCase()));
    for (const a of to.attributes.filter((x) => !haveSet.has(x.id.toLowerCase()))) {
      // A custom attribute may have been created moments ago by this deployment: ride out replication lag.
      await client.post(`${attributePath(flowId)}/$ref`, { "@odata.id": `${base}/identity/userFlowAttributes/${a.id}` }, {
        replicationLag: isCustomAttribute(a.id),
      });
    }
    for (const id of have.filter((x) => !wantSet.has(x.toLowerCase()))) {
      await client.delete(`${attributePath(flowId)}/${encodeURIComponent(id)}/$ref`);
    }
    patch.onAttributeCollection = attributeCollection(to.attributes);
  }
  if (Object.keys(patch).length > 1) await client.patch(flowPath(flowId), patch);
}

/** Takes over a flow of the same name and converges it; a failure still reports the flow so it is not orphaned. */
async function adopt(client: GraphClient, inputs: UserFlowInputs, existing: FlowPayload): Promise<pulumi.dynamic.CreateResult<UserFlowOutputs>> {
  const flowId = existing.id ?? "";
  let found: FlowSettings | undefined;
  try {
    found = await liveSettings(client, flowId, existing, settingsOf(inputs));
    await converge(client, flowId, found, settingsOf(inputs), existing);
  } catch (e) {
    // What the flow was before converging (lists unknown if even reading them failed), so the next `up` updates it.
    const before: FlowSettings = found ?? {
      displayName: existing.displayName ?? inputs.displayName,
      isSignUpAllowed: existing.onInteractiveAuthFlowStart?.isSignUpAllowed === true,
      identityProviders: [],
      attributes: [],
    };
    throw new PartialCreateError(flowId, { ...outputsFrom(inputs.connection, before, flowId) }, e);
  }
  return { id: flowId, outs: outputsFrom(inputs.connection, settingsOf(inputs), flowId) };
}

/** A sign-up/sign-in flow as the tenant has it (`npm run export`). */
export interface DiscoveredFlow extends FlowSettings {
  readonly id: string;
}

/**
 * Every user flow of the tenant, read for an export: the sign-up/sign-in flows with their managed settings, and the
 * other flows (another `@odata.type`), which this project does not model.
 */
export async function discoverUserFlows(client: GraphClient): Promise<{ flows: DiscoveredFlow[]; others: { id: string; displayName: string; type: string }[] }> {
  const all = await client.list<FlowPayload>(FLOWS);
  const flows: DiscoveredFlow[] = [];
  const others: { id: string; displayName: string; type: string }[] = [];
  for (const f of all) {
    const id = f.id ?? "";
    if ((f["@odata.type"] ?? "").toLowerCase() !== FLOW_ODATA_TYPE.toLowerCase()) {
      others.push({ id, displayName: f.displayName ?? "", type: (f["@odata.type"] ?? "").replace(/^#microsoft\.graph\./, "") });
      continue;
    }
    flows.push({ id, ...(await liveSettings(client, id, f)) });
  }
  return { flows, others };
}

// ---------------------------------------------------------------------------------------------- provider

function state(props: unknown): UserFlowOutputs {
  return upgradeState<UserFlowOutputs>((props ?? {}) as Record<string, unknown>, STATE_VERSION);
}

export const userFlowProvider: pulumi.dynamic.ResourceProvider<UserFlowInputs, UserFlowOutputs> = withCleanErrors({
  async check(_olds, news) {
    return { inputs: news, failures: validateUserFlow(news) };
  },

  async diff(_id, olds, news) {
    // Everything but the tenant changes in place; a new tenant is a new flow there (no name clash: no DBR).
    return diffManaged<UserFlowInputs>(state(olds), news, { updatable: [...UPDATABLE], replaceOn: [], equal: EQUAL });
  },

  async create(inputs) {
    const client = graphClient(inputs.connection);
    const existing = await findByName(client, inputs.displayName);
    if (existing) return adopt(client, inputs, existing);
    // Custom attributes in the body may have been created moments ago: ride out their replication lag.
    const post = () => client.post<FlowPayload>(FLOWS, createFlowBody(inputs), { replicationLag: inputs.attributes.some((a) => isCustomAttribute(a.id)) });
    return postOrAdopt({
      post,
      find: () => findByName(client, inputs.displayName),
      adopt: (found) => adopt(client, inputs, found),
      created: (created) => {
        if (!created?.id) throw new ProviderError("UnexpectedAnswer", `Graph POST ${FLOWS} answered without an id for flow ${JSON.stringify(inputs.displayName)}`);
        return { id: created.id, outs: outputsFrom(inputs.connection, settingsOf(inputs), created.id) };
      },
    });
  },

  async read(id, props) {
    const old = state(props);
    const flowId = old.flowId || id;
    const client = graphClient(old.connection);
    const live = await client.getOrUndefined<FlowPayload>(flowPath(flowId));
    if (!live) return { id: "", props: undefined };
    return { id, props: outputsFrom(old.connection, await liveSettings(client, flowId, live, settingsOf(old)), flowId) };
  },

  async update(id, olds, news) {
    const old = state(olds);
    const flowId = old.flowId || id;
    // When only connection tuning changed, converge finds no changed key and calls nothing.
    await converge(graphClient(news.connection), flowId, settingsOf(old), settingsOf(news));
    return { outs: outputsFrom(news.connection, settingsOf(news), flowId) };
  },

  async delete(id, props) {
    const old = state(props);
    // Graph unlinks every application from the flow as part of the delete (reference §3.4).
    await graphClient(old.connection).delete(flowPath(old.flowId || id));
  },
});

// ---------------------------------------------------------------------------------------------- resource

export interface UserFlowArgs {
  /** The tenant and Graph endpoint; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * Name of the flow, unique in the tenant; a flow of this name that already exists is adopted.
   * @see https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-authenticationeventsflows
   */
  readonly displayName: pulumi.Input<string>;
  /** @default - no description */
  readonly description?: pulumi.Input<string>;
  /** false: only existing users can sign in; the sign-up link is not offered. */
  readonly isSignUpAllowed: pulumi.Input<boolean>;
  /**
   * Identity provider ids, e.g. `EmailPassword-OAUTH` (email + password) and `EmailOtpSignup-OAUTH` (one-time
   * passcode). Order does not matter.
   * @see https://learn.microsoft.com/en-us/graph/api/onauthenticationmethodloadstartexternalusersselfservicesignup-post-identityproviders
   */
  readonly identityProviders: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Attributes collected at sign-up, in page order.
   * @see https://learn.microsoft.com/en-us/graph/api/resources/authenticationattributecollectioninputconfiguration
   */
  readonly attributes: pulumi.Input<pulumi.Input<UserFlowAttributeSettingArgs>[]>;
}

/** A self-service sign-up and sign-in user flow. */
export class UserFlow extends ReferencedResource {
  // `declare`, not `!`: with ES2022 class fields an emitted field would reset the output set by super().
  /** Graph id of the flow (GUID). */
  declare readonly flowId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: UserFlowArgs, opts?: pulumi.CustomResourceOptions) {
    super("graph:UserFlow", userFlowProvider, name, { ...args, flowId: undefined, stateVersion: undefined }, opts);
  }
}
