// Two projects: `unit` (*.spec.ts beside the source) and `e2e` (test/**/*.e2e-spec.ts over real HTTP).
// Both run against the database chosen by DSS_DATABASE_URL (unset: embedded SQLite).
const moduleNameMapper = {
  // Test support (test/support/*) for the specs beside the sources, as for the e2e suites.
  '^@dss/testing/(.*)$': '<rootDir>/test/support/$1',
  '^@dss/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@dss/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.(t|j)s$': ['@swc/jest'] };
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  // End-to-end tests start servers and spawn the built CLIs; on a loaded 2-core machine a single
  // test can take longer than Jest's 5 s default. This bounds hangs, it is not a speed assertion.
  testTimeout: 60_000,
  // CI must end even if a suite leaks a handle (a Redis client, a timer) instead of waiting until
  // the CI time runs out. With forceExit on, Jest prints "Force exiting Jest" after every run,
  // leak or not, so that line is no sign of one. Locally it waits and reports ("Jest did not exit
  // one second after the test run has completed"), so a leak is seen and fixed.
  forceExit: process.env.CI === 'true',
  projects: [
    {
      ...common,
      displayName: 'unit',
      // Includes the dashboard's logic (apps/admin/web/src/**/*.spec.ts: DOM-free modules).
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
