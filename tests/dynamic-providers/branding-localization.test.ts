/**
 * The BrandingLocalization provider against the Graph emulator (provider methods called directly, every write
 * asserted). Not proven here: the real service's read shape of inherited strings (an emulator switch, tested both
 * ways) and the engine ordering assets before their localization (the component's dependsOn).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  brandingLocalizationProvider as provider,
  checkLocale,
  type BrandingLocalizationInputs,
  type BrandingLocalizationOutputs,
} from "../../dynamic-providers/branding/localization";
import type { BrandingProperties } from "../../dynamic-providers/branding/properties";
import { GraphRequestError } from "../../dynamic-providers/graph";
import { PartialCreateError, UNKNOWN } from "../../dynamic-providers/provider-kit";
import { graphCalls, startBrandingEmulator, stopBrandingEmulators, writeCalls, writesOf, type BrandingTestContext } from "./branding-fixtures";
import { BRANDING_LOCALE_RULE } from "../../dynamic-providers/branding/rules";

let t: BrandingTestContext;
afterEach(stopBrandingEmulators);

const FR: BrandingProperties = { signInPageText: "Bienvenue", usernameHintText: "vous@exemple.fr" };

function inputs(properties: BrandingProperties = FR, locale = "fr-FR"): BrandingLocalizationInputs {
  return { connection: t.conn, locale, properties };
}

async function create(properties: BrandingProperties = FR, locale = "fr-FR") {
  const r = await provider.create(inputs(properties, locale));
  return { id: r.id, outs: r.outs as BrandingLocalizationOutputs };
}

function storedLocale(locale = "fr-FR") {
  return t.emu.store.getLocalization(locale)?.properties;
}

describe("check", () => {
  test.each(["fr-FR", "de-DE", "sr-Latn-RS", "he-IL", "nb-NO"])("GIVEN the listed locale %s WHEN checking THEN it is accepted", (locale) => {
    expect(checkLocale(locale)).toEqual([]);
  });

  test.each(["0", "default", "Default"])("GIVEN the default's id %s WHEN checking THEN it is refused and DefaultBranding is named", (locale) => {
    expect(checkLocale(locale)).toEqual([
      {
        property: "locale",
        reason: `locale: ${JSON.stringify(locale)} is the default branding's id (configure it under branding.default); allowed: ${BRANDING_LOCALE_RULE.allowed}`,
      },
    ]);
  });

  test.each([
    ["fr_FR", "fr-FR"],
    ["french", "fr-FR"],
    ["fr-CA", "fr-FR"],
    ["iw", "he-IL"],
    ["en-ZZ", "en-US"],
    ["es-419", "es-ES"],
  ])("GIVEN the locale %j, not on External ID's list WHEN checking THEN it is refused with the nearest listed one (%s)", (locale, nearest) => {
    const [f, ...rest] = checkLocale(locale);
    expect(rest).toEqual([]);
    expect(f.property).toBe("locale");
    expect(f.reason).toContain(`locale: ${JSON.stringify(locale)} is not a browser language External ID branding supports (nearest: ${nearest} (`);
  });

  test.each(["xx", "und", "f", ""])("GIVEN the non-language %j WHEN checking THEN it is refused with a suggestion", (locale) => {
    const [f] = checkLocale(locale);
    expect(f.reason).toMatch(/is not a browser language External ID branding supports \(nearest: [a-z]{2}-/);
  });

  test("GIVEN inputs with a bad property and an unknown locale WHEN checking THEN only the property fails", async () => {
    t = await startBrandingEmulator();
    const r = await provider.check!(inputs(), { connection: t.conn, locale: UNKNOWN, properties: { backgroundColor: "red" } });
    expect((r.failures ?? []).map((f) => f.property)).toEqual(["properties.backgroundColor"]);
  });
});

describe("create", () => {
  test("GIVEN no localization WHEN creating THEN one POST carries the locale as id and the properties", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    expect(writeCalls(t.emu)).toEqual([`POST ${t.base}/localizations 201`]);
    expect(writesOf(t.emu, "POST")[0].body).toEqual({ id: "fr-FR", signInPageText: "Bienvenue", usernameHintText: "vous@exemple.fr" });
    expect(id).toBe(`${t.base}/localizations/fr-FR`);
    expect(outs).toEqual({ stateVersion: 1, connection: t.conn, locale: "fr-FR", properties: FR, localizationId: "fr-FR", adopted: false });
    expect(storedLocale()).toMatchObject(FR);
  });

  test("GIVEN an existing localization WHEN creating THEN it is adopted with one PATCH and no POST", async () => {
    t = await startBrandingEmulator();
    t.emu.store.patchBranding("fr-FR", { signInPageText: "Ancien texte", backgroundColor: "#000000" });
    const { outs } = await create();
    expect(writeCalls(t.emu)).toEqual([`PATCH ${t.base}/localizations/fr-FR 204`]);
    expect(writesOf(t.emu, "PATCH")[0].body).toEqual({ signInPageText: "Bienvenue", usernameHintText: "vous@exemple.fr" });
    expect(outs.adopted).toBe(true);
    expect(storedLocale()).toMatchObject({ ...FR, backgroundColor: "#000000" });
  });

  test.each(["null", "inherited"] as const)(
    "GIVEN localization reads showing %s for unset strings and a value equal to the default's WHEN adopting THEN the locale still gets its own value",
    async (localizationReads) => {
      t = await startBrandingEmulator({ localizationReads });
      t.emu.store.patchBranding("0", { signInPageText: "Bienvenue" });
      t.emu.store.patchBranding("fr-FR", {});
      await create({ signInPageText: "Bienvenue" });
      expect(writesOf(t.emu, "PATCH").map((w) => w.body)).toEqual([{ signInPageText: "Bienvenue" }]);
      expect(storedLocale()?.signInPageText).toBe("Bienvenue");
    },
  );

  test("GIVEN 429 with Retry-After and then 503 on the POST WHEN creating THEN it converges with exactly one localization", async () => {
    t = await startBrandingEmulator();
    t.emu.faults.inject({ method: "POST", path: /\/localizations$/, status: 429, retryAfterSeconds: 1, times: 1 });
    t.emu.faults.inject({ method: "POST", path: /\/localizations$/, status: 503, times: 1 });
    await create();
    expect(writeCalls(t.emu)).toEqual([
      `POST ${t.base}/localizations 429`,
      `POST ${t.base}/localizations 503`,
      `POST ${t.base}/localizations 201`,
    ]);
    const posts = writesOf(t.emu, "POST");
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(1000);
    expect(t.emu.store.listLocalizations().map((l) => l.id)).toEqual(["0", "fr-FR"]);
  });

  test("GIVEN an adopted localization whose PATCH is throttled past the deadline WHEN creating THEN a partial create reports its id", async () => {
    t = await startBrandingEmulator();
    t.emu.store.patchBranding("fr-FR", {});
    t.emu.faults.inject({ method: "PATCH", status: 503, retryAfterSeconds: 1, times: 100 });
    const error = (await provider.create(inputs()).catch((e: unknown) => e)) as PartialCreateError;
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error.id).toBe(`${t.base}/localizations/fr-FR`);
    expect(error.properties).toMatchObject({ locale: "fr-FR", adopted: true, properties: { signInPageText: null, usernameHintText: null } });
    expect(error.message).toContain("503 serviceNotAvailable");
  });
});

describe("read", () => {
  test("GIVEN an unchanged localization WHEN reading THEN the state comes back as it was", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    expect(await provider.read!(id, outs)).toEqual({ id, props: outs });
  });

  test("GIVEN an out-of-band edit WHEN reading THEN the live value shows the drift", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.store.patchBranding("fr-FR", { signInPageText: "Modifié", backgroundColor: "#123456" });
    const r = await provider.read!(id, outs);
    expect(r.props?.properties).toEqual({ signInPageText: "Modifié", usernameHintText: "vous@exemple.fr" });
    expect(await provider.diff!(id, r.props!, inputs())).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN the localization deleted out of band WHEN reading THEN it is gone", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.store.deleteBranding("fr-FR");
    expect(await provider.read!(id, outs)).toEqual({ id: "" });
  });
});

describe("diff", () => {
  test("GIVEN the same inputs (locale in another case) WHEN diffing THEN there is no change and no Graph call", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.clearLog();
    expect(await provider.diff!(id, outs, inputs(FR, "fr-fr"))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(graphCalls(t.emu)).toEqual([]);
  });

  test("GIVEN changed properties WHEN diffing THEN the change is in place", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    expect(await provider.diff!(id, outs, inputs({ signInPageText: "Salut" }))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN another locale WHEN diffing THEN it replaces, deleting first", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    expect(await provider.diff!(id, outs, inputs(FR, "fr-CA"))).toEqual({ changes: true, replaces: ["locale"], deleteBeforeReplace: true });
    expect(await provider.diff!(id, outs, inputs(FR, UNKNOWN))).toEqual({ changes: true, replaces: ["locale"], deleteBeforeReplace: true });
  });
});

describe("update", () => {
  test("GIVEN one changed key and one removed key WHEN updating THEN exactly one PATCH sets the change and resets the removed key to inherit", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.clearLog();
    const r = await provider.update!(id, outs, inputs({ signInPageText: "Salut" }));
    expect(writeCalls(t.emu)).toEqual([`PATCH ${t.base}/localizations/fr-FR 204`]);
    expect(writesOf(t.emu, "PATCH")[0].body).toEqual({ signInPageText: "Salut", usernameHintText: null });
    expect(r.outs?.properties).toEqual({ signInPageText: "Salut" });
    expect(storedLocale()).toMatchObject({ signInPageText: "Salut", usernameHintText: null });
  });

  test("GIVEN only connection tuning changed WHEN updating THEN nothing is written", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.clearLog();
    await provider.update!(id, outs, { ...inputs(), connection: { ...t.conn, maxConcurrentRequests: 2 } });
    expect(writeCalls(t.emu)).toEqual([]);
  });
});

describe("delete", () => {
  test("GIVEN a localization WHEN deleting THEN one DELETE removes it and the default stays", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.clearLog();
    await provider.delete!(id, outs);
    expect(writeCalls(t.emu)).toEqual([`DELETE ${t.base}/localizations/fr-FR 204`]);
    expect(t.emu.store.listLocalizations().map((l) => l.id)).toEqual(["0"]);
  });

  test("GIVEN a localization already gone WHEN deleting THEN it succeeds", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.store.deleteBranding("fr-FR");
    await expect(provider.delete!(id, outs)).resolves.toBeUndefined();
  });

  test("GIVEN a localization that still has an image WHEN deleting THEN the error says to delete its BrandingAssets first", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.store.setStream("fr-FR", "bannerLogo", Buffer.from([0x89, 0x50, 0x4e, 0x47]), "image/png");
    const error = (await provider.delete!(id, outs).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`Graph DELETE ${t.base}/localizations/fr-FR failed: 400 Request_BadRequest`);
    expect(error.message).toContain("delete the BrandingAsset resources of locale fr-FR first");
    expect(t.emu.store.getLocalization("fr-FR")).toBeDefined();
  });
});

describe("errors and serialization", () => {
  test("GIVEN throttling beyond the retry deadline WHEN reading THEN the error carries code, message and request-id", async () => {
    t = await startBrandingEmulator();
    const { id, outs } = await create();
    t.emu.faults.inject({ method: "GET", status: 429, retryAfterSeconds: 1, times: 100 });
    const error = (await provider.read!(id, outs).catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.code).toBe("TooManyRequests");
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(`GET ${t.base}/localizations/fr-FR failed: 429 TooManyRequests: Too many requests.`);
    expect(error.message).toContain(`request-id ${error.requestId}`);
  });

  test("GIVEN the provider WHEN Pulumi serializes it THEN it succeeds and holds no secret from the environment", async () => {
    t = await startBrandingEmulator();
    const fn = await pulumi.runtime.serializeFunction(() => provider);
    expect(fn.text).toContain("localizations");
    expect(fn.text).not.toContain(t.emu.clientSecret);
    expect(fn.text).not.toMatch(/require\("@pulumi\/pulumi"\)/);
  });
});
