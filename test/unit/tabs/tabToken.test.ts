import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalSigner, LOCAL_POLICY } from '../../../tabs/api/localTokens';
import {
  createTokenVerifier,
  entraPolicy,
  localKeys,
  refuseAll,
  type TabUser,
} from '../../../tabs/api/tabToken';
import { TEAMS_CLIENT_IDS } from '../../../tabs/api/teamsSso';

const ana: TabUser = {
  userId: 'oid-ana',
  name: 'Ana Ruiz',
  email: 'ana.ruiz@contoso.example',
  tenantId: 't-1',
};

describe('tab token verification (jose, JWKS)', async () => {
  const signer = await createLocalSigner();
  const verify = createTokenVerifier(localKeys(signer.jwks), LOCAL_POLICY);

  it('accepts a token signed by the key set, for the right issuer and audience', async () => {
    const check = await verify(`Bearer ${await signer.sign(ana)}`);
    expect(check).toEqual({ ok: true, user: ana });
  });

  it('refuses a missing or non-bearer header', async () => {
    expect(await verify(null)).toMatchObject({ ok: false, reason: 'missing' });
    expect(await verify('Basic abc')).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('refuses a token signed by another key (forged)', async () => {
    const forger = await createLocalSigner();
    expect(await verify(`Bearer ${await forger.sign(ana)}`)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a token whose payload was edited after signing', async () => {
    const [h, p, s] = (await signer.sign(ana)).split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...payload, preferred_username: 'boss@contoso.example' }));
    const check = await verify(`Bearer ${h}.${edited.toString('base64url')}.${s}`);
    expect(check).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a token with alg none, or HS256 keyed with the published key, whatever it claims', async () => {
    const [h, p] = (await signer.sign(ana)).split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${encode({ ...header, alg: 'none' })}.${p}.`;
    const hsInput = `${encode({ ...header, alg: 'HS256' })}.${p}`;
    const published = JSON.stringify(signer.jwks.keys[0]);
    const hs = createHmac('sha256', published).update(hsInput).digest('base64url');
    for (const token of [unsigned, `${hsInput}.${hs}`])
      expect(await verify(`Bearer ${token}`)).toMatchObject({ ok: false });
  });

  it('refuses an expired token (past the 60 s skew)', async () => {
    expect(await verify(`Bearer ${await signer.sign(ana, { seconds: -120 })}`)).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses another audience or issuer', async () => {
    const otherAudience = await signer.sign(ana, { audience: 'api://evil.example/123' });
    expect(await verify(`Bearer ${otherAudience}`)).toMatchObject({ ok: false, reason: 'invalid' });
    const otherIssuer = await signer.sign(ana, { issuer: 'https://login.microsoftonline.com/other/v2.0' });
    expect(await verify(`Bearer ${otherIssuer}`)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a token without the access_as_user scope', async () => {
    expect(await verify(`Bearer ${await signer.sign(ana, { scope: 'User.Read' })}`)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });

  it('takes the sign-in name from upn, then preferred_username, never from the unverified email claim', async () => {
    const both = await signer.sign(ana, { claims: { upn: 'Ana.R@Contoso.example' } });
    expect(await verify(`Bearer ${both}`)).toMatchObject({
      ok: true,
      user: { email: 'ana.r@contoso.example' },
    });
    const emailOnly = await signer.sign(ana, {
      claims: { preferred_username: undefined, email: 'boss@contoso.example' },
    });
    expect(await verify(`Bearer ${emailOnly}`)).toEqual({
      ok: false,
      reason: 'invalid',
      detail: 'the token names no user: it needs oid, and upn or preferred_username (email is not trusted)',
    });
  });

  it('refuses a token for this API and scope that another app asked for (its azp or appid is no Teams client)', async () => {
    // Any app a user consents to can get an access_as_user token for this API; only Teams' own
    // clients (the ones docs/tabs.md pre-authorizes) are the tab.
    const otherApp = await signer.sign(ana, { claims: { azp: '00000000-0000-0000-0000-0000000e0111' } });
    expect(await verify(`Bearer ${otherApp}`)).toMatchObject({ ok: false, reason: 'invalid' });
    const v1OtherApp = await signer.sign(ana, {
      claims: { ver: '1.0', azp: undefined, appid: '00000000-0000-0000-0000-0000000e0111' },
    });
    expect(await verify(`Bearer ${v1OtherApp}`)).toMatchObject({ ok: false, reason: 'invalid' });
    const noClient = await signer.sign(ana, { claims: { azp: undefined } });
    expect(await verify(`Bearer ${noClient}`)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('accepts the token Teams desktop asks for, v2 (azp) or v1 (appid)', async () => {
    const desktop = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
    expect(await verify(`Bearer ${await signer.sign(ana, { claims: { azp: desktop } })}`)).toEqual({
      ok: true,
      user: ana,
    });
    const v1 = await signer.sign(ana, { claims: { ver: '1.0', azp: undefined, appid: desktop } });
    expect(await verify(`Bearer ${v1}`)).toEqual({ ok: true, user: ana });
  });

  it('refuses garbage', async () => {
    expect(await verify('Bearer not.a.jwt')).toMatchObject({ ok: false });
  });

  it('refuses everything when SSO is not configured (fail closed)', async () => {
    expect(await refuseAll(`Bearer ${await signer.sign(ana)}`)).toMatchObject({
      ok: false,
      reason: 'not_configured',
    });
  });

  it('accepts tokens from exactly the Teams clients docs/tabs.md has the admin pre-authorize', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/tabs.md'), 'utf8');
    const step = doc.slice(
      doc.indexOf('**Pre-authorize the Teams clients**'),
      doc.indexOf('**Token version.**'),
    );
    const listed = step.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    expect(listed).toHaveLength(7);
    expect([...TEAMS_CLIENT_IDS].sort()).toEqual([...listed].sort());
  });

  it("names Entra ID's two issuer forms, the api:// audience and the tenant", () => {
    expect(entraPolicy({ tenantId: 'T', clientId: 'C', audience: 'api://h/C' })).toEqual({
      issuers: ['https://login.microsoftonline.com/T/v2.0', 'https://sts.windows.net/T/'],
      audiences: ['api://h/C', 'C'],
      scope: 'access_as_user',
      clients: TEAMS_CLIENT_IDS,
      tenantId: 'T',
    });
  });
});
