/**
 * Shared set-up of the tenant lifecycle provider tests: an emulator per test, started with the test's switches, its
 * client credentials in the environment (restored afterwards) and the providers' progress lines (stderr) captured.
 */
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";

const CREDENTIAL_VARIABLES = ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] as const;

export interface LifecycleHarness {
  /** Starts this test's emulator (stopped after the test) and points the credential variables at it. */
  start(options: Partial<EmulatorOptions>): Promise<Emulator>;
  /** Lines the providers wrote to stderr during this test. */
  readonly progress: string[];
}

/** Call at the top level of a test file: registers the afterEach that stops the emulator and restores the env. */
export function lifecycleHarness(): LifecycleHarness {
  const saved = Object.fromEntries(CREDENTIAL_VARIABLES.map((k) => [k, process.env[k]]));
  let current: Emulator | undefined;
  const progress: string[] = [];
  afterEach(async () => {
    for (const k of CREDENTIAL_VARIABLES) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    jest.restoreAllMocks();
    await current?.stop();
    current = undefined;
  });
  return {
    progress,
    async start(options) {
      current = await startEmulator({ armRetryAfterSeconds: 0, armAsyncPolls: 1, ...options });
      Object.assign(process.env, { AZURE_CLIENT_ID: current.clientId, AZURE_CLIENT_SECRET: current.clientSecret });
      progress.length = 0;
      jest.spyOn(process.stderr, "write").mockImplementation((line) => (progress.push(String(line)), true));
      return current;
    },
  };
}
