import { Body1, Title3 } from '@fluentui/react-components';
import { useEffect } from 'react';
import { markReady } from './ready';
import { configureTeamTab } from './teams';

/** The channel tab's configuration page: nothing to choose; Save adds the Team dashboard. */
export function ConfigPage() {
  useEffect(() => {
    configureTeamTab().then(
      () => markReady('config'),
      (e: unknown) => console.error('could not configure the tab', e),
    );
  }, []);
  return (
    <main style={{ padding: 24 }}>
      <Title3 as="h1">Team dashboard</Title3>
      <Body1 as="p" block>
        Adds the team's churn dashboard to this channel: value at risk by rep, untouched lists, saves and
        losses by month, and how accurate the scoring has been on your own book. Select Save.
      </Body1>
    </main>
  );
}
