export { DriftError, type DriftErrorCode } from './errors';
export { type DriftDetector, type DetectOptions, detect } from './detector';
export {
  PageHinkley,
  PAGE_HINKLEY_DEFAULTS,
  type PageHinkleyMode,
  type PageHinkleyOptions,
  type PageHinkleySnapshot,
  type ResolvedPageHinkleyOptions,
} from './page-hinkley';
export {
  PAGE_HINKLEY_PRESETS,
  pageHinkleyOptionsForScale,
  type ScaledPageHinkleyOptions,
} from './presets';
export {
  Adwin,
  ADWIN_DEFAULTS,
  type AdwinCut,
  type AdwinOptions,
  type AdwinSnapshot,
  type ResolvedAdwinOptions,
} from './adwin';
export {
  ksTwoSample,
  kolmogorovSurvival,
  KS_EXACT_LIMIT,
  type KsAlternative,
  type KsMethod,
  type KsOptions,
  type KsResult,
} from './ks';
export {
  Kswin,
  KSWIN_DEFAULTS,
  type KswinOptions,
  type KswinSnapshot,
  type ResolvedKswinOptions,
} from './kswin';
export { majorityVote, type MajorityVoteOptions, type VoteResult } from './vote';
export {
  DriftEnsemble,
  type DetectorVotes,
  type DriftEnsembleOptions,
  type DriftEnsembleSnapshot,
  type EnsembleBatchResult,
  type EnsembleDetectorName,
  type EnsembleExplanation,
  type EnsembleSignal,
  type ResolvedEnsembleOptions,
} from './ensemble';
export {
  evaluateDrift,
  EVALUATE_ADWIN_DEFAULTS,
  EVALUATE_PAGE_HINKLEY_DEFAULTS,
  type DriftEvaluation,
  type EvaluateDriftOptions,
  type EvaluationVotes,
} from './evaluate';
export { normalRandom, seededRandom } from './random';
