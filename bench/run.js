#!/usr/bin/env node
/*
 * `npm run bench`: makes sure the test CA and the Pulumi CLI exist (as `npm test` does), then runs the engine
 * benchmark (bench/engine.ts) with the CA trusted. Not part of `npm test`: it times things.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const { ensureTestCertificates } = require("../tests/support/test-certs");
const { ensurePulumiCli } = require("../tests/support/pulumi-cli");

async function main() {
  const root = path.resolve(__dirname, "..");
  const certs = await ensureTestCertificates();
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certs.caFile };
  env.CIAM_PULUMI_BIN = ensurePulumiCli(env);
  const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), path.join(__dirname, "engine.ts"), ...process.argv.slice(2)], {
    cwd: root, env, stdio: "inherit",
  });
  process.exit(r.status ?? 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
