/**
 * Fidelity of company branding (reference §4, checklist §9.5), each [unknown] pinned per switch value.
 */
import { Emulator, startEmulator } from "./index";
import { call } from "./helpers";
import type { JsonObject } from "./types";

let emu: Emulator;
let B: string;
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
const ZERO = { "Accept-Language": "0" };

beforeEach(async () => {
  emu = await startEmulator();
  B = `/beta/organization/${emu.tenantId}/branding`;
});
afterEach(async () => {
  await emu.stop();
});

async function createFr(body: JsonObject = { id: "fr-FR", signInPageText: "Bienvenue" }): Promise<void> {
  const r = await call(emu, "POST", `${B}/localizations`, { body });
  expect(r.status).toBe(201);
}

describe("default branding", () => {
  test("GIVEN a fresh tenant WHEN the default is read with Accept-Language 0 THEN 404 Request_ResourceNotFound", async () => {
    const r = await call(emu, "GET", B, { headers: ZERO });
    expect(r.status).toBe(404);
    expect((r.json.error as JsonObject).code).toBe("Request_ResourceNotFound");
    expect(emu.store.getDefaultBranding()).toBeUndefined();
  });

  test("GIVEN no default WHEN PATCHed THEN 404 with the 2021 message (patchMissingDefault 404) / created (create)", async () => {
    const r = await call(emu, "PATCH", B, { headers: ZERO, body: { signInPageText: "Hi" } });
    expect(r.status).toBe(404);
    expect((r.json.error as JsonObject).message).toBe(`Resource '${emu.tenantId}' does not exist or one of its queried reference-property objects are not present.`);
    emu.options.patchMissingDefault = "create";
    expect((await call(emu, "PATCH", B, { headers: ZERO, body: { signInPageText: "Hi" } })).status).toBe(204);
    expect(emu.store.getDefaultBranding()?.properties.signInPageText).toBe("Hi");
  });

  test("GIVEN a POSTed localization WHEN the default is read THEN it exists (id 0) and the list includes 0 first", async () => {
    await createFr();
    const d = await call(emu, "GET", B, { headers: ZERO });
    expect(d.status).toBe(200);
    expect(d.json["@odata.context"]).toBe(`${emu.url}/beta/$metadata#organization('${emu.tenantId}')/branding/$entity`);
    expect(d.json.id).toBe("0");
    expect(d.json.cdnList).toEqual([]);
    const list = await call(emu, "GET", `${B}/localizations`);
    expect((list.json.value as JsonObject[]).map((l) => l.id)).toEqual(["0", "fr-FR"]);
    const sel = await call(emu, "GET", `${B}/localizations?$select=id,signInPageText`);
    expect(sel.json.value).toEqual([{ id: "0", signInPageText: null }, { id: "fr-FR", signInPageText: "Bienvenue" }]);
  });

  test("GIVEN Accept-Language default or fr-FR WHEN GET branding THEN the default or that localization", async () => {
    await createFr();
    expect((await call(emu, "GET", B, { headers: { "Accept-Language": "default" } })).json.id).toBe("0");
    expect((await call(emu, "GET", B, { headers: { "Accept-Language": "fr-FR" } })).json.signInPageText).toBe("Bienvenue");
    expect((await call(emu, "GET", B, { headers: { "Accept-Language": "de-DE" } })).status).toBe(404);
  });

  test("GIVEN unspecifiedAcceptLanguage 400 (default) / default WHEN GET without or with * Accept-Language THEN 400 / the default", async () => {
    await createFr();
    expect((await call(emu, "GET", B, { headers: { "Accept-Language": "*" } })).status).toBe(400);
    const nodeFetch = await call(emu, "GET", B); // Node's fetch sends `accept-language: *` itself
    expect(nodeFetch.status).toBe(400);
    expect(emu.requests[emu.requests.length - 1].headers["accept-language"]).toBe("*");
    emu.options.unspecifiedAcceptLanguage = "default";
    expect((await call(emu, "GET", B, { headers: { "Accept-Language": "*" } })).json.id).toBe("0");
  });

  test("GIVEN a default WHEN PATCHed with Accept-Language 0 THEN 204 and only the sent properties change", async () => {
    await createFr();
    const r = await call(emu, "PATCH", B, {
      headers: ZERO,
      body: {
        backgroundColor: "#F0F4F8",
        signInPageText: "Welcome",
        loginPageLayoutConfiguration: { layoutTemplateType: "VerticalSplit", isHeaderShown: false, isFooterShown: true },
        loginPageTextVisibilitySettings: { hideForgotMyPassword: true },
        contentCustomization: { attributeCollection: [{ key: "Email_Label", value: "Mail" }] },
      },
    });
    expect(r.status).toBe(204);
    const got = await call(emu, "GET", B, { headers: ZERO });
    expect(got.json).toMatchObject({
      backgroundColor: "#F0F4F8",
      signInPageText: "Welcome",
      usernameHintText: null,
      loginPageLayoutConfiguration: { layoutTemplateType: "verticalSplit", isHeaderShown: false, isFooterShown: true },
      loginPageTextVisibilitySettings: { hideForgotMyPassword: true },
      contentCustomization: { attributeCollection: [{ key: "Email_Label", value: "Mail" }] },
    });
  });

  test("GIVEN a default WHEN PATCHed without Accept-Language THEN 400 (Required)", async () => {
    await createFr();
    const r = await fetch(`${emu.url}${B}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${emu.accessToken()}`, "Content-Type": "application/json", "Accept-Language": "" },
      body: JSON.stringify({ signInPageText: "x" }),
    });
    expect(r.status).toBe(400);
  });

  test.each([
    ["read-only bannerLogoRelativeUrl", { bannerLogoRelativeUrl: "x" }],
    ["read-only cdnList", { cdnList: [] }],
    ["read-only id", { id: "0" }],
    ["DO NOT USE customCannotAccessYourAccountUrl", { customCannotAccessYourAccountUrl: "https://x" }],
    ["DO NOT USE customResetItNowText", { customResetItNowText: "x" }],
    ["a stream with strings", { bannerLogo: "iVBORw0KGgo=", signInPageText: "x" }],
    ["signInPageText over 1024", { signInPageText: "x".repeat(1025) }],
    ["usernameHintText over 64", { usernameHintText: "x".repeat(65) }],
    ["custom text over 256", { customTermsOfUseText: "x".repeat(257) }],
    ["custom URL over 128", { customPrivacyAndCookiesUrl: `https://e.example/${"x".repeat(120)}` }],
    ["non-ASCII URL", { customTermsOfUseUrl: "https://exämple.com" }],
    ["bad colour", { backgroundColor: "red" }],
    ["bad layout", { loginPageLayoutConfiguration: { layoutTemplateType: "diagonal" } }],
    ["unknown property", { favouriteColour: "#000000" }],
  ])("GIVEN a PATCH with %s THEN 400 and nothing changes", async (_n, body) => {
    await createFr();
    const r = await call(emu, "PATCH", B, { headers: ZERO, body: body as JsonObject });
    expect(r.status).toBe(400);
    expect(emu.store.getDefaultBranding()?.properties.signInPageText).toBeNull();
  });

  test("GIVEN limits at their maximum WHEN PATCHed THEN 204", async () => {
    await createFr();
    const r = await call(emu, "PATCH", B, {
      headers: ZERO,
      body: { signInPageText: "x".repeat(1024), usernameHintText: "x".repeat(64), customTermsOfUseText: "x".repeat(256), customTermsOfUseUrl: `https://e.x/${"y".repeat(116)}` },
    });
    expect(r.status).toBe(204);
  });

  test("GIVEN deleteDefault allowed (default) WHEN the default has no streams and no localizations THEN 204 and GET is 404 again", async () => {
    await createFr();
    expect((await call(emu, "DELETE", B)).status).toBe(400); // localizations exist: deleteDefaultWithLocalizations refused
    expect((await call(emu, "DELETE", `${B}/localizations/fr-FR`)).status).toBe(204);
    expect((await call(emu, "DELETE", B)).status).toBe(204);
    expect((await call(emu, "GET", B, { headers: ZERO })).status).toBe(404);
  });

  test("GIVEN deleteDefault refused WHEN DELETE THEN 400 and the default stays", async () => {
    emu.options.deleteDefault = "refused";
    emu.store.patchBranding("0", {});
    const r = await call(emu, "DELETE", B);
    expect(r.status).toBe(400);
    expect((r.json.error as JsonObject).message).toBe("The default branding can not be deleted once it is configured.");
    expect(emu.store.counts().defaultBranding).toBe(1);
  });

  test("GIVEN a default with a stream WHEN DELETE THEN 400 (streams first), whatever deleteDefault says", async () => {
    await createFr();
    await call(emu, "DELETE", `${B}/localizations/fr-FR`);
    await call(emu, "PUT", `${B}/localizations/0/bannerLogo`, { headers: { "Content-Type": "image/png" }, body: PNG });
    expect((await call(emu, "DELETE", B)).status).toBe(400);
    emu.options.streamDelete = "supported";
    expect((await call(emu, "DELETE", `${B}/localizations/0/bannerLogo`)).status).toBe(204);
    expect((await call(emu, "DELETE", B)).status).toBe(204);
  });

  test("GIVEN deleteDefaultWithLocalizations cascade WHEN DELETE default THEN localizations go too", async () => {
    emu.options.deleteDefaultWithLocalizations = "cascade";
    await createFr();
    expect((await call(emu, "DELETE", B)).status).toBe(204);
    expect(emu.store.counts()).toMatchObject({ defaultBranding: 0, localizations: 0 });
  });
});

describe("localizations", () => {
  test("GIVEN id 0 or default WHEN POSTed THEN 400 and no default is created", async () => {
    expect((await call(emu, "POST", `${B}/localizations`, { body: { id: "0" } })).status).toBe(400);
    expect((await call(emu, "POST", `${B}/localizations`, { body: { id: "default" } })).status).toBe(400);
    expect(emu.store.counts().defaultBranding).toBe(0);
  });

  test("GIVEN an existing locale WHEN POSTed again THEN 409", async () => {
    await createFr();
    const r = await call(emu, "POST", `${B}/localizations`, { body: { id: "fr-fr" } });
    expect(r.status).toBe(409);
    expect(emu.store.counts().localizations).toBe(1);
  });

  test("GIVEN no id WHEN POSTed with Content-Language THEN that locale; with neither THEN 400; invalid locale THEN 400", async () => {
    expect((await call(emu, "POST", `${B}/localizations`, { headers: { "Content-Language": "de-DE" }, body: { signInPageText: "Hallo" } })).status).toBe(201);
    expect(emu.store.getLocalization("de-DE")?.properties.signInPageText).toBe("Hallo");
    expect((await call(emu, "POST", `${B}/localizations`, { body: { signInPageText: "x" } })).status).toBe(400);
    const bad = await call(emu, "POST", `${B}/localizations`, { body: { id: "not a locale" } });
    expect(bad.status).toBe(400);
    expect((bad.json.error as JsonObject).code).toBe("Request_UnsupportedQuery");
  });

  test("GIVEN localizationReads null (default) / inherited WHEN a localization omits a string set on the default THEN GET shows null / the default's value", async () => {
    await createFr({ id: "fr-FR", backgroundColor: "#00000F", signInPageText: " " });
    await call(emu, "PATCH", B, { headers: ZERO, body: { signInPageText: "Welcome", usernameHintText: "you@example.com" } });
    const fr = async (): Promise<JsonObject> => (await call(emu, "GET", `${B}/localizations/fr-FR`)).json;
    expect(await fr()).toMatchObject({ signInPageText: " ", usernameHintText: null, backgroundColor: "#00000F" });
    emu.options.localizationReads = "inherited";
    expect(await fr()).toMatchObject({ signInPageText: " ", usernameHintText: "you@example.com" });
  });

  test("GIVEN a localization WHEN PATCHed (no Accept-Language needed) THEN 204; single property GET returns {value}", async () => {
    await createFr();
    expect((await call(emu, "PATCH", `${B}/localizations/fr-FR`, { body: { usernameHintText: "vous@exemple.fr" } })).status).toBe(204);
    const r = await call(emu, "GET", `${B}/localizations/fr-FR/signInPageText`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ "@odata.context": `${emu.url}/beta/$metadata#organization('${emu.tenantId}')/branding/localizations('fr-FR')/signInPageText`, value: "Bienvenue" });
    expect((await call(emu, "GET", `${B}/localizations/fr-FR/usernameHintText`)).json.value).toBe("vous@exemple.fr");
  });

  test("GIVEN a localization with a stream WHEN DELETEd THEN 400 until its streams are gone", async () => {
    await createFr();
    await call(emu, "PUT", `${B}/localizations/fr-FR/squareLogo`, { headers: { "Content-Type": "image/png" }, body: PNG });
    expect((await call(emu, "DELETE", `${B}/localizations/fr-FR`)).status).toBe(400);
    emu.options.streamDelete = "supported";
    expect((await call(emu, "DELETE", `${B}/localizations/fr-FR/squareLogo`)).status).toBe(204);
    expect((await call(emu, "DELETE", `${B}/localizations/fr-FR`)).status).toBe(204);
    expect((await call(emu, "GET", `${B}/localizations/fr-FR`)).status).toBe(404);
  });
});

describe("streams", () => {
  test("GIVEN a PNG WHEN PUT under localizations/0, default and a locale THEN 204, bytes kept, *RelativeUrl and cdnList set", async () => {
    await createFr();
    expect((await call(emu, "PUT", `${B}/localizations/0/bannerLogo`, { headers: { "Content-Type": "image/png" }, body: PNG })).status).toBe(204);
    expect((await call(emu, "PUT", `${B}/localizations/default/favicon`, { headers: { "Content-Type": "image/jpeg" }, body: PNG })).status).toBe(204);
    expect((await call(emu, "PUT", `${B}/localizations/fr-FR/customCSS`, { headers: { "Content-Type": "text/css" }, body: Buffer.from(".x{}") })).status).toBe(204);
    const def = emu.store.getDefaultBranding();
    expect(def?.streams.bannerLogo?.bytes.equals(PNG)).toBe(true);
    expect(def?.streams.bannerLogo?.contentType).toBe("image/png");
    expect(def?.streams.favicon?.contentType).toBe("image/jpeg");
    expect(def?.properties.bannerLogoRelativeUrl).toMatch(new RegExp(`^${emu.tenantId}/logintenantbranding/0/bannerlogo\\?ts=\\d+$`));
    expect(def?.properties.cdnList).toEqual(["aadcdn.msftauthimages.net", "aadcdn.msauthimages.net"]);
    expect(emu.store.getLocalization("fr-FR")?.properties.customCSSRelativeUrl).toMatch(/\/logintenantbranding\/fr-FR\/customcss\?ts=/);
    const get = await call(emu, "GET", `${B}/localizations/0/bannerLogo`);
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toBe("image/png");
    expect(get.body).toEqual(PNG);
    const rec = emu.writes()[1];
    expect(rec.body).toEqual({ contentType: "image/png", bytes: PNG, sha256: def?.streams.bannerLogo?.sha256 });
  });

  test("GIVEN no stream WHEN GET THEN 200 {}", async () => {
    await createFr();
    const r = await call(emu, "GET", `${B}/localizations/0/squareLogoDark`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
  });

  test("GIVEN a wrong content type WHEN PUT THEN 400 (images png/jpeg, customCSS text/css)", async () => {
    await createFr();
    expect((await call(emu, "PUT", `${B}/localizations/0/bannerLogo`, { headers: { "Content-Type": "image/gif" }, body: PNG })).status).toBe(400);
    expect((await call(emu, "PUT", `${B}/localizations/0/customCSS`, { headers: { "Content-Type": "image/png" }, body: PNG })).status).toBe(400);
    expect(emu.store.counts().brandingStreams).toBe(0);
  });

  test("GIVEN a stream addressed without localizations/ WHEN PATCH or PUT THEN 400 Request_UnsupportedQuery 'Invalid locale id value bannerLogo…'", async () => {
    await createFr();
    for (const [method, opts] of [
      ["PATCH", { body: {} }],
      ["PUT", { headers: { "Content-Type": "image/png" }, body: PNG }],
    ] as const) {
      const r = await call(emu, method, `${B}/bannerLogo`, opts);
      expect(r.status).toBe(400);
      expect(r.json.error).toMatchObject({ code: "Request_UnsupportedQuery", message: "Invalid locale id value bannerLogo. It must be a valid ISO-639 locale." });
    }
  });

  test("GIVEN streamDelete unsupported (default) WHEN DELETE a stream THEN 405 in the Graph envelope and the stream stays", async () => {
    await createFr();
    await call(emu, "PUT", `${B}/localizations/0/bannerLogo`, { headers: { "Content-Type": "image/png" }, body: PNG });
    const r = await call(emu, "DELETE", `${B}/localizations/0/bannerLogo`);
    expect(r.status).toBe(405);
    expect((r.json.error as JsonObject).innerError).toBeDefined();
    expect(emu.store.counts().brandingStreams).toBe(1);
  });

  test("GIVEN streamDelete supported WHEN DELETE a stream THEN 204, its RelativeUrl is null and GET is {}", async () => {
    emu.options.streamDelete = "supported";
    await createFr();
    await call(emu, "PUT", `${B}/localizations/0/bannerLogo`, { headers: { "Content-Type": "image/png" }, body: PNG });
    expect((await call(emu, "DELETE", `${B}/localizations/0/bannerLogo`)).status).toBe(204);
    expect(emu.store.getDefaultBranding()?.properties.bannerLogoRelativeUrl).toBeNull();
    expect((await call(emu, "GET", `${B}/localizations/0/bannerLogo`)).body).toEqual({});
  });
});
