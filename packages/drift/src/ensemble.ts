import { Adwin, type AdwinOptions, type AdwinSnapshot } from './adwin';
import { DriftError } from './errors';
import { asSnapshotError, SnapshotReader } from './internal/snapshot';
import {
  assertFiniteValue,
  assertFiniteBatch,
  integerOption,
  numberOption,
  optionsObject,
} from './internal/validate';
import { Kswin, type KswinOptions, type KswinSnapshot } from './kswin';
import { PageHinkley, type PageHinkleyOptions, type PageHinkleySnapshot } from './page-hinkley';
import { PAGE_HINKLEY_PRESETS } from './presets';

/** The three detectors of spec 004 FR-9, by the names used in votes and results. */
export type EnsembleDetectorName = 'pageHinkley' | 'adwin' | 'kswin';

/** One boolean per detector. */
export type DetectorVotes = Readonly<Record<EnsembleDetectorName, boolean>>;

/** Options of {@link DriftEnsemble}; every field is optional. */
export interface DriftEnsembleOptions {
  /** Options of the Page-Hinkley detector (in standardised units when center/scale are set). */
  readonly pageHinkley?: PageHinkleyOptions;
  /** Options of the ADWIN detector. */
  readonly adwin?: AdwinOptions;
  /** Options of the KSWIN detector (no initial `window`: the ensemble feeds all three alike). */
  readonly kswin?: Omit<KswinOptions, 'window'>;
  /** Detectors that must agree, 1..3. Default 2. */
  readonly required?: number;
  /**
   * A detector votes for drift while its latest detection is among the last `agreementWindow`
   * samples (the current one included). Default 100.
   */
  readonly agreementWindow?: number;
  /** Values are fed to the detectors as (x − center) / scale. Default 0. */
  readonly center?: number;
  /** See `center`; must be > 0. Default 1. */
  readonly scale?: number;
}

/** The ensemble's own options, as stored in a snapshot. */
export interface ResolvedEnsembleOptions {
  readonly required: number;
  readonly agreementWindow: number;
  readonly center: number;
  readonly scale: number;
}

/** What {@link DriftEnsemble.update} reports for one sample. */
export interface EnsembleSignal {
  /** 0-based index of this sample since construction or the last reset. */
  readonly index: number;
  /** True when this sample brought the votes to `required`: a confirmed drift. */
  readonly confirmed: boolean;
  /** Which detectors currently vote for drift (after a confirmation: the votes that confirmed). */
  readonly votes: DetectorVotes;
  /** Number of true votes. */
  readonly voteCount: number;
  /** Which detectors signalled drift on this very sample. */
  readonly fired: DetectorVotes;
}

/** What {@link DriftEnsemble.updateMany} reports for a batch. */
export interface EnsembleBatchResult {
  /** True when at least one confirmation happened in the batch. */
  readonly confirmed: boolean;
  /** Indices into the batch at which drift was confirmed. */
  readonly confirmations: readonly number[];
  /** Indices into the batch at which each detector signalled drift. */
  readonly detections: Readonly<Record<EnsembleDetectorName, readonly number[]>>;
  /** The votes standing after the last sample of the batch. */
  readonly votes: DetectorVotes;
  readonly voteCount: number;
}

/** A readable account of the ensemble's state, for logs and notifications. */
export interface EnsembleExplanation {
  readonly samplesSeen: number;
  readonly votes: DetectorVotes;
  readonly voteCount: number;
  readonly required: number;
  /** Sample index of each detector's latest detection not yet used by a confirmation. */
  readonly lastDetection: Readonly<Record<EnsembleDetectorName, number | null>>;
  readonly confirmations: number;
  readonly lastConfirmation: number | null;
  readonly pageHinkley: {
    readonly testIncrease: number;
    readonly testDecrease: number;
    readonly threshold: number;
    readonly direction: 'up' | 'down' | null;
  };
  readonly adwin: {
    readonly width: number;
    readonly estimation: number;
    readonly variance: number;
    readonly lastCut: Adwin['lastCut'];
  };
  readonly kswin: { readonly statistic: number | null; readonly pValue: number | null };
}

/** Serialisable state of a {@link DriftEnsemble}. */
export interface DriftEnsembleSnapshot {
  readonly kind: 'drift-ensemble';
  readonly version: 1;
  readonly options: ResolvedEnsembleOptions;
  readonly detectors: {
    readonly pageHinkley: PageHinkleySnapshot;
    readonly adwin: AdwinSnapshot;
    readonly kswin: KswinSnapshot;
  };
  readonly state: {
    readonly samplesSeen: number;
    readonly lastDetection: Readonly<Record<EnsembleDetectorName, number | null>>;
    readonly confirmations: number;
    readonly lastConfirmation: number | null;
  };
}

const NAMES: readonly EnsembleDetectorName[] = ['pageHinkley', 'adwin', 'kswin'];

/**
 * Page-Hinkley, ADWIN and KSWIN fed the same stream, with the 2-of-3 majority vote of spec 004
 * FR-9. "Agree" is defined over time: a detector votes while its latest detection lies within
 * the last `agreementWindow` samples, and drift is confirmed on the sample at which the votes first
 * reach `required`. A confirmation consumes the votes that made it, so one drift episode confirms
 * once; each detector must fire again to take part in another confirmation.
 */
export class DriftEnsemble {
  readonly options: ResolvedEnsembleOptions;
  private ph: PageHinkley;
  private ad: Adwin;
  private ks: Kswin;
  private seen = 0;
  private readonly latest: Record<EnsembleDetectorName, number | null> = {
    pageHinkley: null,
    adwin: null,
    kswin: null,
  };
  private confirmationCount = 0;
  private lastConfirmed: number | null = null;

  constructor(options?: DriftEnsembleOptions) {
    const o = optionsObject('DriftEnsemble: options', options);
    this.options = resolveEnsembleOptions(o);
    if (o['kswin'] !== undefined && optionsObject('DriftEnsemble: kswin', o['kswin'])['window']) {
      throw new DriftError(
        'DRIFT.INVALID_OPTION',
        'DriftEnsemble: kswin.window is not supported; feed the warm-up values to the ensemble',
      );
    }
    this.ph = new PageHinkley({
      ...PAGE_HINKLEY_PRESETS.standardized,
      ...(optionsObject('DriftEnsemble: pageHinkley', o['pageHinkley']) as PageHinkleyOptions),
    });
    this.ad = new Adwin(o['adwin'] as AdwinOptions | undefined);
    this.ks = new Kswin(o['kswin'] as KswinOptions | undefined);
  }

  /** The Page-Hinkley detector; read its state, never feed it directly. */
  get pageHinkley(): PageHinkley {
    return this.ph;
  }

  /** The ADWIN detector; read its state, never feed it directly. */
  get adwin(): Adwin {
    return this.ad;
  }

  /** The KSWIN detector; read its state, never feed it directly. */
  get kswin(): Kswin {
    return this.ks;
  }

  /** Samples fed since construction or the last reset. */
  get samplesSeen(): number {
    return this.seen;
  }

  /** Confirmed drifts since construction or the last reset. */
  get confirmations(): number {
    return this.confirmationCount;
  }

  /** The votes standing now (as of the last sample fed). */
  get votes(): DetectorVotes {
    return this.votesAt(this.seen - 1);
  }

  /** Feeds one value to all three detectors and applies the vote. */
  update(x: number): EnsembleSignal {
    assertFiniteValue(x, 'DriftEnsemble.update');
    const z = (x - this.options.center) / this.options.scale;
    if (!Number.isFinite(z)) {
      throw new DriftError(
        'DRIFT.INVALID_VALUE',
        `DriftEnsemble.update: (x − center) / scale overflows for x = ${x}; scale is too small`,
      );
    }
    const index = this.seen++;
    const fired = {
      pageHinkley: this.ph.update(z),
      adwin: this.ad.update(z),
      kswin: this.ks.update(z),
    };
    for (const name of NAMES) if (fired[name]) this.latest[name] = index;
    const votes = this.votesAt(index);
    const voteCount = countVotes(votes);
    const confirmed = voteCount >= this.options.required;
    if (confirmed) {
      this.confirmationCount++;
      this.lastConfirmed = index;
      for (const name of NAMES) this.latest[name] = null;
    }
    return { index, confirmed, votes, voteCount, fired };
  }

  /** Feeds a batch (e.g. the points of one 15-minute worker run) and summarises it. */
  updateMany(values: ArrayLike<number>): EnsembleBatchResult {
    assertFiniteBatch(values, 'DriftEnsemble.updateMany: values');
    const confirmations: number[] = [];
    const detections: Record<EnsembleDetectorName, number[]> = {
      pageHinkley: [],
      adwin: [],
      kswin: [],
    };
    for (let i = 0; i < values.length; i++) {
      const signal = this.update(values[i]);
      if (signal.confirmed) confirmations.push(i);
      for (const name of NAMES) if (signal.fired[name]) detections[name].push(i);
    }
    const votes = this.votes;
    return {
      confirmed: confirmations.length > 0,
      confirmations,
      detections,
      votes,
      voteCount: countVotes(votes),
    };
  }

  /** The state behind the current votes, for logs and notifications. */
  explain(): EnsembleExplanation {
    const votes = this.votes;
    return {
      samplesSeen: this.seen,
      votes,
      voteCount: countVotes(votes),
      required: this.options.required,
      lastDetection: { ...this.latest },
      confirmations: this.confirmationCount,
      lastConfirmation: this.lastConfirmed,
      pageHinkley: {
        testIncrease: this.ph.testIncrease,
        testDecrease: this.ph.testDecrease,
        threshold: this.ph.options.threshold,
        direction: this.ph.direction,
      },
      adwin: {
        width: this.ad.width,
        estimation: this.ad.estimation,
        variance: this.ad.variance,
        lastCut: this.ad.lastCut,
      },
      kswin: { statistic: this.ks.statistic, pValue: this.ks.pValue },
    };
  }

  reset(): void {
    this.ph.reset();
    this.ad.reset();
    this.ks.reset();
    this.seen = 0;
    for (const name of NAMES) this.latest[name] = null;
    this.confirmationCount = 0;
    this.lastConfirmed = null;
  }

  snapshot(): DriftEnsembleSnapshot {
    return {
      kind: 'drift-ensemble',
      version: 1,
      options: { ...this.options },
      detectors: {
        pageHinkley: this.ph.snapshot(),
        adwin: this.ad.snapshot(),
        kswin: this.ks.snapshot(),
      },
      state: {
        samplesSeen: this.seen,
        lastDetection: { ...this.latest },
        confirmations: this.confirmationCount,
        lastConfirmation: this.lastConfirmed,
      },
    };
  }

  /** The snapshot, so `JSON.stringify(ensemble)` stores it directly. */
  toJSON(): DriftEnsembleSnapshot {
    return this.snapshot();
  }

  /**
   * Rebuilds an ensemble from `snapshot()` output. Pass `random` again when the KSWIN detector was
   * built with an injected one.
   */
  static restore(snapshot: unknown, options?: { readonly random?: () => number }): DriftEnsemble {
    const what = 'DriftEnsemble';
    const root = SnapshotReader.open(what, snapshot, 'drift-ensemble', 1);
    const ensemble = asSnapshotError(
      what,
      () => new DriftEnsemble(root.raw('options') as DriftEnsembleOptions),
    );
    const detectors = root.child('detectors');
    ensemble.ph = PageHinkley.restore(detectors.raw('pageHinkley'));
    ensemble.ad = Adwin.restore(detectors.raw('adwin'));
    ensemble.ks = Kswin.restore(detectors.raw('kswin'), options);
    const state = root.child('state');
    const latest = state.child('lastDetection');
    const seen = state.integer('samplesSeen');
    ensemble.seen = seen;
    for (const name of NAMES) {
      const at = latest.nullableInteger(name);
      if (at !== null && at >= seen) throw latest.invalid(`${name} lies after samplesSeen`);
      ensemble.latest[name] = at;
    }
    ensemble.confirmationCount = state.integer('confirmations');
    ensemble.lastConfirmed = state.nullableInteger('lastConfirmation');
    return ensemble;
  }

  private votesAt(index: number): DetectorVotes {
    const window = this.options.agreementWindow;
    const vote = (name: EnsembleDetectorName): boolean => {
      const at = this.latest[name];
      return at !== null && index - at < window;
    };
    return { pageHinkley: vote('pageHinkley'), adwin: vote('adwin'), kswin: vote('kswin') };
  }
}

function countVotes(votes: DetectorVotes): number {
  return (votes.pageHinkley ? 1 : 0) + (votes.adwin ? 1 : 0) + (votes.kswin ? 1 : 0);
}

function resolveEnsembleOptions(o: Record<string, unknown>): ResolvedEnsembleOptions {
  return Object.freeze({
    required: integerOption('DriftEnsemble: required', o['required'], 2, 1, 3),
    agreementWindow: integerOption('DriftEnsemble: agreementWindow', o['agreementWindow'], 100, 1),
    center: numberOption('DriftEnsemble: center', o['center'], 0, 'a finite number', () => true),
    scale: numberOption('DriftEnsemble: scale', o['scale'], 1, 'a finite number > 0', (x) => x > 0),
  });
}
