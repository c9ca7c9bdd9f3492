#!/usr/bin/env node
/*
 * `npm test` entry point.
 *
 * The Graph emulator speaks HTTPS because the stock @microsoft/microsoft-graph-client only attaches
 * the Authorization header to https:// hosts (see the reference sheet, section 7), and MSAL refuses
 * plain-http authorities. Node reads NODE_EXTRA_CA_CERTS only when a process starts, so this launcher
 * makes (once) a throw-away test CA + localhost certificate, then starts tsc and jest with the CA
 * trusted. Every child process (jest workers, the Pulumi CLI and its dynamic-provider host in the
 * end-to-end tests) inherits the variable.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const { ensureTestCertificates } = require("./test-certs");

async function main() {
  const root = path.resolve(__dirname, "..", "..");
  const certs = await ensureTestCertificates();
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certs.caFile };

  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], {
    cwd: root, env, stdio: "inherit",
  });
  if (tsc.status !== 0) {
    console.error("Type check failed: fix the errors above before the tests run.");
    process.exit(tsc.status ?? 1);
  }
  const jestArgs = [require.resolve("jest/bin/jest"), ...process.argv.slice(2)];
  if (process.env.CI) jestArgs.push("--ci");
  const jest = spawnSync(process.execPath, jestArgs, { cwd: root, env, stdio: "inherit" });
  process.exit(jest.status ?? 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
