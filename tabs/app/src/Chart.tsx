import {
  Button,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
  useId,
} from '@fluentui/react-components';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { wholeTicks } from './wholeTicks';

/**
 * A small chart on uPlot (about 50 KB, canvas): bars or lines over labelled periods (months,
 * weeks), coloured from the Fluent theme's tokens so it follows Teams' default, dark and
 * high-contrast themes. A canvas says nothing to a screen reader and its figures show only under a
 * mouse: each chart has its figures as a table too, one button away (or beside it, `tableBeside`).
 */

/** The narrowest plot drawn: a card on a Teams mobile or side-panel tab is about 260 px inside. */
const MIN_WIDTH = 220;
/** The y axes' labels: uPlot's own default, set here so their widths can be measured in it. */
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif';
/** uPlot's default tick length and gap between tick and label, and a little room after the label. */
const AXIS_TICK_AND_GAP = 10 + 5 + 4;
/** The y axes' width for short labels ("10", "5"). */
const AXIS_MIN_SIZE = 50;
/** The least room between two labels of the x axis. */
const LABEL_GAP = 12;

let measure: CanvasRenderingContext2D | null = null;

/**
 * A y axis as wide as its longest label: a fixed 50 px cut "30,000" to "30,00" at the plot's edge
 * (a team's value won back is often six figures).
 */
function axisSize(_u: uPlot, values: string[] | null): number {
  return values ? Math.max(AXIS_MIN_SIZE, Math.ceil(widestLabel(values) + AXIS_TICK_AND_GAP)) : AXIS_MIN_SIZE;
}

/** The width of the widest of `labels` in AXIS_FONT, in CSS pixels. */
function widestLabel(labels: readonly string[]): number {
  measure ??= document.createElement('canvas').getContext('2d');
  if (!measure) return 0;
  measure.font = AXIS_FONT;
  return Math.max(0, ...labels.map((v) => measure?.measureText(v).width ?? 0));
}

export interface Series {
  label: string;
  values: (number | null)[];
  /** A CSS colour or a Fluent token (var(--...)), resolved when drawn. */
  color: string;
  kind: 'bars' | 'line';
  /** Which y axis: left (0) or right (1). */
  axis?: 0 | 1;
  format?: (v: number) => string;
}

export interface ChartProps {
  /** One label per point (a month, a week). */
  labels: string[];
  /** What a point is, named in the legend beside its label ("Month: Nov 2026"). */
  pointName: string;
  series: Series[];
  height?: number;
  ariaLabel: string;
  /** Changes force a redraw with the new colours. */
  themeKey: string;
  /**
   * The left axis' numbers (unless its series share a format of their own), the right one's when
   * its series has none, and a series' without one, in the page's locale (uPlot's own follow the
   * browser's).
   */
  formatTick: (v: number) => string;
  /** What the chart shows, in a few words, for its figures' button ("orders by month"). */
  name: string;
  /** The page shows the same figures in a table beside the chart: no button for a second one. */
  tableBeside?: boolean;
  /**
   * The latest point is a period still under way (this month): named so ("Nov 2026 so far") where
   * its figures are read, as the legend shows them with nothing pointed at, not as a whole month's.
   */
  latestSoFar?: boolean;
}

/** The point's label as the legend and the figures' table name it (see latestSoFar). */
function pointLabel(labels: readonly string[], k: number, latestSoFar: boolean): string {
  const label = labels[k] ?? '–';
  return latestSoFar && k === labels.length - 1 ? `${label} so far` : label;
}

/** The gaps of the second line of a chart and the next (canvas px): lines told apart without colour. */
const DASHES: number[][] = [[], [6, 4], [2, 3]];

const useStyles = makeStyles({
  figures: { overflowX: 'auto' },
  // uPlot's stylesheet draws the cursor's lines in a fixed slate grey (#607D8B), faint on Teams'
  // dark theme and off-palette in high contrast: the theme's secondary text colour, as the axes.
  plot: {
    '& .uplot .u-cursor-x, & .uplot .u-cursor-y': {
      borderRightColor: tokens.colorNeutralForeground2,
      borderBottomColor: tokens.colorNeutralForeground2,
    },
  },
});

/** A figure of `s` as the legend and the figures' table write it: `–` for a period with none. */
function figureText(s: Series, v: number | null | undefined, formatTick: (v: number) => string): string {
  return v === null || v === undefined ? '–' : (s.format ?? formatTick)(v);
}

function resolve(el: HTMLElement, color: string): string {
  const m = /^var\((--[^)]+)\)$/.exec(color);
  return m ? getComputedStyle(el).getPropertyValue(m[1]).trim() || '#888' : color;
}

export function Chart({
  labels,
  pointName,
  series,
  height = 200,
  ariaLabel,
  themeKey,
  formatTick,
  name,
  tableBeside = false,
  latestSoFar = false,
}: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const styles = useStyles();
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = labels.map((_l, k) => k);
    const latest = labels.length - 1;
    const room = widestLabel(labels) + LABEL_GAP;
    /**
     * Every point labelled when the labels fit the plot, else every second or third: measured on
     * the plot as drawn (its y axes taken off), at each size, so that "Sept 2026" does not run into
     * "Dec 2025" on Teams mobile, nor a chart drawn wide and then narrowed keep the wide one's labels.
     */
    const splits = (u: uPlot) => {
      const width = u.bbox.width / uPlot.pxRatio || el.clientWidth;
      const step = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor(width / room))));
      return xs.filter((k) => k % step === 0);
    };
    const axisColor = resolve(el, tokens.colorNeutralForeground2);
    const gridColor = resolve(el, tokens.colorNeutralStroke2);
    // A line's points are hollow, filled with the page's colour: uPlot's own fill is white, a white
    // dot on every point in the dark theme.
    const pointFill = resolve(el, tokens.colorNeutralBackground1);
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    // The right axis is written as its series states its values ("$1,000", "27%"): beside a count
    // axis, a bare "1,000" or "0.25" says neither which line it measures nor in what.
    const rightFormat = series.find((s) => s.axis === 1)?.format ?? formatTick;
    // So is the left one when its series are all of one format (a chart of one chance: "30%", not "30").
    const left = series.filter((s) => s.axis !== 1);
    const leftFormat = left.every((s) => s.format === left[0]?.format)
      ? (left[0]?.format ?? formatTick)
      : formatTick;
    // Two lines differ by their dashes, not their colour alone: in Teams' high contrast every series
    // is white, and a reader who cannot tell red from green still tells the legend's lines apart.
    const lines = series.filter((s) => s.kind === 'line');
    const dashOf = (s: Series) => (s.kind === 'line' ? DASHES[lines.indexOf(s) % DASHES.length] : []);
    // High contrast: bars outlined, not filled, so that a line drawn across them stays in sight.
    const barFill = (color: string) => (themeKey === 'contrast' ? 'transparent' : color);
    const opts: Options = {
      width: Math.max(el.clientWidth, MIN_WIDTH),
      height,
      legend: {
        show: true,
        markers: { dash: (u, i) => (u.series[i]?.dash?.length ? 'dashed' : 'solid') },
      },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: () => [-0.5, labels.length - 0.5] },
        y0: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        y1: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        {
          stroke: axisColor,
          grid: { show: false },
          ticks: { stroke: gridColor },
          splits,
          values: (_u, ks) => ks.map((k) => labels[k] ?? ''),
          font: AXIS_FONT,
        },
        {
          scale: 'y0',
          stroke: axisColor,
          splits: (_u: uPlot, _axis: number, _min: number, max: number) => wholeTicks(max),
          values: (_u: uPlot, splits: number[]) => splits.map(leftFormat),
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          font: AXIS_FONT,
          size: axisSize,
        },
        ...(series.some((s) => s.axis === 1)
          ? [
              {
                scale: 'y1',
                side: 1,
                // Whole ticks: money written without cents would label 0.25 and 0.5 both "$0".
                splits: (_u: uPlot, _axis: number, _min: number, max: number) => wholeTicks(max),
                values: (_u: uPlot, splits: number[]) => splits.map(rightFormat),
                stroke: axisColor,
                grid: { show: false },
                ticks: { stroke: gridColor },
                font: AXIS_FONT,
                size: axisSize,
              },
            ]
          : []),
      ],
      series: [
        // The legend names the point under the cursor by its label ("Nov 2026"), not its index; with
        // no pointer over the chart (a phone has none), the latest point's, not a row of dashes.
        {
          label: pointName,
          value: (_u: uPlot, _v: number | null, _s: number, k: number | null) =>
            pointLabel(labels, k ?? latest, latestSoFar),
        },
        ...series.map((s) => {
          const color = resolve(el, s.color);
          return {
            label: s.label,
            scale: s.axis === 1 ? 'y1' : 'y0',
            stroke: color,
            width: s.kind === 'line' ? 2 : 1,
            dash: dashOf(s),
            fill: s.kind === 'bars' ? barFill(color) : undefined,
            paths: s.kind === 'bars' ? bars : undefined,
            points: { show: s.kind === 'line', fill: pointFill },
            value: (_u: uPlot, v: number | null, _s: number, k: number | null) =>
              figureText(s, k === null ? s.values[latest] : v, formatTick),
          };
        }),
      ],
    };
    const data = [xs, ...series.map((s) => s.values)] as AlignedData;
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, MIN_WIDTH), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [labels, pointName, series, height, themeKey, formatTick, latestSoFar]);
  return (
    <div>
      <div
        ref={box}
        className={styles.plot}
        role="img"
        aria-label={ariaLabel}
        style={{ width: '100%', color: tokens.colorNeutralForeground1 }}
      />
      {!tableBeside && (
        <Figures
          labels={labels}
          pointName={pointName}
          series={series}
          formatTick={formatTick}
          name={name}
          latestSoFar={latestSoFar}
        />
      )}
    </div>
  );
}

/**
 * The chart's figures as a table, shown and hidden by a button; Escape hides it again, the focus
 * back on the button.
 */
function Figures({
  labels,
  pointName,
  series,
  formatTick,
  name,
  latestSoFar = false,
}: Pick<ChartProps, 'labels' | 'pointName' | 'series' | 'formatTick' | 'name' | 'latestSoFar'>) {
  const s = useStyles();
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const tableId = useId('figures');
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !open) return;
    // Escape closes the table, not the page behind it.
    e.preventDefault();
    e.stopPropagation();
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the figures (the button, the table) closes them
    <div onKeyDown={onKeyDown}>
      <Button
        ref={toggle}
        appearance="transparent"
        size="small"
        aria-expanded={open}
        aria-controls={tableId}
        onClick={() => setOpen(!open)}
      >
        {open ? `Hide the figures of ${name}` : `Show the figures of ${name}`}
      </Button>
      {open && (
        <div className={s.figures}>
          <Table id={tableId} size="small" aria-label={`The figures of ${name}`}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{pointName}</TableHeaderCell>
                {series.map((x) => (
                  <TableHeaderCell key={x.label}>{x.label}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {labels.map((label, k) => (
                <TableRow key={label}>
                  <TableCell>{pointLabel(labels, k, latestSoFar)}</TableCell>
                  {series.map((x) => (
                    <TableCell key={x.label}>{figureText(x, x.values[k], formatTick)}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
