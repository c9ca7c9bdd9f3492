/**
 * Dynamic providers run the code Pulumi's closure serializer wrote, not the code jest loads. The serializer rewrites
 * classes into functions (`super(…)` becomes `Error.call(this, …)`), which silently drops `message` on Error
 * subclasses: in a deployed provider every Graph error would be reported without its text. These tests run the
 * serialized form of each error the providers throw.
 */
import * as pulumi from "@pulumi/pulumi";
import Module from "node:module";
import { GraphAuthError, GraphIdentityError, GraphRequestError } from "../../dynamic-providers/graph";
import { IdentityConfigurationError, isNotFound, isRequestError, isUserFacing, ProviderError } from "../../dynamic-providers/core";
import { identityCheckProvider } from "../../dynamic-providers/tenant/identity-check";
import { PartialCreateError, reportable, withCleanErrors } from "../../dynamic-providers/provider-kit";
import { ArmAuthError, ArmRequestError } from "../../dynamic-providers/arm";
import { TenantNotReadyError } from "../../dynamic-providers/tenant/readiness";
import { DirectorySurvivedError } from "../../dynamic-providers/tenant/preflight";
import { ProtectedStackError } from "../../dynamic-providers/tenant/destroy-guard";

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
        new GraphRequestError({ method: "DELETE", path: "/x", status: 405, code: "Request_BadRequest", serviceMessage: "no", requestId: "rid-1", attempts: 1 }),
    );
    expect(error).toBeInstanceOf(RealmError);
    expect(error.message).toBe("Graph DELETE /x failed: 405 Request_BadRequest: no (request-id rid-1)");
    expect(error.status).toBe(405);
    expect(error.stack).toContain("Graph DELETE /x failed");
  });

  test("GIVEN 404s from Graph and from ARM WHEN built by serialized code THEN the one not-found test knows both, and a 400 is neither", async () => {
    const [graph404, arm404, graph400] = await runSerialized(() => [
      new GraphRequestError({ method: "GET", path: "/a", status: 404, code: "Request_ResourceNotFound", serviceMessage: "gone", attempts: 1 }),
      new ArmRequestError({ method: "GET", path: "/b", status: 404, code: "ResourceNotFound", serviceMessage: "gone", attempts: 1 }),
      new GraphRequestError({ method: "GET", path: "/c", status: 400, code: "Request_BadRequest", serviceMessage: "bad", attempts: 1 }),
    ]);
    expect([graph404, arm404, graph400].map(isNotFound)).toEqual([true, true, false]);
    expect([graph404, arm404].map((e) => [isRequestError(e), e.service, e.serviceMessage])).toEqual([[true, "Graph", "gone"], [true, "ARM", "gone"]]);
    expect(arm404.message).toBe("ARM GET /b failed: 404 ResourceNotFound: gone (no request id)");
    expect(isNotFound(new Error("404"))).toBe(false);
  });

  test("GIVEN a provider's own failure WHEN the serialized ProviderError is built THEN it keeps its code and text and is reported without a trace", async () => {
    const error = await runSerialized(() => new ProviderError("UnexpectedAnswer", "Graph POST /x answered without an id"));
    expect(error).toBeInstanceOf(RealmError);
    expect([error.name, error.code, error.message]).toEqual(["ProviderError", "UnexpectedAnswer", "Graph POST /x answered without an id"]);
    expect(isUserFacing(error)).toBe(true);
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
      new ArmRequestError({ method: "POST", path: "/p", status: 409, code: "MissingSubscriptionRegistration", serviceMessage: "nope", requestId: "r-1", attempts: 1 }),
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

/**
 * What the dynamic-provider host of @pulumi/pulumi 3.248 prints when check/diff/read/delete throws: exactly
 * `${err}: ${err.stack}` on console.error (cmd/dynamic-provider/index.js), before answering the engine with
 * err.message. This reproduces that print around a serialized provider.
 */
/** The host's catch, run in the realm serialized code runs in (its console is the one the quiet filter wraps). */
const hostCatch = compile(`
  module.exports.hostCatch = async (run) => {
    const printed = [];
    const write = process.stderr.write;
    process.stderr.write = (chunk) => { printed.push(String(chunk)); return true; };
    try {
      await run();
    } catch (err) {
      console.error(\`\${err}: \${err.stack}\`);
      return { printed, error: err };
    } finally {
      process.stderr.write = write;
    }
    throw new Error("the provider method did not throw");
  };
`).hostCatch as (run: () => Promise<unknown>) => Promise<{ printed: string[]; error: Error }>;

async function hostPrint(run: () => Promise<unknown>): Promise<{ printed: string[]; error: Error }> {
  const { printed, error } = await hostCatch(run);
  return { printed: printed.map((p) => p.replace(/\n$/, "")), error };
}

describe("errors leave a serialized provider once, without frames", () => {
  const connection = { tenantId: "11111111-2222-4333-8444-555555555555", graphEndpoint: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com", apiVersion: "beta" as const };

  test("GIVEN a serialized wrapped provider whose read throws a GraphRequestError WHEN the host prints it THEN nothing is printed and the answer is the message, class and status kept", async () => {
    const provider = await runSerialized(() =>
      withCleanErrors({
        async read(): Promise<never> {
          throw new GraphRequestError({ method: "GET", path: "/x", status: 400, code: "Request_BadRequest", serviceMessage: "no", requestId: "rid-2", attempts: 1 });
        },
      }),
    );
    const { printed, error } = await hostPrint(() => provider.read());
    expect(printed).toEqual([]);
    expect(error.message).toBe("Graph GET /x failed: 400 Request_BadRequest: no (request-id rid-2)");
    expect(error.stack).toBe(error.message);
    expect(error.name).toBe("GraphRequestError");
    expect((error as unknown as { status: number }).status).toBe(400);
  });

  test("GIVEN the serialized identity check provider WHEN its check fails for want of a token THEN the host prints nothing and the message is the GraphAuthError's text once", async () => {
    const provider = await runSerialized(() => identityCheckProvider);
    // Nothing listens there: the token request fails at once, as a GraphAuthError.
    const unreachable = { ...connection, authorityHost: "https://127.0.0.1:9", graphEndpoint: "https://127.0.0.1:9" };
    const saved = { ...process.env };
    Object.assign(process.env, { AZURE_CLIENT_ID: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", AZURE_CLIENT_SECRET: "s", AZURE_TENANT_ID: connection.tenantId });
    try {
      const { printed, error } = await hostPrint(() =>
        provider.check!({} as never, { connection: unreachable, features: { apps: true, customAttributes: false, userFlows: true, branding: false, identityProviders: false } } as never),
      );
      expect(printed).toEqual([]);
      expect(error.message).toMatch(/^Could not get a Microsoft Graph token for tenant /);
      expect(error.stack).toBe(error.message);
      expect(error.message.split("Could not get a Microsoft Graph token").length).toBe(2);
    } finally {
      process.env = saved;
    }
  });

  test("GIVEN a wrapped method that hits a bug (TypeError) WHEN the host prints it THEN its trace is printed, untouched", async () => {
    const provider = await runSerialized(() =>
      withCleanErrors({
        async delete(): Promise<void> {
          (undefined as unknown as { x: () => void }).x();
        },
      }),
    );
    const { printed, error } = await hostPrint(() => provider.delete());
    expect(error.name).toBe("TypeError");
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^TypeError: /);
    expect(printed[0]).toMatch(/\n\s+at /);
  });

  test("GIVEN every error class of the project WHEN made reportable THEN each is the same object, its stack is its message, and other lines still print", async () => {
    const errors = await runSerialized(() => [
      new GraphAuthError("t-1", "https://login.example", new Error("AADSTS7000215")),
      new GraphIdentityError("token for tenant A, stack's tenant is B"),
      new IdentityConfigurationError("AZURE_CLIENT_ID and ARM_CLIENT_ID differ"),
      new ArmRequestError({ method: "PUT", path: "/p", status: 400, code: "BadRequest", serviceMessage: "nope", attempts: 1 }),
      new ArmAuthError("home-1", "https://login.example", new Error("AADSTS50076")),
      new PartialCreateError("flow-1", { a: 1 }, new Error("PATCH failed")),
      new TenantNotReadyError("t-1", 60, 4, "OpenID metadata: 400"),
      new DirectorySurvivedError("contoso", 60, "login still answers"),
      new ProtectedStackError("dev"),
    ]);
    for (const e of errors) {
      expect(reportable(e)).toBe(e);
      expect(e.stack).toBe(e.message);
      const { printed } = await hostPrint(async () => {
        throw e;
      });
      expect(printed).toEqual([]);
    }
    const { printed } = await hostPrint(async () => {
      throw reportable(new Error("plain"));
    });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^Error: plain: Error: plain\n\s+at /);
  });
});

