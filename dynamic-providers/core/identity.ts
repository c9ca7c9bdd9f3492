/**
 * THE one place that decides which identity the stack acts as, from the environment — for the Graph layer (which
 * builds an `@azure/identity` credential from the answer, see credentials.ts) and for the explicit `azuread`
 * provider (which reads its own `ARM_*` variables in its own process: {@link azureadSelection} models what it will
 * pick, and {@link identityDisagreement} refuses a run where the two would differ).
 *
 * Pure: no SDK, no I/O, no secret kept — a selection carries variable *names* and the client id, never a value of a
 * secret or token. Serialized by value into dynamic providers, like the rest of this folder.
 *
 * Order (the first that applies wins; the same order the azuread provider uses, so both pick the same identity):
 *  1. client certificate   AZURE_CLIENT_CERTIFICATE_PATH (PEM, @azure/identity) — azuread: ARM_CLIENT_CERTIFICATE_PATH (PKCS#12)
 *  2. client secret        AZURE_CLIENT_SECRET | ARM_CLIENT_SECRET
 *  3. OIDC token           ARM_OIDC_TOKEN (a literal token, e.g. from Pulumi ESC azure-login)
 *  4. OIDC token file      AZURE_FEDERATED_TOKEN_FILE | ARM_OIDC_TOKEN_FILE_PATH
 *  5. Azure Pipelines      a service connection id (ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID | ARM_OIDC_AZURE_SERVICE_CONNECTION_ID |
 *                          AZURESUBSCRIPTION_SERVICE_CONNECTION_ID) + SYSTEM_ACCESSTOKEN | ARM_OIDC_REQUEST_TOKEN + SYSTEM_OIDCREQUESTURI
 *  6. GitHub Actions OIDC  ACTIONS_ID_TOKEN_REQUEST_URL + ACTIONS_ID_TOKEN_REQUEST_TOKEN (| ARM_OIDC_REQUEST_URL + ARM_OIDC_REQUEST_TOKEN)
 *  7. Azure CLI            whoever ran `az login` (a person)
 * 1–6 need a client id: AZURE_CLIENT_ID | ARM_CLIENT_ID. Without one, 5–6 are ambient pipeline variables and the
 * selection falls through to the Azure CLI; 1–4 without a client id are an error (a secret meant for nobody).
 *
 * @see https://learn.microsoft.com/en-us/javascript/api/@azure/identity/environmentcredential (AZURE_* names)
 * @see https://www.pulumi.com/registry/packages/azuread/installation-configuration/ (ARM_* names)
 */

import { repairError } from "./errors";

/** The credential the environment selects. */
export type CredentialKind =
  | "clientCertificate"
  | "clientSecret"
  | "oidcToken"
  | "federatedTokenFile"
  | "azurePipelines"
  | "githubActions"
  | "managedIdentity"
  | "azureCli";

/** Which identity the environment selects, described by variable names only. */
export interface IdentitySelection {
  readonly kind: CredentialKind;
  /** Application (client) id of the app the credential signs in as; absent for the Azure CLI (a person). */
  readonly clientId?: string;
  /** Tenant the environment names (AZURE_TENANT_ID | ARM_TENANT_ID), if any: a hint for diagnosis, never used to sign in. */
  readonly environmentTenantId?: string;
  /** Names of the variables that made the choice, for messages. */
  readonly variables: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** The environment sets contradictory or incomplete credential variables. The message says which and how to fix it. */
export class IdentityConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdentityConfigurationError";
    repairError(this, IdentityConfigurationError, message);
  }
}

const set = (env: Env, name: string): string | undefined => {
  const v = env[name];
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
};

/** The first variable of `names` that is set, with its name. */
function first(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = set(env, name);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/**
 * One value under two names (AZURE_X and ARM_X): both may be set only to the same value — two different client ids
 * would make the Graph layer and the azuread provider act as two different apps.
 */
function agreed(env: Env, azureName: string, armName: string, kind: "id" | "secret"): { name: string; value: string } | undefined {
  const a = set(env, azureName);
  const b = set(env, armName);
  if (a !== undefined && b !== undefined) {
    const same = kind === "id" ? a.toLowerCase() === b.toLowerCase() : a === b;
    if (!same) {
      // Ids are shown (they are what the user must compare); secrets and paths never are.
      const shown = kind === "id" ? `${azureName} (${a}) and ${armName} (${b})` : `${azureName} and ${armName}`;
      throw new IdentityConfigurationError(
        `${shown} name different values: the Graph layer and the azuread provider would act as ` +
          `different identities. Set both to the same value, or unset one of them.`,
      );
    }
  }
  if (a !== undefined) return { name: azureName, value: a };
  if (b !== undefined) return { name: armName, value: b };
  return undefined;
}

const ADO_SERVICE_CONNECTION = ["ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"];
const ADO_ACCESS_TOKEN = ["SYSTEM_ACCESSTOKEN", "ARM_OIDC_REQUEST_TOKEN"];
const GITHUB_REQUEST_URL = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ARM_OIDC_REQUEST_URL"];
const GITHUB_REQUEST_TOKEN = ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ARM_OIDC_REQUEST_TOKEN"];

/**
 * The identity the Graph layer signs in as, chosen from `env` in the order of the module comment.
 * @throws IdentityConfigurationError when variables contradict each other or a secret has no client id
 */
export function selectIdentity(env: Env): IdentitySelection {
  const client = agreed(env, "AZURE_CLIENT_ID", "ARM_CLIENT_ID", "id");
  const tenant = agreed(env, "AZURE_TENANT_ID", "ARM_TENANT_ID", "id");
  const base = { ...(client ? { clientId: client.value } : {}), ...(tenant ? { environmentTenantId: tenant.value } : {}) };
  const withClient = (kind: CredentialKind, variables: string[]): IdentitySelection => ({ kind, ...base, variables: [client!.name, ...variables] });
  const needsClient = (what: string): never => {
    throw new IdentityConfigurationError(
      `${what} is set but neither AZURE_CLIENT_ID nor ARM_CLIENT_ID is: set the application (client) id of the app registered in the ` +
        `CIAM tenant that this credential belongs to, or unset ${what} to sign in with the Azure CLI.`,
    );
  };

  const certificate = set(env, "AZURE_CLIENT_CERTIFICATE_PATH");
  if (certificate !== undefined) return client ? withClient("clientCertificate", ["AZURE_CLIENT_CERTIFICATE_PATH"]) : needsClient("AZURE_CLIENT_CERTIFICATE_PATH");
  const armCertificate = first(env, ["ARM_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE"]);
  if (armCertificate) {
    // azuread reads a PKCS#12 bundle, @azure/identity a PEM file: one variable cannot serve both.
    throw new IdentityConfigurationError(
      `${armCertificate.name} is set for the azuread provider (PKCS#12), but the Graph layer reads a PEM certificate from ` +
        `AZURE_CLIENT_CERTIFICATE_PATH: set AZURE_CLIENT_CERTIFICATE_PATH to the same certificate in PEM form (private key included).`,
    );
  }
  const secret = agreed(env, "AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET", "secret");
  if (secret) return client ? withClient("clientSecret", [secret.name]) : needsClient(secret.name);
  const oidcToken = set(env, "ARM_OIDC_TOKEN");
  if (oidcToken !== undefined) return client ? withClient("oidcToken", ["ARM_OIDC_TOKEN"]) : needsClient("ARM_OIDC_TOKEN");
  const tokenFile = agreed(env, "AZURE_FEDERATED_TOKEN_FILE", "ARM_OIDC_TOKEN_FILE_PATH", "secret");
  if (tokenFile) return client ? withClient("federatedTokenFile", [tokenFile.name]) : needsClient(tokenFile.name);

  const serviceConnection = first(env, ADO_SERVICE_CONNECTION);
  if (serviceConnection && client) {
    const accessToken = first(env, ADO_ACCESS_TOKEN);
    const missing = [...(accessToken ? [] : ["SYSTEM_ACCESSTOKEN"]), ...(set(env, "SYSTEM_OIDCREQUESTURI") ? [] : ["SYSTEM_OIDCREQUESTURI"])];
    if (missing.length > 0) {
      throw new IdentityConfigurationError(
        `${serviceConnection.name} selects an Azure Pipelines service connection, but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: ` +
          `map them in the pipeline step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken); SYSTEM_OIDCREQUESTURI is set by Azure Pipelines itself).`,
      );
    }
    return withClient("azurePipelines", [serviceConnection.name, accessToken!.name, "SYSTEM_OIDCREQUESTURI"]);
  }
  const requestUrl = first(env, GITHUB_REQUEST_URL);
  const requestToken = first(env, GITHUB_REQUEST_TOKEN);
  if (requestUrl && requestToken && client) return withClient("githubActions", [requestUrl.name, requestToken.name]);

  return { kind: "azureCli", ...(tenant ? { environmentTenantId: tenant.value } : {}), variables: [] };
}

const truthy = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes)$/i.test(v.trim());

/**
 * What the azuread provider (terraform-provider-azuread, bridged) will sign in as with this environment: it reads
 * only `ARM_*` names (plus GitHub's and Azure Pipelines' request variables as fallbacks), needs `ARM_USE_OIDC=true`
 * for any OIDC path and falls back to the Azure CLI. Only the provider's `tenantId` is set by this program.
 * [inferred from the provider's documented variables; the order mirrors its auth chain]
 */
export function azureadSelection(env: Env): IdentitySelection {
  const client = set(env, "ARM_CLIENT_ID");
  const tenant = set(env, "ARM_TENANT_ID");
  const base = { ...(client ? { clientId: client } : {}), ...(tenant ? { environmentTenantId: tenant } : {}) };
  if (client) {
    const certificate = first(env, ["ARM_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE"]);
    if (certificate) return { kind: "clientCertificate", ...base, variables: ["ARM_CLIENT_ID", certificate.name] };
    if (set(env, "ARM_CLIENT_SECRET")) return { kind: "clientSecret", ...base, variables: ["ARM_CLIENT_ID", "ARM_CLIENT_SECRET"] };
    if (truthy(env.ARM_USE_OIDC)) {
      if (set(env, "ARM_OIDC_TOKEN")) return { kind: "oidcToken", ...base, variables: ["ARM_CLIENT_ID", "ARM_USE_OIDC", "ARM_OIDC_TOKEN"] };
      if (set(env, "ARM_OIDC_TOKEN_FILE_PATH")) return { kind: "federatedTokenFile", ...base, variables: ["ARM_CLIENT_ID", "ARM_USE_OIDC", "ARM_OIDC_TOKEN_FILE_PATH"] };
      const ado = first(env, ADO_SERVICE_CONNECTION.slice(0, 2));
      if (ado) return { kind: "azurePipelines", ...base, variables: ["ARM_CLIENT_ID", "ARM_USE_OIDC", ado.name] };
      if (first(env, ["ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"]) && first(env, ["ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"])) {
        return { kind: "githubActions", ...base, variables: ["ARM_CLIENT_ID", "ARM_USE_OIDC", "ACTIONS_ID_TOKEN_REQUEST_URL"] };
      }
    }
  }
  if (truthy(env.ARM_USE_MSI)) return { kind: "managedIdentity", ...base, variables: ["ARM_USE_MSI"] };
  return { kind: "azureCli", ...(tenant ? { environmentTenantId: tenant } : {}), variables: [] };
}

/** How a selection reads in a message: `app <id> (clientSecret from AZURE_CLIENT_ID, AZURE_CLIENT_SECRET)`. */
export function describeSelection(s: IdentitySelection): string {
  if (s.kind === "azureCli") return "the Azure CLI login (a person; no AZURE_CLIENT_ID/ARM_CLIENT_ID credential is set)";
  const who = s.clientId ? `app ${s.clientId}` : "a managed identity";
  return `${who} (${s.kind} from ${s.variables.join(", ")})`;
}

/** The `ARM_*` lines that make the azuread provider sign in as `graph`, for the fix in a message. */
function armFix(graph: IdentitySelection): string {
  const id = graph.clientId ?? "<client id>";
  switch (graph.kind) {
    case "clientCertificate":
      return `ARM_CLIENT_ID=${id} and ARM_CLIENT_CERTIFICATE_PATH=<the same certificate as PKCS#12>`;
    case "clientSecret":
      return `ARM_CLIENT_ID=${id} and ARM_CLIENT_SECRET=<the same secret>`;
    case "oidcToken":
      return `ARM_CLIENT_ID=${id} and ARM_USE_OIDC=true`;
    case "federatedTokenFile":
      return `ARM_CLIENT_ID=${id}, ARM_USE_OIDC=true and ARM_OIDC_TOKEN_FILE_PATH=<the token file>`;
    case "azurePipelines":
      return `ARM_CLIENT_ID=${id}, ARM_USE_OIDC=true, ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID=<service connection id> and ARM_OIDC_REQUEST_TOKEN=$(System.AccessToken)`;
    case "githubActions":
      return `ARM_CLIENT_ID=${id} and ARM_USE_OIDC=true`;
    default:
      return "no ARM_CLIENT_ID (unset ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_USE_OIDC and ARM_USE_MSI)";
  }
}

/**
 * Why the azuread provider would act as another identity than the Graph layer with this environment, or
 * `undefined` when both agree (same client id, same family of credential). The program refuses to register the
 * azuread provider on a disagreement, so no app is written as one identity and a flow as another.
 * @throws IdentityConfigurationError as {@link selectIdentity} does
 */
export function identityDisagreement(env: Env): string | undefined {
  const graph = selectIdentity(env);
  const azuread = azureadSelection(env);
  const sameClient = (graph.clientId ?? "").toLowerCase() === (azuread.clientId ?? "").toLowerCase();
  if (sameClient && graph.kind === azuread.kind) return undefined;
  return (
    `The Graph layer would sign in as ${describeSelection(graph)} but the azuread provider as ${describeSelection(azuread)}. ` +
    `The azuread provider reads only ARM_* variables: set ${armFix(graph)}, so both act as the same identity.`
  );
}

/** Every variable that selects or feeds a credential (for cache keys: a change must give a new credential). */
export const CREDENTIAL_VARIABLES: readonly string[] = [
  "AZURE_CLIENT_ID",
  "ARM_CLIENT_ID",
  "AZURE_TENANT_ID",
  "ARM_TENANT_ID",
  "AZURE_CLIENT_SECRET",
  "ARM_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "ARM_CLIENT_CERTIFICATE_PATH",
  "ARM_CLIENT_CERTIFICATE",
  "ARM_OIDC_TOKEN",
  "AZURE_FEDERATED_TOKEN_FILE",
  "ARM_OIDC_TOKEN_FILE_PATH",
  ...ADO_SERVICE_CONNECTION,
  ...ADO_ACCESS_TOKEN,
  "SYSTEM_OIDCREQUESTURI",
  ...GITHUB_REQUEST_URL,
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
];
