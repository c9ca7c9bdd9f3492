/**
 * Shared set-up of the branding provider tests: one emulator per test (fresh tenant, switches as given), client
 * credentials in the environment (restored afterwards), a fast-retrying connection, and small PNG/CSS files.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedRequest } from "../emulator";
import type { GraphConnection } from "../../dynamic-providers/graph";
import { makePng } from "../config/fixtures";

export interface BrandingTestContext {
  emu: Emulator;
  conn: GraphConnection;
  /** `/organization/{tenantId}/branding` as the emulator records paths. */
  base: string;
  /** A temp dir for image fixtures, removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

const running: BrandingTestContext[] = [];

/** Stops every emulator started by the current test (call in afterEach). */
export async function stopBrandingEmulators(): Promise<void> {
  for (const c of running.splice(0)) await c.stop();
}

export async function startBrandingEmulator(options: Partial<EmulatorOptions> = {}): Promise<BrandingTestContext> {
  const emu = await startEmulator(options);
  const saved = { id: process.env.AZURE_CLIENT_ID, secret: process.env.AZURE_CLIENT_SECRET };
  process.env.AZURE_CLIENT_ID = emu.clientId;
  process.env.AZURE_CLIENT_SECRET = emu.clientSecret;
  const dir = mkdtempSync(join(tmpdir(), "branding-test-"));
  const conn: GraphConnection = {
    tenantId: emu.tenantId,
    graphEndpoint: emu.url,
    authorityHost: emu.url,
    apiVersion: "beta",
    minRetryDelayMs: 5,
    retryDeadlineSeconds: 2,
    replicationWaitSeconds: 5,
  };
  const context: BrandingTestContext = {
    emu,
    conn,
    base: `/organization/${emu.tenantId}/branding`,
    dir,
    async stop() {
      restoreEnv("AZURE_CLIENT_ID", saved.id);
      restoreEnv("AZURE_CLIENT_SECRET", saved.secret);
      rmSync(dir, { recursive: true, force: true });
      await emu.stop();
    },
  };
  running.push(context);
  return context;
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Graph calls only (no login calls), as `METHOD path` with the status Graph answered. */
export function graphCalls(emu: Emulator): string[] {
  return emu.requests.filter((r) => r.version !== null).map((r) => `${r.method} ${r.path} ${r.status}`);
}

/** Mutating Graph calls as `METHOD path status`. */
export function writeCalls(emu: Emulator): string[] {
  return emu.writes().map((r) => `${r.method} ${r.path} ${r.status}`);
}

export function writesOf(emu: Emulator, method: string): RecordedRequest[] {
  return emu.writes().filter((r) => r.method === method);
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A valid RGB PNG of one colour (the one PNG encoder of the tests lives in tests/config/fixtures.ts). */
export function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  return makePng(width, height, () => rgb);
}

/** Writes `bytes` to `dir/name` and returns the absolute path and the SHA-256. */
export function writeFixture(dir: string, name: string, bytes: Buffer): { path: string; sha256: string; bytes: Buffer } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: sha256(bytes), bytes };
}
