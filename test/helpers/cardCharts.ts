import { z } from 'zod';

/**
 * Teams chart elements (`Chart.Donut`, `Chart.HorizontalBar`) are not part of the Adaptive Card 1.5
 * schema: a 1.5 renderer that does not know them renders their `fallback` instead (here a FactSet),
 * Teams clients with charts render the chart. So a summary card is checked twice: the card with
 * every chart swapped for its fallback must pass the 1.5 schema (what a chartless client shows), and
 * each chart must match the shape below, taken from Microsoft's "Charts in Adaptive Cards" page
 * (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/charts-in-adaptive-cards).
 */

const fallbackFactSet = z.object({
  type: z.literal('FactSet'),
  facts: z.array(z.object({ title: z.string(), value: z.string() })),
});

/** `Chart.Donut`: `data` is `{ legend, value, color? }` per slice. */
export const donutChartSchema = z.object({
  type: z.literal('Chart.Donut'),
  title: z.string().optional(),
  colorSet: z.enum(['categorical', 'sequential', 'diverging']).optional(),
  data: z.array(z.object({ legend: z.string().min(1), value: z.number().finite().nonnegative() })).min(1),
  fallback: fallbackFactSet,
});

/** `Chart.HorizontalBar`: `data` is `{ x (label), y (value), color? }` per bar. */
export const horizontalBarChartSchema = z.object({
  type: z.literal('Chart.HorizontalBar'),
  title: z.string().optional(),
  displayMode: z.enum(['AbsoluteWithAxis', 'AbsoluteNoAxis', 'PartToWhole']).optional(),
  color: z.string().optional(),
  data: z.array(z.object({ x: z.string().min(1), y: z.number().finite().nonnegative() })).min(1),
  fallback: fallbackFactSet,
});

const isChart = (node: Record<string, unknown>) =>
  typeof node.type === 'string' && node.type.startsWith('Chart.');

/** Every chart element of a card, in document order. */
export function chartsOf(card: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') {
      const node = v as Record<string, unknown>;
      if (isChart(node)) found.push(node);
      else for (const x of Object.values(node)) visit(x);
    }
  };
  visit(card);
  return found;
}

/** A copy of the card as a client without charts renders it: each chart replaced by its fallback (or dropped). */
export function withChartFallbacks<T>(card: T): T {
  const swap = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.flatMap((x) => {
        if (x && typeof x === 'object' && isChart(x as Record<string, unknown>)) {
          const fallback = (x as Record<string, unknown>).fallback;
          return fallback === undefined || fallback === 'drop' ? [] : [swap(fallback)];
        }
        return [swap(x)];
      });
    }
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return swap(card) as T;
}
