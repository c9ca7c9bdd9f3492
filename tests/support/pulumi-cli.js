/*
 * Finds or builds the Pulumi CLI the end-to-end tests and the benchmark run (scripts/install-pulumi-cli.sh) and
 * returns the directory holding it. Seconds when it is already there; throws, with the installer's reason on
 * stderr, when it cannot provide one: the engine tests are never skipped.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");

function ensurePulumiCli(env = process.env) {
  if (env.CIAM_PULUMI_BIN) return env.CIAM_PULUMI_BIN;
  const r = spawnSync("bash", [path.join(ROOT, "scripts", "install-pulumi-cli.sh")], {
    cwd: ROOT, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"],
  });
  const dir = (r.stdout || "").trim().split("\n").pop();
  if (r.status !== 0 || !dir) {
    throw new Error(`scripts/install-pulumi-cli.sh could not provide the Pulumi CLI (exit ${r.status ?? r.signal}; see above); the end-to-end tests need it`);
  }
  return dir;
}

module.exports = { ensurePulumiCli };
