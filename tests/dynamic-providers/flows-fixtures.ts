/**
 * Shared set-up of the user-flow provider tests: one HTTPS Graph emulator per describe block, the client credentials
 * it accepts in the environment (removed again afterwards), a connection with short deadlines, and small helpers
 * to read the write log.
 */
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedRequest } from "../emulator";
import type { GraphConnection } from "../../dynamic-providers/graph";
import { UNKNOWN } from "../../dynamic-providers/provider-kit";

export { UNKNOWN };

export interface Fixture {
  readonly emu: Emulator;
  readonly connection: GraphConnection;
  /** Mutating Graph calls since the last `emu.clearLog()`, as `METHOD path`. */
  writeLines(): string[];
  /** Every Graph call (reads too) since the last `emu.clearLog()`; login calls excluded. */
  graphCalls(): RecordedRequest[];
}

/**
 * Starts an emulator in `beforeAll` and stops it in `afterAll`; before each test the log, faults and replication
 * lag are reset and the credentials put (back) in the environment. Use the returned getter inside tests.
 */
export function useEmulator(options: Partial<EmulatorOptions> = {}): () => Fixture {
  let fixture: Fixture | undefined;
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startEmulator(options);
    const e = emu;
    fixture = {
      emu: e,
      connection: {
        tenantId: e.tenantId,
        graphEndpoint: e.url,
        authorityHost: e.url,
        apiVersion: "beta",
        minRetryDelayMs: 5,
        retryDeadlineSeconds: 2,
        replicationWaitSeconds: 5,
      },
      writeLines: () => e.writes().map((w) => `${w.method} ${w.path}`),
      graphCalls: () => e.requests.filter((r) => r.version !== null),
    };
  });
  beforeEach(() => {
    if (!emu) throw new Error("emulator not started");
    process.env.AZURE_CLIENT_ID = emu.clientId;
    process.env.AZURE_CLIENT_SECRET = emu.clientSecret;
    emu.faults.clear();
    emu.options.replicationLag = undefined;
    emu.clearLog();
  });
  afterEach(() => {
    delete process.env.AZURE_CLIENT_ID;
    delete process.env.AZURE_CLIENT_SECRET;
  });
  afterAll(async () => {
    await emu?.stop();
  });
  return () => {
    if (!fixture) throw new Error("emulator not started");
    return fixture;
  };
}

/** The rejection of `p` (fails the test when `p` resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
    throw new Error(`rejected with a non-Error: ${String(e)}`);
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Flow path segments used in write assertions. */
export const FLOWS = "/identity/authenticationEventsFlows";
export const IDP_SEGMENT =
  "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders";
export const ATTR_SEGMENT =
  "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes";
