import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import { fillManifest, type ManifestValues } from './manifest';

/** The Teams app folder in the Microsoft 365 Agents Toolkit layout: manifest template and the committed icons. */
export const APP_PACKAGE_DIR = path.resolve(__dirname, '..', '..', 'appPackage');

/** The Teams app package: the filled manifest and the bytes of the zip Teams accepts (files at the zip root). */
export interface TeamsAppPackage {
  manifest: Record<string, unknown>;
  zip: Buffer;
}

// A fixed timestamp, so the same input gives the same bytes (zip stores local times from 1980 on).
const ZIP_TIME = new Date('2020-01-01T00:00:00');

/** Builds the Teams app zip (manifest.json and the two icons it names) from the template and icons in `dir`. */
export async function buildTeamsAppPackage(
  values: ManifestValues,
  dir: string = APP_PACKAGE_DIR,
): Promise<TeamsAppPackage> {
  const template = await readFile(path.join(dir, 'manifest.json'), 'utf8');
  const manifest = fillManifest(template, values);
  const icons = manifest.icons as { color: string; outline: string };
  const [color, outline] = await Promise.all([
    readFile(path.join(dir, icons.color)),
    readFile(path.join(dir, icons.outline)),
  ]);
  const zip = zipSync(
    {
      'manifest.json': Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
      [icons.color]: color,
      [icons.outline]: outline,
    },
    { level: 9, mtime: ZIP_TIME },
  );
  return { manifest, zip: Buffer.from(zip) };
}
