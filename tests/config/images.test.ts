/**
 * Branding files: inside the project directory after symlinks, type by magic bytes, dimensions from PNG IHDR /
 * JPEG SOFn, size and dimension limits, custom CSS (UTF-8, what the sign-in page keeps, no outside resources), and
 * how the schema reports each (path, file, what is allowed). Fixtures are generated in a temp dir: `project/` is
 * the project directory (and the cwd), `outside/` a sibling it must not reach.
 *
 * Does not prove: that Graph rejects files beyond these limits (undocumented), that the live sign-in page drops
 * exactly what `cssProblems` refuses (its rules come from a public copy of the page's loader, not from Entra), nor
 * that a JPEG header fixture decodes as a picture (only its header is real). Hard links into the project are not
 * detected (a hard link is the file itself).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  BRANDING_ASSET_LIMITS,
  CSS_ALLOWED_SELECTORS,
  brandingFileLocation,
  checkBrandingContent,
  cssProblems,
  detectImageType,
  inspectBrandingFile,
  isUtf8Text,
  readJpegDimensions,
  readPngDimensions,
} from "../../config/images";
import { ConfigValidationError, parseStackConfig } from "../../config/schema";
import { makeJpegHeader, makePng, noise } from "./fixtures";

let root: string;
/** The project directory of these tests (and the cwd while they run). */
let dir: string;
/** A directory beside the project, which branding paths must not reach. */
let outside: string;
let cwd: string;
beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ciam-config-images-")));
  dir = path.join(root, "project");
  outside = path.join(root, "outside");
  fs.mkdirSync(dir);
  fs.mkdirSync(outside);
  cwd = process.cwd();
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(root, { recursive: true, force: true });
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
      `branding.default.images.bannerLogo: "a-dir.png" is a directory (${path.join(dir, "a-dir.png")}); allowed: a readable file for bannerLogo inside the project directory (relative to it, or absolute)`,
      `branding.default.images.squareLogo: "nowhere/square.png" does not exist (looked at ${path.join(dir, "nowhere/square.png")}); allowed: a readable file for squareLogo inside the project directory (relative to it, or absolute)`,
    ]);
  });

  test("GIVEN an absolute path inside the project WHEN parsed THEN it is used as is", () => {
    const file = write("abs/square.png", makePng(40, 40));
    const asset = parseStackConfig(configWithImages({ squareLogo: file }), { projectDir: dir }).branding!.default!.images.squareLogo;
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

/** The outside file's path as the error shows it: after symlinks. */
const real = (p: string): string => fs.realpathSync(p);
const OUTSIDE_ALLOWED =
  "allowed: a file inside the project directory, after symlinks (branding files are published on the public sign-in page); copy the file into the project";

describe("branding files stay inside the project directory", () => {
  test("GIVEN ../ leaving the project WHEN parsed THEN the field, the value, where it resolved and the rule are reported", () => {
    const file = path.join(outside, "escape.css");
    fs.writeFileSync(file, ".ext-title { color: #333 }\n");
    expect(problemsOf(configWithImages({ customCSS: "../outside/escape.css" }))).toEqual([
      `branding.default.images.customCSS: "../outside/escape.css" resolves to ${real(file)}, outside the project directory ${dir}; ${OUTSIDE_ALLOWED}`,
    ]);
  });

  test("GIVEN an absolute path elsewhere WHEN parsed THEN it is refused", () => {
    const file = path.join(outside, "square.png");
    fs.writeFileSync(file, makePng(40, 40));
    expect(problemsOf(configWithImages({ squareLogo: file }))).toEqual([
      `branding.default.images.squareLogo: ${JSON.stringify(file)} resolves to ${real(file)}, outside the project directory ${dir}; ${OUTSIDE_ALLOWED}`,
    ]);
  });

  test("GIVEN /etc/passwd as customCSS WHEN parsed THEN it is refused as outside the project, not as bad CSS", () => {
    expect(problemsOf(configWithImages({ customCSS: "/etc/passwd" }))).toEqual([
      `branding.default.images.customCSS: "/etc/passwd" resolves to ${real("/etc/passwd")}, outside the project directory ${dir}; ${OUTSIDE_ALLOWED}`,
    ]);
  });

  test("GIVEN a symlink in the project pointing out WHEN parsed THEN it is refused, naming the symlink and its target", () => {
    const target = path.join(outside, "secret.css");
    fs.writeFileSync(target, "body { color: #000 }\n");
    fs.symlinkSync(target, path.join(dir, "linked-out.css"));
    expect(problemsOf(configWithImages({ customCSS: "linked-out.css" }))).toEqual([
      `branding.default.images.customCSS: "linked-out.css" resolves (through a symlink) to ${real(target)}, outside the project directory ${dir}; ${OUTSIDE_ALLOWED}`,
    ]);
  });

  test("GIVEN a directory symlink pointing out and a missing file behind it WHEN parsed THEN each is outside, never 'does not exist'", () => {
    fs.writeFileSync(path.join(outside, "banner.png"), makePng(200, 30));
    fs.symlinkSync(outside, path.join(dir, "shared"));
    expect(problemsOf(configWithImages({ bannerLogo: "shared/banner.png", squareLogo: "../outside/missing.png" }))).toEqual([
      `branding.default.images.bannerLogo: "shared/banner.png" resolves (through a symlink) to ${path.join(real(outside), "banner.png")}, outside the project directory ${dir}; ${OUTSIDE_ALLOWED}`,
      `branding.default.images.squareLogo: "../outside/missing.png" resolves to ${path.join(real(outside), "missing.png")}, outside the project directory ${dir}; ${OUTSIDE_ALLOWED}`,
    ]);
  });

  test("GIVEN a symlink between project files WHEN parsed THEN it is accepted under the path as written", () => {
    const bytes = makePng(200, 30);
    write("assets/banner-real.png", bytes);
    fs.symlinkSync(path.join("assets", "banner-real.png"), path.join(dir, "banner-alias.png"));
    const asset = parseStackConfig(configWithImages({ bannerLogo: "banner-alias.png" }), { projectDir: dir }).branding!.default!.images.bannerLogo;
    expect(asset).toEqual({
      path: path.join(dir, "banner-alias.png"),
      contentType: "image/png",
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      width: 200,
      height: 30,
    });
  });

  test("GIVEN a project directory reached through a symlink WHEN its files are inspected THEN both sides compare after symlinks", () => {
    const linkedProject = path.join(root, "project-link");
    fs.symlinkSync(dir, linkedProject);
    const file = write("via-link.png", makePng(10, 10));
    expect(inspectBrandingFile(path.join(linkedProject, "via-link.png"), "squareLogo", linkedProject).ok).toBe(true);
    expect(inspectBrandingFile(file, "squareLogo", linkedProject).ok).toBe(true);
    expect(brandingFileLocation(path.join(linkedProject, "..", "outside", "x.png"), linkedProject).problem).toBeDefined();
  });

  test("GIVEN an explicit project directory WHEN a file is inspected THEN that directory, not the cwd, bounds it", () => {
    const file = write("sub/only-here.png", makePng(10, 10));
    expect(inspectBrandingFile(file, "squareLogo", path.join(dir, "sub")).ok).toBe(true);
    expect(inspectBrandingFile(file, "squareLogo", path.join(dir, "other"))).toEqual({
      ok: false,
      problems: [
        {
          what: `resolves to ${file}, outside the project directory ${path.join(dir, "other")}`,
          allowed: OUTSIDE_ALLOWED.replace(/^allowed: /, ""),
        },
      ],
    });
  });

  test("GIVEN files outside in the default branding and a localization WHEN parsed THEN all are reported at once", () => {
    const raw = configWithImages({ customCSS: "/etc/passwd", favicon: "../outside/x.png" });
    (raw.branding as Record<string, unknown>).localizations = { "fr-FR": { images: { customCSS: "/etc/hostname" } } };
    const problems = problemsOf(raw);
    expect(problems.map((p) => p.slice(0, p.indexOf(":")))).toEqual([
      "branding.default.images.favicon",
      "branding.default.images.customCSS",
      "branding.localizations.fr-FR.images.customCSS",
    ]);
    for (const p of problems) expect(p).toContain("outside the project directory");
  });
});

/**
 * A stylesheet in the shape of Microsoft's company-branding CSS template: every selector of the CSS reference,
 * each with its documented pseudo-classes, plus @media. Written for this test from the reference page; the
 * template file itself (download.microsoft.com) was not fetched.
 */
const TEMPLATE_LIKE_CSS = `/* Company branding: selectors from the CSS template reference guide */
body { background-color: #f0f4f8; font-family: "Segoe UI", Arial, sans-serif; }
a, a:link { color: #0067b8; }
a:hover { color: #005da6; }
a:focus { outline: 2px solid #0067b8; }
a:focus:hover { color: #004e8c; }
a:active { color: #003f73; }
.ext-background-image { background-color: #1b2a3a; }
.ext-header { background-color: #ffffff; }
.ext-header-logo { max-height: 36px; }
.ext-middle { align-items: center; }
.ext-vertical-split-main-section { background-color: #ffffff; }
.ext-vertical-split-background-image-container { background-color: #1b2a3a; }
.ext-sign-in-box { border-radius: 8px; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.2); }
.ext-title { color: #1b2a3a; font-weight: 600; }
.ext-subtitle { color: #505a64; }
.ext-link { color: #0067b8; }
.ext-button.ext-primary { background-color: #0067b8; color: #ffffff; border-radius: 4px; }
.ext-button.ext-primary:hover { background-color: #005da6; }
.ext-button.ext-primary:focus { outline: 2px solid #003f73; }
.ext-button.ext-primary:focus:hover { background-color: #004e8c; }
.ext-button.ext-primary:active { background-color: #003f73; }
.ext-button.ext-secondary { background-color: #e6e6e6; }
.ext-button.ext-secondary:hover, .ext-button.ext-secondary:focus, .ext-button.ext-secondary:focus:hover,
.ext-button.ext-secondary:active { background-color: #d2d2d2; }
.ext-error { color: #a4262c; }
.ext-input.ext-text-box { border-color: #8a8886; }
.ext-input.ext-text-box.ext-has-error { border-color: #a4262c; }
.ext-input.ext-text-box:hover, .ext-input.ext-text-box:focus, .ext-input.ext-text-box:focus:hover { border-color: #0067b8; }
.ext-boilerplate-text { font-size: 13px; }
.ext-promoted-fed-cred-box { border-radius: 8px; }
.ext-footer { background-color: transparent; }
.ext-footer-links { font-size: 12px; }
.ext-footer-item { color: #505a64; }
.ext-debug-item { color: #505a64; }
@media (max-width: 600px) {
  .ext-sign-in-box { border-radius: 0; }
}
`;

describe("custom CSS content", () => {
  test("GIVEN every documented selector in the template's shape WHEN checked THEN nothing is refused", () => {
    expect(cssProblems(TEMPLATE_LIKE_CSS)).toEqual([]);
    write("template-like.css", TEMPLATE_LIKE_CSS);
    const asset = parseStackConfig(configWithImages({ customCSS: "template-like.css" }), { projectDir: dir }).branding!.default!.images.customCSS;
    expect(asset?.contentType).toBe("text/css");
  });

  test("GIVEN the allowed selectors WHEN listed THEN they hold the documented ones and no combined selector", () => {
    expect(CSS_ALLOWED_SELECTORS).toEqual(expect.arrayContaining(["body", "a", ".ext-sign-in-box", ".ext-link", ".ext-button.ext-primary", ".ext-footer-item"]));
    expect(CSS_ALLOWED_SELECTORS.filter((s) => /[\s>+~,]/.test(s))).toEqual([]);
  });

  test("GIVEN @import and an external url() WHEN parsed THEN both are refused with the fix", () => {
    write("imports.css", '@import url("https://evil.example/x.css");\n.ext-background-image { background: url(https://cdn.example/bg.jpg); }\n');
    expect(problemsOf(configWithImages({ customCSS: "imports.css" }))).toEqual([
      'branding.default.images.customCSS: "imports.css" uses url() on lines 1, 2; allowed: no url(), src() or image-set() in customCSS: the public sign-in page must not load anything from another origin (this project\'s rule, stricter than Entra, unverified); set images.backgroundImage for a background picture',
      'branding.default.images.customCSS: "imports.css" has @import on line 1; allowed: only @media and @font-face at-rules in customCSS (the sign-in page drops every other at-rule, @import included); put the rules in this file',
    ]);
  });

  test("GIVEN @import with a bare string and url() spelled with an escape WHEN checked THEN neither slips through", () => {
    expect(cssProblems('@import "https://evil.example/x.css";\nbody { color: #000 }').map((p) => p.what)).toEqual(["has @import on line 1"]);
    expect(cssProblems(".ext-title { background: u\\72l(https://evil.example/x.png) }").map((p) => p.what)).toEqual(["has a CSS escape (\\) on line 1"]);
    expect(cssProblems("body { background-image: image-set('https://evil.example/x.png' 1x) }").map((p) => p.what)).toEqual(["uses image-set() on line 1"]);
  });

  test("GIVEN binary content named .css WHEN parsed THEN it is refused as not UTF-8 text", () => {
    write("binary.css", makePng(4, 4));
    write("nul.css", Buffer.from("body { color: #000 }\0\0"));
    expect(problemsOf(configWithImages({ customCSS: "binary.css" }))).toEqual([
      'branding.default.images.customCSS: "binary.css" is not UTF-8 text; allowed: a UTF-8 CSS file for customCSS',
    ]);
    expect(problemsOf(configWithImages({ customCSS: "nul.css" }))).toEqual([
      'branding.default.images.customCSS: "nul.css" is not UTF-8 text; allowed: a UTF-8 CSS file for customCSS',
    ]);
    expect(cssProblems("body { color: #000\u0001 }").map((p) => p.what)).toEqual(["has control characters (is it a text file?) on line 1"]);
  });

  test("GIVEN an empty file, only comments, or a BOM WHEN checked THEN each is refused", () => {
    write("empty.css", "");
    expect(problemsOf(configWithImages({ customCSS: "empty.css" }))).toEqual([
      'branding.default.images.customCSS: "empty.css" is empty; allowed: a CSS file with at least one rule for customCSS',
    ]);
    expect(cssProblems("/* nothing yet */\n")).toEqual([{ what: "has only comments", allowed: "a CSS file with at least one rule for customCSS" }]);
    expect(cssProblems("\uFEFFbody { color: #000 }")).toEqual([
      { what: "starts with a byte order mark (BOM)", allowed: "UTF-8 without a BOM for customCSS (save it as UTF-8, not UTF-8 with BOM)" },
    ]);
  });

  test("GIVEN near-miss and unlisted selectors WHEN checked THEN each is named once with its lines and the nearest allowed name", () => {
    const problems = cssProblems(".ext-signin-box { color: #000 }\n.ext-button { color: #000 }\n#idSIButton9, .ext-signin-box:hover { color: #000 }\n.ext-sign-in-box .ext-title { color: #000 }\n");
    expect(problems.map((p) => p.what)).toEqual([
      'has selector ".ext-signin-box" on line 1',
      'has selector ".ext-button" on line 2',
      'has selector "#idSIButton9" on line 3',
      'has selector ".ext-signin-box:hover" on line 3',
      'has selector ".ext-sign-in-box .ext-title", which combines selectors, on line 4',
    ]);
    expect(problems[0]!.allowed).toMatch(/reference-company-branding-css-template.*; nearest: \.ext-sign-in-box$/);
    expect(problems[1]!.allowed).toMatch(/; nearest: \.ext-button\.ext-primary, \.ext-button\.ext-secondary$/);
    expect(problems[2]!.allowed).not.toContain("nearest");
    expect(problems[4]!.allowed).toContain("combined ones included");
  });

  test("GIVEN non-ASCII text, dropped properties, nesting and </style> WHEN checked THEN each is refused and comments are free", () => {
    const css = "/* Café, ünïcödé and url(x) in a comment are fine */\nbody { font-family: \"Café\"; }\n.ext-title { content: \"x\"; behavior: none; }\n.ext-sign-in-box { .ext-title { color: #000 } }\n.ext-error { color: red } </style>\n";
    expect(cssProblems(css).map((p) => p.what)).toEqual([
      'has non-ASCII characters outside comments (first: "é") on line 2',
      'has "</" on line 5',
      "sets content on line 3",
      "sets behavior on line 3",
      "nests a rule inside another on line 4",
      'has "</style>" outside any rule (not well-formed CSS) on line 5',
    ]);
  });

  test("GIVEN malformed CSS WHEN checked THEN the unclosed block, comment or string is located", () => {
    expect(cssProblems("body { color: #000 }\n.ext-title { color: #000\n").map((p) => p.what)).toEqual(["is not well-formed CSS (the { on line 2 is never closed)"]);
    expect(cssProblems("body { color: #000 } /* never closed").map((p) => p.what)).toEqual(["is not well-formed CSS (a comment opened on line 1 is never closed)"]);
    expect(cssProblems("body { font-family: \"Segoe UI; }\n").map((p) => p.what)).toEqual(["is not well-formed CSS (a string opened on line 1 is never closed)"]);
    expect(cssProblems("body { color: #000 } }\n").map((p) => p.what)).toEqual(["has a } that closes nothing (not well-formed CSS) on line 1"]);
  });

  test("GIVEN the text of /etc/passwd WHEN checked as CSS THEN it is refused as CSS too (a second line of defence)", () => {
    expect(cssProblems("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n").map((p) => p.what)).toEqual([
      'has "root:x:0:0:root:/root:/bin/bash\\ndaemon:x" outside any rule (not well-formed CSS) on line 1',
    ]);
  });
});
