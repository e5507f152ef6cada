import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRules, parseRules, RulesError } from '../../../rules/rulesSchema';

const committedDefaults: unknown = JSON.parse(
  readFileSync(join(__dirname, '../../../rules/default-rules.json'), 'utf8'),
);

/** The error message parseRules throws for `json`. */
function errorOf(json: unknown): string {
  try {
    parseRules(json);
  } catch (e) {
    if (e instanceof RulesError) return e.message;
    throw e;
  }
  throw new Error('parseRules accepted the input');
}

describe('parseRules', () => {
  it('fills every default from an empty file, equal to rules/default-rules.json', () => {
    expect(defaultRules()).toEqual(committedDefaults);
    expect(parseRules(committedDefaults)).toEqual(committedDefaults);
  });

  it('has the documented defaults for the gates', () => {
    const rules = defaultRules();
    expect(rules.pauseDays).toBe(14);
    expect(rules.capPerRep).toBe(10);
    expect(rules.vip.topFraction).toBe(0.1);
    expect(rules.lossReasons.map((r) => r.code)).toEqual(['price', 'competitor', 'went_quiet', 'other']);
  });

  it("takes owner names with each rep's sign-in, refusing a name given twice and a rep that is no sign-in", () => {
    expect(parseRules({ owners: { ' Ana Ruiz ': 'ana.ruiz@contoso.com' } }).owners).toEqual({
      'Ana Ruiz': 'ana.ruiz@contoso.com',
    });
    const message = errorOf({
      owners: { 'Ana Ruiz': 'ana.ruiz@contoso.com', 'ana ruiz': 'a@contoso.com', Ben: 'Ben Okafor' },
    });
    expect(message).toContain(
      'owners.ana ruiz: the same name as "Ana Ruiz" (names are compared without case)',
    );
    expect(message).toContain(
      `owners.Ben: must be the rep's Teams sign-in (an email or UPN, "ana.ruiz@contoso.com")`,
    );
  });

  it("takes what a help desk's ticket values mean, refusing a meaning it has not and a value given twice", () => {
    expect(
      parseRules({ ticketValues: { status: { Escalated: 'open' }, sentiment: { '1': 'negative' } } })
        .ticketValues,
    ).toEqual({ status: { Escalated: 'open' }, sentiment: { '1': 'negative' } });
    expect(errorOf({ ticketValues: { status: { Escalated: 'opened' } } })).toContain(
      'ticketValues.status.Escalated: must be "open" or "closed": what the status means',
    );
    expect(errorOf({ ticketValues: { sentiment: { '5': 'happy' } } })).toContain(
      'ticketValues.sentiment.5: must be "negative", "neutral", "positive" or "none": what the rating means',
    );
    expect(errorOf({ ticketValues: { status: { Done: 'closed', ' done': 'closed' } } })).toContain(
      'ticketValues.status. done: the same value as "Done" (values are compared without case)',
    );
    // Values are compared trimmed too: one given twice that way is not taken silently, the last one winning.
    expect(errorOf({ ticketValues: { status: { Done: 'closed', 'Done ': 'open' } } })).toContain(
      'ticketValues.status.Done : the same value as "Done" (values are compared without case)',
    );
    expect(errorOf({ ticketValues: { sentiment: { ' ': 'none' } } })).toContain(
      'ticketValues.sentiment. : a value must not be empty',
    );
    expect(errorOf({ ticketValues: { statuses: {} } })).toContain('(did you mean "status"?)');
  });

  it("takes a default rep's sign-in, refusing a name in its place", () => {
    expect(parseRules({ defaultOwner: ' dana@tidewater.example ' }).defaultOwner).toBe(
      'dana@tidewater.example',
    );
    expect(errorOf({ defaultOwner: 'Dana' })).toContain(
      `defaultOwner: must be the rep's Teams sign-in (an email or UPN, "ana.ruiz@contoso.com")`,
    );
  });

  it('has no holdout by default, and a fixed seed', () => {
    expect(defaultRules()).toMatchObject({ holdoutPercent: 0, holdoutSeed: 'churn-holdout' });
    expect(parseRules({ holdoutPercent: 12.5, holdoutSeed: 'q1' })).toMatchObject({
      holdoutPercent: 12.5,
      holdoutSeed: 'q1',
    });
  });

  it('keeps the holdout between 0 and 50 percent, with a seed', () => {
    expect(errorOf({ holdoutPercent: 51 })).toContain('holdoutPercent: must be <= 50');
    expect(errorOf({ holdoutPercent: -1 })).toContain('holdoutPercent: must be >= 0');
    expect(errorOf({ holdoutSeed: '' })).toContain('holdoutSeed: must not be empty');
  });

  it('keeps the other defaults when one nested field is overridden', () => {
    const rules = parseRules({ weights: { overdue: 7 }, windows: { trendDays: 60 } });
    expect(rules.weights.overdue).toBe(7);
    expect(rules.weights.lowFrequency).toBe(defaultRules().weights.lowFrequency);
    expect(rules.windows.trendDays).toBe(60);
    expect(rules.windows.ticketDays).toBe(30);
  });

  it('keeps the rest of the plan table when one play is changed, as for every other field', () => {
    // An analyst changes the VIP slipping call's days and nothing else: the standard play, the other
    // kinds and the call's own words stay the defaults rather than "expected object, received undefined".
    const rules = parseRules({ plans: { slipping: { vip: { days: [0, 3] } } } });
    const defaults = defaultRules().plans;
    expect(rules.plans.slipping.vip).toEqual({ ...defaults.slipping.vip, days: [0, 3] });
    expect(rules.plans.slipping.standard).toEqual(defaults.slipping.standard);
    expect(rules.plans.lapsed).toEqual(defaults.lapsed);
    expect(errorOf({ plans: { slipping: { vip: { days: [] } } } })).toContain(
      'plans.slipping.vip.days: must list a day',
    );
  });

  it('accepts a column mapping', () => {
    const rules = parseRules({ columns: { orders: { ordered_at: 'InvoiceDate' } } });
    expect(rules.columns.orders?.ordered_at).toBe('InvoiceDate');
  });

  it('names each bad field by its path', () => {
    const message = errorOf({ weights: { overdue: -1 }, pauseDays: 2.5, vip: { topFraction: 2 } });
    expect(message).toContain('weights.overdue: must be >= 0');
    expect(message).toContain('pauseDays: must be a whole number of days');
    expect(message).toContain('vip.topFraction: must be from 0 to 1');
  });

  it('tells a share typed as a percentage (60 for 0.6) by its range', () => {
    const message = errorOf({ lists: { minNoOrderProbability: 60, split: { slipping: 60 } } });
    expect(message).toContain(
      'lists.minNoOrderProbability: must be from 0 to 1: a share, not a percentage (0.6 = 60%)',
    );
    expect(message).toContain('lists.split.slipping: must be from 0 to 1: a share, not a percentage');
    expect(errorOf({ vip: { topFraction: -0.1 } })).toContain('vip.topFraction: must be from 0 to 1');
  });

  it('takes a watch band above the unused at-risk band (a file raising watch alone is valid)', () => {
    expect(parseRules({ bands: { watch: 30 } }).bands.watch).toBe(30);
  });

  it('rejects all-zero weights', () => {
    const zero = Object.fromEntries(Object.keys(defaultRules().weights).map((k) => [k, 0]));
    expect(errorOf({ weights: zero })).toContain('weights: at least one weight must be > 0');
  });

  it('rejects duplicate loss reason codes and bad codes', () => {
    const message = errorOf({
      lossReasons: [
        { code: 'price', label: 'Price' },
        { code: 'price', label: 'Again' },
        { code: 'Bad Code', label: 'x' },
      ],
    });
    expect(message).toContain('lossReasons.1.code: duplicate code "price"');
    expect(message).toContain('lossReasons.2.code: must be lower_snake_case');
  });

  it('names the key a misspelt one could have been, or the keys allowed where it stands', () => {
    expect(errorOf({ capperRep: 10 })).toContain('Unrecognized key: "capperRep" (did you mean "capPerRep"?)');
    expect(errorOf({ feedstaledays: 20 })).toContain('(did you mean "feedStaleDays"?)');
    expect(errorOf({ lists: { minNoOrderChance: 0.3 } })).toContain(
      'lists: Unrecognized key: "minNoOrderChance" (the keys here are minNoOrderProbability, slippingOverUsual, newCustomerOrders, lapsedGaps, lapsedMinDays, split)',
    );
    expect(errorOf({ followUps: { sendAt: { hours: 8 } } })).toContain('(did you mean "hour"?)');
  });

  it('rejects unknown keys and wrong types', () => {
    expect(errorOf({ wieghts: {} })).toMatch(/wieghts/);
    expect(errorOf({ weights: { overdue: 'high' } })).toMatch(/^Invalid rules file:\n {2}weights\.overdue: /);
    expect(errorOf({ columns: { orders: { amount: 5 } } })).toContain('columns.orders.amount');
    expect(() => parseRules(null)).toThrow(RulesError);
  });

  it('takes a column mapped to headers of which the first filled is read, and says what a list must be', () => {
    const amount = ['Adjusted Order Total', 'Order Total'];
    expect(parseRules({ columns: { orders: { amount } } }).columns.orders?.amount).toEqual(amount);
    expect(errorOf({ columns: { orders: { amount: [] } } })).toContain(
      'columns.orders.amount: an empty list: name the headers to read, the first filled first',
    );
    expect(errorOf({ columns: { orders: { amount: ['Order Total', 'order total '] } } })).toContain(
      'columns.orders.amount: lists the header "order total " twice',
    );
    expect(errorOf({ columns: { orders: { amount: { first: 'Order Total' } } } })).toContain(
      'columns.orders.amount: must be a header of your file ("Order Total"), or a list of headers of which the first filled on each row is read (["Adjusted Order Total", "Order Total"])',
    );
  });

  it('lists every issue in RulesError.issues', () => {
    try {
      parseRules({ capPerRep: 0, valueFloor: -5 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RulesError);
      expect((e as RulesError).issues).toEqual(['valueFloor: must be >= 0', 'capPerRep: must be >= 1']);
    }
  });
});
