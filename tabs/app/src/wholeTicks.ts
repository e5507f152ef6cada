/**
 * Where the left axis of a chart is ticked: at whole numbers only, 1, 2 or 5 times a power of ten
 * apart, at most five steps to the top. That axis counts (orders, saves, losses) or scores, and uPlot's
 * own ticks labelled half an order ("0.5") on a month with one.
 */
export function wholeTicks(top: number): number[] {
  let step = 1;
  for (let k = 1; top / step > 5; k++) step = [1, 2, 5][k % 3] * 10 ** Math.floor(k / 3);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return ticks;
}
