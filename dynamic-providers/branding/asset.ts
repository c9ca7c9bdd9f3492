/**
 * One image or CSS stream of a company branding: `PUT /organization/{tenantId}/branding/localizations/{0|locale}/{stream}`.
 *
 * Streams are written only under `/localizations/{locale}/`: `/branding/{stream}` is parsed by Graph as a locale and
 * answered 400 (reference §4.5), and strings and streams never share a request (§4.3).
 *
 * Life of the resource:
 * - create / update: read the file at `filePath`, check its SHA-256 against `contentSha256` (the hash the program
 *   computed, so a plan never uploads other bytes than it showed), PUT it with `contentType`. State holds the path
 *   and the hash, never the bytes. Create first GETs the stream: the same bytes already there are adopted unwritten.
 * - read: GET the stream and hash the live bytes; `{}`/empty (unset) or 404 means gone; other bytes show as a
 *   different `contentSha256` (drift: the next `up` uploads the file again).
 * - delete: DELETE the stream (404 = done). Whether Graph honours it is [unknown] (§4.5): if it refuses, the delete
 *   fails with what to do by hand.
 * `contentSha256` / `contentType` change in place (one PUT); `locale` / `kind` replace; `filePath` alone changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { graphClient, GraphRequestError, type GraphClient, type GraphConnection } from "../graph";
import { ruleFailures, ProviderError } from "../core";
import { checkConnection, diffManaged, failure, isUnknown, upgradeState, withCleanErrors } from "../provider-kit";
import { BRANDING_LOCALE_RULE } from "./rules";
import { BRANDING_ASSET_KINDS, type BrandingAssetKind } from "./properties";
import { streamPath } from "./paths";
import { ReferencedResource } from "../reference";


const IMAGE_TYPES = ["image/png", "image/jpeg"];
const CSS_TYPE = "text/css";

export interface BrandingAssetInputs {
  readonly connection: GraphConnection;
  readonly locale: string;
  readonly kind: BrandingAssetKind;
  readonly filePath: string;
  readonly contentSha256: string;
  readonly contentType: string;
}

export interface BrandingAssetOutputs extends BrandingAssetInputs {
  readonly stateVersion: 1;
}

/** Arguments of {@link BrandingAsset}. */
export interface BrandingAssetArgs {
  /** Tenant and Graph endpoint; no secret (credentials come from the environment). */
  readonly connection: pulumi.Input<GraphConnection>;
  /**
   * `"0"` for the default branding, else the locale of a BrandingLocalization (which this asset should depend on).
   * A change replaces the asset.
   */
  readonly locale: pulumi.Input<string>;
  /**
   * Which stream: logo, background, favicon or custom CSS. A change replaces the asset.
   * @see https://learn.microsoft.com/en-us/graph/api/organizationalbrandinglocalization-update
   */
  readonly kind: pulumi.Input<BrandingAssetKind>;
  /** The file, relative to the program directory (the working directory of `pulumi`) or absolute. */
  readonly filePath: pulumi.Input<string>;
  /** SHA-256 (hex) of the file as the program read it; the upload is refused if the file differs by then. */
  readonly contentSha256: pulumi.Input<string>;
  /** `image/png` or `image/jpeg` for images, `text/css` for customCSS. */
  readonly contentType: pulumi.Input<string>;
}

const STATE_VERSION = 1;

/** Check failures of asset inputs other than the connection; unknown preview values are skipped. */
export function checkBrandingAsset(news: Partial<Record<keyof BrandingAssetInputs, unknown>>): pulumi.dynamic.CheckFailure[] {
  const out: pulumi.dynamic.CheckFailure[] = [];
  const { locale, kind, filePath, contentSha256, contentType } = news;
  // "0" is the default branding; any other locale is a localization's, under the branding rule table.
  if (locale !== "0") out.push(...ruleFailures("locale", BRANDING_LOCALE_RULE, locale, isUnknown));
  if (!isUnknown(kind) && !(BRANDING_ASSET_KINDS as readonly unknown[]).includes(kind)) {
    out.push(failure("kind", kind, `allowed: ${BRANDING_ASSET_KINDS.join(", ")}`));
  }
  if (!isUnknown(filePath) && (typeof filePath !== "string" || filePath.trim() === "")) {
    out.push(failure("filePath", filePath, "a path to the file (relative to the program directory, or absolute) is required"));
  }
  if (!isUnknown(contentSha256) && (typeof contentSha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(contentSha256))) {
    out.push(failure("contentSha256", contentSha256, "the SHA-256 of the file as 64 hex digits is required"));
  }
  if (!isUnknown(contentType) && !isUnknown(kind)) {
    const allowed = kind === "customCSS" ? [CSS_TYPE] : IMAGE_TYPES;
    if (typeof contentType !== "string" || !allowed.includes(contentType)) {
      out.push(failure("contentType", contentType, `allowed for ${String(kind)}: ${allowed.join(", ")}`));
    }
  }
  return out;
}

function sha256Hex(bytes: Uint8Array): string {
  const crypto: typeof import("crypto") = require("crypto");
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

/** The file's bytes, provided they still hash to what the program computed. */
function readVerified(inputs: BrandingAssetInputs): Buffer {
  const fs: typeof import("fs") = require("fs");
  const path: typeof import("path") = require("path");
  const file = path.resolve(process.cwd(), inputs.filePath);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new ProviderError("FileUnreadable", `branding ${inputs.kind} (locale ${inputs.locale}): cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const actual = sha256Hex(bytes);
  if (actual !== inputs.contentSha256.toLowerCase()) {
    throw new ProviderError("FileChanged", 
      `branding ${inputs.kind} (locale ${inputs.locale}): file changed since the program computed its hash: ${file} ` +
        `has SHA-256 ${actual}, the program expected ${inputs.contentSha256}; run the update again`,
    );
  }
  return bytes;
}

/** What a stream GET answers for a stream never set: 200 `{}` (reference §4.5) or an empty body. */
function isUnset(content: { contentType: string; bytes: Buffer }): boolean {
  if (content.bytes.length === 0) return true;
  return /json/i.test(content.contentType) && content.bytes.toString("utf8").trim() === "{}";
}

async function upload(inputs: BrandingAssetInputs, replicationLag: boolean): Promise<void> {
  const bytes = readVerified(inputs);
  const client = graphClient(inputs.connection);
  await client.putContent(streamPath(inputs.connection.tenantId, inputs.locale, inputs.kind), bytes, inputs.contentType, { replicationLag });
}

function outputs(inputs: BrandingAssetInputs): BrandingAssetOutputs {
  return {
    stateVersion: STATE_VERSION,
    connection: inputs.connection,
    locale: inputs.locale,
    kind: inputs.kind,
    filePath: inputs.filePath,
    contentSha256: inputs.contentSha256.toLowerCase(),
    contentType: inputs.contentType,
  };
}

function upgrade(props: Record<string, unknown>): BrandingAssetOutputs {
  return upgradeState<BrandingAssetOutputs>(props, STATE_VERSION);
}

/** The images and CSS a branding locale (`0`: the default) has set (`npm run export`), in kind order. */
export async function discoverAssets(client: GraphClient, locale: string): Promise<{ kind: BrandingAssetKind; contentType: string; bytes: Buffer }[]> {
  const out: { kind: BrandingAssetKind; contentType: string; bytes: Buffer }[] = [];
  for (const kind of BRANDING_ASSET_KINDS) {
    const live = await client.getContent(streamPath(client.connection.tenantId, locale, kind));
    if (live && !isUnset(live)) out.push({ kind, contentType: live.contentType.split(";")[0]!.trim().toLowerCase(), bytes: live.bytes });
  }
  return out;
}

export const brandingAssetProvider: pulumi.dynamic.ResourceProvider<BrandingAssetInputs, BrandingAssetOutputs> = withCleanErrors({
  async check(_olds, news) {
    const failures = [...checkConnection(news.connection), ...checkBrandingAsset(news)];
    const inputs =
      typeof news.contentSha256 === "string" && !isUnknown(news.contentSha256) ? { ...news, contentSha256: news.contentSha256.toLowerCase() } : news;
    return { inputs, failures };
  },

  async diff(_id, olds, news) {
    const ci = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
    return diffManaged(upgrade(olds as unknown as Record<string, unknown>), news as BrandingAssetOutputs, {
      updatable: ["contentSha256", "contentType"],
      replaceOn: ["locale", "kind"],
      equal: { locale: ci, contentSha256: ci },
    });
  },

  async create(inputs) {
    // An image or CSS already there with the same bytes (a tenant made by hand, `npm run export`) is adopted as it
    // is: nothing is written. The read takes no replication-lag retries: a stream not there yet is simply uploaded.
    const live = await graphClient(inputs.connection).getContent(streamPath(inputs.connection.tenantId, inputs.locale, inputs.kind));
    const same = live !== undefined && !isUnset(live) && sha256Hex(live.bytes) === inputs.contentSha256.toLowerCase();
    // The localization may have been created moments ago: a 404 on its stream may be replication lag.
    if (!same) await upload(inputs, inputs.locale !== "0");
    return { id: streamPath(inputs.connection.tenantId, inputs.locale, inputs.kind), outs: outputs(inputs) };
  },

  async read(id, props) {
    const state = upgrade((props ?? {}) as Record<string, unknown>);
    const live = await graphClient(state.connection).getContent(streamPath(state.connection.tenantId, state.locale, state.kind));
    if (!live || isUnset(live)) return { id: "" };
    return { id, props: { ...state, contentSha256: sha256Hex(live.bytes) } };
  },

  async update(_id, olds, news) {
    const state = upgrade(olds as unknown as Record<string, unknown>);
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    if (!same(state.contentSha256, news.contentSha256) || state.contentType !== news.contentType) await upload(news, false);
    return { outs: outputs(news) };
  },

  async delete(_id, props) {
    const state = upgrade(props as unknown as Record<string, unknown>);
    const path = streamPath(state.connection.tenantId, state.locale, state.kind);
    try {
      await graphClient(state.connection).delete(path);
    } catch (e) {
      // Graph's support for stream DELETE is [unknown] (reference §4.5); a refusal leaves the image in place.
      if (e instanceof GraphRequestError && [400, 405, 501].includes(e.status)) {
        throw new ProviderError("DeleteRefused", 
          `Graph refused to remove the ${state.kind} image of branding locale ${state.locale} (${e.message}). ` +
            `It is still shown on the sign-in page. Remove it in the Microsoft Entra admin center (Company branding), ` +
            `then drop this resource from the stack with \`pulumi state delete <urn>\` (the URN is in \`pulumi stack --show-urns\`).`,
        );
      }
      throw e;
    }
  },
});

/**
 * One image (or the custom CSS) of a company branding, uploaded from a file. State keeps the path and the SHA-256,
 * never the bytes; a changed file is uploaded again in place.
 */
export class BrandingAsset extends ReferencedResource {
  /** SHA-256 (hex) of the uploaded bytes; after a refresh, of the live bytes. */
  declare readonly contentSha256: pulumi.Output<string>;
  declare readonly locale: pulumi.Output<string>;
  declare readonly kind: pulumi.Output<BrandingAssetKind>;
  declare readonly stateVersion: pulumi.Output<number>;

  constructor(name: string, args: BrandingAssetArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "graph:BrandingAsset",
      brandingAssetProvider,
      name,
      {
        connection: args.connection,
        locale: args.locale,
        kind: args.kind,
        filePath: args.filePath,
        contentSha256: args.contentSha256,
        contentType: args.contentType,
        stateVersion: undefined,
      },
      opts,
    );
  }
}
