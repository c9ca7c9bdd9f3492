/**
 * The program's first request: has the engine start Pulumi's dynamic-provider process before the program loads.
 *
 * The engine starts that process — a second Node.js that loads the Pulumi SDK, about 0.4 s here — only when the
 * program first needs it, which would be its first dynamic resource, registered after the program's modules have
 * loaded and the config is validated (another 0.3–0.5 s, synchronous: nothing else runs meanwhile). An invoke of
 * the `pulumi-nodejs` package needs the same default provider, so the engine starts the process for it; the process
 * answers "unknown function" (it implements no function), which is ignored. Nothing is written to the state for
 * an invoke, and its default provider is the one every dynamic resource of the stack already uses.
 *
 * This module imports only the SDK's `runtime/invoke`, whose dependencies the language host has loaded already
 * with the runtime it runs the program in (it then loads in about 1 ms); `@pulumi/pulumi` itself (its index loads
 * the automation API and the closure serializer's npm tooling, some 0.2 s) is loaded after the request is out.
 */
import { invoke } from "@pulumi/pulumi/runtime/invoke";

/** The function the warm-up asks for: one the dynamic-provider process does not have (it implements none). */
export const WARM_UP_TOKEN = "pulumi-nodejs:dynamic:startProcess";

/**
 * Sends the warm-up invoke and yields once so that the request goes out before the caller goes on synchronously.
 * The yield is one turn of the event loop, not a wait for an answer: the program then loads while the process
 * starts. A refusal, the expected answer, is ignored.
 */
export async function startProviderProcess(): Promise<void> {
  invoke(WARM_UP_TOKEN, {}).catch(() => undefined);
  await new Promise<void>((resolve) => setImmediate(resolve));
}
