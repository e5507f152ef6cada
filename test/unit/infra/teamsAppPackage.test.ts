import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { ACCENT_HEX, colorIcon, outlineIcon } from '../../../infra/package/icons';
import { fillManifest } from '../../../infra/package/manifest';
import { encodePng } from '../../../infra/package/png';
import { buildTeamsAppPackage, TEAMS_APP_DIR } from '../../../infra/package/teamsAppPackage';
import { buildZip } from '../../../infra/package/zip';
import { main as packageCli } from '../../../tools/scripts/packageTeamsApp';
import { decodePng } from './pngReader';
import { readZip } from './zipReader';

const SCHEMA_FILE = path.resolve(
  __dirname,
  '../../fixtures/teams-manifest-schema/MicrosoftTeams.v1.22.schema.json',
);
const TEMPLATE = readFileSync(path.join(TEAMS_APP_DIR, 'manifest.template.json'), 'utf8');
const BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const DOMAIN = 'churn-func-abc123.azurewebsites.net';
const INPUT = { botId: BOT_ID, appDomain: DOMAIN, version: '0.1.0' };

// Draft-04 schema, no ajv-draft-04 / ajv-formats installed: see test/fixtures/teams-manifest-schema/SOURCE.md.
const validateManifest = new Ajv({
  strict: false,
  validateSchema: false,
  validateFormats: false,
  allErrors: true,
}).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));

type Manifest = {
  manifestVersion: string;
  id: string;
  bots: {
    botId: string;
    scopes: string[];
    commandLists: { scopes: string[]; commands: { title: string }[] }[];
  }[];
  validDomains: string[];
  accentColor: string;
};

describe('Teams manifest', () => {
  it('the vendored schema is byte for byte the file SOURCE.md names', () => {
    const sha = createHash('sha256').update(readFileSync(SCHEMA_FILE)).digest('hex');
    expect(readFileSync(path.join(path.dirname(SCHEMA_FILE), 'SOURCE.md'), 'utf8')).toContain(sha);
  });

  const manifest = fillManifest(TEMPLATE, INPUT) as unknown as Manifest;

  it('validates against the Teams manifest schema v1.22', () => {
    const ok = validateManifest(manifest);
    expect(validateManifest.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(manifest.manifestVersion).toBe('1.22');
  });

  it('the schema check catches a broken manifest', () => {
    const broken = { ...manifest, bots: [{ ...manifest.bots[0], botId: 'not-a-guid' }], extra: true };
    expect(validateManifest(broken)).toBe(false);
    const messages = (validateManifest.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/bots\/0\/botId must match pattern/),
        ' must NOT have additional properties',
      ]),
    );
  });

  it('fills the bot id, app id and valid domain', () => {
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.validDomains).toEqual([DOMAIN]);
    expect(manifest.accentColor).toBe(ACCENT_HEX);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    const other = fillManifest(TEMPLATE, {
      ...INPUT,
      appId: '00000000-0000-4000-8000-000000000001',
    }) as unknown as Manifest;
    expect(other.id).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('puts the bot in personal and team scopes with help, list, undo and summary', () => {
    const bot = manifest.bots[0];
    expect(bot.scopes.sort()).toEqual(['personal', 'team']);
    const personal = bot.commandLists.find((l) => l.scopes.includes('personal'));
    expect(personal?.commands.map((c) => c.title)).toEqual(['help', 'list', 'undo', 'summary']);
    const team = bot.commandLists.find((l) => l.scopes.includes('team'));
    expect(team?.commands.map((c) => c.title)).toEqual(['help', 'summary']);
  });

  it('rejects a bot id that is not a GUID and a domain with a scheme', () => {
    expect(() => fillManifest(TEMPLATE, { ...INPUT, botId: 'abc' })).toThrow(/GUID/);
    expect(() => fillManifest(TEMPLATE, { ...INPUT, appDomain: `https://${DOMAIN}` })).toThrow(/host name/);
  });

  it('rejects a template placeholder it does not know', () => {
    expect(() => fillManifest('{"x": "{{NOPE}}"}', INPUT)).toThrow('unknown placeholder {{NOPE}}');
  });
});

describe('icons', () => {
  it('the committed PNGs are exactly what icons.ts draws', () => {
    expect(readFileSync(path.join(TEAMS_APP_DIR, 'color.png')).equals(encodePng(colorIcon()))).toBe(true);
    expect(readFileSync(path.join(TEAMS_APP_DIR, 'outline.png')).equals(encodePng(outlineIcon()))).toBe(true);
  });

  it('colour icon: 192x192, opaque', () => {
    const img = decodePng(readFileSync(path.join(TEAMS_APP_DIR, 'color.png')));
    expect([img.width, img.height]).toEqual([192, 192]);
    let translucent = 0;
    for (let i = 3; i < img.pixels.length; i += 4) if (img.pixels[i] !== 255) translucent++;
    expect(translucent).toBe(0);
  });

  it('outline icon: 32x32, every pixel white or fully transparent, with some of each', () => {
    const img = decodePng(readFileSync(path.join(TEAMS_APP_DIR, 'outline.png')));
    expect([img.width, img.height]).toEqual([32, 32]);
    let white = 0;
    let clear = 0;
    for (let i = 0; i < img.pixels.length; i += 4) {
      const [r, g, b, a] = img.pixels.subarray(i, i + 4);
      if (a === 0) clear++;
      else if (r === 255 && g === 255 && b === 255 && a === 255) white++;
      else throw new Error(`pixel ${i / 4} is neither white nor transparent: ${[r, g, b, a]}`);
    }
    expect(white).toBeGreaterThan(50);
    expect(clear).toBeGreaterThan(500);
  });

  it('the encoder refuses a pixel buffer of the wrong size', () => {
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(15) })).toThrow(/expected 16 bytes/);
  });
});

describe('zip', () => {
  it('round-trips entries through an independent reader', () => {
    const entries = [
      { name: 'a.txt', data: Buffer.from('hello '.repeat(100)) },
      { name: 'dir/b.bin', data: Buffer.from([0, 1, 2, 255]) },
      { name: 'empty', data: Buffer.alloc(0) },
    ];
    const files = readZip(buildZip(entries));
    expect([...files.keys()]).toEqual(['a.txt', 'dir/b.bin', 'empty']);
    for (const e of entries) expect(files.get(e.name)?.equals(e.data)).toBe(true);
  });

  it('is reproducible: same input, same bytes', () => {
    const entries = [{ name: 'x', data: Buffer.from('same') }];
    expect(buildZip(entries).equals(buildZip(entries))).toBe(true);
  });

  it('refuses duplicate and escaping names', () => {
    const d = Buffer.from('x');
    expect(() =>
      buildZip([
        { name: 'a', data: d },
        { name: 'a', data: d },
      ]),
    ).toThrow(/duplicate/);
    expect(() => buildZip([{ name: '../a', data: d }])).toThrow(/relative/);
  });
});

describe('Teams app package', () => {
  it('holds manifest.json and both icons at the zip root, with the filled manifest', async () => {
    const { zip, manifest } = await buildTeamsAppPackage(INPUT);
    const files = readZip(zip);
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const inZip = JSON.parse(files.get('manifest.json')?.toString('utf8') ?? '');
    expect(inZip).toEqual(manifest);
    expect(validateManifest(inZip)).toBe(true);
    expect(files.get('color.png')?.equals(readFileSync(path.join(TEAMS_APP_DIR, 'color.png')))).toBe(true);
  });
});

describe('npm run package', () => {
  it('writes the zip from flags, falling back to BOT_ID / APP_DOMAIN from the environment', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'teams-app-')), 'app.zip');
    expect(await packageCli(['--out', out], { BOT_ID, APP_DOMAIN: DOMAIN })).toBe(out);
    const manifest = JSON.parse(readZip(readFileSync(out)).get('manifest.json')?.toString('utf8') ?? '');
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.validDomains).toEqual([DOMAIN]);
    expect(manifest.version).toBe(
      JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')).version,
    );
  });

  it('fails with a clear message when the bot id is missing', async () => {
    await expect(packageCli(['--domain', DOMAIN], {})).rejects.toThrow(/GUID/);
  });
});
