import { Spinner } from '@fluentui/react-components';
import { lazy, Suspense } from 'react';
import type { ChartProps } from './Chart';

// uPlot loads after the page's data is on screen: the chart is not the first thing a rep reads.
const Chart = lazy(() => import('./Chart').then((m) => ({ default: m.Chart })));

export function LazyChart(props: ChartProps) {
  return (
    <Suspense fallback={<Spinner size="tiny" style={{ height: props.height ?? 200 }} />}>
      <Chart {...props} />
    </Suspense>
  );
}
