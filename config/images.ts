/**
 * Company-branding files (images and custom CSS): type detection, dimensions and size limits.
 *
 * Pure functions over bytes, plus one reader ({@link inspectBrandingFile}) that reads a file and applies them. The
 * schema (`config/schema.ts`) calls the reader for every `branding.*.images.*` path so a wrong file fails at
 * `pulumi preview`, before any Graph call; the dynamic provider then uploads by path + sha256, so a changed file
 * re-uploads.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/organizationalbranding-update
 * @see https://learn.microsoft.com/en-us/entra/fundamentals/how-to-customize-branding
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";

import { BRANDING_ASSET_KINDS, type BrandingAssetKind } from "../dynamic-providers/branding-asset";

/** The branding streams a stack can set, by Graph's own property names (one list, owned by the provider). */
export { BRANDING_ASSET_KINDS, type BrandingAssetKind };

/** Content types Graph accepts on `PUT …/localizations/{locale}/{stream}`. */
export type BrandingContentType = "image/png" | "image/jpeg" | "text/css";

/** Limits of one branding stream. */
export interface BrandingAssetLimit {
  /** Accepted content types (detected from the bytes, never from the extension). */
  readonly contentTypes: readonly BrandingContentType[];
  /** Largest width in pixels; absent for CSS. */
  readonly maxWidth?: number;
  /** Largest height in pixels; absent for CSS. */
  readonly maxHeight?: number;
  /** Largest size in bytes (1 KB = 1024 bytes). */
  readonly maxBytes: number;
  /** Where the limit comes from, quoted in error messages. */
  readonly source: string;
}

const KB = 1024;
const IMAGE_TYPES: readonly BrandingContentType[] = ["image/png", "image/jpeg"];

/**
 * The one table of branding limits. Graph's documentation wins where it states a limit; the portal's
 * documentation fills the gaps. Whether Graph itself rejects a larger file is not documented, so these are the
 * limits the portal and docs promise to render correctly.
 *
 * Sources:
 * - Graph: https://learn.microsoft.com/en-us/graph/api/resources/organizationalbranding (property table):
 *   backgroundImage 1920×1080 (its "not smaller than 300 KB" is a doc error for "not larger"), bannerLogo 245×36,
 *   headerLogo 245×36, squareLogo 240×240 ≤ 10 KB, customCSS ≤ 25 KB.
 * - Portal: https://learn.microsoft.com/en-us/entra/fundamentals/how-to-customize-branding :
 *   favicon 32×32 ≤ 5 KB, background ≤ 300 KB, banner ≤ 50 KB, square ≤ 50 KB (Graph says 10 KB; Graph wins),
 *   header ≤ 10 KB (this project allows 50 KB like the banner: Graph states no size and the two share a slot).
 */
export const BRANDING_ASSET_LIMITS: Readonly<Record<BrandingAssetKind, BrandingAssetLimit>> = {
  backgroundImage: { contentTypes: IMAGE_TYPES, maxWidth: 1920, maxHeight: 1080, maxBytes: 300 * KB, source: "Graph dimensions, portal size" },
  bannerLogo: { contentTypes: IMAGE_TYPES, maxWidth: 245, maxHeight: 36, maxBytes: 50 * KB, source: "Graph dimensions, portal size" },
  headerLogo: { contentTypes: IMAGE_TYPES, maxWidth: 245, maxHeight: 36, maxBytes: 50 * KB, source: "Graph dimensions, banner size" },
  squareLogo: { contentTypes: IMAGE_TYPES, maxWidth: 240, maxHeight: 240, maxBytes: 10 * KB, source: "Graph; the portal says 50 KB" },
  squareLogoDark: { contentTypes: IMAGE_TYPES, maxWidth: 240, maxHeight: 240, maxBytes: 10 * KB, source: "Graph, as squareLogo" },
  favicon: { contentTypes: IMAGE_TYPES, maxWidth: 32, maxHeight: 32, maxBytes: 5 * KB, source: "portal" },
  customCSS: { contentTypes: ["text/css"], maxBytes: 25 * KB, source: "Graph" },
};

/** Pixel dimensions of an image. */
export interface ImageDimensions {
  readonly width: number;
  readonly height: number;
}

/** A branding file that passed every check, with what the uploader needs. */
export interface BrandingAsset {
  /** Absolute path of the file. */
  readonly path: string;
  /** Content type detected from the bytes (`text/css` for customCSS). */
  readonly contentType: BrandingContentType;
  /** Size in bytes. */
  readonly size: number;
  /** Lower-case hex sha256 of the content; a change re-uploads the stream. */
  readonly sha256: string;
  /** Pixel width; absent for CSS. */
  readonly width?: number;
  /** Pixel height; absent for CSS. */
  readonly height?: number;
}

/**
 * Why a file was refused: the problem and what is allowed, worded by the caller's message helper.
 * `what` reads after the shown value, e.g. `"x.png" is 300×50 px`.
 */
export interface BrandingFileProblem {
  readonly what: string;
  readonly allowed: string;
}

/** The result of {@link inspectBrandingFile}. */
export type BrandingFileResult = { readonly ok: true; readonly asset: BrandingAsset } | { readonly ok: false; readonly problems: readonly BrandingFileProblem[] };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Detects PNG or JPEG from the magic bytes (never from the file name).
 *
 * @returns the content type, or `undefined` for anything else
 */
export function detectImageType(bytes: Uint8Array): "image/png" | "image/jpeg" | undefined {
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE)) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

/**
 * Reads width and height from a PNG's IHDR chunk (which the PNG spec requires to come first).
 *
 * @see https://www.w3.org/TR/png-3/#11IHDR
 * @returns the dimensions, or `undefined` when the header is truncated or malformed
 */
export function readPngDimensions(bytes: Uint8Array): ImageDimensions | undefined {
  if (bytes.length < 24) return undefined;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE) || buf.toString("latin1", 12, 16) !== "IHDR") return undefined;
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/**
 * Reads width and height from a JPEG's first start-of-frame segment (SOF0–SOF15 except DHT C4, JPG C8, DAC CC).
 *
 * @see https://www.w3.org/Graphics/JPEG/itu-t81.pdf (Annex B)
 * @returns the dimensions, or `undefined` when no frame header is found before the data ends
 */
export function readJpegDimensions(bytes: Uint8Array): ImageDimensions | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= buf.length) {
    if (buf[offset] !== 0xff) return undefined;
    const marker = buf[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    // Stand-alone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame
    const length = buf.readUInt16BE(offset + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (offset + 9 > buf.length) return undefined;
      const height = buf.readUInt16BE(offset + 5);
      const width = buf.readUInt16BE(offset + 7);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    offset += 2 + length;
  }
  return undefined;
}

/** Whether the bytes are valid UTF-8 text (no NUL bytes, no invalid sequences). */
export function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function formatBytes(n: number): string {
  return n % KB === 0 ? `${n / KB} KB` : `${n} bytes (${(n / KB).toFixed(1)} KB)`;
}

/**
 * Checks file content against the limits of one branding stream.
 *
 * @param bytes the whole file
 * @param kind the stream it is meant for
 * @returns every problem found (empty when the content is acceptable) and, when acceptable, the detected type
 *   and dimensions
 */
export function checkBrandingContent(
  bytes: Uint8Array,
  kind: BrandingAssetKind,
): { problems: BrandingFileProblem[]; contentType?: BrandingContentType; dimensions?: ImageDimensions } {
  const limit = BRANDING_ASSET_LIMITS[kind];
  const problems: BrandingFileProblem[] = [];
  const sizeAllowed = `at most ${formatBytes(limit.maxBytes)} for ${kind} (${limit.source})`;
  if (bytes.length > limit.maxBytes) {
    problems.push({ what: `is ${formatBytes(bytes.length)}`, allowed: sizeAllowed });
  }
  if (kind === "customCSS") {
    if (!isUtf8Text(bytes)) problems.push({ what: "is not UTF-8 text", allowed: "a UTF-8 CSS file for customCSS" });
    return problems.length ? { problems } : { problems, contentType: "text/css" };
  }
  if (bytes.length === 0) {
    problems.push({ what: "is empty", allowed: `a PNG or JPEG image for ${kind}` });
    return { problems };
  }
  const contentType = detectImageType(bytes);
  if (!contentType) {
    problems.push({ what: "is neither a PNG nor a JPEG (by its content)", allowed: `a PNG or JPEG image for ${kind}` });
    return { problems };
  }
  const dimensions = contentType === "image/png" ? readPngDimensions(bytes) : readJpegDimensions(bytes);
  if (!dimensions) {
    problems.push({ what: `is a ${contentType} whose dimensions cannot be read`, allowed: `a well-formed PNG or JPEG image for ${kind}` });
    return { problems };
  }
  const { maxWidth, maxHeight } = limit;
  if (maxWidth !== undefined && maxHeight !== undefined && (dimensions.width > maxWidth || dimensions.height > maxHeight)) {
    problems.push({
      what: `is ${dimensions.width}×${dimensions.height} px`,
      allowed: `at most ${maxWidth}×${maxHeight} px for ${kind} (${limit.source})`,
    });
  }
  return problems.length ? { problems } : { problems, contentType, dimensions };
}

/**
 * Reads a branding file and checks it for one stream: it exists and is readable, its content (not its
 * extension) has an accepted type, and its size and dimensions are within {@link BRANDING_ASSET_LIMITS}.
 *
 * @param absolutePath the file, already resolved against the project directory
 * @param kind the stream it is meant for
 * @see https://learn.microsoft.com/en-us/graph/api/organizationalbrandinglocalization-update
 */
export function inspectBrandingFile(absolutePath: string, kind: BrandingAssetKind): BrandingFileResult {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolutePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what =
      code === "ENOENT" ? `does not exist (looked at ${absolutePath})`
      : code === "EACCES" || code === "EPERM" ? `is not readable (${absolutePath})`
      : code === "EISDIR" ? `is a directory (${absolutePath})`
      : `cannot be read (${code ?? String(err)})`;
    return { ok: false, problems: [{ what, allowed: `a readable file for ${kind}, relative to the project directory or absolute` }] };
  }
  const checked = checkBrandingContent(bytes, kind);
  if (checked.problems.length > 0 || !checked.contentType) return { ok: false, problems: checked.problems };
  return {
    ok: true,
    asset: {
      path: absolutePath,
      contentType: checked.contentType,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      ...(checked.dimensions ? { width: checked.dimensions.width, height: checked.dimensions.height } : {}),
    },
  };
}
