/**
 * Four jest projects, by what a test needs (tests/support/projects.js reads it from the imports):
 *   unit      nothing beyond Node: `npm run test:unit`, seconds, no certificates, emulator, SDKs or CLI
 *   program   the Pulumi program and components under Pulumi mocks (loads the azure-native/azuread SDKs)
 *   emulator  the local HTTPS Graph/login/ARM emulator and its test CA
 *   e2e       the real Pulumi CLI (and the pipeline linters)
 * `npm test` runs all four (tests/support/run-jest.js provides the CA and the CLI first).
 *
 * Jest runs the TypeScript sources through ts-jest in transpile-only mode (isolatedModules in tsconfig.json):
 * type errors are caught once, up front, by `tsc --noEmit` in `npm test`, which is much faster
 * than type-checking every test file against @pulumi/azure-native's declarations again.
 */
const { projects } = require("./tests/support/projects");

const lanes = projects();

/** @type {(name: keyof typeof lanes) => import('jest').Config} */
const project = (name) => ({
  displayName: name,
  testEnvironment: "node",
  rootDir: __dirname,
  roots: ["<rootDir>/tests"],
  testMatch: lanes[name].length ? lanes[name] : ["<rootDir>/tests/__no_test_in_this_lane__"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [project("unit"), project("program"), project("emulator"), project("e2e")],
  testTimeout: 60000,
  // Tests start HTTPS emulators on ephemeral ports; the worker count stays modest on 2 cores.
  maxWorkers: 2,
};
