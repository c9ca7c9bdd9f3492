/**
 * DestroyGuard's provider: its delete (the first step of `pulumi destroy`, since it depends on every other resource)
 * refuses while the state says `protected`, with a message naming the stack and the commands that make it
 * disposable; it passes once `pulumi up` recorded `ephemeral`. Pure: it calls nothing.
 *
 * Not proven here: the engine's ordering (the program test pins the dependencies; the real CLI was checked by hand:
 * `pulumi destroy --skip-preview` deletes the guard first and stops at its error, nothing else deleted).
 */
import { ProtectedStackError, destroyGuardProvider } from "../../dynamic-providers/tenant/destroy-guard";

const state = (lifecycle: "protected" | "ephemeral") => ({ lifecycle, stack: "dev", stateVersion: 1 });

describe("DestroyGuard", () => {
  test("GIVEN a protected stack WHEN destroyed THEN delete fails saying nothing was deleted and how to make the stack disposable", async () => {
    const error = await destroyGuardProvider.delete!("dev", state("protected")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtectedStackError);
    expect((error as Error).message).toBe(
      'stack "dev" is protected (ciam-tenant:lifecycle is "protected"), so pulumi destroy stopped before deleting anything: ' +
        "a protected stack never deletes its tenant, its users or what it configured in them. To make the stack disposable: " +
        "pulumi config set ciam-tenant:lifecycle ephemeral --stack dev; pulumi up --stack dev; then pulumi destroy --stack dev.",
    );
  });

  test("GIVEN a state with no recognisable lifecycle WHEN destroyed THEN it fails safe, as protected", async () => {
    await expect(destroyGuardProvider.delete!("dev", { stack: "dev", stateVersion: 1 } as never)).rejects.toBeInstanceOf(ProtectedStackError);
  });

  test("GIVEN an ephemeral stack WHEN destroyed THEN delete passes", async () => {
    await expect(destroyGuardProvider.delete!("dev", state("ephemeral"))).resolves.toBeUndefined();
  });

  test("GIVEN a protected stack switched to ephemeral WHEN up runs THEN the diff is an in-place update recording the new lifecycle", async () => {
    const news = { lifecycle: "ephemeral" as const, stack: "dev" };
    expect(await destroyGuardProvider.diff!("dev", state("protected"), news)).toEqual({ changes: true, replaces: [] });
    expect(await destroyGuardProvider.update!("dev", state("protected"), news)).toEqual({ outs: { ...news, stateVersion: 1 } });
    expect(await destroyGuardProvider.diff!("dev", state("ephemeral"), news)).toEqual({ changes: false, replaces: [] });
  });

  test("GIVEN an unknown lifecycle value WHEN checked THEN the failure names it and the allowed values", async () => {
    const result = await destroyGuardProvider.check!({} as never, { lifecycle: "temporary" as never, stack: "dev" });
    expect(result.failures).toEqual([{ property: "lifecycle", reason: 'lifecycle: "temporary" is not valid; allowed: "protected", "ephemeral"' }]);
  });
});
