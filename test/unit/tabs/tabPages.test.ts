import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTabPagesHandler } from '../../../functions/tabPages';

describe('the tab pages function', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tabs-web-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>tabs</title>');
    await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(join(root, 'secret.txt'), 'no');
  });
  const get = async (path: string, options = {}) => {
    const handler = createTabPagesHandler({ root, ...options });
    const request = new HttpRequest({ method: 'GET', url: `https://x/api/tabs/${path}`, params: { path } });
    return handler(request, new InvocationContext({ functionName: 'tabPages' }));
  };

  it('serves the one page for personal, team and config, framable by Teams only', async () => {
    for (const page of ['personal', 'team', 'config']) {
      const response = await get(page);
      expect(response.status).toBe(200);
      expect(String(response.body)).toContain('<title>tabs</title>');
      const headers = response.headers as Record<string, string>;
      const policy = headers['content-security-policy'].split('; ');
      expect(policy).toContainEqual(
        expect.stringMatching(/^frame-ancestors 'self' https:\/\/teams\.microsoft\.com /),
      );
      expect(policy).toEqual(
        expect.arrayContaining([
          "default-src 'self'",
          "script-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
          "connect-src 'self' https://res.cdn.office.net",
        ]),
      );
      expect(headers['cache-control']).toBe('no-cache');
      expect(headers['x-content-type-options']).toBe('nosniff');
    }
    // Locally framing is open (the test host is another origin); the rest of the policy holds.
    const local = (await get('personal', { frameAncestors: null })).headers as Record<string, string>;
    expect(local['content-security-policy']).toContain("script-src 'self'");
    expect(local['content-security-policy']).not.toContain('frame-ancestors');
  });

  it('serves hashed assets for a year and nothing outside assets/', async () => {
    const asset = await get('assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect((asset.headers as Record<string, string>)['content-type']).toBe('text/javascript; charset=utf-8');
    expect((asset.headers as Record<string, string>)['cache-control']).toContain('immutable');
    expect((await get('secret.txt')).status).toBe(404);
    expect((await get('assets/../secret.txt')).status).toBe(404);
    expect((await get('assets/missing.js')).status).toBe(404);
  });

  it('answers 404, never 500, for the assets folder itself, a NUL, a path under a file or a name too long for the disk; nosniff on all', async () => {
    expect(
      ((await get('assets/index-abc.js')).headers as Record<string, string>)['x-content-type-options'],
    ).toBe('nosniff');
    // A file name over 255 bytes fits in a URL (Azure takes 4 KB) but no file system names a file so.
    const tooLong = `assets/${'a'.repeat(300)}.js`;
    for (const path of ['assets/', 'assets', 'assets/\0x', 'assets/index-abc.js/x', 'nothing', tooLong]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
    }
  });

  it('says how to build when the front end is missing', async () => {
    const response = await createTabPagesHandler({ root: join(root, 'nothing') })(
      new HttpRequest({ method: 'GET', url: 'https://x/api/tabs/personal', params: { path: 'personal' } }),
      new InvocationContext({ functionName: 'tabPages' }),
    );
    expect(response.status).toBe(404);
    expect(String(response.body)).toContain('npm run build');
  });
});
