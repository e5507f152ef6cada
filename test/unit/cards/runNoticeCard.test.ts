import { describe, expect, it } from 'vitest';
import { buildRunNoticeCard, MAX_NOTICE_LINES } from '../../../cards/runNoticeCard';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { ofType, texts } from './cardWalk';

describe('buildRunNoticeCard', () => {
  it('shows the title and one plain-text line per entry, valid Adaptive Card 1.5', () => {
    const card = buildRunNoticeCard({
      title: 'Weekly run weekly-2026-W48: 1 card delivered by this run',
      lines: ['Not reached:', '- ben_ortiz@example.com: the app is not installed for them', '- **x**\u0007'],
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(texts(card)).toEqual([
      'Weekly run weekly-2026-W48: 1 card delivered by this run',
      'Not reached:',
      '- ben_ortiz@example.com: the app is not installed for them',
      '- **x**',
    ]);
    // Every line is a TextRun: nothing is read as markdown.
    expect(ofType(card, 'TextBlock')).toEqual([]);
  });

  it('sums up lines past the cap in one', () => {
    const lines = Array.from({ length: MAX_NOTICE_LINES + 5 }, (_, i) => `- rep${i}@example.com: failed`);
    const shown = texts(buildRunNoticeCard({ title: 't', lines }));
    expect(shown).toHaveLength(MAX_NOTICE_LINES + 2);
    expect(shown.at(-1)).toBe("and 5 more lines (see the run's log)");
  });

  it('shows a line too long for one as its sentences, and counts them in the lines past the cap', () => {
    const sentence = `The export ${'x'.repeat(180)} stopped.`;
    const long = `${sentence} ${sentence} Is it still running?`;
    expect(texts(buildRunNoticeCard({ title: 't', lines: [long] }))).toEqual([
      't',
      sentence,
      sentence,
      'Is it still running?',
    ]);
    const shown = texts(
      buildRunNoticeCard({ title: 't', lines: Array.from({ length: MAX_NOTICE_LINES }, () => long) }),
    );
    expect(shown.at(-1)).toBe(`and ${2 * MAX_NOTICE_LINES} more lines (see the run's log)`);
  });

  it('the fullest notice (every line at its longest, outside the BMP too) fits 80 KB as Teams counts it (UTF-16)', () => {
    const lines = Array.from({ length: MAX_NOTICE_LINES + 5 }, () => '😀'.repeat(1_000));
    const card = buildRunNoticeCard({ title: '😀'.repeat(1_000), lines });
    expect(2 * JSON.stringify(card).length).toBeLessThanOrEqual(80 * 1024);
  });
});
