import type { Frame } from 'playwright-core';

/**
 * axe-core (Deque's accessibility rules, the engine behind Lighthouse's and Edge's checks) run on one
 * frame in Chromium. The frame's page must be opened in a context with `bypassCSP`: the tabs' content
 * security policy refuses the inline script axe is injected as.
 */

/** What axe says of one rule broken on a page: its id, impact, help text and the elements it names. */
interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * The violations on `frame` as it is now, of every impact (minor to critical), one readable line per
 * rule and element ("color-contrast (serious) on .fui-Badge: Elements must meet minimum color contrast
 * ratio thresholds. Fix any of the following: ..."), prefixed with `where` (the view, theme and width).
 */
export async function axeViolations(frame: Frame, where: string): Promise<string[]> {
  const loaded = await frame.evaluate(() => 'axe' in window);
  if (!loaded) await frame.addScriptTag({ path: require.resolve('axe-core') });
  const violations = await frame.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
    };
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as AxeViolation[]).flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${where}: ${v.id} (${v.impact}) on ${n.target.join(' ')}: ${v.help}. ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`,
    ),
  );
}
