import { ClientSecretCredential } from "@azure/identity";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { Emulator, startEmulator } from "./index";
import { call } from "./helpers";

describe("emulator login and Graph authentication", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ subdomain: "contosoauth" });
  });
  afterAll(async () => {
    await emu.stop();
  });
  beforeEach(() => emu.clearLog());

  function credential(secret = emu.clientSecret, tenant = emu.tenantId): ClientSecretCredential {
    return new ClientSecretCredential(tenant, emu.clientId, secret, { authorityHost: emu.url, disableInstanceDiscovery: true });
  }

  test("GIVEN the real ClientSecretCredential WHEN it asks for <origin>/.default THEN it gets a Bearer token Graph accepts", async () => {
    const token = await credential().getToken(`${emu.url}/.default`);
    expect(token.token.split(".")).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000 * 1000);
    const res = await call(emu, "GET", "/v1.0/organization", { token: token.token });
    expect(res.status).toBe(200);
    const tokenCall = emu.requests.find((r) => r.path.endsWith("/oauth2/v2.0/token"));
    expect(tokenCall).toMatchObject({ method: "POST", version: null, status: 200 });
    expect((tokenCall?.body as Record<string, string>).client_secret).toBe("<redacted>");
    expect((tokenCall?.body as Record<string, string>).scope).toBe(`${emu.url}/.default`);
  });

  test("GIVEN the tenant's onmicrosoft.com name WHEN the credential uses it THEN discovery and token succeed", async () => {
    const token = await credential(emu.clientSecret, "contosoauth.onmicrosoft.com").getToken(`${emu.url}/.default`);
    expect(token.token).toBeTruthy();
  });

  test("GIVEN a wrong secret WHEN the credential asks for a token THEN the endpoint answers 401 invalid_client AADSTS7000215", async () => {
    await expect(credential("wrong").getToken(`${emu.url}/.default`)).rejects.toThrow(/AADSTS7000215/);
    const res = await fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: "nope", scope: `${emu.url}/.default` }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: string; error_codes: number[] };
    expect(body.error).toBe("invalid_client");
    expect(body.error_codes).toEqual([7000215]);
  });

  test("GIVEN the Graph scope of the public cloud WHEN asked THEN the token endpoint refuses the resource (AADSTS500011)", async () => {
    const res = await fetch(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "https://graph.microsoft.com/.default" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([500011]);
  });

  test("GIVEN an unknown tenant WHEN its OpenID configuration is read THEN 400 invalid_request AADSTS90002", async () => {
    const res = await fetch(`${emu.url}/00000000-0000-0000-0000-000000000001/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string; error_codes: number[] };
    expect(body.error).toBe("invalid_request");
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant '00000000-0000-0000-0000-000000000001' not found/);
    expect(body.error_codes).toEqual([90002]);
  });

  test("GIVEN the known tenant WHEN its OpenID configuration is read THEN every endpoint is on the emulator URL", async () => {
    const res = await fetch(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body.issuer).toBe(`${emu.url}/${emu.tenantId}/v2.0`);
    expect(body.token_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
    expect(body.authorization_endpoint).toBe(`${emu.url}/${emu.tenantId}/oauth2/v2.0/authorize`);
    expect(body.jwks_uri).toBe(`${emu.url}/${emu.tenantId}/discovery/v2.0/keys`);
  });

  test("GIVEN MSAL instance discovery WHEN asked THEN the emulator host is its own alias", async () => {
    const res = await fetch(`${emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=x`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { metadata: Array<{ aliases: string[] }> };
    expect(body.metadata[0].aliases).toEqual([new URL(emu.url).host]);
  });

  test("GIVEN no or a foreign token WHEN Graph is called THEN 401 InvalidAuthenticationToken in the Graph envelope", async () => {
    const none = await call(emu, "GET", "/v1.0/organization", { anonymous: true, headers: { "client-request-id": "abc-123" } });
    expect(none.status).toBe(401);
    const err = none.json.error as Record<string, unknown>;
    expect(err.code).toBe("InvalidAuthenticationToken");
    expect(err.message).toBe("Access token is empty.");
    const inner = err.innerError as Record<string, string>;
    expect(inner["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers.get("request-id")).toBe(inner["request-id"]);
    expect(inner["client-request-id"]).toBe("abc-123");
    expect(inner.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const forged = await call(emu, "GET", "/v1.0/organization", { token: "a.b.c" });
    expect(forged.status).toBe(401);
    expect((forged.json.error as Record<string, unknown>).code).toBe("InvalidAuthenticationToken");
  });

  test("GIVEN the real Graph client over ClientSecretCredential WHEN it lists flows and reads the organization THEN both succeed with auth", async () => {
    const authProvider = new TokenCredentialAuthenticationProvider(credential(), { scopes: [`${new URL(emu.url).origin}/.default`] });
    const client = Client.initWithMiddleware({ authProvider, baseUrl: emu.url, customHosts: new Set(["localhost"]), defaultVersion: "beta" });
    const flows = (await client.api("/identity/authenticationEventsFlows").get()) as { value: unknown[] };
    expect(flows.value).toEqual([]);
    const org = (await client.api("/organization").version("v1.0").get()) as { value: Array<{ id: string; tenantType: string }> };
    expect(org.value[0]).toMatchObject({ id: emu.tenantId, tenantType: "CIAM" });
    const graphCalls = emu.requests.filter((r) => r.version !== null);
    expect(graphCalls.map((r) => [r.method, r.version, r.path, r.status])).toEqual([
      ["GET", "beta", "/identity/authenticationEventsFlows", 200],
      ["GET", "v1.0", "/organization", 200],
    ]);
    expect(graphCalls[0].headers.authorization).toBe("<redacted>");
  });

  test("GIVEN the emulator WHEN env() is read THEN it names tenant, client, secret and authority host", () => {
    expect(emu.env()).toEqual({
      AZURE_TENANT_ID: emu.tenantId,
      AZURE_CLIENT_ID: emu.clientId,
      AZURE_CLIENT_SECRET: emu.clientSecret,
      AZURE_AUTHORITY_HOST: emu.url,
    });
  });
});
