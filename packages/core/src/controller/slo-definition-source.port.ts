import { type LoadedSlo, type ValidationIssue } from '@slo-engine/slo-schema';

/** One valid SLO file and when it last changed (the grace period of `enforcement` starts then). */
export interface SloDefinitionEntry {
  readonly loaded: LoadedSlo;
  /** Last modification of the file, ms since the epoch. */
  readonly changedAt: number;
}

/** Result of reading the SLO directory: the valid definitions and every problem, precisely located. */
export interface SloLoadReport {
  readonly directory: string;
  readonly definitions: readonly SloDefinitionEntry[];
  /** Errors of files that were skipped, and warnings of files that loaded. */
  readonly issues: readonly ValidationIssue[];
  /** Files read (valid or not). */
  readonly files: number;
}

/** The controller's SLO files (spec 000): a YAML directory in production and in embedded mode. */
export abstract class SloDefinitionSource {
  /** Reads every `*.yml`/`*.yaml` file; never throws for a bad file (it becomes an issue). */
  abstract load(): Promise<SloLoadReport>;
  /** Calls `onChange` (debounced) after files are added, changed or removed; returns a stop function. */
  abstract watch(onChange: () => void): () => void;
}
