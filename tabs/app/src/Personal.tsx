import {
  Badge,
  Body1,
  Button,
  Caption1,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Subtitle2,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CustomerKind, CustomerRow, CustomersResponse, MeResponse } from '../../api/tabTypes';
import { api } from './api';
import { CustomerPage } from './CustomerPage';
import type { Formats } from './format';
import { markReady } from './ready';

export const KIND_TITLES: Record<CustomerKind, string> = {
  slipping: 'Slipping',
  new_not_back: 'New, not back yet',
  not_back_yet: 'Reached out, not back yet',
  watch: 'Worth a look',
  lapsed: 'Lapsed',
  won_back: 'Won back',
  lost: 'Lost',
  steady: 'Steady',
};
const KIND_ORDER: CustomerKind[] = [
  'slipping',
  'new_not_back',
  'not_back_yet',
  'watch',
  'lapsed',
  'won_back',
  'lost',
  'steady',
];
const FOLDED: ReadonlySet<CustomerKind> = new Set(['steady', 'lost']);

export const KIND_COLORS: Record<
  CustomerKind,
  'danger' | 'warning' | 'informative' | 'success' | 'subtle' | 'important'
> = {
  slipping: 'danger',
  new_not_back: 'warning',
  not_back_yet: 'informative',
  watch: 'warning',
  lapsed: 'important',
  won_back: 'success',
  lost: 'subtle',
  steady: 'subtle',
};

const useStyles = makeStyles({
  page: { padding: '16px 24px', maxWidth: '1100px' },
  header: { display: 'flex', alignItems: 'baseline', gap: '16px', flexWrap: 'wrap', marginBottom: '12px' },
  search: { minWidth: '280px', flexGrow: 1, maxWidth: '420px' },
  group: { marginTop: '20px' },
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(160px, 2fr) 70px 110px 110px minmax(160px, 3fr)',
    gap: '12px',
    alignItems: 'center',
    padding: '8px 4px',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  name: { justifyContent: 'flex-start', fontWeight: tokens.fontWeightSemibold, minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function Personal({
  f,
  themeKey,
  openCustomer,
}: {
  f: Formats;
  themeKey: string;
  openCustomer: string | null;
}) {
  const s = useStyles();
  const [me, setMe] = useState<MeResponse | null>(null);
  const [data, setData] = useState<CustomersResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(openCustomer);
  const [unfolded, setUnfolded] = useState<ReadonlySet<CustomerKind>>(new Set());

  const load = useCallback(
    () =>
      Promise.all([api.me(), api.customers()]).then(
        ([who, list]) => {
          setMe(who);
          setData(list);
        },
        (e: unknown) => setError(String(e instanceof Error ? e.message : e)),
      ),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (data && !selected) markReady('personal');
  }, [data, selected]);

  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const rows = (data?.customers ?? []).filter(
      (c) => !q || c.name.toLowerCase().includes(q) || c.customerId.toLowerCase().includes(q),
    );
    return KIND_ORDER.map((kind) => ({ kind, rows: rows.filter((r) => r.kind === kind) })).filter(
      (g) => g.rows.length > 0,
    );
  }, [data, query]);

  if (error)
    return (
      <MessageBar intent="error">
        <MessageBarBody>{error}</MessageBarBody>
      </MessageBar>
    );
  if (selected)
    return (
      <CustomerPage
        customerId={selected}
        f={f}
        themeKey={themeKey}
        onBack={() => {
          setSelected(null);
          void load();
        }}
      />
    );
  if (!data || !me) return <Spinner label="Loading your customers…" style={{ padding: 32 }} />;
  const searching = query.trim() !== '';
  return (
    <main className={s.page}>
      <div className={s.header}>
        <Title3 as="h1">{me.seesAll ? 'All customers' : 'My customers'}</Title3>
        <Caption1 className={s.muted}>
          {me.user.name} · as of {f.date(data.asOf)} · {data.customers.length} customers
        </Caption1>
      </div>
      <Input
        className={s.search}
        placeholder="Search a customer by name or id"
        value={query}
        onChange={(_e, d) => setQuery(d.value)}
        aria-label="Search customers"
      />
      <div className={`${s.row} ${s.muted}`} aria-hidden="true">
        <Caption1 style={{ paddingLeft: 12 }}>Customer</Caption1>
        <Caption1>Score</Caption1>
        <Caption1>At risk / month</Caption1>
        <Caption1>Last order</Caption1>
        <Caption1>Why</Caption1>
      </div>
      {groups.length === 0 && (
        <Body1 as="p" block>
          No customer matches “{query}”.
        </Body1>
      )}
      {groups.map(({ kind, rows }) => {
        const folded = FOLDED.has(kind) && !searching && !unfolded.has(kind);
        return (
          <section key={kind} className={s.group} aria-label={KIND_TITLES[kind]}>
            <Subtitle2 as="h2" block>
              {KIND_TITLES[kind]}{' '}
              <Badge appearance="tint" color={KIND_COLORS[kind]}>
                {rows.length}
              </Badge>
            </Subtitle2>
            {folded ? (
              <Button appearance="transparent" onClick={() => setUnfolded(new Set([...unfolded, kind]))}>
                Show {rows.length} {KIND_TITLES[kind].toLowerCase()} customers
              </Button>
            ) : (
              rows.map((c) => <Row key={c.customerId} c={c} f={f} onOpen={() => setSelected(c.customerId)} />)
            )}
          </section>
        );
      })}
    </main>
  );
}

function Row({ c, f, onOpen }: { c: CustomerRow; f: Formats; onOpen: () => void }) {
  const s = useStyles();
  return (
    <div className={s.row} data-customer={c.customerId}>
      <Button appearance="transparent" className={s.name} onClick={onOpen}>
        {c.name}
      </Button>
      <Badge
        appearance="outline"
        color={c.band === 'at_risk' ? 'danger' : c.band === 'watch' ? 'warning' : 'subtle'}
      >
        {c.score}
      </Badge>
      <Body1 title="Monthly value at risk">{f.money(c.valueAtRisk)}</Body1>
      <Caption1 className={s.muted}>
        {c.daysSinceLastOrder === null ? 'no orders' : `${c.daysSinceLastOrder} days silent`}
      </Caption1>
      <Caption1 className={s.muted}>{c.reasons[0] ?? ''}</Caption1>
    </div>
  );
}
