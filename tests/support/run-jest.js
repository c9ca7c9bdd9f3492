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
 *
 * The end-to-end tests (tests/e2e) run the real Pulumi CLI. Before jest starts, scripts/install-pulumi-cli.sh
 * provides it (a new-enough `pulumi` on PATH, else one built from Go modules into .pulumi-cli/; seconds when
 * already there) and its directory is handed to the tests in CIAM_PULUMI_BIN. If it cannot, the run fails here:
 * the engine tests are never skipped.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { ensureTestCertificates } = require("./test-certs");
const { ensurePulumiCli } = require("./pulumi-cli");

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
  env.CIAM_PULUMI_BIN = ensurePulumiCli(env);
  const resultsFile = path.join(root, "tests", ".cache", "jest-results.json");
  fs.rmSync(resultsFile, { force: true });
  const jestArgs = [require.resolve("jest/bin/jest"), "--json", `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
  if (process.env.CI) jestArgs.push("--ci");
  const jest = spawnSync(process.execPath, jestArgs, { cwd: root, env, stdio: "inherit" });
  process.exit(summarize(resultsFile, jest.status ?? 1));
}

/**
 * One plain closing line (`jest: N passed, N failed, N skipped`) that CI can read, and no skipped or
 * todo test under CI: a test that does not run proves nothing.
 */
function summarize(resultsFile, status) {
  let results;
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
  } catch {
    console.error("jest wrote no results file; see its output above.");
    return status || 1;
  }
  const skipped = results.numPendingTests + results.numTodoTests;
  console.log(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
  if (process.env.CI && skipped > 0) {
    console.error(`${skipped} test(s) skipped or todo: CI runs every test; remove the skip.`);
    return 1;
  }
  if (results.numTotalTests === 0) {
    console.error("No test ran.");
    return 1;
  }
  return status;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
