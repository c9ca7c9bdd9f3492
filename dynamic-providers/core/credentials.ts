/**
 * Credentials for the target tenant, resolved at call time from the environment — never from resource inputs,
 * closures or state (tokens are short-lived, and state outlives them; pulumi/pulumi#4981).
 *
 * Which identity: `selectIdentity` in identity.ts, the one place that decides (the azuread provider is checked
 * against the same decision). This file only turns that decision into an `@azure/identity` credential, always for
 * the connection's tenant and authority. Credentials are cached per (tenant, authority, credential variables) in the
 * provider process so their token caches are reused; a changed variable gets a new credential.
 */
import type { TokenCredential } from "@azure/identity";
import { CREDENTIAL_VARIABLES, selectIdentity, type IdentitySelection } from "./identity";
import { ProviderError } from "./errors";

const CACHE_KEY = "ciam-tenant.graph.credentials";

/** Where a credential signs in: the tenant and the authority host (the ARM layer passes just these two). */
export interface CredentialTarget {
  readonly tenantId: string;
  readonly authorityHost: string;
}

/** The credential the environment selects, for `target.tenantId` at `target.authorityHost`. */
export function credentialFor(target: CredentialTarget): TokenCredential {
  const key = `${target.tenantId.toLowerCase()}|${target.authorityHost}|${environmentFingerprint(process.env)}`;
  const g = globalThis as unknown as Record<string, Record<string, TokenCredential> | undefined>;
  const cache = (g[CACHE_KEY] ??= {});
  return (cache[key] ??= createCredential(target, selectIdentity(process.env)));
}

/**
 * A digest of every variable that selects or feeds a credential, so a changed secret or client id in the
 * environment gets a new credential instead of a cached one. Only the digest is kept, and only in memory.
 */
function environmentFingerprint(env: NodeJS.ProcessEnv): string {
  const crypto: typeof import("crypto") = require("crypto");
  return crypto.createHash("sha256").update(CREDENTIAL_VARIABLES.map((n) => `${n}=${env[n] ?? ""}`).join("\n")).digest("hex");
}

/** The first of `names` set in the environment now (read at call time: OIDC request tokens rotate per job). */
function envValue(...names: string[]): string {
  for (const n of names) {
    const v = process.env[n];
    if (v !== undefined && v.trim() !== "") return v.trim();
  }
  return "";
}

/**
 * GitHub Actions' OIDC token for Entra's federated credential exchange: GET the request URL with
 * `audience=api://AzureADTokenExchange` and the request token as bearer; the JWT is in `value`.
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
 */
export async function gitHubActionsAssertion(): Promise<string> {
  const url = new URL(envValue("ACTIONS_ID_TOKEN_REQUEST_URL", "ARM_OIDC_REQUEST_URL"));
  url.searchParams.set("audience", "api://AzureADTokenExchange");
  const res = await fetch(url, { headers: { Authorization: `Bearer ${envValue("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ARM_OIDC_REQUEST_TOKEN")}` } });
  const text = await res.text();
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (!res.ok || typeof value !== "string" || value === "") {
    throw new ProviderError("Credential", 
      `GitHub Actions did not issue an OIDC token (HTTP ${res.status}): give the job "permissions: id-token: write" ` +
        `(ACTIONS_ID_TOKEN_REQUEST_URL is only set then)`,
    );
  }
  return value;
}

function createCredential(target: CredentialTarget, selection: IdentitySelection): TokenCredential {
  // Loaded here, not at module level: this module is serialized into dynamic providers by value.
  const identity: typeof import("@azure/identity") = require("@azure/identity");
  const options = {
    authorityHost: target.authorityHost,
    ...(isPublicAuthority(target.authorityHost) ? {} : { disableInstanceDiscovery: true }),
  };
  const tenantId = target.tenantId;
  const clientId = selection.clientId ?? "";
  switch (selection.kind) {
    case "clientCertificate":
      return new identity.ClientCertificateCredential(
        tenantId,
        clientId,
        { certificatePath: envValue("AZURE_CLIENT_CERTIFICATE_PATH"), certificatePassword: envValue("AZURE_CLIENT_CERTIFICATE_PASSWORD") || undefined },
        options,
      );
    case "clientSecret":
      return new identity.ClientSecretCredential(tenantId, clientId, envValue("AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"), options);
    case "oidcToken":
      return new identity.ClientAssertionCredential(tenantId, clientId, async () => envValue("ARM_OIDC_TOKEN"), options);
    case "federatedTokenFile":
      return new identity.WorkloadIdentityCredential({
        tenantId,
        clientId,
        tokenFilePath: envValue("AZURE_FEDERATED_TOKEN_FILE", "ARM_OIDC_TOKEN_FILE_PATH"),
        ...options,
      });
    case "azurePipelines":
      return new identity.AzurePipelinesCredential(
        tenantId,
        clientId,
        envValue("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"),
        envValue("SYSTEM_ACCESSTOKEN", "ARM_OIDC_REQUEST_TOKEN"),
        options,
      );
    case "githubActions":
      return new identity.ClientAssertionCredential(tenantId, clientId, gitHubActionsAssertion, options);
    case "azureCli":
      return new identity.AzureCliCredential({ tenantId });
    case "managedIdentity":
      throw new ProviderError("Credential", "a managed identity was selected, and the Graph and ARM layers do not sign in with one: set AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE, or sign in with az login");
  }
}

/**
 * Instance discovery is a call to the public cloud's `login.microsoftonline.com`; for any other authority host
 * (national clouds, a local test server) it must be disabled or MSAL fails where that host is unreachable.
 */
export function isPublicAuthority(authorityHost: string): boolean {
  return new URL(authorityHost).host.toLowerCase() === "login.microsoftonline.com";
}
