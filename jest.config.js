/**
 * Three projects: `unit` (synth assertions, operator tooling; no external programs), `terraform`
 * (the synthesized configuration run through real Terraform and the AWS provider, offline) and `e2e`
 * (deploy, apply and destroy against a local AWS emulator, moto).
 * tsconfig's isolatedModules makes ts-jest transpile without type-checking; `npm run build` checks types.
 */
const shared = {
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/__tests__/helpers/aws-sdk-setup.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Stryker's sandboxes (npm run mutate) hold a copy of the project.
  modulePathIgnorePatterns: ['<rootDir>/reports/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // One worker per core: the terraform checks wait on terraform much of the time.
  maxWorkers: '100%',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/__tests__/terraform/',
        '<rootDir>/__tests__/e2e/',
      ],
    },
    {
      ...shared,
      displayName: 'terraform',
      testMatch: ['<rootDir>/__tests__/terraform/**/*.test.ts'],
      slowTestThreshold: 60,
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      slowTestThreshold: 120,
    },
  ],
};
