import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  Select,
  Spinner,
  Subtitle2,
  tokens,
  typographyStyles,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ActionRequestBody, CustomerChartResponse, CustomerDetailResponse } from '../../api/tabTypes';
import { api, messageOf } from './api';
import type { Series } from './Chart';
import { FeedBeingRead } from './FeedBeingRead';
import { type Formats, usePageFormats } from './format';
import { LazyChart as Chart } from './LazyChart';
import { LoadError } from './LoadError';
import { NARROW } from './narrow';
import { KIND_COLORS, KIND_TITLES } from './Personal';
import { markReady } from './ready';

const useStyles = makeStyles({
  page: { padding: '16px 24px', maxWidth: '1100px', [NARROW]: { padding: '12px' } },
  header: { display: 'flex', alignItems: 'center', gap: '12px', flexWrap: 'wrap', minWidth: 0 },
  // Title3's look on a plain h1, which can take the focus. The name wraps rather than ends in "…":
  // on a phone there is no pointer to hover for the rest, and the rep calls them by it.
  title: {
    ...typographyStyles.title3,
    margin: 0,
    maxWidth: '100%',
    overflowWrap: 'anywhere',
    ':focus': { outlineStyle: 'none' },
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(150px, 1fr))',
    gap: '12px',
    margin: '16px 0',
  },
  fact: {
    padding: '10px 12px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
  },
  charts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(320px, 100%), 1fr))',
    gap: '24px',
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: '12px',
    alignItems: 'flex-end',
    margin: '16px 0',
    padding: '12px',
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  timeline: { listStyle: 'none', padding: 0, margin: 0 },
  entry: {
    display: 'grid',
    // The day and a tap's time ("Mon 23 Nov, 10:42 AM") on one line.
    gridTemplateColumns: '170px 130px 1fr',
    gap: '12px',
    padding: '6px 0',
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    // Narrow: the day and what happened on one line, the detail below them.
    [NARROW]: { gridTemplateColumns: 'auto minmax(0, 1fr)', rowGap: '2px' },
  },
  entryDetail: { overflowWrap: 'anywhere', [NARROW]: { gridColumn: '1 / -1' } },
  // A run of weeks on a list: each week under its line, beneath the title and the detail.
  entryWeeks: { gridColumn: '2 / -1', [NARROW]: { gridColumn: '1 / -1' } },
  weekList: { margin: '4px 0 0', paddingLeft: '18px' },
  undone: { textDecorationLine: 'line-through', color: tokens.colorNeutralForeground4 },
  notInFeed: { margin: '16px 0' },
  // The chart's height (LazyChart's), so the page does not jump when it is drawn.
  working: { minHeight: '200px', margin: '8px 0' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Timeline entries shown before "Show all". */
const TIMELINE_FIRST = 25;

export function CustomerPage({
  customerId,
  locale,
  themeKey,
  onBack,
}: {
  customerId: string;
  locale: string;
  themeKey: string;
  onBack: () => void;
}) {
  const s = useStyles();
  const [data, setData] = useState<CustomerDetailResponse | null>(null);
  const [error, setError] = useState<{ cause: unknown } | null>(null);
  const [chart, setChart] = useState<CustomerChartResponse | null>(null);
  const [chartError, setChartError] = useState<{ cause: unknown } | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [allEntries, setAllEntries] = useState(false);

  const load = useCallback(() => {
    setError(null);
    return api.customer(customerId).then(
      (d) => {
        setData(d);
        setValue(d.wonBackPrefill);
      },
      (e: unknown) => setError({ cause: e }),
    );
  }, [customerId]);
  useEffect(() => {
    void load();
  }, [load]);
  // Asked beside the page, not after it: on a large book the twelve Mondays take a while to work
  // out, and the rest of the page is read meanwhile. A tap does not change them: asked once.
  const loadChart = useCallback(() => {
    setChartError(null);
    return api.chart(customerId).then(setChart, (e: unknown) => setChartError({ cause: e }));
  }, [customerId]);
  useEffect(() => {
    void loadChart();
  }, [loadChart]);
  useEffect(() => {
    if (data) markReady('customer');
  }, [data]);
  // Opening a customer is a new page: focus its heading (once), so a screen reader starts there.
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = data !== null;
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);
  // Escape closes the page, back to the list (the row it was opened from focused), as Back does; not
  // while the focus is in a box or a list of choices, where Escape belongs to what is being typed or picked.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (e.target instanceof Element && e.target.closest('input, select, textarea')) return;
      onBack();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onBack]);
  const f = usePageFormats(data, locale);
  const horizon = data?.horizonDays ?? null;
  const chanceLabel = horizon === null ? 'Chance of no order' : `Chance of no order in ${horizon} days`;

  const act = async (body: ActionRequestBody) => {
    setBusy(true);
    try {
      const result = await api.act(customerId, body);
      // The page shows the new state before the result is read out, so the two agree.
      await load();
      setNotice({ ok: true, text: result.message });
    } catch (e) {
      setNotice({ ok: false, text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  const orderSeries = useMemo<Series[]>(
    () =>
      data
        ? [
            {
              label: 'Orders',
              values: data.ordersByMonth.map((m) => m.orders),
              color: tokens.colorBrandBackground,
              kind: 'bars',
            },
            {
              label: 'Spend',
              values: data.ordersByMonth.map((m) => m.amount),
              color: tokens.colorPaletteDarkOrangeForeground1,
              kind: 'line',
              axis: 1,
              format: f.money,
            },
          ]
        : [],
    [data, f],
  );
  // The chance the card stated each Monday, alone: the score behind it, drawn beside it, read as a
  // second and contrary figure (a score of 16 under a chance of 72%).
  const weekSeries = useMemo<Series[]>(
    () =>
      chart
        ? [
            {
              label: chanceLabel,
              values: chart.weeks.map((w) =>
                w.noOrderProbability === null ? null : Math.round(w.noOrderProbability * 100),
              ),
              color: tokens.colorBrandForeground1,
              kind: 'line',
              // As the fact above states it in LOCALE ("27 %" in German).
              format: (v) => f.percent(v / 100),
            },
          ]
        : [],
    [chart, chanceLabel, f],
  );

  if (error)
    return (
      <main className={s.page}>
        <Button onClick={onBack}>Back to the list</Button>
        <h1 className={s.title}>{customerId}</h1>
        <LoadError error={error.cause} onRetry={load} />
      </main>
    );
  if (!data) return <Spinner label="Loading the customer…" style={{ padding: 32 }} />;
  const c = data.customer;
  const closed = c.kind === 'lost' || c.kind === 'won_back';
  const inFeed = c.kind !== 'not_in_feed';
  return (
    <main className={s.page}>
      <Button appearance="subtle" onClick={onBack}>
        ← My customers
      </Button>
      <div className={s.header}>
        <h1 ref={heading} tabIndex={-1} className={s.title}>
          {c.name}
        </h1>
        <Badge appearance="tint" color={KIND_COLORS[c.kind]}>
          {KIND_TITLES[c.kind]}
        </Badge>
        <Caption1 className={s.muted}>
          {c.customerId} · {data.ownerName}
        </Caption1>
      </div>
      {c.reasons.length > 0 && (
        <Body1 as="p" block>
          {c.reasons.join(' · ')}
        </Body1>
      )}

      {(data.feedBeingRead || chart?.feedBeingRead) && <FeedBeingRead className={s.notInFeed} />}
      {!inFeed && (
        // Not "0 orders, £0 spent": the export no longer says what they ordered, and the page does not guess.
        <MessageBar intent="info" className={s.notInFeed}>
          <MessageBarBody>
            The order feed no longer holds this customer (deleted, merged or renamed in the export): no
            orders, spend or chances to show. Their score and value are the last weekly run's; what reps did
            is kept below.
          </MessageBarBody>
        </MessageBar>
      )}
      {data.facts.noOrderInValueDays !== null && (
        // A rule keeps them off, not their value: without this, a lapsed regular worth £1,300 a month
        // who is on no card reads as forgotten.
        <MessageBar intent="info" className={s.notInFeed}>
          <MessageBarBody>
            On no weekly list: no order in the last {f.count(data.facts.noOrderInValueDays)} days, longer than
            a win-back list reaches back. Their value is still their last active year's.
          </MessageBarBody>
        </MessageBar>
      )}
      {data.listedWeeksUnreadable && (
        // Not a page that fails on one damaged row, nor a timeline that reads as if they were never
        // listed, or first listed when the weekly run started the damaged row again.
        <MessageBar intent="warning" className={s.notInFeed} data-testid="listed-weeks-unreadable">
          <MessageBarBody>
            {data.listedWeeksUnreadable === 'all'
              ? 'Their weeks on the weekly lists could not be read (the stored record of them is damaged), so the timeline below leaves them out. The rest of the page is complete.'
              : 'Their earlier weeks on the weekly lists could not be read (the stored record of them was damaged), so the timeline below has only their weeks since. The rest of the page is complete.'}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={s.facts}>
        {c.noOrderChance !== null ? (
          // The card's headline figure, in its words, first: the rep prepares the call from this page.
          // The score behind it is left out: beside the chance it read as a second, contrary figure.
          <Fact
            label={chanceLabel}
            value={f.percent(c.noOrderChance)}
            hint={
              c.kind === 'won_back' ? 'from their orders to date: it falls as they order again' : undefined
            }
          />
        ) : (
          // No chance is stated without an order, nor once the feed dropped them: the score is all there is.
          <Fact
            label="Score"
            value={c.score === null ? '–' : `${c.score} / 100`}
            hint={scoreHint(c.score, inFeed)}
          />
        )}
        {c.valueKind === 'second_order' ? (
          <Fact label="If they order again" value={f.money(c.monthlyValue)} hint="one visit so far" />
        ) : (
          <Fact label="Monthly value" value={`${f.money(c.monthlyValue)}/month`} />
        )}
        {inFeed && (
          <>
            <Fact
              label="Value at risk"
              value={f.money(c.valueAtRisk)}
              hint={horizon === null ? undefined : `value × chance of no order in ${horizon} days`}
            />
            <Fact label="Orders" value={f.count(data.facts.orders)} />
            <Fact label="Spend" value={f.money(data.facts.spend)} />
            <Fact
              label="Last order"
              value={data.facts.lastOrder ? f.date(data.facts.lastOrder) : '–'}
              hint={c.daysSinceLastOrder === null ? undefined : daysAgo(c.daysSinceLastOrder, f)}
            />
            <Fact
              // Past it, the day is when they were due, as the card words it ("Was due Thu 22 Oct"):
              // "Expected next order" beside a day weeks gone reads as the tab not knowing today.
              label={
                data.facts.expectedNextOrder !== null && data.facts.expectedNextOrder < data.asOf
                  ? 'Was due'
                  : 'Expected next order'
              }
              value={data.facts.expectedNextOrder ? f.date(data.facts.expectedNextOrder) : '–'}
              hint={data.facts.typicalGapDays ? usualGap(data.facts.typicalGapDays, f) : undefined}
            />
            <Fact label="Open tickets" value={f.count(data.facts.openTickets)} />
          </>
        )}
      </div>

      <section className={s.actions} aria-label="Actions">
        {/* disabledFocusable, not disabled: a disabled button drops the keyboard's focus to the top of the page. */}
        <Button
          appearance="primary"
          disabledFocusable={busy || closed}
          onClick={() => act({ action: 'reached_out' })}
        >
          Reached out
        </Button>
        {/* A one-visit customer's save is one order's worth, as the card asks for it: not monthly. */}
        <Field
          label={c.valueKind === 'second_order' ? 'Value of the order won back' : 'Value won back / month'}
        >
          <Input
            value={value}
            placeholder={data.wonBackPlaceholder}
            onChange={(_e, d) => setValue(d.value)}
            style={{ width: 120 }}
          />
        </Field>
        <Button disabledFocusable={busy || closed} onClick={() => act({ action: 'won_back', value, locale })}>
          Won back
        </Button>
        <Field label="Reason">
          {/* No reason is chosen for the rep, as on the card: a default would tilt the month's losses by reason. */}
          <Select value={reason} onChange={(_e, d) => setReason(d.value)}>
            <option value="" disabled>
              Pick a reason
            </option>
            {data.lossReasons.map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Note">
          <Input value={note} onChange={(_e, d) => setNote(d.value)} maxLength={500} />
        </Field>
        <Button
          disabledFocusable={busy || closed || reason === ''}
          title={reason === '' ? 'Pick a reason first' : undefined}
          onClick={() => act({ action: 'lost', reason, note })}
        >
          Lost
        </Button>
        <Button
          appearance="subtle"
          disabledFocusable={busy || !data.undoable}
          title={data.undoable ? `Undo ${data.undoable}` : 'Nothing to undo'}
          onClick={() => act({ action: 'undo' })}
        >
          Undo{data.undoable ? `: ${data.undoable}` : ''}
        </Button>
      </section>
      {/* Always on the page, so a screen reader reads each result as it arrives into it. */}
      <div role="status">
        {notice && (
          <MessageBar intent={notice.ok ? 'success' : 'warning'}>
            <MessageBarBody>{notice.text}</MessageBarBody>
          </MessageBar>
        )}
      </div>

      {inFeed && (
        <div className={s.charts}>
          <section>
            <Subtitle2 as="h2" block>
              Orders by month
            </Subtitle2>
            <Chart
              labels={data.ordersByMonth.map((m) => f.month(m.month))}
              pointName="Month"
              // The last month is this one, to today.
              latestSoFar
              series={orderSeries}
              ariaLabel={`Orders and spend per month over the last ${data.ordersByMonth.length} months`}
              name="orders by month"
              themeKey={themeKey}
              formatTick={f.tick}
            />
          </section>
          <section>
            <Subtitle2 as="h2" block>
              Chance of no order week by week
            </Subtitle2>
            {chartError ? (
              <LoadError what="The last 12 weeks" error={chartError.cause} onRetry={loadChart} />
            ) : chart === null ? (
              <Body1 as="p" block role="status" className={mergeClasses(s.muted, s.working)}>
                Working out the last 12 weeks…
              </Body1>
            ) : (
              <Chart
                labels={chart.weeks.map((w) => f.day(w.week))}
                pointName="Week of"
                series={weekSeries}
                ariaLabel={`The ${chanceLabel.toLowerCase()}, each Monday for twelve weeks, as the weekly card stated it then`}
                name="the chance of no order week by week"
                themeKey={themeKey}
                formatTick={f.tick}
              />
            )}
          </section>
        </div>
      )}

      <section>
        <Subtitle2 as="h2" block>
          Timeline
        </Subtitle2>
        <ul className={s.timeline}>
          {data.timeline.slice(0, allEntries ? undefined : TIMELINE_FIRST).map((e) => (
            <li key={e.id} className={`${s.entry} ${e.undone ? s.undone : ''}`} data-kind={e.kind}>
              {/* A tap's time on the team's clock: Reached out, Undo and Won back on one day read in order. */}
              <Caption1>
                <time dateTime={e.at}>{e.time ? `${f.date(e.day)}, ${e.time}` : f.date(e.day)}</time>
              </Caption1>
              <Body1>{e.undone ? `${e.title} (undone)` : e.title}</Body1>
              <Caption1 className={mergeClasses(s.muted, s.entryDetail)}>{e.detail}</Caption1>
              {e.weeks && (
                <details className={s.entryWeeks}>
                  <summary>
                    <Caption1>Each week</Caption1>
                  </summary>
                  <ul className={s.weekList}>
                    {e.weeks.map((w) => (
                      <li key={w}>
                        <Caption1>{w}</Caption1>
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </li>
          ))}
        </ul>
        {/* One button that stays, so the keyboard's focus stays on it when the list grows. */}
        {data.timeline.length > TIMELINE_FIRST && (
          <Button appearance="transparent" onClick={() => setAllEntries(!allEntries)}>
            {allEntries
              ? `Show the latest ${f.count(TIMELINE_FIRST)}`
              : `Show all ${f.count(data.timeline.length)} entries`}
          </Button>
        )}
      </section>
    </main>
  );
}

/**
 * What a score stands for where no chance is stated: how many of the warning signs a customer shows,
 * 0 none, 100 all, and not a chance of anything.
 */
function scoreHint(score: number | null, inFeed: boolean): string {
  if (score === null) return 'reset by the save; the feed no longer scores them';
  return inFeed
    ? 'warning signs so far, out of 100: no chance of no order is stated before a first order'
    : "the last weekly run's warning signs, out of 100: the feed no longer scores them";
}

/** The days since the last order, as the list's "days silent" counts them: "today", "1 day ago", "103 days ago". */
function daysAgo(days: number, f: Formats): string {
  return days === 0 ? 'today' : `${f.count(days)} ${days === 1 ? 'day' : 'days'} ago`;
}

/** The customer's usual gap between orders, in words: "usually every day", "usually every 14 days". */
function usualGap(days: number, f: Formats): string {
  return days === 1 ? 'usually every day' : `usually every ${f.count(days)} days`;
}

function Fact({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const s = useStyles();
  return (
    <div className={s.fact}>
      <Caption1 className={s.muted}>{label}</Caption1>
      <Subtitle2>{value}</Subtitle2>
      {hint && <Caption1 className={s.muted}>{hint}</Caption1>}
    </div>
  );
}
