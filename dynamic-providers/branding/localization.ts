/**
 * A localized company branding (`/organization/{tenantId}/branding/localizations/{locale}`): strings and layout of
 * the sign-in page for one language. Strings it leaves out inherit from the default branding (reference §4.6).
 *
 * Life of the resource:
 * - create: GET the locale; an existing one is adopted (one PATCH of the keys that differ), otherwise POST
 *   `{id: locale, ...properties}` (which also creates a missing default, reference §4.4).
 * - update: one PATCH of the managed keys whose live value differs; a key dropped from config is reset to null, so
 *   it inherits from the default again.
 * - delete: DELETE (already gone = done). Graph refuses while the locale still has images; the component makes every
 *   BrandingAsset of the locale depend on its localization, so the engine deletes the assets first.
 * The locale is the natural key: a change replaces, deleting first (one localization per locale).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import {
  type BrandingProperties,
  type BrandingValues,
  brandingPatch,
  checkBrandingProperties,
  definedProperties,
  discoveredValues,
  droppedKeys,
  keysChangedFrom,
  managedView,
} from "./properties";
import { graphClient, GraphRequestError, isConflict, type GraphClient, type GraphConnection } from "../graph";
import { endSentence, isAnswerLost, ruleFailures, ProviderError } from "../core";
import { PartialCreateError, checkConnection, diffManaged, isUnknown, upgradeState, withCleanErrors } from "../provider-kit";
import { BRANDING_LOCALE_RULE } from "./rules";
import { localizationPath, localizationsPath, readDefaultBranding } from "./paths";
import { ReferencedResource } from "../reference";

export interface BrandingLocalizationInputs {
  readonly connection: GraphConnection;
  readonly locale: string;
  readonly properties: BrandingProperties;
}

export interface BrandingLocalizationOutputs {
  readonly stateVersion: 1;
  readonly connection: GraphConnection;
  /** The locale, which is also the Graph id of the localization. */
  readonly locale: string;
  /** Managed keys: what config asked for, or after a read what Graph holds (drift). */
  readonly properties: BrandingValues;
  /** Graph id of the localization (equals `locale`). */
  readonly localizationId: string;
  /** true when the localization existed before the stack and was adopted. */
  readonly adopted: boolean;
}

/** Arguments of {@link BrandingLocalization}. */
export interface BrandingLocalizationArgs {
  /** Tenant and Graph endpoint; no secret (credentials come from the environment). */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * BCP 47 / RFC 1766 culture name, e.g. `fr-FR`; not `0` or `default` (that is the default branding).
   * A change replaces the localization.
   * @see https://learn.microsoft.com/en-us/graph/api/organizationalbranding-post-localizations
   */
  readonly locale: pulumi.Input<string>;
  /**
   * Properties of this locale; only the keys present are managed.
   * @default - every string inherits from the default branding
   * @see https://learn.microsoft.com/en-us/graph/api/organizationalbrandinglocalization-update
   */
  readonly properties: pulumi.Input<BrandingProperties>;
}

const STATE_VERSION = 1;
/**
 * Check failures of a localization locale, by the branding rule table: one of the culture names External ID
 * branding supports, never the default's `0`/`default` (the config checks the same rule, in the same words).
 */
export function checkLocale(locale: unknown, property = "locale"): pulumi.dynamic.CheckFailure[] {
  return ruleFailures(property, BRANDING_LOCALE_RULE, locale, isUnknown);
}

function sameLocale(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}

type LiveLocalization = MicrosoftGraphBeta.OrganizationalBrandingLocalization & Record<string, unknown>;

function outputs(inputs: BrandingLocalizationInputs, properties: BrandingValues | BrandingProperties, adopted: boolean): BrandingLocalizationOutputs {
  return {
    stateVersion: STATE_VERSION,
    connection: inputs.connection,
    locale: inputs.locale,
    properties: properties as BrandingValues,
    localizationId: inputs.locale,
    adopted,
  };
}

function upgrade(props: Record<string, unknown>): BrandingLocalizationOutputs {
  return upgradeState<BrandingLocalizationOutputs>(props, STATE_VERSION);
}

/** Takes an existing localization to `desired` with at most one PATCH. */
async function adopt(client: GraphClient, path: string, live: LiveLocalization, inputs: BrandingLocalizationInputs, replicationLag: boolean) {
  const desired = definedProperties(inputs.properties);
  // A GET may show values inherited from the default that the locale does not hold (reference §4.6): a key that
  // reads as desired is sent anyway when the default holds that same value, so the locale then holds it itself.
  // A key that reads as desired and differs from the default is the locale's own: adopted without a write.
  let body = brandingPatch(live, desired, [], () => null);
  const readsAsDesired = Object.keys(desired).filter((k) => !(k in body));
  if (readsAsDesired.length > 0) {
    const defaults = await readDefaultBranding(client);
    const mayBeInherited = readsAsDesired.filter((k) => Object.keys(brandingPatch(defaults, { [k]: (desired as Record<string, unknown>)[k] } as BrandingProperties, [], () => null)).length === 0);
    if (mayBeInherited.length > 0) body = brandingPatch(live, desired, [], () => null, {}, mayBeInherited);
  }
  if (Object.keys(body).length > 0) {
    try {
      await client.patch(path, body, { replicationLag });
    } catch (e) {
      throw new PartialCreateError(path, { ...outputs(inputs, managedView(live, desired), true) }, e);
    }
  }
  return { id: path, outs: outputs(inputs, desired, true) };
}

/** Every localization of the tenant's branding but the default (`npm run export`), with what each holds. */
export async function discoverLocalizations(client: GraphClient): Promise<{ locale: string; values: BrandingValues; unmanaged: string[] }[]> {
  const all = await client.list<LiveLocalization>(localizationsPath(client.connection.tenantId));
  return all
    .filter((l) => l.id && l.id !== "0" && l.id.toLowerCase() !== "default")
    .map((l) => ({ locale: l.id as string, ...discoveredValues(l) }));
}

export const brandingLocalizationProvider: pulumi.dynamic.ResourceProvider<BrandingLocalizationInputs, BrandingLocalizationOutputs> = withCleanErrors({
  async check(_olds, news) {
    const failures = [...checkConnection(news.connection), ...checkLocale(news.locale), ...checkBrandingProperties(news.properties)];
    const properties = isUnknown(news.properties) ? news.properties : definedProperties(news.properties);
    return { inputs: { ...news, properties }, failures };
  },

  async diff(_id, olds, news) {
    return diffManaged(upgrade(olds as unknown as Record<string, unknown>), news as BrandingLocalizationOutputs & BrandingLocalizationInputs, {
      updatable: ["properties"],
      replaceOn: ["locale"],
      deleteBeforeReplace: true,
      equal: { locale: sameLocale },
    });
  },

  async create(inputs) {
    const client = graphClient(inputs.connection);
    const path = localizationPath(inputs.connection.tenantId, inputs.locale);
    const live = await client.getOrUndefined<LiveLocalization>(path);
    if (live) return adopt(client, path, live, inputs, false);
    const desired = definedProperties(inputs.properties);
    const body: MicrosoftGraphBeta.OrganizationalBrandingLocalization = { id: inputs.locale, ...brandingPatch(undefined, desired, [], () => null) };
    const post = () => client.post(localizationsPath(inputs.connection.tenantId), body);
    try {
      await post();
    } catch (e) {
      if (isAnswerLost(e)) {
        // The connection broke before the answer: take the localization over if the POST made it, else send it again.
        const made = await client.getOrUndefined<LiveLocalization>(path);
        if (made) return adopt(client, path, made, inputs, true);
        await post();
        return { id: path, outs: outputs(inputs, desired, false) };
      }
      // Created by a concurrent run, or by a POST Graph applied before answering 5xx: take it over.
      if (!isConflict(e)) throw e;
      const existing = await client.get<LiveLocalization>(path, { replicationLag: true });
      return adopt(client, path, existing, inputs, true);
    }
    return { id: path, outs: outputs(inputs, desired, false) };
  },

  async read(id, props) {
    const state = upgrade((props ?? {}) as Record<string, unknown>);
    const live = await graphClient(state.connection).getOrUndefined<LiveLocalization>(localizationPath(state.connection.tenantId, state.locale));
    if (!live) return { id: "" };
    return { id, props: { ...state, properties: managedView(live, state.properties ?? {}) } };
  },

  async update(id, olds, news) {
    const state = upgrade(olds as unknown as Record<string, unknown>);
    const desired = definedProperties(news.properties);
    const { keys: dropped, subkeys: droppedSub } = droppedKeys(state.properties ?? {}, desired);
    const client = graphClient(news.connection);
    // The id holds the locale as created; a change of locale replaces, so it names the same object as news.locale.
    const path = id || localizationPath(news.connection.tenantId, news.locale);
    const live = await client.getOrUndefined<LiveLocalization>(path);
    if (!live) {
      throw new ProviderError("Gone", 
        `branding localization ${news.locale} of tenant ${news.connection.tenantId} no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) and the stack creates it again`,
      );
    }
    // A string dropped from config goes back to null: it inherits from the default again (reference §4.6).
    const body = brandingPatch(live, desired, dropped, () => null, droppedSub, keysChangedFrom(state.properties ?? {}, desired));
    if (Object.keys(body).length > 0) await client.patch(path, body);
    return { outs: outputs(news, desired, state.adopted) };
  },

  async delete(id, props) {
    const state = upgrade(props as unknown as Record<string, unknown>);
    const path = id || localizationPath(state.connection.tenantId, state.locale);
    try {
      await graphClient(state.connection).delete(path);
    } catch (e) {
      if (e instanceof GraphRequestError && e.status === 400) {
        throw new ProviderError("DeleteRefused", 
          `${endSentence(e.message)} Graph deletes a localization only after all its images are removed: delete the BrandingAsset ` +
            `resources of locale ${state.locale} first (make them depend on this localization)`,
        );
      }
      throw e;
    }
  },
});

/**
 * A localized company branding: sign-in page strings and layout for one locale; unset strings inherit from the
 * default branding. Images of the locale are `BrandingAsset`s that should depend on this resource.
 */
export class BrandingLocalization extends ReferencedResource {
  /** The locale (Graph id of the localization). */
  declare readonly locale: pulumi.Output<string>;
  /** Managed properties as last applied or read. */
  declare readonly properties: pulumi.Output<BrandingValues>;
  declare readonly localizationId: pulumi.Output<string>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: BrandingLocalizationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "graph:BrandingLocalization",
      brandingLocalizationProvider,
      name,
      { connection: args.connection, locale: args.locale, properties: args.properties, localizationId: undefined, adopted: undefined, stateVersion: undefined },
      opts,
    );
  }
}
