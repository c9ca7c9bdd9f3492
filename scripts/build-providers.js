#!/usr/bin/env node
/*
 * `npm run build:providers` (and `prepare`, which npm runs after `npm ci` and `npm install`): builds
 * dynamic-providers/dist, the code of the workspace package ciam-tenant-providers that every resource's state
 * refers to (dynamic-providers/reference.ts). Does nothing when it is already built from these sources.
 * The program rebuilds it too when the sources change, so this matters for `pulumi refresh` and `pulumi destroy`,
 * which run the providers without running the program.
 */
"use strict";
const path = require("node:path");

const root = path.resolve(__dirname, "..");
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
const { ensureProvidersPackage, PROVIDERS_PACKAGE } = require(path.join(root, "dynamic-providers", "reference"));
try {
  const built = ensureProvidersPackage();
  console.log(built ? `${PROVIDERS_PACKAGE}: built dynamic-providers/dist` : `${PROVIDERS_PACKAGE}: dynamic-providers/dist is up to date`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
