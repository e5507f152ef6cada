import { describe, expect, it } from 'vitest';
import { WON_BACK_TWICE_FLAG } from '../../../rules/followUps';
import {
  NO_OFFER_PLAY,
  playFlags,
  playFor,
  STANDARD_PLAY,
  VIP_PLAY,
  vipThreshold,
} from '../../../rules/play';

const values = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]; // 10 positive values

describe('vipThreshold', () => {
  it('is the lowest value of the top decile of positive values', () => {
    expect(vipThreshold(values, { topFraction: 0.1, minMonthlyValue: null })).toBe(1000);
    expect(vipThreshold(values, { topFraction: 0.3, minMonthlyValue: null })).toBe(800);
  });

  it('is lowered by a configured threshold, never raised', () => {
    expect(vipThreshold(values, { topFraction: 0.1, minMonthlyValue: 650 })).toBe(650);
    expect(vipThreshold(values, { topFraction: 0.1, minMonthlyValue: 5000 })).toBe(1000);
  });

  it('keeps customers tied at the cut all in or all out, whichever is nearer the top fraction', () => {
    const top = { topFraction: 0.1, minMonthlyValue: null };
    // 50 one-order customers of one price: nobody stands out, nobody is a VIP (was all 50).
    expect(vipThreshold(Array(50).fill(100), top)).toBe(Number.POSITIVE_INFINITY);
    // 45 worth 100 and 5 worth 50: the 45 are not a top decile.
    expect(vipThreshold([...Array(45).fill(100), ...Array(5).fill(50)], top)).toBe(Number.POSITIVE_INFINITY);
    // 40 worth 10, 8 worth 20, 2 worth 500: the 2 (5 were wanted; with the 8 it would be 10).
    expect(vipThreshold([...Array(40).fill(10), ...Array(8).fill(20), 500, 500], top)).toBe(500);
    // A tie that overshoots by less than leaving it out undershoots stays in: 31 VIPs of 300.
    const ordinary = [
      ...Array.from({ length: 269 }, (_, k) => k + 1),
      ...Array(3).fill(900),
      ...Array(28).fill(1000),
    ];
    expect(vipThreshold(ordinary, top)).toBe(900);
  });

  it('is infinite when nobody qualifies', () => {
    expect(vipThreshold(values, { topFraction: 0, minMonthlyValue: null })).toBe(Number.POSITIVE_INFINITY);
    expect(vipThreshold([1, 2, 3], { topFraction: 0.1, minMonthlyValue: null })).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('playFor', () => {
  it('suggests a personal call for VIPs and a time-limited offer for the rest', () => {
    expect(playFor(1000, 1000)).toEqual(VIP_PLAY);
    expect(VIP_PLAY.text).toBe('Personal call + a perk that is not a discount');
    expect(playFor(999, 1000)).toEqual(STANDARD_PLAY);
    expect(STANDARD_PLAY.text).toBe('Time-limited offer');
    expect(playFor(0, 0)).toEqual(STANDARD_PLAY);
  });
});

describe('a customer won back twice this year', () => {
  it('gets no offer, VIP or not, and the cards carry the flag', () => {
    expect(playFor(1000, 1000, true)).toEqual(NO_OFFER_PLAY);
    expect(playFor(10, 1000, true)).toEqual(NO_OFFER_PLAY);
    expect(NO_OFFER_PLAY.text).toBe('Personal call, no discount or offer');
    expect(playFlags(NO_OFFER_PLAY)).toEqual([WON_BACK_TWICE_FLAG]);
    expect(playFlags(STANDARD_PLAY)).toEqual([]);
  });
});
