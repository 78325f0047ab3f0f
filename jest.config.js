/** Unit tests: fast, no AWS, no deploys. The end-to-end suite has its own config (jest.e2e.config.js). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e/'],
  // Transpile only: type-checking is `npm run build` (tsc), run in CI.
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // Jest's default (cores - 1) is a single worker on a 2-core machine; the parent mostly waits, so
  // one worker per core ran the unit suite ~25 % faster there (issue 6).
  maxWorkers: '100%',
  globalSetup: '<rootDir>/__tests__/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
};
