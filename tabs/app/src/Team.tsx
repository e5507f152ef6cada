import {
  Body1,
  Button,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Select,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { EVERY_ORDER_LEFT_OUT } from '../../../rules/reasons';
import type { TeamResponse } from '../../api/tabTypes';
import { api } from './api';
import type { Series } from './Chart';
import { FeedBeingRead } from './FeedBeingRead';
import { type Formats, usePageFormats } from './format';
import { LazyChart as Chart } from './LazyChart';
import { LoadError } from './LoadError';
import { NARROW } from './narrow';
import { markReady } from './ready';

/**
 * Windows' contrast themes (forced colours, which Teams' own high contrast follows on Windows) drop
 * every background colour: a bar drawn as one would vanish. There it is drawn in the text's colour.
 */
const FORCED_COLORS = '@media (forced-colors: active)';
const FORCED_BAR = { forcedColorAdjust: 'none', backgroundColor: 'CanvasText' } as const;

const useStyles = makeStyles({
  page: { padding: '16px 24px', maxWidth: '1200px', [NARROW]: { padding: '12px' } },
  filters: { display: 'flex', gap: '16px', flexWrap: 'wrap', margin: '12px 0 8px' },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(340px, 100%), 1fr))',
    gap: '24px',
    marginTop: '12px',
  },
  card: {
    padding: '12px 16px',
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  bar: {
    display: 'grid',
    gridTemplateColumns: '150px minmax(80px, 1fr) auto',
    gap: '8px',
    alignItems: 'center',
    margin: '6px 0',
    // Narrow: the name and its bar on one line, the figures below them.
    [NARROW]: { gridTemplateColumns: 'minmax(0, 1fr) minmax(60px, 1fr)', rowGap: '2px' },
  },
  barFigures: { [NARROW]: { gridColumn: '1 / -1' } },
  // The per-month table keeps its seven columns; on a narrow tab it scrolls inside its own box.
  tableScroll: {
    overflowX: 'auto',
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  track: {
    height: '12px',
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: '6px',
    overflow: 'hidden',
  },
  fill: { height: '100%', backgroundColor: tokens.colorBrandBackground, [FORCED_COLORS]: FORCED_BAR },
  lossFill: {
    height: '100%',
    backgroundColor: tokens.colorPaletteRedBackground3,
    [FORCED_COLORS]: FORCED_BAR,
  },
  wide: { gridColumn: '1 / -1' },
  muted: { color: tokens.colorNeutralForeground3 },
  list: { margin: '4px 0 8px', paddingLeft: '18px' },
  nameAndFigure: { display: 'flex', minWidth: 0 },
  figure: { flexShrink: 0, whiteSpace: 'pre' },
  ellipsis: {
    display: 'block',
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
});

/** Names listed per rep under "Untouched this week"; the rest are counted. */
const UNTOUCHED_SHOWN = 8;
/**
 * Reps shown in a box of reps before "Show all": on a team of a hundred reps the boxes ran to
 * thousands of pixels and pushed the months and the losses off the page.
 */
const REPS_SHOWN = 10;

function lastMonths(asOf: string, n: number): string[] {
  const [y, m] = asOf.split('-').map(Number);
  return Array.from({ length: n }, (_, k) => new Date(Date.UTC(y, m - 1 - k, 1)).toISOString().slice(0, 7));
}

export function Team({ locale, themeKey }: { locale: string; themeKey: string }) {
  const s = useStyles();
  const [rep, setRep] = useState<string>('');
  const [month, setMonth] = useState<string>('');
  const [data, setData] = useState<TeamResponse | null>(null);
  const [error, setError] = useState<{ cause: unknown } | null>(null);
  // Try again asks for the same figures once more.
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is only a reason to ask again
  useEffect(() => {
    // Only the latest choice's answer is shown: a rep then a month picked at once are two questions
    // in flight, and the first can answer last.
    let latest = true;
    api.team(rep || null, month || null).then(
      (d) => {
        if (!latest) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => {
        if (latest) setError({ cause: e });
      },
    );
    return () => {
      latest = false;
    };
  }, [rep, month, attempt]);
  useEffect(() => {
    if (data) markReady('team');
  }, [data]);
  const f = usePageFormats(data, locale);
  if (error)
    return (
      <main className={s.page}>
        <Title3 as="h1">Team</Title3>
        <LoadError
          error={error.cause}
          onRetry={() => {
            setError(null);
            setAttempt((n) => n + 1);
          }}
        />
      </main>
    );
  if (!data) return <Spinner label="Loading the team's figures…" style={{ padding: 32 }} />;
  const seesAll = data.reps.length > 1 || data.filter.rep === null;
  return (
    <main className={s.page}>
      <Title3 as="h1">Team</Title3>
      {/* A live region: choosing a rep or a month says whose figures, and which month's, came. */}
      <Caption1 className={s.muted} role="status">
        {' '}
        {data.filter.rep === null
          ? 'Everyone'
          : (data.reps.find((r) => r.owner === data.filter.rep)?.name ?? data.filter.rep)}{' '}
        · {f.month(data.filter.month)} · as of {f.date(data.asOf)}
      </Caption1>
      {data.staleFeed && (
        <MessageBar intent="warning" data-testid="stale-feed">
          <MessageBarBody>{data.staleFeed}</MessageBarBody>
        </MessageBar>
      )}
      {data.feedBeingRead && <FeedBeingRead />}
      <div className={s.filters}>
        {seesAll && (
          <Field label="Rep">
            <Select value={rep} onChange={(_e, d) => setRep(d.value)} aria-label="Filter by rep">
              <option value="">Everyone</option>
              {data.reps.map((r) => (
                <option key={r.owner} value={r.owner}>
                  {r.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field label="Month">
          <Select
            value={month || data.filter.month}
            onChange={(_e, d) => setMonth(d.value)}
            aria-label="Month"
          >
            {lastMonths(data.asOf, 12).map((m) => (
              <option key={m} value={m}>
                {f.month(m)}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      <div className={s.grid}>
        <ValueAtRisk data={data} f={f} />
        <Untouched data={data} f={f} />
        <OrdersNotRead data={data} f={f} />
        <PerMonth data={data} f={f} themeKey={themeKey} />
        <Losses data={data} f={f} />
        <Section label="How accurate the scoring is" title="How accurate the scoring has been">
          <Body1 as="p" block>
            {data.accuracy?.sentence ?? 'Not enough history in the book to measure it yet.'}
          </Body1>
        </Section>
      </div>
    </main>
  );
}

/** Each rep's customers at risk on this week's lists, as bars of their value at risk. */
function ValueAtRisk({ data, f }: { data: TeamResponse; f: Formats }) {
  const s = useStyles();
  const maxRisk = Math.max(1, ...data.valueAtRiskByRep.map((r) => r.valueAtRisk));
  const [all, setAll] = useState(false);
  return (
    <Section label="Value at risk by rep" title="Value at risk by rep">
      <Caption1 className={s.muted} block>
        The customers a weekly card made today ({f.date(data.asOf)}) would count, and their value × chance of
        no order. The card's header counted them on the day it was made: orders, taps and days since move
        these.
      </Caption1>
      {data.valueAtRiskByRep.length === 0 && <Nothing>Nobody is on the lists.</Nothing>}
      {(all ? data.valueAtRiskByRep : data.valueAtRiskByRep.slice(0, REPS_SHOWN)).map((r) => (
        <BarRow
          key={r.owner}
          name={
            <Body1 className={s.ellipsis} title={r.name}>
              {r.name}
            </Body1>
          }
          share={r.valueAtRisk / maxRisk}
          fill={s.fill}
          figures={`${f.money(r.valueAtRisk)} · ${r.countsText}`}
        />
      ))}
      <ShowAll reps={data.valueAtRiskByRep.length} all={all} setAll={setAll} f={f} />
    </Section>
  );
}

/** The button under a box of reps that shows them all, or the first REPS_SHOWN again. */
function ShowAll({
  reps,
  all,
  setAll,
  f,
}: {
  reps: number;
  all: boolean;
  setAll: (all: boolean) => void;
  f: Formats;
}) {
  if (reps <= REPS_SHOWN) return null;
  return (
    <Button appearance="subtle" onClick={() => setAll(!all)}>
      {all ? `Show the first ${f.count(REPS_SHOWN)} reps` : `Show all ${f.count(reps)} reps`}
    </Button>
  );
}

/** Per rep, the customers on this week's lists nobody has acted on yet. */
function Untouched({ data, f }: { data: TeamResponse; f: Formats }) {
  const s = useStyles();
  const [all, setAll] = useState(false);
  const untouched = data.untouched.reduce((sum, r) => sum + r.customers.length, 0);
  return (
    <Section label="Untouched this week" title="Untouched this week">
      {data.weeklyRunUnderWay && (
        <Caption1 className={s.muted} block>
          This week's run is still under way: its cards are counted here as they go out.
        </Caption1>
      )}
      {data.listedThisWeek === 0 ? (
        // Nothing listed, so nothing handled: say why, as the week stands (a rep without the app, a
        // run that listed nobody here, or no run yet).
        <Nothing>
          {data.notDeliveredThisWeek > 0
            ? undeliveredWords(data.notDeliveredThisWeek, f)
            : data.weeklyRunDone
              ? "This week's cards have gone out: none of them listed a customer here."
              : 'No weekly card has gone out this week yet.'}
        </Nothing>
      ) : data.untouched.length === 0 ? (
        <Nothing>Every customer on this week's lists has been handled.</Nothing>
      ) : (
        <Caption1 className={s.muted} block>
          {f.count(untouched)} of the {f.count(data.listedThisWeek)} customers on this week's cards,{' '}
          {data.untouched.length === 1 ? '1 rep' : `${f.count(data.untouched.length)} reps`}; the most
          untouched first.
        </Caption1>
      )}
      {(all ? data.untouched : data.untouched.slice(0, REPS_SHOWN)).map((r) => (
        <div key={r.owner}>
          <Body1>
            <strong>{r.name}</strong> · {f.count(r.customers.length)}
          </Body1>
          <ul className={s.list}>
            {r.customers.slice(0, UNTOUCHED_SHOWN).map((c) => (
              <li key={c.customerId}>
                {/* A long name is cut short, never the value at risk the list is read by. */}
                <span className={s.nameAndFigure}>
                  <Caption1 className={s.ellipsis} title={c.name}>
                    {c.name}
                  </Caption1>
                  <Caption1 className={s.figure}> ({f.money(c.valueAtRisk)} at risk)</Caption1>
                </span>
              </li>
            ))}
            {r.customers.length > UNTOUCHED_SHOWN && (
              <li>
                <Caption1 className={s.muted}>
                  and {f.count(r.customers.length - UNTOUCHED_SHOWN)} more
                </Caption1>
              </li>
            )}
          </ul>
        </div>
      ))}
      {data.listedThisWeek > 0 && data.notDeliveredThisWeek > 0 && (
        <Caption1 className={s.muted} block>
          {undeliveredWords(data.notDeliveredThisWeek, f)}
        </Caption1>
      )}
      <ShowAll reps={data.untouched.length} all={all} setAll={setAll} f={f} />
    </Section>
  );
}

/** The customers this week's run flagged on cards no rep received, as the month table's note words them. */
function undeliveredWords(n: number, f: Formats): string {
  return `${f.count(n)} ${n === 1 ? 'customer' : 'customers'} flagged this week on cards that reached no rep (no chat with the app), not counted here.`;
}

/**
 * Per rep, the customers whose every order line the feed skipped or left out: on no card and in no
 * other figure here, so the box is shown only when there are some. Those whose every order was
 * cancelled or refunded are told apart: their export is right, and "until the export is fixed"
 * would send a manager looking for a fault that is not there.
 */
function OrdersNotRead({ data, f }: { data: TeamResponse; f: Formats }) {
  const s = useStyles();
  const [all, setAll] = useState(false);
  if (data.ordersNotRead.length === 0) return null;
  const total = data.ordersNotRead.reduce((sum, r) => sum + r.customers, 0);
  const undone = data.ordersNotRead.reduce((sum, r) => sum + r.undone, 0);
  const customers = (n: number) => (n === 1 ? '1 customer' : `${f.count(n)} customers`);
  const said = [
    ...(total > undone
      ? [
          `${customers(total - undone)} whose every order line the feed skipped: on no list until the export is fixed.`,
        ]
      : []),
    ...(undone > 0 ? [`${customers(undone)} ${EVERY_ORDER_LEFT_OUT}: on no list, with nothing to fix.`] : []),
  ];
  return (
    <Section label="Orders not read from the feed" title="Orders not read from the feed">
      <Caption1 className={s.muted} block>
        {said.join(' ')} Each customer's page says why.
      </Caption1>
      {(all ? data.ordersNotRead : data.ordersNotRead.slice(0, REPS_SHOWN)).map((r) => (
        <Body1 key={r.owner} as="p" block>
          <strong>{r.name}</strong> · {customers(r.customers)}
        </Body1>
      ))}
      <ShowAll reps={data.ordersNotRead.length} all={all} setAll={setAll} f={f} />
    </Section>
  );
}

/** Saves, losses and value won back per month: a chart and the same figures as a table. */
function PerMonth({ data, f, themeKey }: { data: TeamResponse; f: Formats; themeKey: string }) {
  const s = useStyles();
  const series = useMemo<Series[]>(
    () => [
      {
        label: 'Saves',
        values: data.monthly.map((m) => m.saves),
        color: tokens.colorPaletteGreenForeground1,
        kind: 'bars',
      },
      {
        label: 'Losses',
        values: data.monthly.map((m) => m.losses),
        color: tokens.colorPaletteRedForeground1,
        kind: 'line',
      },
      {
        label: 'Monthly value won back',
        values: data.monthly.map((m) => m.valueWonBack),
        color: tokens.colorBrandForeground1,
        kind: 'line',
        axis: 1,
        // As the table beside it states the value: to the cent when a rep typed cents.
        format: f.wonBack,
      },
    ],
    [data, f],
  );

  return (
    <Section label="Saves and losses per month" title="Saves, losses and value won back" wide>
      <Chart
        labels={data.months.map(f.month)}
        pointName="Month"
        latestSoFar={data.months.at(-1) === data.asOf.slice(0, 7)}
        series={series}
        ariaLabel="Saves, losses and value won back per month (the table below gives the figures)"
        name="saves, losses and value won back"
        tableBeside
        themeKey={themeKey}
        formatTick={f.tick}
      />
      <SidewaysScroll className={s.tableScroll} label="Per month, scrolls sideways">
        <Table size="small" aria-label="Per month">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Month</TableHeaderCell>
              <TableHeaderCell>Flagged</TableHeaderCell>
              <TableHeaderCell>Reached out</TableHeaderCell>
              <TableHeaderCell>Saves</TableHeaderCell>
              <TableHeaderCell>Losses</TableHeaderCell>
              {/* The channel card's words: a manager reads the same figure by the same name. */}
              <TableHeaderCell>Monthly value won back</TableHeaderCell>
              <TableHeaderCell>One-off orders won back</TableHeaderCell>
              <TableHeaderCell>Reached out, then won back</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.monthly.map((m) => (
              <TableRow key={m.month}>
                <TableCell>{f.month(m.month)}</TableCell>
                <TableCell>{f.count(m.surfaced)}</TableCell>
                <TableCell>{f.count(m.reachedOut)}</TableCell>
                <TableCell>{f.count(m.saves)}</TableCell>
                <TableCell>{f.count(m.losses)}</TableCell>
                <TableCell>{f.wonBack(m.valueWonBack)}</TableCell>
                <TableCell>{f.wonBack(m.oneOffWonBack)}</TableCell>
                <TableCell>{m.followUpConversion === null ? '–' : f.percent(m.followUpConversion)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </SidewaysScroll>
      {/* Not in "Flagged", as on the summary card: nobody could tap a card that never arrived. */}
      {data.monthly
        .filter((m) => m.flaggedNotDelivered > 0)
        .map((m) => (
          <Caption1 key={m.month} className={s.muted} block>
            {f.month(m.month)}:{' '}
            {m.flaggedNotDelivered === 1 ? '1 customer' : `${f.count(m.flaggedNotDelivered)} customers`}{' '}
            flagged on cards that reached no rep (no chat with the app), not counted as flagged.
          </Caption1>
        ))}
    </Section>
  );
}

/** The selected month's losses by reason, and the holdout comparison. */
function Losses({ data, f }: { data: TeamResponse; f: Formats }) {
  const s = useStyles();
  return (
    <Section label="Losses by reason" title={`Losses by reason, ${f.month(data.filter.month)}`}>
      {data.lossesByReason.length === 0 && <Nothing>No losses recorded this month.</Nothing>}
      {data.lossesByReason.map((l) => (
        <BarRow
          key={l.label}
          name={<Body1>{l.label}</Body1>}
          share={l.share}
          fill={s.lossFill}
          figures={`${f.count(l.count)} · ${f.percent(l.share)}`}
        />
      ))}
      {/* Within the losses' box: a heading under its h2, not a box of its own. */}
      <Subtitle2 as="h3" block>
        Holdout comparison
      </Subtitle2>
      <Body1 as="p" block>
        {data.holdout}
      </Body1>
    </Section>
  );
}

/** One bar of a list of bars: what it is for, its bar (`share` of the full width, 0 to 1) and its figures. */
function BarRow({
  name,
  share,
  fill,
  figures,
}: {
  name: ReactNode;
  share: number;
  fill: string;
  figures: string;
}) {
  const s = useStyles();
  return (
    <div className={s.bar}>
      {name}
      <div className={s.track} data-bar>
        <div className={fill} style={{ width: `${100 * share}%` }} />
      </div>
      <Caption1 className={s.barFigures}>{figures}</Caption1>
    </div>
  );
}

/** One of the tab's boxes: `label` names the region for screen readers, `title` is its heading. */
function Section({
  label,
  title,
  wide = false,
  children,
}: {
  label: string;
  title: string;
  wide?: boolean;
  children: ReactNode;
}) {
  const s = useStyles();
  return (
    <section className={wide ? `${s.card} ${s.wide}` : s.card} aria-label={label}>
      <Subtitle2 as="h2" block>
        {title}
      </Subtitle2>
      {children}
    </section>
  );
}

/**
 * A box whose content may be wider than the tab (Teams mobile): while it is, the keyboard can reach
 * it (Tab, then the arrow keys scroll it), as a named region; when it is not, it is no stop at all.
 */
function SidewaysScroll({
  className,
  label,
  children,
}: {
  className: string;
  label: string;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth);
    const resize = new ResizeObserver(measure);
    resize.observe(el);
    if (el.firstElementChild) resize.observe(el.firstElementChild);
    return () => resize.disconnect();
  }, []);
  return (
    <div
      ref={box}
      className={className}
      {...(scrolls ? { tabIndex: 0, role: 'region', 'aria-label': label } : {})}
    >
      {children}
    </div>
  );
}

/** What a box says when it has nothing to show. */
function Nothing({ children }: { children: ReactNode }) {
  return (
    <Body1 as="p" block>
      {children}
    </Body1>
  );
}
