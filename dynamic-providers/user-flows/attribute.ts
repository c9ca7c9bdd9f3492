/**
 * A custom user flow attribute of the external tenant (`/identity/userFlowAttributes`): a directory extension
 * property on the tenant's b2c-extensions-app that sign-up flows can collect.
 *
 * Graph facts this file rests on (reference: graph-api.md §3.7):
 * - POST `{displayName, description, dataType}` → 201 with the id `extension_<b2c app id without hyphens>_<Name>`;
 *   the id derives from the name, so a rename is a new attribute.
 * - `dataType` is immutable (`string | boolean | int64` at create); only `description` can be PATCHed.
 * - `$filter` supports `eq` on `userFlowAttributeType`; built-in attributes cannot be created, changed or deleted.
 *
 * The provider runs from the providers package (../reference.ts) and stays serializable by value, the form older states hold (pulumi-notes §2): plain functions only,
 * SDK modules are required inside the Graph layer at call time, and `@pulumi/pulumi` is used by the resource class
 * alone, never inside a provider method.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import { graphClient, type GraphClient, type GraphConnection } from "../graph";
import { ruleFailures, ProviderError } from "../core";
import { PartialCreateError, checkConnection, diffManaged, isUnknown, odataString, postOrAdopt, upgradeState, withCleanErrors } from "../provider-kit";
import { CUSTOM_ATTRIBUTE_DATA_TYPES, CUSTOM_ATTRIBUTE_RULES } from "./rules";
import { ReferencedResource } from "../reference";

const STATE_VERSION = 1;
const ATTRIBUTES = "/identity/userFlowAttributes";
/** The tenant's custom attributes (the built-in ones left out). */
const CUSTOM_ATTRIBUTES = `${ATTRIBUTES}?$filter=userFlowAttributeType eq ${odataString("custom")}`;

/** The data types Graph accepts when creating a custom attribute. */
export const USER_FLOW_ATTRIBUTE_DATA_TYPES = CUSTOM_ATTRIBUTE_DATA_TYPES;
export type UserFlowAttributeDataType = (typeof USER_FLOW_ATTRIBUTE_DATA_TYPES)[number];

/** Inputs as the provider sees them (every Output resolved). */
export interface UserFlowAttributeInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly dataType: UserFlowAttributeDataType;
  readonly description?: string;
}

/** State written by the provider. `stateVersion` 1 is the first shape. */
export interface UserFlowAttributeOutputs extends UserFlowAttributeInputs {
  /** Graph id, `extension_<b2c-extensions-app id>_<Name>`; also the resource id. */
  readonly attributeId: string;
  readonly stateVersion: number;
}

type GraphAttribute = MicrosoftGraphBeta.IdentityUserFlowAttribute;

// ---------------------------------------------------------------------------------------------- validation

/** Check failures of the inputs, by the user-flow rule table (the config checks `customAttributes[]` the same way). */
export function validateUserFlowAttribute(inputs: Partial<UserFlowAttributeInputs>): pulumi.dynamic.CheckFailure[] {
  const out = [...checkConnection(inputs.connection)];
  const { displayName, dataType, description } = inputs;
  out.push(...ruleFailures("displayName", CUSTOM_ATTRIBUTE_RULES.name, displayName, isUnknown));
  out.push(...ruleFailures("dataType", CUSTOM_ATTRIBUTE_RULES.dataType, dataType, isUnknown));
  if (description !== undefined) out.push(...ruleFailures("description", CUSTOM_ATTRIBUTE_RULES.description, description, isUnknown));
  return out;
}

/** Graph answers `""` or `null` for "no description"; both mean the same as an omitted input. */
function sameDescription(a: unknown, b: unknown): boolean {
  return (a || undefined) === (b || undefined);
}

// ---------------------------------------------------------------------------------------------- Graph mapping

function outputsFrom(inputs: UserFlowAttributeInputs, attributeId: string): UserFlowAttributeOutputs {
  return {
    connection: inputs.connection,
    displayName: inputs.displayName,
    dataType: inputs.dataType,
    ...(inputs.description ? { description: inputs.description } : {}),
    attributeId,
    stateVersion: STATE_VERSION,
  };
}

/** Custom attributes whose display name matches, exactly or ignoring case (Graph's ids are case-insensitive). */
async function findByName(conn: GraphConnection, displayName: string): Promise<{ exact?: GraphAttribute; other?: GraphAttribute }> {
  const all = await graphClient(conn).list<GraphAttribute>(CUSTOM_ATTRIBUTES);
  return {
    exact: all.find((a) => a.displayName === displayName),
    other: all.find((a) => (a.displayName ?? "").toLowerCase() === displayName.toLowerCase()),
  };
}

/**
 * Takes over an existing attribute of the same name. A different data type cannot be fixed in place (immutable)
 * and deleting it would drop every user's stored value, so that is an error the user resolves.
 */
async function adopt(inputs: UserFlowAttributeInputs, existing: GraphAttribute): Promise<pulumi.dynamic.CreateResult<UserFlowAttributeOutputs>> {
  const id = existing.id ?? "";
  if (existing.displayName !== inputs.displayName) {
    throw new ProviderError("Conflict", 
      `user flow attribute ${JSON.stringify(inputs.displayName)}: the tenant already has ${JSON.stringify(existing.displayName)} (${id}), ` +
        `which Graph treats as the same name; use that exact displayName or delete the existing attribute`,
    );
  }
  if (existing.dataType !== inputs.dataType) {
    throw new ProviderError("Conflict", 
      `user flow attribute ${JSON.stringify(inputs.displayName)} already exists (${id}) with dataType ${JSON.stringify(existing.dataType)}, ` +
        `not ${JSON.stringify(inputs.dataType)}; a data type cannot be changed: set dataType to ${JSON.stringify(existing.dataType)}, ` +
        `or delete the attribute in the tenant (its stored values are lost) and run again`,
    );
  }
  const outs = outputsFrom(inputs, id);
  if (!sameDescription(existing.description, inputs.description)) {
    try {
      await graphClient(inputs.connection).patch(`${ATTRIBUTES}/${encodeURIComponent(id)}`, { description: inputs.description ?? "" });
    } catch (e) {
      throw new PartialCreateError(id, { ...outs, description: existing.description || undefined }, e);
    }
  }
  return { id, outs };
}

/** A custom attribute as the tenant has it (`npm run export`); `dataType` as Graph names it. */
export interface DiscoveredAttribute {
  readonly id: string;
  readonly displayName: string;
  readonly dataType: string;
  readonly description?: string;
}

/** Every custom user flow attribute of the tenant (`npm run export`). */
export async function discoverCustomAttributes(client: GraphClient): Promise<DiscoveredAttribute[]> {
  const all = await client.list<GraphAttribute>(CUSTOM_ATTRIBUTES);
  return all.map((a) => ({
    id: a.id ?? "",
    displayName: a.displayName ?? "",
    dataType: String(a.dataType ?? ""),
    ...(a.description ? { description: a.description } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------- provider

function state(props: unknown): UserFlowAttributeOutputs {
  return upgradeState<UserFlowAttributeOutputs>((props ?? {}) as Record<string, unknown>, STATE_VERSION);
}

export const userFlowAttributeProvider: pulumi.dynamic.ResourceProvider<UserFlowAttributeInputs, UserFlowAttributeOutputs> = withCleanErrors({
  async check(_olds, news) {
    return { inputs: news, failures: validateUserFlowAttribute(news) };
  },

  async diff(_id, olds, news) {
    // The id derives from displayName and dataType is immutable: both replace. Delete first, or the new POST
    // would collide with (or, after a case-only rename, adopt) the old attribute.
    return diffManaged<UserFlowAttributeInputs>(state(olds), news, {
      updatable: ["description"],
      replaceOn: ["displayName", "dataType"],
      deleteBeforeReplace: true,
      equal: { description: sameDescription },
    });
  },

  async create(inputs) {
    const found = await findByName(inputs.connection, inputs.displayName);
    if (found.exact ?? found.other) return adopt(inputs, (found.exact ?? found.other)!);
    const body: GraphAttribute = {
      displayName: inputs.displayName,
      dataType: inputs.dataType,
      ...(inputs.description ? { description: inputs.description } : {}),
    };
    return postOrAdopt({
      post: () => graphClient(inputs.connection).post<GraphAttribute>(ATTRIBUTES, body),
      find: async () => {
        const found = await findByName(inputs.connection, inputs.displayName);
        return found.exact ?? found.other;
      },
      adopt: (found) => adopt(inputs, found),
      created: (created) => {
        if (!created?.id) throw new ProviderError("UnexpectedAnswer", `Graph POST ${ATTRIBUTES} answered without an id for ${JSON.stringify(inputs.displayName)}`);
        return { id: created.id, outs: outputsFrom(inputs, created.id) };
      },
    });
  },

  async read(id, props) {
    const old = state(props);
    const attributeId = old.attributeId || id;
    const live = await graphClient(old.connection).getOrUndefined<GraphAttribute>(`${ATTRIBUTES}/${encodeURIComponent(attributeId)}`);
    if (!live) return { id: "", props: undefined };
    // Keep the state's spelling of "no description" when Graph's means the same, so refresh shows no false drift.
    const description = sameDescription(live.description, old.description) ? old.description : live.description || undefined;
    const { description: _previous, ...rest } = old;
    const outs: UserFlowAttributeOutputs = {
      ...rest,
      displayName: live.displayName ?? old.displayName,
      dataType: (live.dataType ?? old.dataType) as UserFlowAttributeDataType,
      ...(description ? { description } : {}),
      attributeId,
      stateVersion: STATE_VERSION,
    };
    return { id, props: outs };
  },

  async update(id, olds, news) {
    const old = state(olds);
    const attributeId = old.attributeId || id;
    if (!sameDescription(old.description, news.description)) {
      // "" clears it: Graph's own answer for an attribute created without a description.
      await graphClient(news.connection).patch(`${ATTRIBUTES}/${encodeURIComponent(attributeId)}`, { description: news.description ?? "" });
    }
    return { outs: outputsFrom(news, attributeId) };
  },

  async delete(id, props) {
    const old = state(props);
    await graphClient(old.connection).delete(`${ATTRIBUTES}/${encodeURIComponent(old.attributeId || id)}`);
  },
});

// ---------------------------------------------------------------------------------------------- resource

export interface UserFlowAttributeArgs {
  /** The tenant and Graph endpoint; holds no secret. */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * Name of the attribute; becomes the `<Name>` of its `extension_<app>_<Name>` id, so a change replaces it
   * (its stored user values are lost).
   * @see https://learn.microsoft.com/en-us/graph/api/identitycontainer-post-userflowattributes
   */
  readonly displayName: pulumi.Input<string>;
  /** Immutable in Graph: a change replaces the attribute. */
  readonly dataType: pulumi.Input<UserFlowAttributeDataType>;
  /** Shown to users at sign-up. @default - no description */
  readonly description?: pulumi.Input<string>;
}

/** A custom attribute that user flows can collect at sign-up. */
export class UserFlowAttribute extends ReferencedResource {
  // `declare`, not `!`: with ES2022 class fields an emitted field would reset the output set by super().
  /** Graph id, `extension_<b2c-extensions-app id>_<Name>`: what a user flow's attributes refer to. */
  declare readonly attributeId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly dataType: pulumi.Output<UserFlowAttributeDataType>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: UserFlowAttributeArgs, opts?: pulumi.CustomResourceOptions) {
    super("graph:UserFlowAttribute", userFlowAttributeProvider, name, { ...args, attributeId: undefined, stateVersion: undefined }, opts);
  }
}
