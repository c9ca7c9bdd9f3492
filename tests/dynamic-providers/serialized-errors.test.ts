/**
 * Dynamic providers run the code Pulumi's closure serializer wrote, not the code jest loads. The serializer rewrites
 * classes into functions (`super(…)` becomes `Error.call(this, …)`), which silently drops `message` on Error
 * subclasses: in a deployed provider every Graph error would be reported without its text. These tests run the
 * serialized form of each error the providers throw.
 */
import * as pulumi from "@pulumi/pulumi";
import Module from "node:module";
import { GraphAuthError, GraphIdentityError, GraphRequestError, IdentityConfigurationError } from "../../dynamic-providers/graph";
import { identityCheckProvider } from "../../dynamic-providers/identity-check";
import { PartialCreateError } from "../../dynamic-providers/provider-kit";
import { ArmAuthError, ArmRequestError } from "../../dynamic-providers/arm";
import { TenantNotReadyError } from "../../dynamic-providers/tenant-readiness";
import { DirectorySurvivedError } from "../../dynamic-providers/tenant-preflight";
import { ProtectedStackError } from "../../dynamic-providers/destroy-guard";

/** Loads code the way the dynamic-provider host does: as a plain Node module, outside jest's sandbox. */
function compile(code: string): Record<string, unknown> {
  const mod = new Module("serialized-provider.js");
  mod.paths = module.paths;
  (mod as unknown as { _compile(code: string, file: string): void })._compile(code, "serialized-provider.js");
  return mod.exports as Record<string, unknown>;
}

/** The Error constructor of the realm serialized code runs in (jest's sandbox has another one). */
const RealmError = compile("module.exports.Error = Error;").Error as ErrorConstructor;

async function runSerialized<T>(factory: () => T): Promise<T> {
  const serialized = await pulumi.runtime.serializeFunction(() => factory);
  const outer = compile(serialized.text)[serialized.exportName] as () => () => T;
  return outer()();
}

describe("errors thrown by serialized providers keep their text", () => {
  test("GIVEN a Graph failure WHEN the serialized GraphRequestError is built THEN its message has the call, status, code and request-id", async () => {
    const error = await runSerialized(
      () =>
        new GraphRequestError({ method: "DELETE", path: "/x", status: 405, code: "Request_BadRequest", graphMessage: "no", requestId: "rid-1", attempts: 1 }),
    );
    expect(error).toBeInstanceOf(RealmError);
    expect(error.message).toBe("Graph DELETE /x failed: 405 Request_BadRequest: no (request-id rid-1)");
    expect(error.status).toBe(405);
    expect(error.stack).toContain("Graph DELETE /x failed");
  });

  test("GIVEN a token failure WHEN the serialized GraphAuthError is built THEN its message names the tenant and the cause", async () => {
    const error = await runSerialized(() => new GraphAuthError("t-1", "https://login.example", new Error("AADSTS7000215")));
    expect(error).toBeInstanceOf(RealmError);
    expect(error.message).toContain("tenant t-1 from https://login.example: AADSTS7000215");
    expect(`${error}`).toContain("GraphAuthError: Could not get a Microsoft Graph token");
  });

  test("GIVEN a create that failed half-way WHEN the serialized PartialCreateError is built THEN it keeps id, properties and text", async () => {
    const error = await runSerialized(() => new PartialCreateError("flow-1", { a: 1 }, new Error("PATCH failed")));
    expect(error).toBeInstanceOf(RealmError);
    expect(error.message).toBe("created flow-1 but could not finish configuring it: PATCH failed");
    expect(error.id).toBe("flow-1");
    expect(error.properties).toEqual({ a: 1 });
  });

  test("GIVEN a wrong identity WHEN the serialized GraphIdentityError and IdentityConfigurationError are built THEN their messages survive", async () => {
    const identity = await runSerialized(() => new GraphIdentityError("token for tenant A, stack's tenant is B"));
    expect(identity).toBeInstanceOf(RealmError);
    expect(identity.message).toBe("token for tenant A, stack's tenant is B");
    const config = await runSerialized(() => new IdentityConfigurationError("AZURE_CLIENT_ID and ARM_CLIENT_ID differ"));
    expect(config).toBeInstanceOf(RealmError);
    expect(`${config}`).toBe("IdentityConfigurationError: AZURE_CLIENT_ID and ARM_CLIENT_ID differ");
  });

  test("GIVEN the identity check provider WHEN serialized and given invalid features THEN its check reports the failure without any call", async () => {
    const provider = await runSerialized(() => identityCheckProvider);
    const connection = { tenantId: "11111111-2222-4333-8444-555555555555", graphEndpoint: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com", apiVersion: "beta" as const };
    const result = await provider.check!({} as never, { connection, features: { apps: "yes" } as never });
    expect(result.failures).toEqual([
      { property: "features", reason: expect.stringContaining("an object with the booleans apps, customAttributes, userFlows, branding is required") },
    ]);
  });

  test("GIVEN the lifecycle errors WHEN built serialized THEN each keeps its text (what pulumi up/destroy print)", async () => {
    const errors = await runSerialized(() => [
      new ArmRequestError({ method: "POST", path: "/p", status: 409, code: "MissingSubscriptionRegistration", armMessage: "nope", requestId: "r-1", attempts: 1 }),
      new ArmAuthError("home-1", "https://login.example", new Error("AADSTS50076")),
      new TenantNotReadyError("t-1", 60, 4, "OpenID metadata: 400"),
      new DirectorySurvivedError("contoso", 60, "login still answers"),
      new ProtectedStackError("dev"),
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(RealmError);
    expect(errors.map((e) => e.message.slice(0, 40))).toEqual([
      "ARM POST /p failed: 409 MissingSubscript",
      "Could not get an Azure Resource Manager ",
      "tenant t-1 did not answer within 60s (4 ",
      "the tenant contoso.onmicrosoft.com was d",
      'stack "dev" is protected (ciam-tenant:li',
    ]);
  });
});
