/**
 * Shared set-up of the branding provider tests: one emulator per test (fresh tenant, switches as given), client
 * credentials in the environment (restored afterwards), a fast-retrying connection, and small PNG/CSS files.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedRequest } from "../emulator";
import type { GraphConnection } from "../../dynamic-providers/graph";

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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

/** A valid RGB PNG of one colour. */
export function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Writes `bytes` to `dir/name` and returns the absolute path and the SHA-256. */
export function writeFixture(dir: string, name: string, bytes: Buffer): { path: string; sha256: string; bytes: Buffer } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: sha256(bytes), bytes };
}
