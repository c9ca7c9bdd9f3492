import {
  UNKNOWN,
  changedKeys,
  checkConnection,
  containsUnknown,
  diffManaged,
  failure,
  jsonEqual,
  odataString,
  postOrAdopt,
  upgradeState,
} from "../../dynamic-providers/provider-kit";
import { GraphRequestError } from "../../dynamic-providers/graph";
import { ServiceUnreachableError } from "../../dynamic-providers/core";
import type { GraphConnection } from "../../dynamic-providers/graph";

const conn: GraphConnection = {
  tenantId: "11111111-2222-3333-4444-555555555555",
  graphEndpoint: "https://graph.microsoft.com",
  authorityHost: "https://login.microsoftonline.com",
  apiVersion: "beta",
};

interface Thing {
  connection: GraphConnection;
  name: string;
  tags?: string[];
  kind: string;
}

const spec = { updatable: ["name", "tags"] as const, replaceOn: ["kind"] as const, deleteBeforeReplace: true };

describe("diffManaged", () => {
  const olds: Thing = { connection: conn, name: "a", tags: ["x"], kind: "k" };

  test("GIVEN identical managed keys and a different serialized provider WHEN diffing THEN there is no change", () => {
    const news = { ...olds, __provider: "new closure text" } as Thing;
    const result = diffManaged({ ...olds, __provider: "old" } as Thing, news, { ...spec, updatable: [...spec.updatable], replaceOn: [...spec.replaceOn] });
    expect(result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN a changed updatable key WHEN diffing THEN it is an in-place change", () => {
    const result = diffManaged(olds, { ...olds, name: "b" }, { updatable: ["name", "tags"], replaceOn: ["kind"] });
    expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN a changed replace key WHEN diffing THEN it replaces, deleting first when asked", () => {
    const result = diffManaged(olds, { ...olds, kind: "other" }, { updatable: ["name"], replaceOn: ["kind"], deleteBeforeReplace: true });
    expect(result).toEqual({ changes: true, replaces: ["kind"], deleteBeforeReplace: true });
  });

  test("GIVEN an unknown preview value inside an updatable key WHEN diffing THEN it counts as a change", () => {
    const result = diffManaged(olds, { ...olds, tags: [UNKNOWN] }, { updatable: ["name", "tags"], replaceOn: [] });
    expect(result.changes).toBe(true);
    expect(result.replaces).toEqual([]);
  });

  test("GIVEN another tenant id (case aside) WHEN diffing THEN the connection forces replacement", () => {
    const same = diffManaged(olds, { ...olds, connection: { ...conn, tenantId: conn.tenantId.toUpperCase() } }, { updatable: ["name"], replaceOn: [] });
    expect(same.changes).toBe(false);
    const other = diffManaged(olds, { ...olds, connection: { ...conn, tenantId: "99999999-2222-3333-4444-555555555555" } }, { updatable: ["name"], replaceOn: [] });
    expect(other.replaces).toEqual(["connection"]);
  });

  test("GIVEN only connection tuning changed WHEN diffing THEN it is an in-place change and nothing is replaced", () => {
    const result = diffManaged(olds, { ...olds, connection: { ...conn, retryDeadlineSeconds: 30 } }, { updatable: ["name"], replaceOn: ["kind"] });
    expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("GIVEN a custom equality for a set-like key WHEN only order differs THEN there is no change", () => {
    const asSet = (a: unknown, b: unknown) => jsonEqual([...(a as string[])].sort(), [...(b as string[])].sort());
    const result = diffManaged({ ...olds, tags: ["x", "y"] }, { ...olds, tags: ["y", "x"] }, { updatable: ["tags"], replaceOn: [], equal: { tags: asSet } });
    expect(result.changes).toBe(false);
  });
});

describe("changedKeys and jsonEqual", () => {
  test("GIVEN objects with other key order and undefined members WHEN compared THEN they are equal", () => {
    expect(jsonEqual({ a: 1, b: { c: [1, 2] }, d: undefined }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });

  test("GIVEN old and new values WHEN listing changed keys THEN only differing keys are returned", () => {
    expect(changedKeys({ a: 1, b: "x", c: true }, { a: 1, b: "y", c: false }, ["a", "b", "c"])).toEqual(["b", "c"]);
  });
});

describe("containsUnknown", () => {
  test("GIVEN nested values WHEN one is the preview sentinel THEN it is found", () => {
    expect(containsUnknown({ a: [{ b: UNKNOWN }] })).toBe(true);
    expect(containsUnknown({ a: [{ b: "known" }], c: null })).toBe(false);
  });
});

describe("checkConnection", () => {
  test("GIVEN a valid connection WHEN checked THEN there is no failure", () => {
    expect(checkConnection(conn)).toEqual([]);
  });

  test("GIVEN bad values WHEN checked THEN each failure names the property, the value and what is allowed", () => {
    const failures = checkConnection({ ...conn, tenantId: "contoso", graphEndpoint: "http://graph.local/v1.0", apiVersion: "v2" as never, maxConcurrentRequests: -1 });
    expect(failures.map((f) => f.property)).toEqual([
      "connection.tenantId",
      "connection.graphEndpoint",
      "connection.apiVersion",
      "connection.maxConcurrentRequests",
    ]);
    expect(failures[0].reason).toBe('connection.tenantId: "contoso" is not valid; a tenant id (GUID) is required');
  });

  test("GIVEN unknown values during preview WHEN checked THEN they are skipped", () => {
    expect(checkConnection({ ...conn, tenantId: UNKNOWN })).toEqual([]);
  });

  test("GIVEN a connection unknown as a whole (built from a tenant still to be created) WHEN checked in preview THEN it is skipped, not refused as a non-object", () => {
    expect(checkConnection(UNKNOWN as unknown as GraphConnection)).toEqual([]);
    expect(checkConnection("graph" as unknown as GraphConnection)).toHaveLength(1); // a real non-object still fails
  });
});

describe("failure, odataString", () => {
  test("GIVEN a bad value WHEN a failure is built THEN one wording is used", () => {
    expect(failure("displayName", "", "1-256 characters are required")).toEqual({
      property: "displayName",
      reason: 'displayName: "" is not valid; 1-256 characters are required',
    });
  });

  test("GIVEN a name with a quote WHEN made an OData literal THEN the quote is doubled", () => {
    expect(odataString("O'Neil flow")).toBe("'O''Neil flow'");
  });
});

describe("upgradeState", () => {
  test("GIVEN state written without a version WHEN upgraded THEN each step runs in order", () => {
    const state = upgradeState<{ stateVersion: number; name: string; label: string }>({ title: "x" }, 3, {
      1: (s) => ({ ...s, name: s.title }),
      2: (s) => ({ ...s, label: `${s.name}!` }),
    });
    expect(state).toEqual({ title: "x", name: "x", label: "x!", stateVersion: 3 });
  });

  test("GIVEN state from a newer provider WHEN upgraded THEN it refuses rather than guessing", () => {
    expect(() => upgradeState({ stateVersion: 5 }, 2)).toThrow("stateVersion 5 > 2");
    expect(() => upgradeState({ stateVersion: 5 }, 2)).toThrow(expect.objectContaining({ name: "ProviderError", code: "StateVersion" }));
  });
});

describe("postOrAdopt: a create's POST whose answer may be lost", () => {
  const lost = () =>
    new ServiceUnreachableError({ service: "Graph", method: "POST", path: "/identity/b2xUserFlows", origin: "https://graph.microsoft.com", networkCode: "ECONNRESET", detail: "socket hang up", transient: true, attempts: 1 });
  /** A run of postOrAdopt with scripted answers; records what it asked. */
  async function run(script: { posts: (() => unknown)[]; finds: (() => unknown)[] }) {
    const calls: string[] = [];
    const result = postOrAdopt({
      post: async () => {
        calls.push("POST");
        return script.posts.shift()!();
      },
      find: async () => {
        calls.push("find");
        return script.finds.shift()!() as { id: string } | undefined;
      },
      adopt: async (found): Promise<Record<string, string>> => ({ adopted: found.id }),
      created: (answer) => ({ created: (answer as { id: string }).id }),
    });
    return { result: await result.then((r) => ({ ok: r }), (e: unknown) => ({ error: e })), calls };
  }

  test("GIVEN a POST that answers WHEN creating THEN the object is created without a lookup", async () => {
    expect(await run({ posts: [() => ({ id: "new" })], finds: [] })).toEqual({ result: { ok: { created: "new" } }, calls: ["POST"] });
  });

  test("GIVEN a lost answer and the object there WHEN creating THEN it is adopted, not posted again", async () => {
    const r = await run({ posts: [() => { throw lost(); }], finds: [() => ({ id: "made" })] });
    expect(r).toEqual({ result: { ok: { adopted: "made" } }, calls: ["POST", "find"] });
  });

  test("GIVEN a lost answer and no object WHEN creating THEN the POST is sent once more", async () => {
    const r = await run({ posts: [() => { throw lost(); }, () => ({ id: "second" })], finds: [() => undefined] });
    expect(r).toEqual({ result: { ok: { created: "second" } }, calls: ["POST", "find", "POST"] });
  });

  test("GIVEN a duplicate reported by a POST retried after a gateway timeout WHEN creating THEN the object the first made is adopted", async () => {
    const duplicate = new GraphRequestError({ status: 409, code: "Conflict", serviceMessage: "An object with the same name exists", method: "POST", path: "/identity/b2xUserFlows", requestId: "r-1", attempts: 2 });
    const r = await run({ posts: [() => { throw duplicate; }], finds: [() => ({ id: "first" })] });
    expect(r).toEqual({ result: { ok: { adopted: "first" } }, calls: ["POST", "find"] });
  });

  test("GIVEN a refused POST and no object WHEN creating THEN Graph's refusal is the error, with no second POST", async () => {
    const refused = new Error("Graph 400 Request_BadRequest");
    const r = await run({ posts: [() => { throw refused; }], finds: [() => undefined] });
    expect(r).toEqual({ result: { error: refused }, calls: ["POST", "find"] });
  });

  test("GIVEN a lost answer and a lookup that fails too WHEN creating THEN the POST's error is thrown and nothing is posted again (it could duplicate the object)", async () => {
    const first = lost();
    const r = await run({ posts: [() => { throw first; }], finds: [() => { throw new Error("lookup failed"); }] });
    expect(r).toEqual({ result: { error: first }, calls: ["POST", "find"] });
  });
});
