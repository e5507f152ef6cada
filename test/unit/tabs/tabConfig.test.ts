import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/config';
import { entraVerifier } from '../../../functions/wiring';

const local = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
/** The tabs' app registration alone, with no tenant named. */
const ssoApp = { TAB_SSO_CLIENT_ID: 'c1d2', TAB_SSO_AUDIENCE: 'api://churn.example/c1d2' };
const sso = { ...ssoApp, MicrosoftAppTenantId: 'tenant-1' };

describe('tab settings', () => {
  it('SSO needs the client id, the api:// audience and a tenant (MicrosoftAppTenantId by default)', () => {
    expect(loadConfig({ ...local, ...sso }).tabSso).toEqual({
      clientId: 'c1d2',
      audience: 'api://churn.example/c1d2',
      tenantId: 'tenant-1',
    });
    expect(loadConfig({ ...local, ...ssoApp, TAB_SSO_TENANT_ID: 'tenant-2' }).tabSso?.tenantId).toBe(
      'tenant-2',
    );
    expect(() => loadConfig({ ...local, ...sso, TAB_SSO_AUDIENCE: 'https://x' })).toThrow(/TAB_SSO_AUDIENCE/);
  });

  it('refuses to start on a client id without its audience, which would answer 401 to every tab request unexplained', () => {
    expect(() => loadConfig({ ...local, TAB_SSO_CLIENT_ID: 'c1d2' })).toThrow(/TAB_SSO_AUDIENCE/);
    expect(() => loadConfig({ ...local, ...sso, TAB_SSO_AUDIENCE: 'api://churn.example/other' })).toThrow(
      /TAB_SSO_AUDIENCE.*must end with/,
    );
    // Local debugging with no SSO app yet writes the audience with an empty id: the tabs stay off.
    expect(loadConfig({ ...local, TAB_SSO_AUDIENCE: 'api://abc.devtunnels.ms/' }).tabSso).toBeNull();
  });

  it('refuses to start on a client id with no tenant to accept sign-ins from, which would refuse every tab request unexplained', () => {
    expect(() => loadConfig({ ...local, ...ssoApp })).toThrow(
      /TAB_SSO_TENANT_ID: is required with TAB_SSO_CLIENT_ID \(or set MicrosoftAppTenantId\)/,
    );
  });

  it("refuses to start on a tab tenant other than the bot's: that tenant's users could read the tabs, and every tap of theirs would be refused", () => {
    expect(() => loadConfig({ ...local, ...sso, TAB_SSO_TENANT_ID: 'tenant-2' })).toThrow(
      /TAB_SSO_TENANT_ID: must be MicrosoftAppTenantId's tenant/,
    );
    expect(loadConfig({ ...local, ...sso, TAB_SSO_TENANT_ID: 'tenant-1' }).tabSso?.tenantId).toBe('tenant-1');
  });

  it('fails closed: without SSO settings every token is refused', async () => {
    const config = loadConfig(local);
    expect(config.tabSso).toBeNull();
    expect(await entraVerifier(config)('Bearer a.b.c')).toMatchObject({
      ok: false,
      reason: 'not_configured',
    });
  });

  it('reads managers as a list and the Teams app id for deep links', () => {
    const c = loadConfig({ ...local, MANAGER_USER_IDS: 'm1, m2', TEAMS_APP_ID: 'app-1' });
    expect(c.managerUserIds).toEqual(['m1', 'm2']);
    expect(c.teamsAppId).toBe('app-1');
    expect(loadConfig(local).teamsAppId).toBeUndefined();
  });
});
