// Two projects: `unit` (*.spec.ts beside the source) and `e2e` (test/**/*.e2e-spec.ts over real HTTP).
// Both run against the database chosen by DSS_DATABASE_URL (unset: embedded SQLite).
const moduleNameMapper = {
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
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/apps/admin/web/'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
