/**
 * The one identity rule (dynamic-providers/core/identity.ts): for each environment — a person, GitHub Actions,
 * Azure Pipelines, a token file, a secret, a certificate, ARM_* or AZURE_* spellings — which credential the Graph
 * layer builds, for which app, and whether the azuread provider (ARM_* only) would act as the same identity.
 * Pure and fast: plain objects stand in for process.env.
 *
 * Does not prove: that the azuread provider really follows the modelled order (it runs in its own process; the
 * model follows its documented variables), nor that the credentials obtain tokens (tests/graph/client.test.ts and
 * tests/graph/credentials.test.ts do that against the emulator).
 */
import { azureadSelection, identityDisagreement, IdentityConfigurationError, selectIdentity } from "../../dynamic-providers/core";

const APP = "0a0b0c0d-1111-4222-8333-444455556666";
const OTHER = "9f9e9d9c-1111-4222-8333-444455556666";
const TENANT = "11111111-2222-4333-8444-555555555555";
const GITHUB = { ACTIONS_ID_TOKEN_REQUEST_URL: "https://pipelines.actions.githubusercontent.com/x?api-version=2.0", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "gh-request-token" };
const ADO = { ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID: "2b2b2b2b-0000-4000-8000-000000000000", SYSTEM_ACCESSTOKEN: "ado-access-token", SYSTEM_OIDCREQUESTURI: "https://dev.azure.com/contoso/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken" };

describe("selectIdentity: one environment each", () => {
  test.each([
    ["nothing set (a person)", {}, "azureCli", undefined, []],
    ["a client secret (AZURE_*)", { AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "s" }, "clientSecret", APP, ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]],
    ["a client secret (ARM_*)", { ARM_CLIENT_ID: APP, ARM_CLIENT_SECRET: "s" }, "clientSecret", APP, ["ARM_CLIENT_ID", "ARM_CLIENT_SECRET"]],
    ["a PEM certificate", { AZURE_CLIENT_ID: APP, AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem" }, "clientCertificate", APP, ["AZURE_CLIENT_ID", "AZURE_CLIENT_CERTIFICATE_PATH"]],
    ["a literal OIDC token (Pulumi ESC)", { ARM_CLIENT_ID: APP, ARM_OIDC_TOKEN: "jwt" }, "oidcToken", APP, ["ARM_CLIENT_ID", "ARM_OIDC_TOKEN"]],
    ["a federated token file (AZURE_*)", { AZURE_CLIENT_ID: APP, AZURE_FEDERATED_TOKEN_FILE: "/t" }, "federatedTokenFile", APP, ["AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"]],
    ["a federated token file (ARM_*)", { ARM_CLIENT_ID: APP, ARM_OIDC_TOKEN_FILE_PATH: "/t" }, "federatedTokenFile", APP, ["ARM_CLIENT_ID", "ARM_OIDC_TOKEN_FILE_PATH"]],
    ["GitHub Actions with id-token: write", { AZURE_CLIENT_ID: APP, ...GITHUB }, "githubActions", APP, ["AZURE_CLIENT_ID", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"]],
    ["GitHub request variables under ARM_* names", { ARM_CLIENT_ID: APP, ARM_OIDC_REQUEST_URL: "https://x/?a=1", ARM_OIDC_REQUEST_TOKEN: "t" }, "githubActions", APP, ["ARM_CLIENT_ID", "ARM_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_TOKEN"]],
    ["an Azure Pipelines service connection", { ARM_CLIENT_ID: APP, ...ADO }, "azurePipelines", APP, ["ARM_CLIENT_ID", "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "SYSTEM_ACCESSTOKEN", "SYSTEM_OIDCREQUESTURI"]],
    ["GitHub request variables but no client id (azure/login did az login)", { ...GITHUB }, "azureCli", undefined, []],
    ["a service connection but no client id", { ...ADO }, "azureCli", undefined, []],
  ])("GIVEN %s WHEN selecting THEN the credential, app and deciding variables are as expected", (_what, env, kind, clientId, variables) => {
    const s = selectIdentity(env as Record<string, string>);
    expect(s.kind).toBe(kind);
    expect(s.clientId).toBe(clientId);
    expect(s.variables).toEqual(variables);
  });

  test("GIVEN a tenant in the environment WHEN selecting THEN it is kept as a diagnosis hint only", () => {
    expect(selectIdentity({ AZURE_TENANT_ID: TENANT }).environmentTenantId).toBe(TENANT);
    expect(selectIdentity({ ARM_TENANT_ID: TENANT, ARM_CLIENT_ID: APP, ARM_CLIENT_SECRET: "s" }).environmentTenantId).toBe(TENANT);
  });

  test("GIVEN blank values WHEN selecting THEN they count as unset", () => {
    expect(selectIdentity({ AZURE_CLIENT_ID: " ", AZURE_CLIENT_SECRET: "" }).kind).toBe("azureCli");
  });
});

describe("selectIdentity: precedence when several are set", () => {
  test("GIVEN a certificate and a secret WHEN selecting THEN the certificate wins (the azuread provider's order)", () => {
    expect(selectIdentity({ AZURE_CLIENT_ID: APP, AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem", AZURE_CLIENT_SECRET: "s" }).kind).toBe("clientCertificate");
  });
  test("GIVEN a secret and GitHub OIDC WHEN selecting THEN the secret wins", () => {
    expect(selectIdentity({ AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "s", ...GITHUB }).kind).toBe("clientSecret");
  });
  test("GIVEN a token file and GitHub OIDC WHEN selecting THEN the file wins", () => {
    expect(selectIdentity({ AZURE_CLIENT_ID: APP, AZURE_FEDERATED_TOKEN_FILE: "/t", ...GITHUB }).kind).toBe("federatedTokenFile");
  });
  test("GIVEN a literal OIDC token and a token file WHEN selecting THEN the literal token wins", () => {
    expect(selectIdentity({ ARM_CLIENT_ID: APP, ARM_OIDC_TOKEN: "jwt", ARM_OIDC_TOKEN_FILE_PATH: "/t" }).kind).toBe("oidcToken");
  });
  test("GIVEN an Azure Pipelines service connection and GitHub variables WHEN selecting THEN the explicit service connection wins", () => {
    expect(selectIdentity({ ARM_CLIENT_ID: APP, ...ADO, ...GITHUB }).kind).toBe("azurePipelines");
  });
  test("GIVEN the same client id under AZURE_ and ARM_ names in different case WHEN selecting THEN AZURE_CLIENT_ID is reported and they agree", () => {
    const s = selectIdentity({ AZURE_CLIENT_ID: APP.toUpperCase(), ARM_CLIENT_ID: APP, ARM_CLIENT_SECRET: "s" });
    expect(s.clientId).toBe(APP.toUpperCase());
    expect(s.variables[0]).toBe("AZURE_CLIENT_ID");
  });
});

describe("selectIdentity: contradictions are errors that say the fix", () => {
  const error = (env: Record<string, string>): Error => {
    try {
      selectIdentity(env);
    } catch (e) {
      return e as Error;
    }
    throw new Error("no error");
  };

  test("GIVEN AZURE_CLIENT_ID and ARM_CLIENT_ID naming different apps WHEN selecting THEN both are named and the fix given", () => {
    const e = error({ AZURE_CLIENT_ID: APP, ARM_CLIENT_ID: OTHER, AZURE_CLIENT_SECRET: "s" });
    expect(e).toBeInstanceOf(IdentityConfigurationError);
    expect(e.message).toBe(
      `AZURE_CLIENT_ID (${APP}) and ARM_CLIENT_ID (${OTHER}) name different values: the Graph layer and the azuread provider would act as different identities. Set both to the same value, or unset one of them.`,
    );
  });
  test("GIVEN different secrets under both names WHEN selecting THEN the names are given and the values are not", () => {
    const e = error({ AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "secret-one", ARM_CLIENT_SECRET: "secret-two" });
    expect(e.message).toMatch(/^AZURE_CLIENT_SECRET and ARM_CLIENT_SECRET name different values/);
    expect(e.message).not.toContain("secret-one");
    expect(e.message).not.toContain("secret-two");
  });
  test("GIVEN a secret without a client id WHEN selecting THEN the missing variable is named", () => {
    expect(error({ ARM_CLIENT_SECRET: "s" }).message).toMatch(/^ARM_CLIENT_SECRET is set but neither AZURE_CLIENT_ID nor ARM_CLIENT_ID is/);
  });
  test("GIVEN a PKCS#12 certificate for azuread only WHEN selecting THEN the PEM variable the Graph layer needs is named", () => {
    expect(error({ ARM_CLIENT_ID: APP, ARM_CLIENT_CERTIFICATE_PATH: "/c.pfx" }).message).toMatch(/set AZURE_CLIENT_CERTIFICATE_PATH to the same certificate in PEM form/);
  });
  test("GIVEN a service connection without SYSTEM_ACCESSTOKEN WHEN selecting THEN the variable and how to map it are named", () => {
    const { SYSTEM_ACCESSTOKEN: _t, ...rest } = ADO;
    expect(error({ ARM_CLIENT_ID: APP, ...rest }).message).toContain("SYSTEM_ACCESSTOKEN is not set: map them in the pipeline step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)");
  });
});

describe("identityDisagreement: the azuread provider acts as the same identity", () => {
  test.each([
    ["a person", {}],
    ["a secret under ARM_* names only", { ARM_CLIENT_ID: APP, ARM_CLIENT_SECRET: "s" }],
    ["a secret under both names", { AZURE_CLIENT_ID: APP, ARM_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "s", ARM_CLIENT_SECRET: "s" }],
    ["GitHub OIDC with ARM_USE_OIDC", { AZURE_CLIENT_ID: APP, ARM_CLIENT_ID: APP, ARM_USE_OIDC: "true", ...GITHUB }],
    ["Azure Pipelines with ARM_USE_OIDC", { ARM_CLIENT_ID: APP, ARM_USE_OIDC: "true", ...ADO }],
    ["a token file under ARM_* names", { ARM_CLIENT_ID: APP, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN_FILE_PATH: "/t" }],
    [
      "the Azure DevOps step of pipelines/templates/pulumi-step.yml",
      {
        ARM_CLIENT_ID: APP,
        ARM_TENANT_ID: TENANT,
        ARM_USE_OIDC: "true",
        ARM_OIDC_AZURE_SERVICE_CONNECTION_ID: "2b2b2b2b-0000-4000-8000-000000000000",
        SYSTEM_ACCESSTOKEN: "a",
        ARM_OIDC_REQUEST_TOKEN: "a",
        SYSTEM_OIDCREQUESTURI: "https://dev.azure.com/contoso/_apis/oidc",
      },
    ],
    ["the GitHub step of .github/actions/ciam-setup", { AZURE_CLIENT_ID: APP, AZURE_TENANT_ID: TENANT, ARM_CLIENT_ID: APP, ARM_TENANT_ID: TENANT, ARM_USE_OIDC: "true", ...GITHUB }],
  ])("GIVEN %s WHEN compared THEN they agree", (_what, env) => {
    expect(identityDisagreement(env as Record<string, string>)).toBeUndefined();
    expect(azureadSelection(env as Record<string, string>).kind).toBe(selectIdentity(env as Record<string, string>).kind);
  });

  test("GIVEN GitHub OIDC with AZURE_CLIENT_ID only WHEN compared THEN the azuread provider would fall back to the CLI and the ARM_* fix is given", () => {
    expect(identityDisagreement({ AZURE_CLIENT_ID: APP, ...GITHUB })).toBe(
      `The Graph layer would sign in as app ${APP} (githubActions from AZURE_CLIENT_ID, ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN) ` +
        "but the azuread provider as the Azure CLI login (a person; no AZURE_CLIENT_ID/ARM_CLIENT_ID credential is set). " +
        `The azuread provider reads only ARM_* variables: set ARM_CLIENT_ID=${APP} and ARM_USE_OIDC=true, so both act as the same identity.`,
    );
  });
  test("GIVEN GitHub OIDC without ARM_USE_OIDC WHEN compared THEN ARM_USE_OIDC=true is the fix", () => {
    expect(identityDisagreement({ ARM_CLIENT_ID: APP, ...GITHUB })).toContain(`set ARM_CLIENT_ID=${APP} and ARM_USE_OIDC=true`);
  });
  test("GIVEN a secret under AZURE_* names only WHEN compared THEN ARM_CLIENT_ID and ARM_CLIENT_SECRET are the fix", () => {
    expect(identityDisagreement({ AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "s" })).toContain(`set ARM_CLIENT_ID=${APP} and ARM_CLIENT_SECRET=<the same secret>`);
  });
  test("GIVEN ARM_USE_MSI WHEN compared THEN the managed identity the Graph layer does not use is reported", () => {
    expect(identityDisagreement({ ARM_USE_MSI: "true" })).toContain("the azuread provider as a managed identity (managedIdentity from ARM_USE_MSI)");
  });
  test("GIVEN no secret value WHEN any disagreement is described THEN no secret or token value appears in it", () => {
    const message = identityDisagreement({ AZURE_CLIENT_ID: APP, AZURE_CLIENT_SECRET: "do-not-print", ...GITHUB }) ?? "";
    expect(message).not.toContain("do-not-print");
    expect(message).not.toContain("gh-request-token");
  });
});
