import {
  FluentProvider,
  MessageBar,
  MessageBarBody,
  Spinner,
  type Theme,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
} from '@fluentui/react-components';
import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Personal } from './Personal';
import { Team } from './Team';
import { connect, type HostInfo, notifyLoaded, onThemeChange, type TeamsTheme } from './teams';

// The configuration page loads only when Teams opens it (once, when the channel tab is added).
const ConfigPage = lazy(() => import('./ConfigPage').then((m) => ({ default: m.ConfigPage })));

const THEMES: Record<TeamsTheme, Theme> = {
  default: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};

type Page = 'personal' | 'team' | 'config';

function pageOf(path: string): Page {
  const last = path.replace(/\/+$/, '').split('/').pop();
  return last === 'team' || last === 'config' ? last : 'personal';
}

function Root({ page }: { page: Page }) {
  const [host, setHost] = useState<HostInfo | null>(null);
  const [theme, setTheme] = useState<TeamsTheme>('default');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    connect().then(
      (info) => {
        setHost(info);
        setTheme(info.theme);
        onThemeChange(setTheme).catch((e: unknown) => console.warn('no theme changes', e));
        notifyLoaded().catch((e: unknown) => console.warn('notifySuccess failed', e));
      },
      (e: unknown) => setError(`Could not connect to Teams: ${String(e)}`),
    );
  }, []);
  // The Teams (or browser) locale reads what the user types (the Won back box). Dates and numbers are
  // shown in the locale each answer states, the cards' LOCALE, as money is in the currency it states:
  // the tab is read beside the card, and the team's one locale keeps the two from contradicting.
  const locale = host?.locale ?? navigator.language;
  return (
    <FluentProvider theme={THEMES[theme]} data-theme={theme} style={{ minHeight: '100%' }}>
      {error ? (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      ) : !host ? (
        <Spinner label="Connecting to Teams…" style={{ padding: 32 }} />
      ) : page === 'config' ? (
        <Suspense fallback={<Spinner style={{ padding: 32 }} />}>
          <ConfigPage />
        </Suspense>
      ) : page === 'team' ? (
        <Team locale={locale} themeKey={theme} />
      ) : (
        <Personal locale={locale} themeKey={theme} openCustomer={host.subPageId} />
      )}
    </FluentProvider>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <Root page={pageOf(location.pathname)} />
    </StrictMode>,
  );
