/**
 * Company-branding files (images and custom CSS): where they may live, type detection, dimensions, size limits and
 * what custom CSS may contain.
 *
 * Every file must lie inside the project directory after symlinks: whatever is named here is published on the
 * tenant's public sign-in page, so `/etc/passwd`, `../secrets.css` or a symlink pointing out is refused, unread.
 *
 * Pure functions over bytes, plus one reader ({@link inspectBrandingFile}) that reads a file and applies them. The
 * schema (`config/branding.ts`) calls the reader for every `branding.*.images.*` path so a wrong file fails at
 * `pulumi preview`, before any Graph call; the dynamic provider then uploads by path + sha256, so a changed file
 * re-uploads.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/organizationalbranding-update
 * @see https://learn.microsoft.com/en-us/entra/fundamentals/how-to-customize-branding
 * @see https://learn.microsoft.com/en-us/entra/fundamentals/reference-company-branding-css-template
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { BRANDING_ASSET_KINDS, type BrandingAssetKind } from "../dynamic-providers/branding/rules";

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
    else problems.push(...cssProblems(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")));
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

// ---------------------------------------------------------------------------------------------------------------
// Custom CSS
// ---------------------------------------------------------------------------------------------------------------

/**
 * Selectors Microsoft documents for company-branding CSS (the "CSS template reference guide", the page External
 * ID's branding how-to links to).
 *
 * @see https://learn.microsoft.com/en-us/entra/fundamentals/reference-company-branding-css-template
 */
const DOCUMENTED_CSS_SELECTORS = [
  "body",
  "a",
  ".ext-background-image",
  ".ext-header",
  ".ext-header-logo",
  ".ext-middle",
  ".ext-vertical-split-main-section",
  ".ext-vertical-split-background-image-container",
  ".ext-sign-in-box",
  ".ext-title",
  ".ext-subtitle",
  ".ext-link",
  ".ext-button.ext-primary",
  ".ext-button.ext-secondary",
  ".ext-error",
  ".ext-input.ext-text-box",
  ".ext-input.ext-text-box.ext-has-error",
  ".ext-boilerplate-text",
  ".ext-promoted-fed-cred-box",
  ".ext-footer",
  ".ext-footer-links",
  ".ext-footer-item",
  ".ext-debug-item",
] as const;

/**
 * Selectors the sign-in page's own CSS loader also keeps, beyond the documented ones. Observed, not documented: a
 * public copy of the page's `CustomCssLoader` script, which parses the uploaded CSS and silently drops every rule
 * whose selector (less trailing pseudo-classes) is not exactly one of its list.
 */
const OBSERVED_CSS_SELECTORS = [
  ".ext-header-description",
  ".ext-background-overlay",
  ".ext-banner-logo",
  ".ext-password-reset-links-container",
  ".ext-button-field-container",
  ".ext-button-item",
  ".ext-footer.ext-has-background",
  ".ext-footer.ext-has-background.ext-background-always-visible",
  ".ext-footer-content.ext-footer-item",
  ".ext-footer-content.ext-footer-item.ext-has-background",
  ".ext-footer-content.ext-footer-item.ext-has-background.ext-background-always-visible",
  ".ext-footer-content.ext-footer-item.ext-debug-item",
  ".ext-footer-content.ext-footer-item.ext-debug-item.ext-has-background",
  ".ext-footer-content.ext-footer-item.ext-debug-item.ext-has-background.ext-background-always-visible",
] as const;

/** Every selector customCSS may use (each alone, optionally followed by {@link CSS_PSEUDO_CLASSES}). */
export const CSS_ALLOWED_SELECTORS: readonly string[] = [...DOCUMENTED_CSS_SELECTORS, ...OBSERVED_CSS_SELECTORS];

/** Pseudo-classes the sign-in page accepts after an allowed selector (observed loader; the docs use the first four). */
export const CSS_PSEUDO_CLASSES = [":link", ":hover", ":focus", ":active", ":focus-within", ":visited"] as const;

/** At-rules the sign-in page keeps (observed loader); it drops every other one, `@import` included. */
const CSS_AT_RULES = ["media", "font-face"];

/** Properties the sign-in page drops (observed loader). */
const CSS_DROPPED_PROPERTIES = ["behavior", "content", "-moz-binding", "-o-link"];

const CSS_REFERENCE = "https://learn.microsoft.com/en-us/entra/fundamentals/reference-company-branding-css-template";
const TRAILING_PSEUDO = new RegExp(`(?:${CSS_PSEUDO_CLASSES.join("|")})$`, "i");

/** Levenshtein distance (small inputs only). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The allowed selectors nearest to `selector` (a near miss, or the compound selectors it starts), at most three. */
export function nearestCssSelectors(selector: string): string[] {
  const scored = CSS_ALLOWED_SELECTORS.map((s) => ({ s, d: editDistance(selector.toLowerCase(), s) })).sort((x, y) => x.d - y.d);
  const best = scored[0]!.d;
  if (best <= Math.max(2, Math.floor(selector.length / 5))) return scored.filter((x) => x.d === best).slice(0, 3).map((x) => x.s);
  return CSS_ALLOWED_SELECTORS.filter((s) => s.startsWith(`${selector}.`)).slice(0, 3);
}

/** Collects occurrences per kind of problem so a file with many yields one line per kind (or per selector). */
class CssFindings {
  private readonly found = new Map<string, { what: string; allowed: string; lines: number[] }>();
  constructor(private readonly lineOf: (offset: number) => number) {}
  add(key: string, what: string, allowed: string, offset: number): void {
    const entry = this.found.get(key) ?? { what, allowed, lines: [] };
    const line = this.lineOf(offset);
    if (!entry.lines.includes(line)) entry.lines.push(line);
    this.found.set(key, entry);
  }
  problems(): BrandingFileProblem[] {
    return [...this.found.values()].map(({ what, allowed, lines }) => {
      const shown = lines.slice(0, 5).join(", ");
      const more = lines.length > 5 ? ` and ${lines.length - 5} more` : "";
      return { what: `${what} on line${lines.length > 1 ? "s" : ""} ${shown}${more}`, allowed };
    });
  }
}

/** The CSS with comments blanked out (newlines kept, so offsets and lines stay), or where it is not well-formed. */
function blankComments(css: string): { text: string; unclosed?: { kind: "comment" | "string"; offset: number } } {
  let out = "";
  let i = 0;
  while (i < css.length) {
    const c = css[i]!;
    if (c === "/" && css[i + 1] === "*") {
      const end = css.indexOf("*/", i + 2);
      if (end < 0) return { text: out, unclosed: { kind: "comment", offset: i } };
      out += css.slice(i, end + 2).replace(/[^\n]/g, " ");
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < css.length && css[j] !== c && css[j] !== "\n") j += css[j] === "\\" ? 2 : 1;
      if (j >= css.length || css[j] === "\n") return { text: out, unclosed: { kind: "string", offset: i } };
      out += css.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return { text: out };
}

/**
 * What is wrong with a customCSS text, checked the way the Entra sign-in page applies it, and stricter where that
 * is unverified. Pure; the caller has already checked the bytes are UTF-8 and the size.
 *
 * - not empty (nor only comments), no byte order mark, printable ASCII outside comments, no `\` escapes (they could
 *   spell `url(` or `@import` past this check), no `</` (it could close the page's `<style>` element);
 * - at-rules only `@media` and `@font-face` — the page drops the others, `@import` included;
 * - no `url()`, `src()`, `image-set()` or `expression()`: nothing the public sign-in page would fetch from another
 *   origin. Stricter than the page, which keeps `https://` URLs — this project's choice, unverified against Entra;
 * - every selector one of {@link CSS_ALLOWED_SELECTORS}, alone, optionally followed by {@link CSS_PSEUDO_CLASSES}
 *   (the page drops rules with any other selector, combined or nested ones included), with the nearest allowed
 *   name for a near miss;
 * - no `behavior`, `content`, `-moz-binding` or `-o-link` declarations (the page drops them);
 * - well-formed: comments, strings and blocks closed.
 *
 * @see https://learn.microsoft.com/en-us/entra/fundamentals/reference-company-branding-css-template
 * @returns every problem (empty when the CSS is acceptable), worded for {@link BrandingFileProblem}
 */
export function cssProblems(css: string): BrandingFileProblem[] {
  const problems: BrandingFileProblem[] = [];
  if (css.startsWith("\uFEFF")) {
    problems.push({ what: "starts with a byte order mark (BOM)", allowed: "UTF-8 without a BOM for customCSS (save it as UTF-8, not UTF-8 with BOM)" });
    css = css.slice(1);
  }
  const lineStarts = [0];
  for (let i = 0; i < css.length; i++) if (css[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const findings = new CssFindings(lineOf);
  const WELL_FORMED = "well-formed CSS: every comment closed by */, every string by its quote on the same line, every { by }";

  const blanked = blankComments(css);
  if (blanked.unclosed) {
    const { kind, offset } = blanked.unclosed;
    problems.push({ what: `is not well-formed CSS (a ${kind} opened on line ${lineOf(offset)} is never closed)`, allowed: WELL_FORMED });
  }
  const src = blanked.text;
  if (!blanked.unclosed && src.trim() === "") {
    problems.push({ what: css.trim() === "" ? "is empty" : "has only comments", allowed: "a CSS file with at least one rule for customCSS" });
    return problems;
  }

  // Characters and tokens, anywhere outside comments.
  for (const m of src.matchAll(/[^\t\n\f\r\x20-\x7e]/g)) {
    const code = m[0].codePointAt(0)!;
    const control = code < 0x20 || code === 0x7f;
    findings.add(
      control ? "control" : "non-ascii",
      control ? "has control characters (is it a text file?)" : `has non-ASCII characters outside comments (first: ${JSON.stringify(m[0])})`,
      "printable ASCII outside comments in customCSS (the sign-in page drops any rule or declaration with other characters); keep other text in comments",
      m.index,
    );
  }
  for (const m of src.matchAll(/\\/g)) {
    findings.add("escape", "has a CSS escape (\\)", "no backslash escapes in customCSS (an escape can spell url( or @import past this check); write the characters themselves", m.index);
  }
  for (const m of src.matchAll(/<\//g)) {
    findings.add("end-tag", 'has "</"', 'no "</" in customCSS (it could close the sign-in page\'s <style> element)', m.index);
  }
  for (const m of src.matchAll(/(?<![-\w])(url|src|image-set|-webkit-image-set|expression)\(/gi)) {
    const fn = m[1]!.toLowerCase();
    if (fn === "expression") {
      findings.add("expression", "uses expression()", "no expression() in customCSS (the sign-in page drops it)", m.index);
    } else {
      findings.add(
        `fn-${fn}`,
        `uses ${fn}()`,
        "no url(), src() or image-set() in customCSS: the public sign-in page must not load anything from another origin " +
          "(this project's rule, stricter than Entra, unverified); set images.backgroundImage for a background picture",
        m.index,
      );
    }
  }

  // Structure: at-rules, selectors, declarations.
  let i = 0;
  const n = src.length;
  /** Index of the first character of `stops` at bracket depth 0 outside strings, or `n`. */
  const scanTo = (from: number, stops: string): number => {
    let depth = 0;
    for (let j = from; j < n; j++) {
      const c = src[j]!;
      if (c === '"' || c === "'") {
        j += 1;
        while (j < n && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      } else if (c === "(" || c === "[") depth += 1;
      else if ((c === ")" || c === "]") && depth > 0) depth -= 1;
      else if (depth === 0 && stops.includes(c)) return j;
    }
    return n;
  };
  /** From just after a `{`, the index just after its matching `}` (or `n`). */
  const skipBlock = (from: number): number => {
    let j = from;
    let depth = 1;
    while (j < n && depth > 0) {
      j = scanTo(j, "{}");
      if (j < n) depth += src[j] === "{" ? 1 : -1;
      j += 1;
    }
    return Math.min(j, n);
  };
  const unclosedBlock = (open: number) =>
    problems.push({ what: `is not well-formed CSS (the { on line ${lineOf(open)} is never closed)`, allowed: WELL_FORMED });

  const checkSelectors = (text: string, offset: number): void => {
    for (const raw of text.split(",")) {
      const selector = raw.trim().replace(/\s+/g, " ");
      let base = selector;
      while (TRAILING_PSEUDO.test(base)) base = base.replace(TRAILING_PSEUDO, "");
      if (CSS_ALLOWED_SELECTORS.includes(base)) continue;
      const combined = /[ >+~]/.test(base);
      const nearest = combined ? [] : nearestCssSelectors(base);
      findings.add(
        `selector ${selector}`,
        `has selector ${JSON.stringify(selector)}${combined ? ", which combines selectors," : ""}`,
        `a selector from ${CSS_REFERENCE}, alone, optionally followed by ${CSS_PSEUDO_CLASSES.join(" ")} ` +
          `(the sign-in page drops rules with any other selector${combined ? ", combined ones included" : ""})` +
          (nearest.length ? `; nearest: ${nearest.join(", ")}` : ""),
        offset + raw.search(/\S|$/),
      );
    }
  };

  const parseDeclarations = (open: number): void => {
    for (;;) {
      while (i < n && /\s|;/.test(src[i]!)) i += 1;
      if (i >= n) {
        unclosedBlock(open);
        return;
      }
      if (src[i] === "}") {
        i += 1;
        return;
      }
      const end = scanTo(i, ";{}");
      if (src[end] === "{") {
        findings.add("nested", "nests a rule inside another", "no nested rules in customCSS (the sign-in page keeps only top-level rules and rules inside @media)", i);
        i = skipBlock(end + 1);
        continue;
      }
      const decl = src.slice(i, end);
      const colon = decl.indexOf(":");
      const prop = (colon < 0 ? decl : decl.slice(0, colon)).trim().toLowerCase();
      if (colon < 0) {
        findings.add("no-colon", `has a declaration without ":" (${JSON.stringify(decl.trim().slice(0, 40))})`, "property: value; declarations in customCSS", i);
      } else if (CSS_DROPPED_PROPERTIES.includes(prop)) {
        findings.add(`prop ${prop}`, `sets ${prop}`, `no ${CSS_DROPPED_PROPERTIES.join(", ")} in customCSS (the sign-in page drops them)`, i);
      }
      i = end < n && src[end] === ";" ? end + 1 : end;
    }
  };

  const parseRules = (open?: number): void => {
    for (;;) {
      while (i < n && /\s|;/.test(src[i]!)) i += 1;
      if (i >= n) {
        if (open !== undefined) unclosedBlock(open);
        return;
      }
      if (src[i] === "}") {
        if (open !== undefined) {
          i += 1;
          return;
        }
        findings.add("unmatched", "has a } that closes nothing (not well-formed CSS)", WELL_FORMED, i);
        i += 1;
        continue;
      }
      const start = i;
      const end = scanTo(i, "{;}");
      if (src[start] === "@") {
        const name = (/^@([-\w]*)/.exec(src.slice(start))![1] ?? "").toLowerCase();
        if (!CSS_AT_RULES.includes(name)) {
          findings.add(
            `at ${name}`,
            `has @${name}`,
            `only @media and @font-face at-rules in customCSS (the sign-in page drops every other at-rule, @import included); put the rules in this file`,
            start,
          );
        }
        if (src[end] !== "{") {
          i = end < n && src[end] === ";" ? end + 1 : end;
          continue;
        }
        i = end + 1;
        if (name === "media") parseRules(end);
        else if (name === "font-face") parseDeclarations(end);
        else i = skipBlock(i);
        continue;
      }
      if (src[end] !== "{") {
        findings.add("stray", `has ${JSON.stringify(src.slice(start, end).trim().slice(0, 40))} outside any rule (not well-formed CSS)`, WELL_FORMED, start);
        i = end < n && src[end] === ";" ? end + 1 : end;
        continue;
      }
      checkSelectors(src.slice(start, end), start);
      i = end + 1;
      parseDeclarations(end);
    }
  };
  if (!blanked.unclosed) parseRules();

  return [...problems, ...findings.problems()];
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a file: inside the project only
// ---------------------------------------------------------------------------------------------------------------

/** `p` with symlinks resolved as far as it exists (a missing tail is appended as written). */
function realpathAsFarAsExists(p: string): string {
  const missing: string[] = [];
  let existing = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return path.resolve(p);
      missing.push(path.basename(existing));
      existing = parent;
    }
  }
}

/** Whether `file` is `dir` itself or below it (both absolute and symlink-free). */
function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

/**
 * Where a branding path really points, and whether that is inside the project directory. Both sides are compared
 * after symlinks (`fs.realpathSync`), so `../x`, an absolute path elsewhere and a symlink pointing out are all
 * outside, while an absolute path into the project and a symlink between project files are inside.
 *
 * @param absolutePath the path as resolved against the project directory
 * @param projectDir the project directory
 * @returns the resolved file and project directory, and the problem when the file is outside
 */
export function brandingFileLocation(
  absolutePath: string,
  projectDir: string,
): { realPath: string; realProjectDir: string; problem?: BrandingFileProblem } {
  const realProjectDir = realpathAsFarAsExists(projectDir);
  const realPath = realpathAsFarAsExists(absolutePath);
  if (isInside(realPath, realProjectDir)) return { realPath, realProjectDir };
  const via = realPath === path.resolve(absolutePath) ? "" : " (through a symlink)";
  return {
    realPath,
    realProjectDir,
    problem: {
      what: `resolves${via} to ${realPath}, outside the project directory ${realProjectDir}`,
      allowed: "a file inside the project directory, after symlinks (branding files are published on the public sign-in page); copy the file into the project",
    },
  };
}

/**
 * Reads a branding file and checks it for one stream: it lies inside the project directory after symlinks
 * ({@link brandingFileLocation}; nothing outside is read), it exists and is readable, its content (not its
 * extension) has an accepted type, its size and dimensions are within {@link BRANDING_ASSET_LIMITS}, and CSS passes
 * {@link cssProblems}.
 *
 * @param absolutePath the file, already resolved against the project directory
 * @param kind the stream it is meant for
 * @param projectDir the directory the path was resolved against, which the file must stay inside
 *   @default process.cwd() - the Pulumi project directory, which `loadStackConfig` resolves against
 * @see https://learn.microsoft.com/en-us/graph/api/organizationalbrandinglocalization-update
 */
export function inspectBrandingFile(absolutePath: string, kind: BrandingAssetKind, projectDir: string = process.cwd()): BrandingFileResult {
  const location = brandingFileLocation(absolutePath, projectDir);
  if (location.problem) return { ok: false, problems: [location.problem] };
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(location.realPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what =
      code === "ENOENT" ? `does not exist (looked at ${absolutePath})`
      : code === "EACCES" || code === "EPERM" ? `is not readable (${absolutePath})`
      : code === "EISDIR" ? `is a directory (${absolutePath})`
      : `cannot be read (${code ?? String(err)})`;
    return { ok: false, problems: [{ what, allowed: `a readable file for ${kind} inside the project directory (relative to it, or absolute)` }] };
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