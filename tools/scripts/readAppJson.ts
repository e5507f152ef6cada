import { readFile } from 'node:fs/promises';
import { type GraphApplication, parseGraphApplication } from '../../infra/sso/graphApplication';

/** Reads a file `az ad app show --id <client id>` wrote; throws naming the file on bad JSON or a wrong shape. */
export async function readAppJson(file: string): Promise<GraphApplication> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseGraphApplication(json, file);
}
