import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { colorIcon, outlineIcon } from './icons';
import { encodePng } from './png';
import { TEAMS_APP_DIR } from './teamsAppPackage';

/** Writes color.png and outline.png into infra/teams-app (run after changing icons.ts; the PNGs are committed). */
export async function writeIcons(dir: string = TEAMS_APP_DIR): Promise<string[]> {
  const files = [
    { file: path.join(dir, 'color.png'), png: encodePng(colorIcon()) },
    { file: path.join(dir, 'outline.png'), png: encodePng(outlineIcon()) },
  ];
  await Promise.all(files.map(({ file, png }) => writeFile(file, png)));
  return files.map((f) => f.file);
}

if (require.main === module) {
  writeIcons().then(
    (files) => console.log(`wrote ${files.join(', ')}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
