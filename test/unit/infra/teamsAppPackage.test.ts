import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AppManifest, AppManifestUtils } from '@microsoft/app-manifest';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fillManifest } from '../../../infra/package/manifest';
import { APP_PACKAGE_DIR, buildTeamsAppPackage } from '../../../infra/package/teamsAppPackage';
import { main as packageCli } from '../../../tools/scripts/packageTeamsApp';

const TEMPLATE = readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');
const BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const DOMAIN = 'churn-func-abc123.azurewebsites.net';
const LINKS = {
  WEBSITE_URL: 'https://contoso.example/churn',
  PRIVACY_URL: 'https://contoso.example/privacy',
  TERMS_URL: 'https://contoso.example/terms',
};
const INPUT = { BOT_ID, BOT_DOMAIN: DOMAIN, ...LINKS };

type Manifest = {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  developer: { privacyUrl: string; termsOfUseUrl: string };
  bots: {
    botId: string;
    scopes: string[];
    commandLists: { scopes: string[]; commands: { title: string }[] }[];
  }[];
  validDomains: string[];
};

/**
 * Validates against the schema @microsoft/app-manifest ships for the manifest's `$schema` (the toolkit's own
 * validator). `fetch` is made to fail, so a schema it would have to download fails the test instead of passing.
 */
async function schemaErrors(manifest: unknown): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest as AppManifest);
}

describe('Teams manifest', () => {
  beforeEach(() => {
    vi.stubGlobal('fetch', () => Promise.reject(new Error('no network in this test')));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const manifest = fillManifest(TEMPLATE, INPUT) as unknown as Manifest;

  it('validates offline against the schema of its own manifestVersion', async () => {
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
    expect(await schemaErrors(manifest)).toEqual([]);
  });

  it('is on a current schema version (1.25 or later)', () => {
    const [major, minor] = manifest.manifestVersion.split('.').map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(125);
  });

  it('the schema check catches a broken manifest', async () => {
    const broken = { ...manifest, bots: [{ ...manifest.bots[0], botId: 'not-a-guid' }], extra: true };
    const errors = await schemaErrors(broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/bots\/0\/botId must match pattern/),
        expect.stringMatching(/^ must NOT have additional properties/),
      ]),
    );
  });

  it('has the version of package.json (bump both together)', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    expect(manifest.version).toBe(pkg.version);
  });

  it('fills the bot id, app id, valid domain and the legal links', () => {
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.validDomains).toEqual([DOMAIN]);
    expect(manifest.developer.privacyUrl).toBe(LINKS.PRIVACY_URL);
    expect(manifest.developer.termsOfUseUrl).toBe(LINKS.TERMS_URL);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    const other = fillManifest(TEMPLATE, {
      ...INPUT,
      TEAMS_APP_ID: '00000000-0000-4000-8000-000000000001',
    }) as unknown as Manifest;
    expect(other.id).toBe('00000000-0000-4000-8000-000000000001');
  });

  it("declares single sign-on only for the tabs' own SSO app, never the bot's identity", async () => {
    expect(manifest).not.toHaveProperty('webApplicationInfo');
    const sso = '00000000-0000-4000-8000-0000000000b1';
    const withSso = fillManifest(TEMPLATE, { ...INPUT, TAB_SSO_CLIENT_ID: sso });
    expect(withSso.webApplicationInfo).toEqual({ id: sso, resource: `api://${DOMAIN}/${sso}` });
    expect(await schemaErrors(withSso)).toEqual([]);
  });

  it('puts the bot in personal and team scopes with help, list, undo and summary', () => {
    const bot = manifest.bots[0];
    expect(bot.scopes.sort()).toEqual(['personal', 'team']);
    const personal = bot.commandLists.find((l) => l.scopes.includes('personal'));
    expect(personal?.commands.map((c) => c.title)).toEqual(['help', 'list', 'undo', 'summary']);
    const team = bot.commandLists.find((l) => l.scopes.includes('team'));
    expect(team?.commands.map((c) => c.title)).toEqual(['help', 'summary']);
  });

  it('requires the privacy and terms links (the app serves no such pages)', () => {
    const { PRIVACY_URL: _p, TERMS_URL: _t, ...noLinks } = INPUT;
    expect(() => fillManifest(TEMPLATE, noLinks as typeof INPUT)).toThrow(/PRIVACY_URL[\s\S]*TERMS_URL/);
    expect(() => fillManifest(TEMPLATE, { ...INPUT, PRIVACY_URL: 'http://contoso.example/p' })).toThrow(
      /https URL/,
    );
  });

  it('rejects a bot id that is not a GUID and a domain with a scheme', () => {
    expect(() => fillManifest(TEMPLATE, { ...INPUT, BOT_ID: 'abc' })).toThrow(/BOT_ID: must be a GUID/);
    expect(() => fillManifest(TEMPLATE, { ...INPUT, BOT_DOMAIN: `https://${DOMAIN}` })).toThrow(/host name/);
  });

  it('rejects a template placeholder it does not know', () => {
    const nope = `$${'{{NOPE}}'}`;
    expect(() => fillManifest(`{"x": "${nope}"}`, INPUT)).toThrow(`unknown placeholder ${nope}`);
  });
});

/** Width, height, bit depth and colour type from a PNG's IHDR chunk (the first chunk, at a fixed offset). */
function pngHeader(file: string): { width: number; height: number; bitDepth: number; colourType: number } {
  const png = readFileSync(path.join(APP_PACKAGE_DIR, file));
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return {
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    bitDepth: png[24],
    colourType: png[25],
  };
}

// Sizes from Microsoft Learn, "App icons for Teams Store and app bar": colour 192x192, outline 32x32 with a
// transparent background (so it needs an alpha channel: PNG colour type 6, RGBA).
describe('icons', () => {
  it('colour icon: 192x192', () => {
    expect(pngHeader('color.png')).toMatchObject({ width: 192, height: 192 });
  });

  it('outline icon: 32x32 with an alpha channel', () => {
    expect(pngHeader('outline.png')).toEqual({ width: 32, height: 32, bitDepth: 8, colourType: 6 });
  });
});

describe('Teams app package', () => {
  it('holds manifest.json and both icons at the zip root, with the filled manifest', async () => {
    const { zip, manifest } = await buildTeamsAppPackage(INPUT);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(Buffer.from(files['manifest.json']).toString('utf8'))).toEqual(manifest);
    expect(
      Buffer.from(files['color.png']).equals(readFileSync(path.join(APP_PACKAGE_DIR, 'color.png'))),
    ).toBe(true);
  });

  it('is reproducible: same input, same bytes', async () => {
    const [a, b] = await Promise.all([buildTeamsAppPackage(INPUT), buildTeamsAppPackage(INPUT)]);
    expect(a.zip.equals(b.zip)).toBe(true);
  });
});

describe('npm run package', () => {
  const outFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'teams-app-')), 'app.zip');
  const manifestIn = (zip: string) =>
    JSON.parse(Buffer.from(unzipSync(readFileSync(zip))['manifest.json']).toString('utf8')) as Manifest;

  it('writes the zip from flags and the environment', async () => {
    const out = outFile();
    expect(await packageCli(['--out', out, '--domain', DOMAIN], { BOT_ID, ...LINKS })).toBe(out);
    const manifest = manifestIn(out);
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.validDomains).toEqual([DOMAIN]);
  });

  it('reads a toolkit env file (--env dev = env/.env.dev), the environment winning over it', async () => {
    const out = outFile();
    const envFile = path.join(mkdtempSync(path.join(tmpdir(), 'teams-env-')), '.env.test');
    writeFileSync(
      envFile,
      `# written by the test\nBOT_ID=${BOT_ID}\nBOT_DOMAIN=from-file.azurewebsites.net\nTEAMS_APP_ID=\n` +
        Object.entries(LINKS)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
    );
    await packageCli(['--out', out, '--env-file', envFile], { BOT_DOMAIN: DOMAIN });
    const manifest = manifestIn(out);
    expect(manifest.validDomains).toEqual([DOMAIN]);
    expect(manifest.id).toBe(BOT_ID);
  });

  it("takes the manifest id from --app-id or the env file, never the environment's TEAMS_APP_ID (the catalog id)", async () => {
    const catalogId = '00000000-0000-4000-8000-0000000000c1';
    const out = outFile();
    await packageCli(['--out', out, '--domain', DOMAIN], { BOT_ID, TEAMS_APP_ID: catalogId, ...LINKS });
    expect(manifestIn(out).id).toBe(BOT_ID);
    const manifestId = '00000000-0000-4000-8000-0000000000a1';
    await packageCli(['--out', out, '--domain', DOMAIN, '--app-id', manifestId], {
      BOT_ID,
      TEAMS_APP_ID: catalogId,
      ...LINKS,
    });
    expect(manifestIn(out).id).toBe(manifestId);
  });

  it('warns that the tabs cannot sign in without their SSO app (or with the bot id in its place)', async () => {
    const warnings: string[] = [];
    const build = (args: string[]) =>
      packageCli(['--out', outFile(), '--domain', DOMAIN, ...args], { BOT_ID, ...LINKS }, (m) =>
        warnings.push(m),
      );
    await build([]);
    await build(['--tab-sso-client-id', BOT_ID]);
    expect(warnings).toHaveLength(2);
    for (const w of warnings)
      expect(w).toMatch(/tabs cannot sign in[\s\S]*docs\/tabs\.md[\s\S]*--tab-sso-client-id/);
    await build(['--tab-sso-client-id', '00000000-0000-4000-8000-0000000000b1']);
    expect(warnings).toHaveLength(2);
  });

  it('fails with a clear message naming what is missing', async () => {
    await expect(packageCli(['--domain', DOMAIN], {})).rejects.toThrow(
      /BOT_ID: must be a GUID[\s\S]*PRIVACY_URL/,
    );
  });
});
