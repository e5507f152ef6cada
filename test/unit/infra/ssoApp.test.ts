import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGraphApplication } from '../../../infra/sso/graphApplication';
import { ssoAppPatches } from '../../../infra/sso/ssoAppPatches';
import { main as checkSso } from '../../../tools/scripts/checkSso';
import { main as ssoApp } from '../../../tools/scripts/ssoApp';
import { GraphBadRequest, patchApplication } from '../../fakes/graphApplications';

const FIXTURES = join(__dirname, '../../fixtures/graph-applications');
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

const CLIENT_ID = '631a96bc-a705-4eda-9f99-fdaf9f54f6a2';
const DOMAIN = 'churn-func-abc.azurewebsites.net';
const NEW_SCOPE_ID = '11111111-2222-4333-8444-555555555555';
const PORTAL_SCOPE_ID = 'b6f7e0a1-2c3d-4e5f-8a9b-0c1d2e3f4a5b';
// Microsoft's published client ids for tab SSO, stated here rather than taken from the product.
const TEAMS_DESKTOP = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
const TEAMS_WEB = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';
const OUTLOOK_WEB = 'bc59ab01-8403-45c6-8796-ac3ef710b3e3';

type Json = Record<string, unknown>;
type Api = {
  oauth2PermissionScopes: Json[];
  preAuthorizedApplications: { appId: string; delegatedPermissionIds: string[] }[];
  requestedAccessTokenVersion: number | null;
};
const apiOf = (app: Json) => app.api as Api;

/** The bodies `npm run sso-app` builds for `app`, sent to the Graph fake in order. */
function register(app: Json, apiMode: 'merge' | 'replace' = 'merge'): { app: Json; scopeId: string } {
  const plan = ssoAppPatches(
    { clientId: CLIENT_ID, domain: DOMAIN, newScopeId: NEW_SCOPE_ID },
    parseGraphApplication(app, 'app'),
  );
  let next = app;
  for (const { body } of plan.patches) next = patchApplication(next, body, apiMode);
  return { app: next, scopeId: plan.scopeId };
}

async function check(app: Json, domain = DOMAIN) {
  const dir = await mkdtemp(join(tmpdir(), 'check-sso-'));
  const file = join(dir, 'app.json');
  await writeFile(file, JSON.stringify(app));
  return checkSso([file, '--domain', domain]);
}

describe('npm run sso-app: the PATCH bodies', () => {
  it('gives a fresh app the URI, a new access_as_user scope, the Teams clients on it and token version 2', () => {
    const plan = ssoAppPatches(
      { clientId: CLIENT_ID, domain: DOMAIN, newScopeId: NEW_SCOPE_ID },
      parseGraphApplication(fixture('fresh-app.json'), 'fresh'),
    );
    expect(plan.scopeId).toBe(NEW_SCOPE_ID);
    expect(plan.patches.map((p) => p.name)).toEqual(['1-identifier-uri', '2-scope', '3-pre-authorize']);
    const [uri, scope, clients] = plan.patches.map((p) => p.body as Json);
    expect(uri).toEqual({ identifierUris: [`api://${DOMAIN}/${CLIENT_ID}`] });
    expect(apiOf(scope)).toMatchObject({
      requestedAccessTokenVersion: 2,
      oauth2PermissionScopes: [{ id: NEW_SCOPE_ID, value: 'access_as_user', type: 'User', isEnabled: true }],
      preAuthorizedApplications: [],
    });
    // Each body carries the whole api object, those fields too, whatever Graph does with an omitted one.
    expect(apiOf(scope)).toMatchObject({ acceptMappedClaims: null, knownClientApplications: [] });
    const authorized = apiOf(clients).preAuthorizedApplications;
    expect(authorized).toHaveLength(7);
    expect(authorized).toContainEqual({ appId: TEAMS_DESKTOP, delegatedPermissionIds: [NEW_SCOPE_ID] });
    expect(authorized).toContainEqual({ appId: TEAMS_WEB, delegatedPermissionIds: [NEW_SCOPE_ID] });
  });

  it("keeps an existing access_as_user scope's id, and the app's other scopes, URIs and clients", () => {
    const before = fixture('registered-app.json');
    const plan = ssoAppPatches(
      { clientId: CLIENT_ID, domain: DOMAIN, newScopeId: NEW_SCOPE_ID },
      parseGraphApplication(before, 'registered'),
    );
    expect(plan.scopeId).toBe(PORTAL_SCOPE_ID);
    for (const { body } of plan.patches) {
      if ('identifierUris' in body) expect(body.identifierUris).toEqual(before.identifierUris);
      // The enabled scope goes back exactly as the admin center left it: Graph refuses a change to it.
      else expect(body.api).toEqual(before.api);
    }
    expect(register(before).app).toEqual(before);
  });

  it("re-enables a disabled access_as_user under its own id, and adds the scope to a client's other ones", () => {
    const app = fixture('registered-app.json');
    const api = apiOf(app);
    api.oauth2PermissionScopes[0].isEnabled = false;
    api.preAuthorizedApplications = [
      { appId: TEAMS_WEB, delegatedPermissionIds: ['c0ffee00-1111-4222-8333-944455556666'] },
    ];
    const { app: after, scopeId } = register(app);
    expect(scopeId).toBe(PORTAL_SCOPE_ID);
    expect(apiOf(after).oauth2PermissionScopes).toContainEqual(
      expect.objectContaining({ id: PORTAL_SCOPE_ID, value: 'access_as_user', isEnabled: true }),
    );
    expect(apiOf(after).preAuthorizedApplications).toContainEqual({
      appId: TEAMS_WEB,
      delegatedPermissionIds: ['c0ffee00-1111-4222-8333-944455556666', PORTAL_SCOPE_ID],
    });
  });

  it.each(['merge', 'replace'] as const)(
    'registers a fresh app in three PATCHes Graph accepts (api %sd), and a rerun changes nothing',
    (apiMode) => {
      const once = register(fixture('fresh-app.json'), apiMode);
      const twice = register(once.app, apiMode);
      expect(twice.scopeId).toBe(once.scopeId);
      expect(twice.app).toEqual(once.app);
    },
  );

  it("cannot be done in one PATCH: Graph does not find a scope added in the same request (the fake's own rule)", () => {
    const plan = ssoAppPatches(
      { clientId: CLIENT_ID, domain: DOMAIN, newScopeId: NEW_SCOPE_ID },
      parseGraphApplication(fixture('fresh-app.json'), 'fresh'),
    );
    const last = plan.patches[2].body;
    expect(() => patchApplication(fixture('fresh-app.json'), last)).toThrow(GraphBadRequest);
  });

  it('gives the URI the app id as Graph spells it, whatever the case of --client-id', async () => {
    const plan = ssoAppPatches(
      { clientId: CLIENT_ID.toUpperCase(), domain: DOMAIN, newScopeId: NEW_SCOPE_ID },
      parseGraphApplication(fixture('fresh-app.json'), 'fresh'),
    );
    expect(plan.patches[0].body).toEqual({ identifierUris: [`api://${DOMAIN}/${CLIENT_ID}`] });
    let app = fixture('fresh-app.json');
    for (const { body } of plan.patches) app = patchApplication(app, body);
    expect((await check(app)).code).toBe(0);
  });

  it('refuses an app JSON of another app than --client-id, and a domain with a scheme', () => {
    const app = parseGraphApplication(fixture('fresh-app.json'), 'fresh');
    expect(() =>
      ssoAppPatches({ clientId: TEAMS_WEB, domain: DOMAIN, newScopeId: NEW_SCOPE_ID }, app),
    ).toThrow(/not --client-id/);
    expect(() =>
      ssoAppPatches({ clientId: CLIENT_ID, domain: `https://${DOMAIN}`, newScopeId: NEW_SCOPE_ID }, app),
    ).toThrow(/--domain: must be a host name/);
  });

  it('writes the bodies in order and prints the az rest commands; without --current it writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sso-app-'));
    const current = join(dir, 'app.json');
    await writeFile(current, JSON.stringify(fixture('fresh-app.json')));
    const out = join(dir, 'bodies');
    const printed = await ssoApp([
      '--client-id',
      CLIENT_ID,
      '--domain',
      DOMAIN,
      '--current',
      current,
      '--out',
      out,
    ]);
    expect(await readdir(out)).toEqual(['1-identifier-uri.json', '2-scope.json', '3-pre-authorize.json']);
    const commands = printed.split('\n').filter((line) => line.startsWith('az rest'));
    expect(commands).toHaveLength(3);
    expect(commands[0]).toContain(
      `--uri "https://graph.microsoft.com/v1.0/applications(appId='${CLIENT_ID}')"`,
    );
    expect(commands[2]).toMatch(/--body @\S*3-pre-authorize\.json$/);
    expect(
      JSON.parse(await readFile(join(out, '2-scope.json'), 'utf8')).api.requestedAccessTokenVersion,
    ).toBe(2);
    await expect(ssoApp(['--client-id', CLIENT_ID, '--domain', DOMAIN])).rejects.toThrow(/--current/);
  });
});

describe('npm run check-sso', () => {
  it('passes the app that the sso-app bodies make of a fresh one, and the one set up in the admin center', async () => {
    const made = await check(register(fixture('fresh-app.json')).app);
    expect(made.code).toBe(0);
    expect(made.lines[0]).toMatch(/^all good/);
    expect(made.lines.join('\n')).toContain(`az ad sp show --id ${CLIENT_ID}`);
    expect((await check(fixture('registered-app.json'))).code).toBe(0);
  });

  it('names everything wrong with a fresh app, and fails', async () => {
    const { code, lines } = await check(fixture('fresh-app.json'));
    expect(code).toBe(1);
    const text = lines.join('\n');
    expect(text).toContain(
      `error: the Application ID URI is not api://${DOMAIN}/${CLIENT_ID} (the app has none)`,
    );
    expect(text).toContain('error: the access_as_user scope is missing');
    expect(text).toContain('warning: the token version is not 2');
    expect(text).not.toMatch(/all good/);
  });

  const broken: [string, (app: Json) => void, RegExp][] = [
    [
      'an Application ID URI for another domain',
      (app) => {
        app.identifierUris = [`api://old-func.azurewebsites.net/${CLIENT_ID}`];
      },
      /^error: the Application ID URI is not api:\/\/churn-func-abc\.azurewebsites\.net\/631a96bc-\S+ \(the app has api:\/\/old-func/,
    ],
    [
      'a disabled scope',
      (app) => {
        apiOf(app).oauth2PermissionScopes[0].isEnabled = false;
      },
      /^error: the access_as_user scope is disabled/,
    ],
    [
      'Teams desktop not pre-authorized',
      (app) => {
        apiOf(app).preAuthorizedApplications = apiOf(app).preAuthorizedApplications.filter(
          (e) => e.appId !== TEAMS_DESKTOP,
        );
      },
      /^error: the Teams clients are not pre-authorized: Teams desktop and mobile \(1fec8e78-\S+\) is not pre-authorized for access_as_user/,
    ],
    [
      'Teams web pre-authorized for another scope only',
      (app) => {
        const web = apiOf(app).preAuthorizedApplications.find((e) => e.appId === TEAMS_WEB);
        if (web) web.delegatedPermissionIds = ['c0ffee00-1111-4222-8333-944455556666'];
      },
      /^error: the Teams clients are not pre-authorized: Teams web \(5e3ce6c0-\S+\) is not pre-authorized/,
    ],
  ];

  it.each(broken)('fails on %s, naming it', async (_what, breakIt, message) => {
    const app = fixture('registered-app.json');
    breakIt(app);
    const { code, lines } = await check(app);
    expect(code).toBe(1);
    expect(lines.filter((line) => /^(error|warning):/.test(line))).toEqual([expect.stringMatching(message)]);
  });

  it('warns, and passes, on Outlook web not pre-authorized and on a multi-tenant app', async () => {
    const app = fixture('registered-app.json');
    apiOf(app).preAuthorizedApplications = apiOf(app).preAuthorizedApplications.filter(
      (e) => e.appId !== OUTLOOK_WEB,
    );
    app.signInAudience = 'AzureADMultipleOrgs';
    const { code, lines } = await check(app);
    expect(code).toBe(0);
    expect(lines.filter((line) => /^(error|warning):/.test(line))).toEqual([
      expect.stringMatching(
        /^warning: Outlook web \(bc59ab01-\S+\) is not pre-authorized for access_as_user/,
      ),
      expect.stringMatching(/^warning: the sign-in audience is AzureADMultipleOrgs, not AzureADMyOrg/),
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^all good for Teams \(warnings above\)/));
  });

  it('warns, and passes, on token version 1: the tab API verifies a version 1 token as well', async () => {
    const app = fixture('registered-app.json');
    apiOf(app).requestedAccessTokenVersion = null;
    const { code, lines } = await check(app);
    expect(code).toBe(0);
    expect(lines.filter((line) => /^(error|warning):/.test(line))).toEqual([
      expect.stringMatching(
        /^warning: the token version is not 2 \(api\.requestedAccessTokenVersion is null\)/,
      ),
    ]);
  });

  it('answers 2 with a clear message on a file that is not an application, or a bad domain', async () => {
    const notAnApp = await check({ value: [] });
    expect(notAnApp.code).toBe(2);
    expect(notAnApp.lines[0]).toMatch(/is not a Microsoft Graph application as `az ad app show/);
    expect(notAnApp.lines[0]).toContain('appId');
    const badDomain = await check(
      fixture('registered-app.json'),
      'https://churn-func-abc.azurewebsites.net/',
    );
    expect(badDomain.code).toBe(2);
    expect(badDomain.lines[0]).toMatch(/^--domain must be a host name/);
  });
});
