import type { TestProject } from 'vitest/node';
import { startAzurite } from '../helpers/azurite';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the Azurite started for this test run (table, blob and queue). */
    azuriteConnectionString: string;
  }
}

/**
 * vitest globalSetup for the integration project: one in-memory Azurite on free ports for the whole
 * run, stopped with SIGINT at the end. Tests read the connection string with
 * `inject('azuriteConnectionString')`; child processes get AZURITE_CONNECTION_STRING.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
  process.env.AZURITE_CONNECTION_STRING = azurite.connectionString;
  return async () => {
    await azurite.stop();
  };
}
