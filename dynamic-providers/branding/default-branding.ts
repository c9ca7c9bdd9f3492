/**
 * The tenant's default company branding (`/organization/{tenantId}/branding`, locale "0"): its strings and complex
 * settings. Images and CSS are separate resources (branding-asset.ts): Graph refuses stream and string updates in
 * one request (reference §4.3).
 *
 * Life of the resource:
 * - create: GET the default (`Accept-Language: 0`). If it exists, adopt it: remember the `previous` value of every
 *   managed key, then PATCH the keys that differ; a bootstrap localization an interrupted create left behind is
 *   removed and the default counted as created by the stack (see removeLeftoverBootstrap). If not, PATCH it anyway (Graph may create it) and, on the
 *   documented 404, create it the documented way: POST a bootstrap localization (that creates the default, §4.4),
 *   PATCH the default, DELETE the bootstrap localization.
 * - update: one PATCH of the managed keys whose live value differs; a key dropped from config gets its previous value back.
 * - delete: restores what the stack changed: an adopted default gets its previous values back; a default the stack
 *   created is deleted, or — where Graph refuses to delete a default (reference §4.7) — its managed keys are reset.
 *
 * Ordering the component must provide: every BrandingLocalization depends on the DefaultBranding (the bootstrap
 * picks a locale no localization holds, but a localization created concurrently could still collide with it), and
 * every BrandingAsset of locale "0" depends on it too (Graph has no default to upload into before it exists).
 *
 * The branding properties (validation, managed views, minimal PATCH bodies) are the family's vocabulary, in
 * branding/properties.ts. Everything the provider object reaches is a plain function: the provider runs
 * from the providers package (../reference.ts) and stays serializable by value, the form older states hold
 * (pulumi-notes §2).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MicrosoftGraphBeta from "@microsoft/microsoft-graph-types-beta";
import { graphClient, GraphRequestError, type GraphClient, type GraphConnection } from "../graph";
import { isAnswerLost, isNotFound, ProviderError } from "../core";
import { PartialCreateError, checkConnection, diffManaged, isUnknown, jsonEqual, upgradeState, withCleanErrors } from "../provider-kit";
import { type BrandingProperties, type BrandingValues, checkBrandingProperties, definedProperties, managedView, liveValues, brandingPatch, droppedKeys, sameValue, discoveredValues } from "./properties";
import { brandingPath, DEFAULT_LOCALE_HEADERS, localizationPath, localizationsPath, readDefaultBranding, type LiveBranding } from "./paths";
import { ReferencedResource } from "../reference";

// ---------------------------------------------------------------------------------------------------------------
// The default branding resource
// ---------------------------------------------------------------------------------------------------------------

export interface DefaultBrandingInputs {
  readonly connection: GraphConnection;
  readonly properties: BrandingProperties;
}

export interface DefaultBrandingOutputs {
  readonly stateVersion: 1;
  readonly connection: GraphConnection;
  /** Managed keys: what config asked for, or after a read what Graph holds (drift). */
  readonly properties: BrandingValues;
  /** Graph id of the default branding: always "0". */
  readonly brandingId: string;
  /** true: the stack created the default (destroy deletes it); false: it existed and was adopted. */
  readonly createdDefault: boolean;
  /** Value of each managed key before the stack first set it (`null` where unset); destroy restores them. */
  readonly previous: BrandingValues;
}

/** Arguments of {@link DefaultBranding}. */
export interface DefaultBrandingArgs {
  /** Tenant and Graph endpoint; no secret (credentials come from the environment). */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * Properties of the default branding; only the keys present are managed.
   * @see https://learn.microsoft.com/en-us/graph/api/organizationalbranding-update
   */
  readonly properties: pulumi.Input<BrandingProperties>;
}

const STATE_VERSION = 1;
/** Locales tried, in order, for the localization whose POST creates a missing default (reference §4.4). */
const BOOTSTRAP_LOCALES = ["en-US", "en-GB", "fr-FR", "de-DE", "es-ES"];
/** Statuses with which Graph refuses to delete a default branding (reference §4.7): it stays, so reset instead. */
const DELETE_REFUSED_STATUSES = [400, 403, 405, 409];

function resourceId(tenantId: string): string {
  return localizationPath(tenantId, "0");
}

async function patchDefault(client: GraphClient, body: Record<string, unknown>, opts: { replicationLag?: boolean } = {}): Promise<void> {
  const payload: MicrosoftGraphBeta.OrganizationalBranding = body;
  await client.patch(brandingPath(client.connection.tenantId), payload, { headers: DEFAULT_LOCALE_HEADERS, ...opts });
}

/**
 * Brings a missing default into existence with `body` applied. First a plain PATCH (Graph may create it; the 2021
 * answer was 404). On 404: POST a bootstrap localization (documented to create the default), PATCH the default,
 * DELETE the bootstrap localization (also when the PATCH failed, so no stray localization is left behind).
 */
async function createDefault(client: GraphClient, body: Record<string, unknown>): Promise<void> {
  try {
    await patchDefault(client, body);
    return;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const localizations = localizationsPath(client.connection.tenantId);
  const existing = await client.list<{ id?: string }>(localizations);
  const taken = new Set(existing.map((l) => (l.id ?? "").toLowerCase()));
  const bootstrap = BOOTSTRAP_LOCALES.find((l) => !taken.has(l.toLowerCase()));
  if (!bootstrap) throw new ProviderError("Leftover", `cannot create the default branding: localizations ${BOOTSTRAP_LOCALES.join(", ")} all exist`);
  const created: MicrosoftGraphBeta.OrganizationalBrandingLocalization = { id: bootstrap };
  try {
    await client.post(localizations, created);
  } catch (e) {
    // The connection broke before the answer: send it again only if the bootstrap localization is not there.
    if (!isAnswerLost(e)) throw e;
    const now = await client.list<{ id?: string }>(localizations);
    if (!now.some((l) => (l.id ?? "").toLowerCase() === bootstrap.toLowerCase())) await client.post(localizations, created);
  }
  let patchError: unknown;
  try {
    await patchDefault(client, body, { replicationLag: true });
  } catch (e) {
    patchError = e;
  }
  try {
    await client.delete(`${localizations}/${encodeURIComponent(bootstrap)}`, { replicationLag: true });
  } catch (e) {
    const why = [patchError, e].filter(Boolean).map((x) => (x instanceof Error ? x.message : String(x))).join("; then ");
    throw new ProviderError("Leftover", 
      `the default branding was created through a temporary localization "${bootstrap}" that could not be removed ` +
        `(${why}); delete that localization in the Entra admin center (Company branding > Customize)`,
    );
  }
  if (patchError !== undefined) throw patchError;
}

/**
 * Keys of a localization that are not branding content. An array, not a Set: the provider stays serializable by
 * value, and a module-level Set does not survive that (its methods fail on the copy).
 */
const NOT_CONTENT = ["id", "cdnList"];

/**
 * A `pulumi up` killed between the bootstrap POST and its DELETE (createDefault) leaves the bootstrap localization
 * behind, unknown to the state; the next create finds the default and adopts it. Shown by the engine tests
 * (tests/e2e/interrupted.test.ts): so adoption removes every localization of a bootstrap locale that shows nothing of
 * its own, i.e. each property is null or equal to the default's (Graph may show inherited values on a localization,
 * reference §4.6). Deleting such a localization changes nothing any user sees; one with content of its own stays.
 * Returns whether one was removed.
 */
async function removeLeftoverBootstrap(client: GraphClient, live: LiveBranding): Promise<boolean> {
  const localizations = localizationsPath(client.connection.tenantId);
  const all = await client.list<Record<string, unknown>>(localizations);
  const bootstrapLocales = new Set(BOOTSTRAP_LOCALES.map((l) => l.toLowerCase()));
  let removed = false;
  const isEmpty = (v: unknown): boolean =>
    v === null || v === undefined || (typeof v === "object" && !Array.isArray(v) && Object.values(v as object).every(isEmpty));
  for (const loc of all) {
    const id = typeof loc.id === "string" ? loc.id : "";
    if (!bootstrapLocales.has(id.toLowerCase())) continue;
    const own = Object.entries(loc).filter(([k, v]) => !NOT_CONTENT.includes(k) && !k.startsWith("@odata") && !isEmpty(v) && !jsonEqual(v, live[k]));
    if (own.length > 0) continue;
    await client.delete(`${localizations}/${encodeURIComponent(id)}`);
    removed = true;
  }
  return removed;
}

function outputs(
  inputs: DefaultBrandingInputs,
  properties: BrandingValues | BrandingProperties,
  createdDefault: boolean,
  previous: BrandingValues,
): DefaultBrandingOutputs {
  return { stateVersion: STATE_VERSION, connection: inputs.connection, properties: properties as BrandingValues, brandingId: "0", createdDefault, previous };
}

function upgrade(props: Record<string, unknown>): DefaultBrandingOutputs {
  return upgradeState<DefaultBrandingOutputs>(props, STATE_VERSION);
}

/** The default branding as the tenant has it (`npm run export`); `undefined` when there is none. */
export async function discoverDefaultBranding(client: GraphClient): Promise<ReturnType<typeof discoveredValues> | undefined> {
  const live = await readDefaultBranding(client);
  return live ? discoveredValues(live) : undefined;
}

export const defaultBrandingProvider: pulumi.dynamic.ResourceProvider<DefaultBrandingInputs, DefaultBrandingOutputs> = withCleanErrors({
  async check(_olds, news) {
    const failures = [...checkConnection(news.connection), ...checkBrandingProperties(news.properties)];
    const properties = isUnknown(news.properties) ? news.properties : definedProperties(news.properties);
    return { inputs: { ...news, properties }, failures };
  },

  async diff(_id, olds, news) {
    return diffManaged(upgrade(olds as unknown as Record<string, unknown>), news as DefaultBrandingOutputs & DefaultBrandingInputs, {
      updatable: ["properties"],
      replaceOn: [],
    });
  },

  async create(inputs) {
    const client = graphClient(inputs.connection);
    const desired = definedProperties(inputs.properties);
    const keys = Object.keys(desired);
    const live = await readDefaultBranding(client);
    if (live) {
      // A leftover bootstrap means this default was made by an interrupted create of this project, not found: it is
      // then the stack's own (destroy deletes it), with nothing to restore.
      const createdDefault = await removeLeftoverBootstrap(client, live);
      // Adopt: remember what the stack is about to change, so destroy can put it back.
      const previous = createdDefault ? Object.fromEntries(keys.map((k) => [k, null])) : liveValues(live, keys);
      const body = brandingPatch(live, desired, [], () => null);
      if (Object.keys(body).length > 0) {
        try {
          await patchDefault(client, body);
        } catch (e) {
          const partial = outputs(inputs, managedView(live, desired), createdDefault, previous);
          throw new PartialCreateError(resourceId(inputs.connection.tenantId), { ...partial }, e);
        }
      }
      return { id: resourceId(inputs.connection.tenantId), outs: outputs(inputs, desired, createdDefault, previous) };
    }
    const previous = Object.fromEntries(keys.map((k) => [k, null]));
    const body = brandingPatch(undefined, desired, [], () => null);
    try {
      await createDefault(client, body);
    } catch (e) {
      // Whether the default exists now decides between "nothing happened" and partial state.
      const now = await readDefaultBranding(client, { replicationLag: false }).catch(() => undefined);
      if (!now) throw e;
      const partial = outputs(inputs, managedView(now, desired), true, previous);
      throw new PartialCreateError(resourceId(inputs.connection.tenantId), { ...partial }, e);
    }
    return { id: resourceId(inputs.connection.tenantId), outs: outputs(inputs, desired, true, previous) };
  },

  async read(id, props) {
    const state = upgrade((props ?? {}) as Record<string, unknown>);
    const live = await readDefaultBranding(graphClient(state.connection));
    if (!live) return { id: "" };
    return { id, props: { ...state, properties: managedView(live, state.properties ?? {}) } };
  },

  async update(_id, olds, news) {
    const state = upgrade(olds as unknown as Record<string, unknown>);
    const desired = definedProperties(news.properties);
    const { keys: dropped, subkeys: droppedSub } = droppedKeys(state.properties ?? {}, desired);
    const client = graphClient(news.connection);
    const live = await readDefaultBranding(client);
    if (!live) {
      throw new ProviderError("Gone", 
        `the default branding of tenant ${news.connection.tenantId} no longer exists; run \`pulumi refresh\` (or \`pulumi up --refresh\`) and the stack creates it again`,
      );
    }
    // Keys newly managed get a `previous` value now; keys dropped are restored and leave `previous`.
    const previous: Record<string, unknown> = { ...(state.previous ?? {}) };
    for (const key of Object.keys(desired)) {
      if (key in previous) continue;
      previous[key] = state.createdDefault ? null : (liveValues(live, [key])[key] ?? null);
    }
    const body = brandingPatch(live, desired, dropped, (key) => previous[key] ?? null, droppedSub);
    if (Object.keys(body).length > 0) await patchDefault(client, body);
    for (const key of dropped) delete previous[key];
    return { outs: outputs(news, desired, state.createdDefault, previous) };
  },

  async delete(_id, props) {
    const state = upgrade(props as unknown as Record<string, unknown>);
    const client = graphClient(state.connection);
    const managed = Object.keys(state.properties ?? {});
    if (state.createdDefault) {
      try {
        await client.delete(brandingPath(state.connection.tenantId), { headers: DEFAULT_LOCALE_HEADERS });
        return;
      } catch (e) {
        if (!(e instanceof GraphRequestError && DELETE_REFUSED_STATUSES.includes(e.status))) throw e;
        // Graph keeps defaults once configured (reference §4.7): remove what the stack set instead.
      }
    }
    const live = await readDefaultBranding(client);
    if (!live) return; // already gone; a PATCH could re-create it where Graph creates defaults on PATCH
    const restore = (key: string) => (state.createdDefault ? null : (state.previous?.[key] ?? null));
    const body: Record<string, unknown> = {};
    for (const key of managed) {
      const value = restore(key);
      if (!sameValue(key, value, liveValues(live, [key])[key])) body[key] = value;
    }
    if (Object.keys(body).length > 0) await patchDefault(client, body);
  },
});

/**
 * The tenant's default company branding (locale "0"): strings and layout of the sign-in page. Images are
 * {@link https://learn.microsoft.com/en-us/graph/api/organizationalbranding-update | separate} `BrandingAsset`s.
 * Destroy restores what the stack changed: an adopted default gets its previous values back, a created one is deleted.
 */
export class DefaultBranding extends ReferencedResource {
  /** Graph id of the default branding: "0". */
  declare readonly brandingId: pulumi.Output<string>;
  /** Whether the stack created the default (true) or adopted an existing one (false). */
  declare readonly createdDefault: pulumi.Output<boolean>;
  /** Managed properties as last applied or read. */
  declare readonly properties: pulumi.Output<BrandingValues>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: DefaultBrandingArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "graph:DefaultBranding",
      defaultBrandingProvider,
      name,
      { connection: args.connection, properties: args.properties, brandingId: undefined, createdDefault: undefined, previous: undefined, stateVersion: undefined },
      opts,
    );
  }
}
