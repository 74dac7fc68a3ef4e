import { majorityVote } from './index';
import { codeOf } from './__fixtures__/errors';

describe('majorityVote', () => {
  const table: [boolean, boolean, boolean][] = [];
  for (let mask = 0; mask < 8; mask++) table.push([!!(mask & 4), !!(mask & 2), !!(mask & 1)]);

  it.each(table)('truth table, 2 of 3: pageHinkley=%p adwin=%p ks=%p', (pageHinkley, adwin, ks) => {
    const votes = [pageHinkley, adwin, ks].filter(Boolean).length;
    const result = majorityVote({ pageHinkley, adwin, ks }, { required: 2 });
    expect(result).toEqual({
      confirmed: votes >= 2,
      votes,
      required: 2,
      total: 3,
      agreeing: (['pageHinkley', 'adwin', 'ks'] as const).filter(
        (_, i) => [pageHinkley, adwin, ks][i],
      ),
      dissenting: (['pageHinkley', 'adwin', 'ks'] as const).filter(
        (_, i) => ![pageHinkley, adwin, ks][i],
      ),
    });
  });

  it('defaults to a strict majority', () => {
    expect(majorityVote({ a: true, b: true, c: false }).required).toBe(2);
    expect(majorityVote({ a: true, b: false }).required).toBe(2);
    expect(majorityVote({ a: true, b: false }).confirmed).toBe(false);
    expect(majorityVote({ a: true }).confirmed).toBe(true);
    expect(majorityVote({ a: true, b: true, c: false, d: false, e: true }).required).toBe(3);
  });

  it('required 1 is "any", required n is "all"', () => {
    expect(majorityVote({ a: false, b: true, c: false }, { required: 1 }).confirmed).toBe(true);
    expect(majorityVote({ a: false, b: false, c: false }, { required: 1 }).confirmed).toBe(false);
    expect(majorityVote({ a: true, b: true, c: false }, { required: 3 }).confirmed).toBe(false);
    expect(majorityVote({ a: true, b: true, c: true }, { required: 3 }).confirmed).toBe(true);
  });

  it.each([
    [{}, undefined],
    [{ a: 1 }, undefined],
    [{ a: true, b: false }, { required: 3 }],
    [{ a: true }, { required: 0 }],
    [{ a: true }, { required: 1.5 }],
    [[true, false], undefined],
    [null, undefined],
  ])('rejects signals %j with options %j', (signals, options) => {
    expect(codeOf(() => majorityVote(signals as never, options))).toBe('DRIFT.INVALID_OPTION');
  });
});
