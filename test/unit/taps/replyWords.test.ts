import { describe, expect, it } from 'vitest';
import { supersededWords } from '../../../bot/taps/actionWords';
import { decideReachedOut } from '../../../bot/taps/decideReachedOut';
import { staleReason } from '../../../bot/taps/staleReason';
import { chatSafe } from '../../../cards/format';
import { ANA, atRisk, ctx, RULES, row } from './fixtures';

// The same words serve the bot's chat, which Teams renders as markdown, and the tab, which shows
// them as text: the chat escapes feed and people's text, the tab shows it as typed.

const EVIL = '[Pay here](https://evil.example)';
const ESCAPED = '\\[Pay here\\](https://evil.example)';
const wording = { timeZone: 'America/Chicago', today: '2026-11-24' };

describe('words with feed and people’s text', () => {
  it('a superseded tap: escaped in the chat, as typed in the tab', () => {
    const result = {
      row: row({ id: 'r2', action: 'reached_out', customerName: EVIL }),
      by: row({ id: 'r1', action: 'reached_out', actorId: 'aad-x', actorName: EVIL }),
      same: true,
    };
    expect(supersededWords(result, ANA.userId, { ...wording, showText: chatSafe })).toMatch(
      /^\\\[Pay here\\\]\(https:\/\/evil\.example\) already marked \\\[Pay here\\\]\(https:\/\/evil\.example\) "reached out" at /,
    );
    expect(supersededWords(result, ANA.userId, wording)).toContain(`${EVIL} already marked ${EVIL} `);
    expect(
      supersededWords({ ...result, same: false }, ANA.userId, { ...wording, showText: chatSafe }),
    ).toContain(`${ESCAPED} was not marked "reached out": since then ${ESCAPED} recorded`);
  });

  it('a tap another action superseded, to a German team: the date ends its sentence once', () => {
    const result = {
      row: row({ id: 'r2', action: 'reached_out', customerName: 'Bäckerei Groß' }),
      by: row({
        id: 'r1',
        action: 'won_back',
        actorId: 'aad-x',
        actorName: 'Jonas Weber',
        at: '2026-11-20T15:00:00.000Z',
      }),
      same: false,
    };
    expect(supersededWords(result, ANA.userId, { ...wording, locale: 'de-DE' })).toBe(
      'Bäckerei Groß was not marked "reached out": since then Jonas Weber recorded "won back" on Fr., 20. Nov. Nothing was changed.',
    );
  });

  it('a stale card: the name escaped in the chat, as typed in the tab', () => {
    const lost = atRisk({ name: EVIL, status: 'lost', lostReason: 'price', lostAt: '2026-11-01' });
    expect(staleReason(lost, RULES.lossReasons, '2026-11-24', 'en-US', chatSafe)).toBe(
      `${ESCAPED} is already marked lost (Price, on Sun 1 Nov).`,
    );
    expect(staleReason(lost, RULES.lossReasons, '2026-11-24')).toBe(
      `${EVIL} is already marked lost (Price, on Sun 1 Nov).`,
    );
    const refused = decideReachedOut(ctx(lost, { showText: chatSafe }), RULES);
    expect(refused.ok ? '' : refused.message).toContain(ESCAPED);
    const tab = decideReachedOut(ctx(lost), RULES);
    expect(tab.ok ? '' : tab.message).toContain(EVIL);
  });

  it('chatSafe keeps ordinary punctuation clean and escapes what Teams reads as syntax', () => {
    expect(chatSafe('Smith-Jones (UK) & Co!')).toBe('Smith-Jones (UK) & Co!');
    expect(chatSafe('**URGENT** _now_')).toBe('\\*\\*URGENT\\*\\* \\_now\\_');
  });
});
