/** End-to-end tests: real `cdktf deploy` / terraform against a throwaway moto server per suite. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/__tests__/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  testTimeout: 600_000,
  // Each suite starts its own moto and terraform processes and spends most of its time in the AWS provider's
  // lifecycle wait (docs/performance.md), not on a core: three at a time fit 2 cores (docs/e2e-tests.md).
  maxWorkers: 3,
};
