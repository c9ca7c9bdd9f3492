/**
 * Branding files: type by magic bytes, dimensions from PNG IHDR / JPEG SOFn, size and dimension limits, CSS as
 * UTF-8, and how the schema reports each (path, file, what is allowed). Fixtures are generated in a temp dir.
 *
 * Does not prove: that Graph rejects files beyond these limits (undocumented), nor that a JPEG header fixture
 * decodes as a picture (only its header is real).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  BRANDING_ASSET_LIMITS,
  checkBrandingContent,
  detectImageType,
  inspectBrandingFile,
  isUtf8Text,
  readJpegDimensions,
  readPngDimensions,
} from "../../config/images";
import { ConfigValidationError, parseStackConfig } from "../../config/schema";
import { makeJpegHeader, makePng, noise } from "./fixtures";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ciam-config-images-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: Buffer | string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** A valid config whose default branding has the given images, resolved against the temp dir. */
function configWithImages(images: Record<string, string>): Record<string, unknown> {
  return {
    tenant: { existing: { tenantId: "11111111-2222-4333-8444-555555555555", subdomain: "contosociam" } },
    apps: [{ key: "spa", displayName: "spa", redirectUris: ["http://localhost:3000"] }],
    branding: { default: { images } },
  };
}

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw, { projectDir: dir });
    return [];
  } catch (err) {
    if (err instanceof ConfigValidationError) return [...err.problems];
    throw err;
  }
}

describe("byte-level detection", () => {
  test("GIVEN PNG, JPEG and text bytes WHEN detected THEN the magic bytes decide", () => {
    expect(detectImageType(makePng(2, 2))).toBe("image/png");
    expect(detectImageType(makeJpegHeader(2, 2))).toBe("image/jpeg");
    expect(detectImageType(Buffer.from("not an image"))).toBeUndefined();
    expect(detectImageType(Buffer.alloc(0))).toBeUndefined();
  });

  test("GIVEN a PNG WHEN its IHDR is read THEN width and height come back", () => {
    expect(readPngDimensions(makePng(245, 36))).toEqual({ width: 245, height: 36 });
    expect(readPngDimensions(makePng(245, 36).subarray(0, 20))).toBeUndefined();
  });

  test("GIVEN a JPEG with APP0 before SOF0 WHEN read THEN the frame's dimensions come back", () => {
    expect(readJpegDimensions(makeJpegHeader(1920, 1080))).toEqual({ width: 1920, height: 1080 });
    expect(readJpegDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeUndefined();
  });

  test("GIVEN text WHEN checked for UTF-8 THEN invalid sequences and NUL bytes are refused", () => {
    expect(isUtf8Text(Buffer.from("body { color: #333 } /* é */"))).toBe(true);
    expect(isUtf8Text(Buffer.from([0x62, 0xff, 0x62]))).toBe(false);
    expect(isUtf8Text(Buffer.from([0x62, 0x00, 0x62]))).toBe(false);
  });

  test("GIVEN the limits table WHEN read THEN it holds the documented values", () => {
    expect(BRANDING_ASSET_LIMITS.backgroundImage).toMatchObject({ maxWidth: 1920, maxHeight: 1080, maxBytes: 300 * 1024 });
    expect(BRANDING_ASSET_LIMITS.bannerLogo).toMatchObject({ maxWidth: 245, maxHeight: 36, maxBytes: 50 * 1024 });
    expect(BRANDING_ASSET_LIMITS.headerLogo).toMatchObject({ maxWidth: 245, maxHeight: 36, maxBytes: 50 * 1024 });
    expect(BRANDING_ASSET_LIMITS.squareLogo).toMatchObject({ maxWidth: 240, maxHeight: 240, maxBytes: 10 * 1024 });
    expect(BRANDING_ASSET_LIMITS.favicon).toMatchObject({ maxWidth: 32, maxHeight: 32, maxBytes: 5 * 1024 });
    expect(BRANDING_ASSET_LIMITS.customCSS).toMatchObject({ contentTypes: ["text/css"], maxBytes: 25 * 1024 });
  });

  test("GIVEN a favicon at exactly 32×32 and one at 33×33 WHEN checked THEN only the larger is refused", () => {
    expect(checkBrandingContent(makePng(32, 32), "favicon").problems).toEqual([]);
    expect(checkBrandingContent(makePng(33, 33), "favicon").problems).toEqual([
      { what: "is 33×33 px", allowed: "at most 32×32 px for favicon (portal)" },
    ]);
  });
});

describe("branding files through the schema", () => {
  test("GIVEN a square logo PNG over 10 KB WHEN parsed THEN its size and the limit are reported", () => {
    const file = write("big-square.png", makePng(100, 100, noise));
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(10 * 1024);
    expect(problemsOf(configWithImages({ squareLogo: "big-square.png" }))).toEqual([
      `branding.default.images.squareLogo: "big-square.png" is ${size} bytes (${(size / 1024).toFixed(1)} KB); allowed: at most 10 KB for squareLogo (Graph; the portal says 50 KB)`,
    ]);
  });

  test("GIVEN a JPEG named .png WHEN parsed THEN it is accepted as image/jpeg by its magic bytes", () => {
    const bytes = makeJpegHeader(200, 30);
    write("renamed.png", bytes);
    const config = parseStackConfig(configWithImages({ bannerLogo: "renamed.png" }), { projectDir: dir });
    expect(config.branding!.default!.images.bannerLogo).toEqual({
      path: path.join(dir, "renamed.png"),
      contentType: "image/jpeg",
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      width: 200,
      height: 30,
    });
  });

  test("GIVEN a text file named .png WHEN parsed THEN it is refused as neither PNG nor JPEG", () => {
    write("fake.png", "this is not an image\n");
    expect(problemsOf(configWithImages({ bannerLogo: "fake.png" }))).toEqual([
      'branding.default.images.bannerLogo: "fake.png" is neither a PNG nor a JPEG (by its content); allowed: a PNG or JPEG image for bannerLogo',
    ]);
  });

  test("GIVEN a banner logo larger than 245×36 WHEN parsed THEN its dimensions and the limit are reported", () => {
    write("wide-banner.png", makePng(300, 50));
    expect(problemsOf(configWithImages({ bannerLogo: "wide-banner.png" }))).toEqual([
      'branding.default.images.bannerLogo: "wide-banner.png" is 300×50 px; allowed: at most 245×36 px for bannerLogo (Graph dimensions, portal size)',
    ]);
  });

  test("GIVEN a background image over 1920×1080 WHEN parsed THEN it is refused", () => {
    write("bg.jpg", makeJpegHeader(1921, 1080));
    const [problem] = problemsOf(configWithImages({ backgroundImage: "bg.jpg" }));
    expect(problem).toBe(
      'branding.default.images.backgroundImage: "bg.jpg" is 1921×1080 px; allowed: at most 1920×1080 px for backgroundImage (Graph dimensions, portal size)',
    );
  });

  test("GIVEN one file both too large and too wide WHEN parsed THEN both problems are reported", () => {
    write("huge-favicon.png", makePng(64, 64, noise));
    const problems = problemsOf(configWithImages({ favicon: "huge-favicon.png" }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("allowed: at most 5 KB for favicon");
    expect(problems[1]).toContain('"huge-favicon.png" is 64×64 px; allowed: at most 32×32 px for favicon');
  });

  test("GIVEN a UTF-8 CSS file WHEN parsed THEN it is accepted as text/css without dimensions", () => {
    const css = "/* Contoso */\n.ext-sign-in-box { border-radius: 8px; }\n";
    write("custom.css", css);
    const asset = parseStackConfig(configWithImages({ customCSS: "custom.css" }), { projectDir: dir }).branding!.default!.images.customCSS;
    expect(asset).toEqual({
      path: path.join(dir, "custom.css"),
      contentType: "text/css",
      size: Buffer.byteLength(css),
      sha256: createHash("sha256").update(css).digest("hex"),
    });
  });

  test("GIVEN CSS that is not UTF-8 or over 25 KB WHEN parsed THEN each is refused", () => {
    write("latin1.css", Buffer.from([0x2f, 0x2a, 0xe9, 0x2a, 0x2f]));
    write("big.css", "a{}\n".repeat(7000));
    expect(problemsOf(configWithImages({ customCSS: "latin1.css" }))).toEqual([
      'branding.default.images.customCSS: "latin1.css" is not UTF-8 text; allowed: a UTF-8 CSS file for customCSS',
    ]);
    expect(problemsOf(configWithImages({ customCSS: "big.css" }))).toEqual([
      'branding.default.images.customCSS: "big.css" is 28000 bytes (27.3 KB); allowed: at most 25 KB for customCSS (Graph)',
    ]);
  });

  test("GIVEN a directory or a missing file WHEN parsed THEN each is reported with the resolved path", () => {
    fs.mkdirSync(path.join(dir, "a-dir.png"), { recursive: true });
    const problems = problemsOf(configWithImages({ bannerLogo: "a-dir.png", squareLogo: "nowhere/square.png" }));
    expect(problems).toEqual([
      `branding.default.images.bannerLogo: "a-dir.png" is a directory (${path.join(dir, "a-dir.png")}); allowed: a readable file for bannerLogo, relative to the project directory or absolute`,
      `branding.default.images.squareLogo: "nowhere/square.png" does not exist (looked at ${path.join(dir, "nowhere/square.png")}); allowed: a readable file for squareLogo, relative to the project directory or absolute`,
    ]);
  });

  test("GIVEN an absolute path WHEN parsed THEN it is used as is", () => {
    const file = write("abs/square.png", makePng(40, 40));
    const asset = parseStackConfig(configWithImages({ squareLogo: file }), { projectDir: "/nonexistent" }).branding!.default!.images.squareLogo;
    expect(asset?.path).toBe(file);
  });

  test("GIVEN a file whose content changes WHEN inspected again THEN its sha256 changes", () => {
    const file = write("changing.png", makePng(10, 10, () => [1, 2, 3]));
    const before = inspectBrandingFile(file, "squareLogo");
    fs.writeFileSync(file, makePng(10, 10, () => [4, 5, 6]));
    const after = inspectBrandingFile(file, "squareLogo");
    expect(before.ok && after.ok).toBe(true);
    if (before.ok && after.ok) expect(after.asset.sha256).not.toBe(before.asset.sha256);
  });

  test("GIVEN a localization image problem WHEN parsed THEN the path names the locale", () => {
    write("fr-wide.png", makePng(246, 36));
    const raw = configWithImages({});
    (raw.branding as Record<string, unknown>).localizations = { "fr-FR": { images: { bannerLogo: "fr-wide.png" } } };
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^branding\.localizations\.fr-FR\.images\.bannerLogo: "fr-wide\.png" is 246×36 px; allowed: at most 245×36 px/);
  });
});
