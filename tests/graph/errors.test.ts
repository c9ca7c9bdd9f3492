/**
 * Credential failures reach the CLI, CI logs and update logs word for word, and `@azure/identity` sometimes quotes a
 * whole HTTP exchange in them (AzurePipelinesCredential 4.13: `JSON.stringify(response)` with the request headers).
 * These tests feed such texts through the two auth errors and check that no credential survives, while the rest of
 * the diagnosis does.
 *
 * Not proven here: every shape a credential library may print; only the shapes named below.
 */
import { GraphAuthError } from "../../dynamic-providers/graph";
import { ArmAuthError } from "../../dynamic-providers/arm";

const JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGk6Ly9BenVyZUFEVG9rZW5FeGNoYW5nZSJ9.c2lnbmF0dXJlLXBhcnQ";
const LEAKY = new Error(
  `AzurePipelinesCredential: Authenticated Failed. Received null token from OIDC request. Response = ` +
    JSON.stringify({ status: 200, request: { headers: { Authorization: "Bearer sYsTeMaCcEsStOkEn.1234", "Content-Type": "application/json" } }, bodyAsText: "" }) +
    ` assertion ${JWT} client_secret=s3cr3t-value&scope=x access_token":"plain-token-value"`,
);

test.each([
  ["GraphAuthError", () => new GraphAuthError("tenant-1", "https://login.example", LEAKY)],
  ["ArmAuthError", () => new ArmAuthError("home-1", "https://login.example", LEAKY)],
])("GIVEN a credential error quoting headers, a JWT and form fields WHEN wrapped in %s THEN none of them is in its message, the diagnosis is", (_name, make) => {
  const message = make().message;
  for (const secret of ["sYsTeMaCcEsStOkEn", JWT, "eyJ0eXAi", "s3cr3t-value", "plain-token-value"]) expect(message).not.toContain(secret);
  expect(message).toContain("Bearer [redacted]");
  expect(message).toContain("Received null token from OIDC request");
  expect(message).toContain("application/json");
});
