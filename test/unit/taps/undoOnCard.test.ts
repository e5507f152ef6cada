import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR_PREFIX } from '../../../bot/taps/actionTypes';
import type { AccessPolicy } from '../../../bot/taps/authorise';
import {
  type CardReader,
  undoLeftTo as leftTo,
  undoerName,
  undoLeftToReader,
} from '../../../bot/taps/undoOnCard';
import { buildWeeklyCard } from '../../../cards';
import { buildDigestCard } from '../../../cards/buildDigestCard';
import type { CustomerOutcome } from '../../../cards/cardModels';
import { withOutcome } from '../../../cards/renderCard';
import type { CustomerState } from '../../../rules/customerState';
import type { AuditRow } from '../../../storage/auditRow';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { ofType, texts } from '../cards/cardWalk';
import { digest as digestData } from '../cards/digestCardFixtures';
import { representativeWeek } from '../cards/weeklyCardFixtures';
import { ANA, atRisk, BEN, row } from './fixtures';

// Who reads a card: the rep whose 1:1 chat holds it, known by the addresses their install stored.
const ana = { userId: ANA.userId, email: 'ana@demo.example', upn: '' };
const ben = { userId: BEN.userId, email: 'ben@demo.example', upn: '' };
const ada = { userId: 'aad-ada', email: 'ada@demo.example', upn: '' };
const POLICY: AccessPolicy = { tenantId: '', adminUserIds: [ada.userId], managerUserIds: [] };
/** The name the card says, reps named as Teams names them. */
const NAMES: Record<string, string> = { [ana.email]: ANA.name, [ben.email]: BEN.name };
const undoLeftTo = (
  reader: CardReader,
  standing: AuditRow,
  customer: CustomerState,
  policy: AccessPolicy,
  ownerAddresses: readonly string[] = [],
) => {
  const left = leftTo(reader, standing, customer, policy, ownerAddresses);
  return left && undoerName(left, (owner) => NAMES[owner] ?? owner);
};

describe('undoLeftTo: whom a card leaves the Undo of a row to, when its reader may not use it', () => {
  it("a save by the rep the feed moved the customer to: Ana's card leaves the Undo to Ben", () => {
    const bens = atRisk({ owner: ben.email });
    const saved = row({
      id: 'r1',
      action: 'won_back',
      actorId: BEN.userId,
      actorName: BEN.name,
      owner: ben.email,
    });
    expect(undoLeftTo(ana, saved, bens, POLICY)).toBe('Ben Ortiz');
    expect(undoLeftTo(ben, saved, bens, POLICY)).toBeUndefined();
    expect(undoLeftTo(ada, saved, bens, POLICY)).toBeUndefined();
  });

  it("an admin's save on Ana's customer: Ana's card leaves it to the admin", () => {
    const anas = atRisk();
    const saved = row({ id: 'r1', action: 'lost', actorId: ada.userId, actorName: 'Ada Admin' });
    expect(undoLeftTo(ana, saved, anas, POLICY)).toBe('Ada Admin');
    expect(undoLeftTo(ada, saved, anas, POLICY)).toBeUndefined();
  });

  it("Ana's own save, the customer moved to Ben since: his to undo, not hers", () => {
    const bens = atRisk({ owner: ben.email });
    const saved = row({ id: 'r1', action: 'reached_out' });
    expect(undoLeftTo(ana, saved, bens, POLICY)).toBe('Ben Ortiz');
    expect(undoLeftTo(ben, saved, bens, POLICY)).toBeUndefined();
    expect(undoLeftTo(ana, saved, atRisk(), POLICY)).toBeUndefined();
  });

  it("a row the product wrote itself is the owner's to undo", () => {
    const silence = row({
      id: 'r1',
      action: 'lost',
      actorId: `${SYSTEM_ACTOR_PREFIX}silence`,
      actorName: 'Churn predictor',
    });
    expect(undoLeftTo(ana, silence, atRisk(), POLICY)).toBeUndefined();
    expect(undoLeftTo(ana, silence, atRisk({ owner: ben.email }), POLICY)).toBe('Ben Ortiz');
  });

  it("an admin's save under the rep's sign-in name, her email the owner since: still the admin's, not hers", () => {
    // The weekly run rewrote Ana's sign-in name to her email: no handover, so she may not undo Ada's save.
    const anaBoth = { ...ana, upn: 'ana.ruiz@demo.example' };
    const saved = row({
      id: 'r1',
      action: 'lost',
      actorId: ada.userId,
      actorName: 'Ada Admin',
      owner: anaBoth.upn,
    });
    expect(undoLeftTo(anaBoth, saved, atRisk(), POLICY)).toBe('Ada Admin');
    expect(undoLeftTo(ada, saved, atRisk(), POLICY)).toBeUndefined();
  });

  it("a third rep reading an admin's save under the owner's sign-in name: left to the admin, as the owner may not undo it", () => {
    // Ana's sign-in name was the owner when Ada saved; her email is now. Ben (who listed the customer
    // before the feed moved them) reads the row: Ana may not undo Ada's save, so Ada is named.
    const saved = row({
      id: 'r1',
      action: 'won_back',
      actorId: ada.userId,
      actorName: 'Ada Admin',
      owner: 'ana.ruiz@demo.example',
    });
    const anasAddresses = ['ana@demo.example', 'ana.ruiz@demo.example'];
    expect(undoLeftTo(ben, saved, atRisk(), POLICY, anasAddresses)).toBe('Ada Admin');
    // Saved by Ana herself under her sign-in name: hers to undo, and so named.
    const hers = row({ id: 'r2', action: 'won_back', owner: 'ana.ruiz@demo.example' });
    expect(undoLeftTo(ben, hers, atRisk(), POLICY, anasAddresses)).toBe('Ana Ruiz');
    // Saved under another rep who owned the customer then: a handover, the owner now's (Ana's).
    const handed = row({
      ...hers,
      id: 'r3',
      actorId: 'aad-cy',
      actorName: 'Cy Park',
      owner: 'cy@demo.example',
    });
    expect(undoLeftTo(ben, handed, atRisk(), POLICY, anasAddresses)).toBe('Ana Ruiz');
  });

  it('a reader whose install stored no address cannot undo even their own action', () => {
    const saved = row({ id: 'r1', action: 'reached_out' });
    expect(undoLeftTo({ ...ana, email: '' }, saved, atRisk(), POLICY)).toBe('Ana Ruiz');
  });

  it("reads the owner's stored addresses only for a row they can decide: a third reader's, taken under another address", async () => {
    const reads: string[] = [];
    const undo = (standing: AuditRow) => ({
      standing,
      customer: atRisk(),
      policy: POLICY,
      repName: async (owner: string) => NAMES[owner] ?? owner,
      ownerAddresses: async (owner: string) => {
        reads.push(owner);
        return ['ana@demo.example', 'ana.ruiz@demo.example'];
      },
    });
    // Every card row a tap or `list` shows its owner: her own action, and an admin's she may not undo.
    expect(await undoLeftToReader(ana, undo(row({ id: 'r1', action: 'reached_out' })))).toBeUndefined();
    const adas = row({ id: 'r2', action: 'lost', actorId: ada.userId, actorName: 'Ada Admin' });
    expect(await undoLeftToReader(ana, undo(adas))).toBe('Ada Admin');
    // Ben reads an action taken under Ana's address now: hers or Ada's, whatever Ana's install says.
    expect(await undoLeftToReader(ben, undo(adas))).toBe('Ada Admin');
    expect(reads).toEqual([]);
    // Under Ana's sign-in name: only her stored addresses tell it from a handover.
    const underUpn = { ...adas, id: 'r3', owner: 'ana.ruiz@demo.example' };
    expect(await undoLeftToReader(ben, undo(underUpn))).toBe('Ada Admin');
    expect(reads).toEqual(['ana@demo.example']);
  });
});

describe("a row whose Undo is another's", () => {
  const won: CustomerOutcome = { kind: 'won_back', by: BEN.name, at: '2026-11-24', value: 1500 };

  it('shows the outcome and who can undo it, and no Undo button (weekly card)', () => {
    const week = representativeWeek();
    const id = week.customers[0].customerId;
    const data = withOutcome(week, id, won, 'Ben Ortiz');
    if (!data) throw new Error('the customer is on the card');
    const card = buildWeeklyCard(data);
    const [first] = ofType(card, 'Container');
    expect(texts(first)).toContain(
      'Won back $1,500/month by Ben Ortiz, Tue 24 Nov · Ben Ortiz or an admin can undo',
    );
    expect(ofType(first, 'Action.Submit')).toEqual([]);
    expect(adaptiveCardErrors(card)).toEqual([]);
    // Its own outcome set again (the reader's save): the Undo is back.
    const mine = withOutcome(data, id, { ...won, by: ANA.name });
    const [again] = ofType(buildWeeklyCard(mine ?? data), 'Container');
    expect(ofType(again, 'Action.Submit').map((a) => a.title)).toEqual(['Undo']);
  });

  it('shows the outcome and who can undo it, and no Undo button (digest)', () => {
    const digest = digestData();
    const id = digest.rows[0].customerId;
    const data = withOutcome(digest, id, won, 'Ben Ortiz');
    if (!data) throw new Error('the customer is on the card');
    const card = buildDigestCard(data as typeof digest);
    expect(texts(card).some((t) => t.endsWith('· Ben Ortiz or an admin can undo'))).toBe(true);
    const undos = ofType(card, 'Action.Submit').filter((a) => {
      const submit = a.data as { action?: string; customerId?: string };
      return submit.action === 'undo' && submit.customerId === id;
    });
    expect(undos).toEqual([]);
    // Its Undo is back once the reader may use it.
    const mine = withOutcome(data, id, won);
    expect(
      ofType(buildDigestCard((mine ?? data) as typeof digest), 'Action.Submit').map((a) => a.data),
    ).toContainEqual(expect.objectContaining({ action: 'undo', customerId: id }));
    expect(adaptiveCardErrors(card)).toEqual([]);
  });
});
