/**
 * Jest runs the TypeScript sources through ts-jest in transpile-only mode (isolatedModules in tsconfig.json):
 * type errors are caught once, up front, by `tsc --noEmit` in `npm test`, which is much faster
 * than type-checking every test file against @pulumi/azure-native's declarations again.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  testTimeout: 60000,
  // Tests start HTTPS emulators on ephemeral ports; the worker count stays modest on 2 cores.
  maxWorkers: 2,
};
