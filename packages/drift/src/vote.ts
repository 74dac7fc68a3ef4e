import { DriftError } from './errors';
import { describeValue, integerOption, optionsObject } from './internal/validate';

/** Options of {@link majorityVote}. */
export interface MajorityVoteOptions {
  /** Votes needed to confirm. Default: a strict majority, ⌊n/2⌋ + 1 (2 of 3). */
  readonly required?: number;
}

/** Outcome of {@link majorityVote}. */
export interface VoteResult<K extends string = string> {
  /** True when at least `required` signals are true. */
  readonly confirmed: boolean;
  /** Number of true signals. */
  readonly votes: number;
  readonly required: number;
  /** Number of signals. */
  readonly total: number;
  /** Names of the true signals, in the order given. */
  readonly agreeing: readonly K[];
  /** Names of the false signals, in the order given. */
  readonly dissenting: readonly K[];
}

/**
 * Confirms drift when at least `required` of the named boolean signals are true (spec 004 FR-9:
 * 2 of Page-Hinkley, ADWIN and KS). Throws DRIFT.INVALID_OPTION for no signals, a non-boolean
 * signal, or `required` outside 1..n.
 */
export function majorityVote<K extends string>(
  signals: Readonly<Record<K, boolean>>,
  options?: MajorityVoteOptions,
): VoteResult<K> {
  if (signals === null || typeof signals !== 'object' || Array.isArray(signals)) {
    throw new DriftError(
      'DRIFT.INVALID_OPTION',
      `majorityVote: signals must be an object of named booleans, got ${describeValue(signals)}`,
    );
  }
  const names = Object.keys(signals) as K[];
  if (names.length === 0) {
    throw new DriftError(
      'DRIFT.INVALID_OPTION',
      'majorityVote: signals must name at least one signal',
    );
  }
  const agreeing: K[] = [];
  const dissenting: K[] = [];
  for (const name of names) {
    const signal: unknown = signals[name];
    if (typeof signal !== 'boolean') {
      throw new DriftError(
        'DRIFT.INVALID_OPTION',
        `majorityVote: signal "${name}" must be a boolean, got ${describeValue(signal)}`,
      );
    }
    (signal ? agreeing : dissenting).push(name);
  }
  const required = integerOption(
    'majorityVote: required',
    optionsObject('majorityVote: options', options)['required'],
    Math.floor(names.length / 2) + 1,
    1,
    names.length,
  );
  return {
    confirmed: agreeing.length >= required,
    votes: agreeing.length,
    required,
    total: names.length,
    agreeing,
    dissenting,
  };
}
