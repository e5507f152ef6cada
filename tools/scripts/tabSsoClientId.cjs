// @ts-check
// Run by the Microsoft 365 Agents Toolkit before it validates the manifest (m365agents.yml, m365agents.local.yml).
// The manifest's webApplicationInfo names TAB_SSO_CLIENT_ID, and the toolkit refuses a placeholder whose value is
// empty. Until the tabs' SSO app is registered (docs/tabs.md), the bot id stands in so Provision and "Debug in Teams"
// still work; the bot's registration exposes no API, so the tabs cannot sign in with it, and this says so each run.
// Plain CommonJS with no dependencies: Provision runs before anything is installed.

/**
 * The value the manifest gets, and a warning when the tabs will not sign in with it.
 * @param {Record<string, string | undefined>} env the toolkit's environment (env/.env.<name> and earlier steps' outputs)
 * @returns {{ clientId: string, warning?: string }}
 */
function tabSsoClientId(env) {
  const botId = env.BOT_ID ?? '';
  const clientId = env.TAB_SSO_CLIENT_ID || botId;
  if (!clientId)
    throw new Error('TAB_SSO_CLIENT_ID and BOT_ID are both empty: nothing to put in the manifest');
  if (clientId !== botId) return { clientId };
  return {
    clientId,
    warning:
      'TAB_SSO_CLIENT_ID is the bot id: the manifest validates, but the tabs cannot sign in (their API answers 401). ' +
      "Register the tabs' SSO app (docs/tabs.md) and put its client id in TAB_SSO_CLIENT_ID in env/.env." +
      (env.TEAMSFX_ENV ?? '<name>'),
  };
}

module.exports = { tabSsoClientId };

if (require.main === module) {
  try {
    const { clientId, warning } = tabSsoClientId(process.env);
    if (warning) console.error(`warning: ${warning}`);
    // The toolkit's script action sets an environment value from this line, for the steps after it.
    console.log(`::set-teamsfx-env TAB_SSO_CLIENT_ID=${clientId}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
