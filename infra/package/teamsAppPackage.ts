import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fillManifest, type ManifestInput } from './manifest';
import { buildZip } from './zip';

/** Where the manifest template and the committed icons live. */
export const TEAMS_APP_DIR = path.resolve(__dirname, '..', 'teams-app');

/** The Teams app package: the filled manifest and the bytes of the zip Teams accepts (files at the zip root). */
export interface TeamsAppPackage {
  manifest: Record<string, unknown>;
  zip: Buffer;
}

/** Builds the Teams app zip (manifest.json, color.png, outline.png) from the template and icons in `dir`. */
export async function buildTeamsAppPackage(
  input: ManifestInput,
  dir: string = TEAMS_APP_DIR,
): Promise<TeamsAppPackage> {
  const template = await readFile(path.join(dir, 'manifest.template.json'), 'utf8');
  const manifest = fillManifest(template, input);
  const icons = manifest.icons as { color: string; outline: string };
  const [color, outline] = await Promise.all([
    readFile(path.join(dir, icons.color)),
    readFile(path.join(dir, icons.outline)),
  ]);
  const zip = buildZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: icons.color, data: color },
    { name: icons.outline, data: outline },
  ]);
  return { manifest, zip };
}
