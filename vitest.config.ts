import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn the built CLI and an emulator per test; two cores on CI.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
