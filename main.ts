/**
 * The program's entry point (Pulumi.yaml `main`): has the engine start Pulumi's dynamic-provider process, then runs
 * `index.ts`, which reads the validated stack config and composes the stack. Its outputs are `index.ts`'s exports.
 *
 * Why a separate entry: `index.ts` imports the program's modules and validates the config synchronously, so a
 * request sent from there would wait until all of it is done; from here the process starts while it is done
 * (see `dynamic-providers/warm-up.ts`). A no-op preview of the smallest stack is about 0.35 s faster (`npm run bench`).
 */
// Only this import before the request: anything more (even `@pulumi/pulumi`, see warm-up.ts) delays it.
import { startProviderProcess } from "./dynamic-providers/warm-up";

export = async (): Promise<Record<string, unknown>> => {
  await startProviderProcess();
  // `require`, not `import()`: the stack's outputs are the module's exports as they are, with no `default` added.
  return require("./index") as Record<string, unknown>;
};
