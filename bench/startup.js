#!/usr/bin/env node
/*
 * Where the program's start-up goes, phase by phase, in one Node.js process (run by bench/engine.ts; plain
 * JavaScript so that nothing is loaded before the first phase): ts-node, the Pulumi SDK, the project's own modules,
 * (with the azure-native and azuread modules they import), then the program itself under Pulumi mocks (config
 * validation, resource construction) on a stack with an existing tenant and app, until every closure the SDK
 * serializes is done. Prints a markdown table.
 */
"use strict";
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const phases = [];
let last = process.hrtime.bigint();
function phase(name, detail = "") {
  const now = process.hrtime.bigint();
  phases.push([name, Number(now - last) / 1e6, detail]);
  last = now;
}

async function main() {
  process.chdir(root);
  require("ts-node").register({ project: path.join(root, "tsconfig.json") });
  phase("ts-node (transpile only) registered");
  const pulumi = require("@pulumi/pulumi");
  phase("@pulumi/pulumi loaded");
  require(path.join(root, "config", "schema"));
  for (const c of ["tenant", "spa-application", "sign-in-experience", "automation-identity"]) require(path.join(root, "components", c));
  phase("the project's modules transpiled and loaded", "with the azure-native and azuread modules they import");

  const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const original = closure.serializeFunction;
  const pending = [];
  let bytes = 0;
  closure.serializeFunction = (...args) => {
    const p = original.apply(closure, args).then((sf) => {
      bytes += sf.text.length;
      return sf;
    });
    pending.push(p);
    return p;
  };
  pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
    "ciam-tenant",
    "bench",
    true,
  );
  const tenantId = "11111111-2222-4333-8444-555555555555";
  const config = {
    tenant: { existing: { tenantId, subdomain: "contoso" } },
    apps: [{ key: "spa", existing: { clientId: "22222222-3333-4444-8555-666666666666" } }],
    userFlows: [{ key: "sisu", displayName: "SignUpSignIn", identityProviders: ["emailPassword"], apps: ["spa"] }],
    branding: { default: { backgroundColor: "#F0F4F8", images: { bannerLogo: "branding/banner.png" } } },
    lifecycle: "ephemeral",
  };
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`ciam-tenant:${k}`, typeof v === "string" ? v : JSON.stringify(v)])));
  require(path.join(root, "index"));
  phase("program ran: config validated, resources constructed");
  await Promise.all(pending);
  phase("closures serialized by the SDK", `${pending.length} serializations, ${(bytes / 1024).toFixed(1)} KB of code`);

  const total = phases.reduce((a, [, ms]) => a + ms, 0);
  const lines = ["| phase | time | |", "|---|---|---|"];
  for (const [name, ms, detail] of phases) lines.push(`| ${name} | ${(ms / 1000).toFixed(2)} s | ${detail} |`);
  lines.push(`| total in the program process | ${(total / 1000).toFixed(2)} s | |`);
  console.log(lines.join("\n"));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
