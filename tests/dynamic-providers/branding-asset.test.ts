/**
 * The BrandingAsset provider against the Graph emulator: uploads of generated PNG/CSS files, hashes, drift and the
 * two possible answers to a stream DELETE. Not proven here: whether the real service honours stream DELETE or
 * rejects oversized images (emulator switches / [unknown] in the reference).
 */
import { relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  brandingAssetProvider as provider,
  checkBrandingAsset,
  type BrandingAssetInputs,
  type BrandingAssetOutputs,
} from "../../dynamic-providers/branding/asset";
import { brandingLocalizationProvider } from "../../dynamic-providers/branding/localization";
import { GraphRequestError } from "../../dynamic-providers/graph";
import { UNKNOWN } from "../../dynamic-providers/provider-kit";
import type { BinaryBody } from "../emulator";
import {
  graphCalls,
  png,
  startBrandingEmulator,
  stopBrandingEmulators,
  writeCalls,
  writeFixture,
  writesOf,
  type BrandingTestContext,
} from "./branding-fixtures";

let t: BrandingTestContext;
afterEach(stopBrandingEmulators);

/** A started emulator with a default branding, and a banner PNG on disk. */
async function setUp(options: Parameters<typeof startBrandingEmulator>[0] = {}) {
  t = await startBrandingEmulator(options);
  t.emu.store.patchBranding("0", {});
  return writeFixture(t.dir, "banner.png", png(245, 36, [0, 120, 212]));
}

function inputs(file: { path: string; sha256: string }, over: Partial<BrandingAssetInputs> = {}): BrandingAssetInputs {
  return { connection: t.conn, locale: "0", kind: "bannerLogo", filePath: file.path, contentSha256: file.sha256, contentType: "image/png", ...over };
}

async function create(file: { path: string; sha256: string }, over: Partial<BrandingAssetInputs> = {}) {
  const r = await provider.create(inputs(file, over));
  return { id: r.id, outs: r.outs as BrandingAssetOutputs };
}

describe("check", () => {
  const ok = { locale: "0", kind: "bannerLogo", filePath: "branding/banner.png", contentSha256: "a".repeat(64), contentType: "image/png" };

  test("GIVEN valid inputs (and values unknown in preview) WHEN checking THEN there are no failures", () => {
    expect(checkBrandingAsset(ok)).toEqual([]);
    expect(checkBrandingAsset({ ...ok, locale: "fr-FR", kind: "customCSS", contentType: "text/css" })).toEqual([]);
    expect(checkBrandingAsset({ ...ok, locale: UNKNOWN, kind: UNKNOWN, contentSha256: UNKNOWN, contentType: UNKNOWN })).toEqual([]);
  });

  test.each([
    ["locale", { locale: "default" }, "is the default branding's id"],
    ["locale", { locale: "fr-CA" }, "is not a browser language External ID branding supports (nearest: fr-FR"],
    ["kind", { kind: "logo" }, "allowed: bannerLogo, squareLogo, squareLogoDark, headerLogo, backgroundImage, favicon, customCSS"],
    ["filePath", { filePath: " " }, "a path to the file"],
    ["contentSha256", { contentSha256: "abc" }, "64 hex digits"],
    ["contentType", { contentType: "image/gif" }, "allowed for bannerLogo: image/png, image/jpeg"],
    ["contentType", { kind: "customCSS", contentType: "image/png" }, "allowed for customCSS: text/css"],
  ])("GIVEN a bad %s WHEN checking THEN the failure names it and what is allowed", (property, change, allowed) => {
    const [f] = checkBrandingAsset({ ...ok, ...change });
    expect(f.property).toBe(property);
    expect(f.reason).toContain(allowed);
  });

  test("GIVEN an upper-case hash WHEN checking THEN the input is normalised to lower case", async () => {
    t = await startBrandingEmulator();
    const r = await provider.check!({} as BrandingAssetInputs, { ...(ok as BrandingAssetInputs), connection: t.conn, contentSha256: "AB".repeat(32) });
    expect(r.failures).toEqual([]);
    expect(r.inputs?.contentSha256).toBe("ab".repeat(32));
  });
});

describe("create", () => {
  test("GIVEN the same image already set (a hand-made tenant being adopted) WHEN creating THEN nothing is written; other bytes are uploaded once", async () => {
    const file = await setUp();
    await create(file);
    t.emu.clearLog();
    const { outs } = await create(file);
    expect(writeCalls(t.emu)).toEqual([]);
    expect(outs.contentSha256).toBe(file.sha256);

    const other = writeFixture(t.dir, "other.png", png(245, 36, [200, 20, 20]));
    t.emu.clearLog();
    await create(other);
    expect(writeCalls(t.emu)).toEqual([`PUT ${t.base}/localizations/0/bannerLogo 204`]);
    expect(t.emu.store.getDefaultBranding()?.streams.bannerLogo?.sha256).toBe(other.sha256);
  });

  test("GIVEN a PNG file WHEN creating THEN exactly one PUT under /localizations/0/ uploads its bytes and state holds only path and hash", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);

    expect(writeCalls(t.emu)).toEqual([`PUT ${t.base}/localizations/0/bannerLogo 204`]);
    const body = writesOf(t.emu, "PUT")[0].body as BinaryBody;
    expect(body.contentType).toBe("image/png");
    expect(body.sha256).toBe(file.sha256);
    expect(t.emu.store.getDefaultBranding()?.streams.bannerLogo?.sha256).toBe(file.sha256);
    expect(id).toBe(`${t.base}/localizations/0/bannerLogo`);
    expect(outs).toEqual({
      stateVersion: 1,
      connection: t.conn,
      locale: "0",
      kind: "bannerLogo",
      filePath: file.path,
      contentSha256: file.sha256,
      contentType: "image/png",
    });
  });

  test("GIVEN a path relative to the program directory WHEN creating THEN the file is read from there", async () => {
    const file = await setUp();
    await create({ path: relative(process.cwd(), file.path), sha256: file.sha256 });
    expect(t.emu.store.getDefaultBranding()?.streams.bannerLogo?.sha256).toBe(file.sha256);
  });

  test("GIVEN custom CSS for a localization WHEN creating THEN it is uploaded as text/css under that locale", async () => {
    t = await startBrandingEmulator();
    t.emu.store.patchBranding("fr-FR", {});
    const css = writeFixture(t.dir, "custom.css", Buffer.from(".ext-sign-in-box { border-radius: 8px; }\n"));
    await create(css, { locale: "fr-FR", kind: "customCSS", contentType: "text/css" });
    expect(writeCalls(t.emu)).toEqual([`PUT ${t.base}/localizations/fr-FR/customCSS 204`]);
    expect(t.emu.store.getLocalization("fr-FR")?.streams.customCSS).toMatchObject({ contentType: "text/css", sha256: css.sha256 });
  });

  test("GIVEN a file changed since the program hashed it WHEN creating THEN it fails and nothing is uploaded", async () => {
    const file = await setUp();
    writeFixture(t.dir, "banner.png", png(245, 36, [255, 0, 0]));
    const error = (await provider.create(inputs(file)).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("file changed since the program computed its hash");
    expect(error.message).toContain(`the program expected ${file.sha256}`);
    expect(error).toMatchObject({ name: "ProviderError", code: "FileChanged" });
    expect(writeCalls(t.emu)).toEqual([]);
  });

  test("GIVEN a missing file WHEN creating THEN the error names the file and nothing is uploaded", async () => {
    const file = await setUp();
    const error = (await provider.create(inputs({ ...file, path: `${file.path}.missing` })).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`cannot read ${file.path}.missing`);
    expect(writeCalls(t.emu)).toEqual([]);
  });

  test("GIVEN a localization created moments ago (replication lag) WHEN uploading its image THEN the PUT is retried until it lands", async () => {
    // Three lagged answers: the create's first look at the stream (is that image already there?) gets one.
    const file = await setUp({ replicationLag: { requests: 3 } });
    // Created through Graph, so that it lags like a real create.
    await brandingLocalizationProvider.create({ connection: t.conn, locale: "de-DE", properties: {} });
    t.emu.clearLog();
    await create(file, { locale: "de-DE" });
    expect(t.emu.requests.filter((r) => r.method === "GET" && r.path.endsWith("/bannerLogo")).map((r) => r.status)).toEqual([404]);
    expect(writeCalls(t.emu)).toEqual([
      `PUT ${t.base}/localizations/de-DE/bannerLogo 404`,
      `PUT ${t.base}/localizations/de-DE/bannerLogo 404`,
      `PUT ${t.base}/localizations/de-DE/bannerLogo 204`,
    ]);
  });

  test("GIVEN 429 with Retry-After and then 503 on the PUT WHEN creating THEN it converges with one stored image", async () => {
    const file = await setUp();
    t.emu.faults.inject({ method: "PUT", status: 429, retryAfterSeconds: 0, times: 1 });
    t.emu.faults.inject({ method: "PUT", status: 503, times: 1 });
    await create(file);
    expect(writeCalls(t.emu).map((c) => c.split(" ")[2])).toEqual(["429", "503", "204"]);
    expect(t.emu.store.getDefaultBranding()?.streams.bannerLogo?.sha256).toBe(file.sha256);
  });
});

describe("read", () => {
  test("GIVEN the uploaded image WHEN reading THEN the state comes back as it was", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    expect(await provider.read!(id, outs)).toEqual({ id, props: outs });
  });

  test("GIVEN the image replaced out of band WHEN reading THEN the live hash shows the drift and the next diff updates in place", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    const other = png(245, 36, [0, 0, 0]);
    t.emu.store.setStream("0", "bannerLogo", other, "image/png");
    const r = await provider.read!(id, outs);
    expect(r.props?.contentSha256).toBe(writeFixture(t.dir, "other.png", other).sha256);
    expect(await provider.diff!(id, r.props!, inputs(file))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN the stream unset (Graph answers {}) WHEN reading THEN the asset is gone", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    t.emu.store.removeStream(t.emu.store.findBranding("0")!, "bannerLogo");
    t.emu.clearLog();
    expect(await provider.read!(id, outs)).toEqual({ id: "" });
    expect(graphCalls(t.emu)).toEqual([`GET ${t.base}/localizations/0/bannerLogo 200`]);
  });

  test("GIVEN its localization deleted (404) WHEN reading THEN the asset is gone", async () => {
    t = await startBrandingEmulator();
    t.emu.store.patchBranding("fr-FR", {});
    const file = writeFixture(t.dir, "banner.png", png(245, 36, [1, 2, 3]));
    const { id, outs } = await create(file, { locale: "fr-FR" });
    t.emu.store.deleteBranding("fr-FR");
    expect(await provider.read!(id, outs)).toEqual({ id: "" });
  });
});

describe("diff", () => {
  test("GIVEN the same hash at another path WHEN diffing THEN there is no change and no Graph call", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    t.emu.clearLog();
    expect(await provider.diff!(id, outs, inputs(file, { filePath: "elsewhere/banner.png" }))).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(graphCalls(t.emu)).toEqual([]);
  });

  test("GIVEN a new hash or content type WHEN diffing THEN the change is in place", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    const inPlace = { changes: true, replaces: [], deleteBeforeReplace: false };
    expect(await provider.diff!(id, outs, inputs(file, { contentSha256: "b".repeat(64) }))).toEqual(inPlace);
    expect(await provider.diff!(id, outs, inputs(file, { contentType: "image/jpeg" }))).toEqual(inPlace);
    expect(await provider.diff!(id, outs, inputs(file, { contentSha256: UNKNOWN }))).toEqual(inPlace);
  });

  test("GIVEN another locale or kind WHEN diffing THEN the asset is replaced", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    expect(await provider.diff!(id, outs, inputs(file, { locale: "fr-FR" }))).toEqual({ changes: true, replaces: ["locale"], deleteBeforeReplace: false });
    expect(await provider.diff!(id, outs, inputs(file, { kind: "headerLogo" }))).toEqual({ changes: true, replaces: ["kind"], deleteBeforeReplace: false });
  });
});

describe("update", () => {
  test("GIVEN a changed image WHEN updating THEN exactly one PUT uploads the new bytes", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    const next = writeFixture(t.dir, "banner-v2.png", png(245, 36, [200, 16, 46]));
    t.emu.clearLog();
    const r = await provider.update!(id, outs, inputs(next));
    expect(writeCalls(t.emu)).toEqual([`PUT ${t.base}/localizations/0/bannerLogo 204`]);
    expect((writesOf(t.emu, "PUT")[0].body as BinaryBody).sha256).toBe(next.sha256);
    expect(r.outs?.contentSha256).toBe(next.sha256);
    expect(r.outs?.filePath).toBe(next.path);
  });

  test("GIVEN an unchanged image (only connection tuning changed) WHEN updating THEN nothing is written", async () => {
    const file = await setUp();
    const { id, outs } = await create(file);
    t.emu.clearLog();
    await provider.update!(id, outs, { ...inputs(file), connection: { ...t.conn, retryDeadlineSeconds: 9 } });
    expect(writeCalls(t.emu)).toEqual([]);
  });
});

describe("delete", () => {
  test("GIVEN Graph supports stream DELETE WHEN deleting THEN the stream is removed", async () => {
    const file = await setUp({ streamDelete: "supported" });
    const { id, outs } = await create(file);
    t.emu.clearLog();
    await provider.delete!(id, outs);
    expect(writeCalls(t.emu)).toEqual([`DELETE ${t.base}/localizations/0/bannerLogo 204`]);
    expect(t.emu.store.getDefaultBranding()?.streams.bannerLogo).toBeUndefined();
  });

  test("GIVEN Graph supports stream DELETE and the stream is already gone WHEN deleting THEN it succeeds", async () => {
    const file = await setUp({ streamDelete: "supported" });
    const { id, outs } = await create(file);
    await provider.delete!(id, outs);
    await expect(provider.delete!(id, outs)).resolves.toBeUndefined();
  });

  test("GIVEN Graph does not support stream DELETE WHEN deleting THEN it fails saying the image stays and how to proceed", async () => {
    const file = await setUp({ streamDelete: "unsupported" });
    const { id, outs } = await create(file);
    const error = (await provider.delete!(id, outs).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain("Graph refused to remove the bannerLogo image of branding locale 0");
    expect(error.message).toContain(`Graph DELETE ${t.base}/localizations/0/bannerLogo failed: 405`);
    expect(error.message).toContain("Microsoft Entra admin center");
    expect(error.message).toContain("pulumi state delete <urn>");
    expect(t.emu.store.getDefaultBranding()?.streams.bannerLogo?.sha256).toBe(file.sha256);
  });
});

describe("errors and serialization", () => {
  test("GIVEN throttling beyond the retry deadline WHEN uploading THEN the error carries code, message and request-id", async () => {
    const file = await setUp();
    t.emu.faults.inject({ method: "PUT", status: 503, retryAfterSeconds: 1, times: 100 });
    const error = (await provider.create(inputs(file)).catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.code).toBe("serviceNotAvailable");
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(`PUT ${t.base}/localizations/0/bannerLogo failed: 503 serviceNotAvailable: Service unavailable.`);
    expect(error.message).toContain(`request-id ${error.requestId}`);
  });

  test("GIVEN the provider WHEN Pulumi serializes it THEN it succeeds, requires fs/crypto at call time and holds no secret", async () => {
    t = await startBrandingEmulator();
    const fn = await pulumi.runtime.serializeFunction(() => provider);
    expect(fn.text).toContain('require("fs")');
    expect(fn.text).toContain('require("crypto")');
    expect(fn.text).not.toContain(t.emu.clientSecret);
    expect(fn.text).not.toMatch(/require\("@pulumi\/pulumi"\)/);
  });
});
