/**
 * Credentials for the target tenant, resolved at call time from the environment — never from resource inputs,
 * closures or state (tokens are short-lived, and state outlives them; pulumi/pulumi#4981).
 *
 * Order: an app in the tenant (AZURE_CLIENT_ID + AZURE_CLIENT_SECRET | AZURE_CLIENT_CERTIFICATE_PATH |
 * AZURE_FEDERATED_TOKEN_FILE), else DefaultAzureCredential, which for a person ends at the Azure CLI login.
 * Credentials are cached per (tenant, authority, client) in the provider process so their token caches are reused.
 */
import type { TokenCredential } from "@azure/identity";
import { isPublicAuthority, type ResolvedConnection } from "./connection";

const CACHE_KEY = "ciam-tenant.graph.credentials";

export function credentialFor(conn: ResolvedConnection): TokenCredential {
  const key = `${conn.tenantId.toLowerCase()}|${conn.authorityHost}|${environmentFingerprint(process.env)}`;
  const g = globalThis as unknown as Record<string, Record<string, TokenCredential> | undefined>;
  const cache = (g[CACHE_KEY] ??= {});
  return (cache[key] ??= createCredential(conn));
}

/**
 * A digest of every variable that selects or feeds a credential, so a changed secret or client id in the
 * environment gets a new credential instead of a cached one. Only the digest is kept, and only in memory.
 */
function environmentFingerprint(env: NodeJS.ProcessEnv): string {
  const crypto: typeof import("crypto") = require("crypto");
  const names = [
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_FEDERATED_TOKEN_FILE",
  ];
  return crypto.createHash("sha256").update(names.map((n) => `${n}=${env[n] ?? ""}`).join("\n")).digest("hex");
}

/** Which kind of credential the environment selects; exported for tests and error messages. */
export function credentialKind(env: NodeJS.ProcessEnv = process.env): "clientSecret" | "clientCertificate" | "workloadIdentity" | "default" {
  if (env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET) return "clientSecret";
  if (env.AZURE_CLIENT_ID && env.AZURE_CLIENT_CERTIFICATE_PATH) return "clientCertificate";
  if (env.AZURE_CLIENT_ID && env.AZURE_FEDERATED_TOKEN_FILE) return "workloadIdentity";
  return "default";
}

function createCredential(conn: ResolvedConnection): TokenCredential {
  // Loaded here, not at module level: this module is serialized into dynamic providers by value.
  const identity: typeof import("@azure/identity") = require("@azure/identity");
  const env = process.env;
  const options = {
    authorityHost: conn.authorityHost,
    ...(isPublicAuthority(conn.authorityHost) ? {} : { disableInstanceDiscovery: true }),
  };
  const clientId = env.AZURE_CLIENT_ID ?? "";
  switch (credentialKind(env)) {
    case "clientSecret":
      return new identity.ClientSecretCredential(conn.tenantId, clientId, env.AZURE_CLIENT_SECRET ?? "", options);
    case "clientCertificate":
      return new identity.ClientCertificateCredential(
        conn.tenantId,
        clientId,
        { certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH ?? "", certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD },
        options,
      );
    case "workloadIdentity":
      return new identity.WorkloadIdentityCredential({
        tenantId: conn.tenantId,
        clientId,
        tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE ?? "",
        ...options,
      });
    case "default":
      return new identity.DefaultAzureCredential({ tenantId: conn.tenantId, ...options });
  }
}
