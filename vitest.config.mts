import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit tests, and integration tests that run against real local services
// (Azurite, the Agents Playground, Chromium) started by the global setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Generous: CI runs on 2 shared cores; speed is measured in bench/, not here.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/azuriteGlobalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The whole product on one machine: each file starts its own stack on free ports.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
          // A page waits on the API, which waits on Azurite: on 2 busy cores one round trip has taken
          // over expect.poll's default second. A poll still fails when its value never comes.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
