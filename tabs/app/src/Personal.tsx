import {
  Badge,
  Body1,
  Button,
  Caption1,
  Input,
  Label,
  MessageBar,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  Select,
  Spinner,
  Subtitle2,
  Title3,
  tokens,
  useId,
} from '@fluentui/react-components';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CustomerKind, CustomerRow, CustomersResponse, MeResponse } from '../../api/tabTypes';
import { api } from './api';
import { CustomerPage } from './CustomerPage';
import { FeedBeingRead } from './FeedBeingRead';
import { type Formats, usePageFormats } from './format';
import { LoadError } from './LoadError';
import { NARROW } from './narrow';
import { markReady } from './ready';

export const KIND_TITLES: Record<CustomerKind, string> = {
  slipping: 'Slipping',
  new_not_back: 'New, not back yet',
  not_back_yet: 'Reached out, not back yet',
  watch: 'Worth a look',
  lapsed: 'Lapsed',
  ordered_since: 'Ordered since your card',
  won_back: 'Won back',
  lost: 'Lost',
  steady: 'Steady',
  orders_not_read: 'Orders not read from the feed',
  refunded_in_full: 'Ordered, refunded in full',
  no_orders: 'No orders yet',
  not_in_feed: 'No longer in the order feed',
};
// The folded kinds, and their button's words for one customer and for more ("Show 1 lost customer",
// "Show 3 customers no longer in the order feed").
const FOLDED: ReadonlyMap<CustomerKind, [string, string]> = new Map([
  ['steady', ['steady customer', 'steady customers']],
  ['lost', ['lost customer', 'lost customers']],
  ['no_orders', ['customer with no orders yet', 'customers with no orders yet']],
  ['not_in_feed', ['customer no longer in the order feed', 'customers no longer in the order feed']],
]);
/**
 * How many more rows of a group each "Show more" asks for. The API sends the first rows of each kind
 * (a manager's whole book was 12 MB of JSON) and searches and sorts the whole list itself.
 */
const GROUP_MORE = 200;
/** How long typing pauses before the search is asked of the API. */
const SEARCH_PAUSE_MS = 250;

/** The orders a rep can sort each kind by (the API sorts): the card's order first. */
const SORTS = {
  risk: 'Value at risk',
  chance: 'Chance of no order',
  silent: 'Days silent',
  value: 'Value',
  name: 'Name',
} as const;
type SortKey = keyof typeof SORTS;
/** Whose customers a manager or admin looks at: their own, everyone's, or one rep's (`owner:` and the address). */
type Whose = CustomersResponse['whose'];
const OWNER = 'owner:';
const isSortKey = (key: string): key is SortKey => Object.hasOwn(SORTS, key);

export const KIND_COLORS: Record<
  CustomerKind,
  'danger' | 'warning' | 'informative' | 'success' | 'subtle' | 'important'
> = {
  slipping: 'danger',
  new_not_back: 'warning',
  not_back_yet: 'informative',
  watch: 'warning',
  lapsed: 'important',
  ordered_since: 'success',
  won_back: 'success',
  lost: 'subtle',
  steady: 'subtle',
  orders_not_read: 'warning',
  refunded_in_full: 'subtle',
  no_orders: 'subtle',
  not_in_feed: 'subtle',
};

/** A row's band: its badge's colour and the word said with its chance (a steady customer's needs none). */
const BANDS: Record<CustomerRow['band'], { color: 'danger' | 'warning' | 'subtle'; word: string }> = {
  at_risk: { color: 'danger', word: 'at risk' },
  watch: { color: 'warning', word: 'on watch' },
  steady: { color: 'subtle', word: '' },
};

const useStyles = makeStyles({
  page: { padding: '16px 24px', maxWidth: '1100px', [NARROW]: { padding: '12px' } },
  header: { display: 'flex', alignItems: 'baseline', gap: '16px', flexWrap: 'wrap', marginBottom: '12px' },
  tools: { display: 'flex', gap: '12px', flexWrap: 'wrap', alignItems: 'center' },
  search: { flexGrow: 1, minWidth: 0, maxWidth: '420px' },
  sort: { display: 'flex', gap: '8px', alignItems: 'center' },
  group: { marginTop: '20px' },
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(160px, 2fr) 120px 110px 110px minmax(160px, 3fr)',
    gap: '12px',
    alignItems: 'center',
    padding: '8px 4px',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    // A side panel or Teams mobile: name, chance and value on one line; days silent and why below it.
    [NARROW]: { gridTemplateColumns: 'minmax(0, 1fr) auto auto', rowGap: '2px' },
  },
  // The column titles are for the wide grid only; every cell also names its figure to a screen reader.
  columnTitles: { [NARROW]: { display: 'none' } },
  belowOnNarrow: { [NARROW]: { gridColumn: '1 / -1' } },
  // Long names: one line, cut with an ellipsis (the full name is the button's title). Narrow, beside
  // the chance and its band, one line left a dozen letters ("Elm Street …" for two customers): up to
  // three lines (at 320 px "19% · on watch" leaves "Fig Tree Primary School" too little for two), and
  // none of the width to the button's padding (the lines below align with the name).
  name: {
    display: 'block',
    justifyContent: 'flex-start',
    textAlign: 'left',
    fontWeight: tokens.fontWeightSemibold,
    minWidth: 0,
    maxWidth: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    [NARROW]: {
      display: '-webkit-box',
      WebkitBoxOrient: 'vertical',
      WebkitLineClamp: 3,
      whiteSpace: 'normal',
      paddingLeft: 0,
      paddingRight: 0,
    },
  },
  muted: { color: tokens.colorNeutralForeground3 },
  // Read by screen readers only: each cell says what its figure is (the header row is visual).
  srOnly: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  },
});

export function Personal({
  locale,
  themeKey,
  openCustomer,
}: {
  locale: string;
  themeKey: string;
  openCustomer: string | null;
}) {
  const s = useStyles();
  const sortId = useId('sort');
  const whoseId = useId('whose');
  const [chosenWhose, setChosenWhose] = useState<Whose | null>(null);
  const [me, setMe] = useState<MeResponse | null>(null);
  // The list the API answered, with the search it answered: what is said and shown is of that answer.
  const [data, setData] = useState<(CustomersResponse & { searched: string }) | null>(null);
  const [error, setError] = useState<{ cause: unknown } | null>(null);
  const [query, setQuery] = useState('');
  // Typing stays responsive: the API is asked once the typing pauses.
  const [searched, setSearched] = useState('');
  const [sort, setSort] = useState<SortKey>('risk');
  const [selected, setSelected] = useState<string | null>(openCustomer);
  const [unfolded, setUnfolded] = useState<ReadonlySet<CustomerKind>>(new Set());
  const [shown, setShown] = useState<Partial<Record<CustomerKind, number>>>({});
  // Where Back returns to: the row that was opened (or linked to), and how far the list was scrolled.
  const [returnTo, setReturnTo] = useState<{ customerId: string; scrollY: number } | null>(
    openCustomer === null ? null : { customerId: openCustomer, scrollY: 0 },
  );
  // The list as it was when Back was pressed: shown at once, while a fresh one is asked for.
  const listAtBack = useRef<typeof data>(null);
  const f = usePageFormats(data, locale);
  useEffect(() => {
    const timer = setTimeout(() => setSearched(query.trim()), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [query]);
  const searching = searched !== '';
  // The rows of each kind the page shows: none of a folded kind, the first GROUP_FIRST, or more.
  const show = useMemo(() => {
    const rows: Partial<Record<CustomerKind, number>> = { ...shown };
    for (const kind of FOLDED.keys()) if (!searching && !unfolded.has(kind)) rows[kind] = 0;
    return rows;
  }, [shown, unfolded, searching]);

  const loadMe = useCallback(
    () =>
      api.me().then(setMe, (e: unknown) => {
        setError({ cause: e });
      }),
    [],
  );
  useEffect(() => {
    void loadMe();
  }, [loadMe]);
  // Only the latest request's answer is shown: an earlier search can answer after a later one.
  const latest = useRef(0);
  const load = useCallback(() => {
    const request = ++latest.current;
    setError(null);
    return api.customers({ whose: chosenWhose ?? undefined, q: searched, sort, show }).then(
      (list) => {
        if (request === latest.current) setData({ ...list, searched });
      },
      (e: unknown) => {
        if (request === latest.current) setError({ cause: e });
      },
    );
  }, [chosenWhose, searched, sort, show]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (data && !selected) markReady('personal');
  }, [data, selected]);

  const repNames = useMemo(() => new Map((data?.reps ?? []).map((r) => [r.owner, r.name])), [data]);
  const whose: Whose = chosenWhose ?? data?.whose ?? 'mine';
  const open = useCallback((customerId: string) => {
    setReturnTo({ customerId, scrollY: window.scrollY });
    setSelected(customerId);
  }, []);
  // The row a "Show" button brought into view takes the focus: the button itself may be gone.
  const [reveal, setReveal] = useState<{ kind: CustomerKind; index: number } | null>(null);
  useLayoutEffect(() => {
    if (!reveal || !data) return;
    const row = document.querySelectorAll<HTMLElement>(
      `section[data-kind="${reveal.kind}"] [data-customer] button`,
    )[reveal.index];
    // The rows come with the API's next answer: until then the focus stays where it is.
    if (!row) return;
    row.focus();
    setReveal(null);
  }, [reveal, data]);
  useLayoutEffect(() => {
    if (selected || !returnTo || !data) return;
    const row = document.querySelector<HTMLElement>(
      `[data-customer="${CSS.escape(returnTo.customerId)}"] button`,
    );
    if (data === listAtBack.current) {
      window.scrollTo(0, returnTo.scrollY);
      row?.focus({ preventScroll: true });
      return;
    }
    // The fresh list: a tap moved the customer to another kind, and the row focused above was drawn
    // anew there (or folded away), the focus dropped to the top of the page. It goes to their row,
    // else to the page's heading; not if the rep has moved it on meanwhile.
    if (document.activeElement === document.body) {
      (row ?? document.querySelector<HTMLElement>('main h1'))?.focus({ preventScroll: true });
    }
    setReturnTo(null);
  }, [selected, returnTo, data]);

  const title =
    whose === 'mine'
      ? 'My customers'
      : whose === 'everyone'
        ? 'All customers'
        : `Customers of ${repNames.get(whose.slice(OWNER.length)) ?? whose.slice(OWNER.length)}`;
  if (error)
    return (
      <main className={s.page}>
        {/* The page keeps its heading: a screen reader's list of headings still says where it is. */}
        <Title3 as="h1">{title}</Title3>
        <LoadError error={error.cause} onRetry={() => Promise.all([me ? undefined : loadMe(), load()])} />
      </main>
    );
  if (selected)
    return (
      <CustomerPage
        customerId={selected}
        locale={locale}
        themeKey={themeKey}
        onBack={() => {
          listAtBack.current = data;
          setSelected(null);
          // The list is kept as it was (search, pages, scroll); its figures refresh behind it.
          void load();
        }}
      />
    );
  if (!data || !me) return <Spinner label="Loading your customers…" style={{ padding: 32 }} />;
  const matches = data.matches;
  return (
    <main className={s.page}>
      <div className={s.header}>
        <Title3 as="h1" tabIndex={-1}>
          {title}
        </Title3>
        <Caption1 className={s.muted}>
          {me.user.name} · as of {f.date(data.asOf)} · {f.count(data.total)} customers
        </Caption1>
      </div>
      {data.staleFeed && (
        <MessageBar intent="warning" data-testid="stale-feed">
          <MessageBarBody>{data.staleFeed}</MessageBarBody>
        </MessageBar>
      )}
      {data.feedBeingRead && <FeedBeingRead />}
      <div className={s.tools}>
        <Input
          className={s.search}
          placeholder="Search a customer by name or id"
          value={query}
          onChange={(_e, d) => setQuery(d.value)}
          onKeyDown={(e) => {
            // Escape clears the search: the whole list is back, the focus still in the box. Not while
            // an input method composes a word (Japanese, Chinese): there Escape cancels the word alone.
            if (e.key !== 'Escape' || e.nativeEvent.isComposing || query === '') return;
            e.preventDefault();
            setQuery('');
            setSearched('');
          }}
          aria-label="Search customers"
        />
        {me.seesAll && (
          <div className={s.sort}>
            <Label htmlFor={whoseId}>Whose</Label>
            <Select id={whoseId} value={whose} onChange={(_e, d) => setChosenWhose(d.value as Whose)}>
              <option value="mine">Mine</option>
              <option value="everyone">Everyone's</option>
              {(data.reps ?? []).map((r) => (
                <option key={r.owner} value={`${OWNER}${r.owner}`}>
                  {r.name}
                </option>
              ))}
            </Select>
          </div>
        )}
        <div className={s.sort}>
          <Label htmlFor={sortId}>Sort by</Label>
          <Select id={sortId} value={sort} onChange={(_e, d) => isSortKey(d.value) && setSort(d.value)}>
            {Object.entries(SORTS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <div className={`${s.row} ${s.muted} ${s.columnTitles}`} aria-hidden="true">
        <Caption1 style={{ paddingLeft: 12 }}>Customer</Caption1>
        <Caption1>Chance of no order</Caption1>
        <Caption1>Value at risk</Caption1>
        <Caption1>Last order</Caption1>
        <Caption1>Why</Caption1>
      </div>
      {data.total === 0 && (
        <Body1 as="p" block>
          {/* Say which addresses were looked for: a feed naming the rep otherwise is the usual cause. */}
          {whose === 'mine'
            ? `No customer in the order feed names you as their rep (${me.addresses.join(' or ')}). They appear here after the weekly run has scored a feed whose owner column names you by one of these.`
            : 'No customers yet. They appear here after the first weekly run has scored the order feed.'}
        </Body1>
      )}
      {/* On the page before the first search, so a screen reader reads each search's count as it comes. */}
      <div role="status">
        {data.total > 0 && data.searched !== '' && (
          <Caption1 as="p" block className={s.muted}>
            {matches === 0
              ? `No customer matches “${data.searched}”.`
              : `${f.count(matches)} ${matches === 1 ? 'customer matches' : 'customers match'} “${data.searched}”.`}
          </Caption1>
        )}
      </div>
      {data.groups.map(({ kind, count, rows }) => {
        const folded = data.searched === '' && !unfolded.has(kind) ? FOLDED.get(kind) : undefined;
        const limit = rows.length;
        return (
          <section key={kind} className={s.group} aria-label={KIND_TITLES[kind]} data-kind={kind}>
            <Subtitle2 as="h2" block>
              {KIND_TITLES[kind]}{' '}
              <Badge appearance="tint" color={KIND_COLORS[kind]}>
                {f.count(count)}
              </Badge>
            </Subtitle2>
            {folded ? (
              <Button
                appearance="transparent"
                onClick={() => {
                  setUnfolded(new Set([...unfolded, kind]));
                  setReveal({ kind, index: 0 });
                }}
              >
                Show {f.count(count)} {folded[count === 1 ? 0 : 1]}
              </Button>
            ) : (
              <>
                {rows.map((c) => (
                  <Row
                    key={c.customerId}
                    c={c}
                    f={f}
                    horizonDays={data.horizonDays}
                    srOnly={s.srOnly}
                    onOpen={open}
                  />
                ))}
                {count > limit && (
                  <div>
                    <Button
                      appearance="transparent"
                      onClick={() => {
                        setShown({ ...shown, [kind]: limit + GROUP_MORE });
                        setReveal({ kind, index: limit });
                      }}
                    >
                      Show {f.count(Math.min(GROUP_MORE, count - limit))} more
                    </Button>
                    <Caption1 className={s.muted}>
                      {f.count(limit)} of {f.count(count)} shown
                    </Caption1>
                  </div>
                )}
              </>
            )}
          </section>
        );
      })}
    </main>
  );
}

const Row = memo(function Row({
  c,
  f,
  horizonDays,
  srOnly,
  onOpen,
}: {
  c: CustomerRow;
  f: Formats;
  horizonDays: number;
  srOnly: string;
  onOpen: (customerId: string) => void;
}) {
  const s = useStyles();
  return (
    <div className={s.row} data-customer={c.customerId}>
      <Button appearance="transparent" className={s.name} title={c.name} onClick={() => onOpen(c.customerId)}>
        {c.name}
      </Button>
      {/* The card's figure, its chance of no order ("72%"), not the score behind it: a low score beside
          "at risk" read as a contradiction of the card. The band is said, not only coloured: red and
          amber read alike to many, and alike in high contrast. */}
      <Badge appearance="outline" color={BANDS[c.band].color}>
        {c.noOrderChance === null ? (
          // No chance is stated without an order (or once the feed dropped them): the score, said as one.
          `Score ${c.score ?? '–'}`
        ) : (
          <>
            <span className={srOnly} data-sr-only>
              Chance of no order in {horizonDays} days:{' '}
            </span>
            {f.percent(c.noOrderChance)}
          </>
        )}
        {BANDS[c.band].word && ` · ${BANDS[c.band].word}`}
      </Badge>
      <Body1 title="Value × chance of no order">
        <span className={srOnly}>Value at risk </span>
        {f.money(c.valueAtRisk)}
      </Body1>
      <Caption1 className={mergeClasses(s.muted, s.belowOnNarrow)}>
        <span className={srOnly}>Last order: </span>
        {c.daysSinceLastOrder === null
          ? 'no orders'
          : `${f.count(c.daysSinceLastOrder)} ${c.daysSinceLastOrder === 1 ? 'day' : 'days'} silent`}
      </Caption1>
      <Caption1 className={mergeClasses(s.muted, s.belowOnNarrow)}>
        {c.reasons[0] ? <span className={srOnly}>Why: </span> : null}
        {c.reasons[0] ?? ''}
      </Caption1>
    </div>
  );
});
