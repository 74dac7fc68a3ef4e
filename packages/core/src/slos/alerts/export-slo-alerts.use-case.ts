import { type GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import { checkOneOf, throwIfInvalid } from '../../graph/input-validation';
import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { SloErrorCodes } from '../slo-error-codes';
import { type ActiveSloRepository } from '../slo.ports';
import {
  openSloDocumentsFor,
  openSloYamlFor,
  prometheusAlertRulesFor,
  type SloMetricNaming,
  type SloObjectiveName,
  sloRatioObjectives,
} from './slo-alert-definitions';

export const SLO_ALERT_FORMATS = ['prometheus', 'openslo'] as const;
export type SloAlertFormat = (typeof SLO_ALERT_FORMATS)[number];
export const DEFAULT_SLO_ALERT_FORMAT: SloAlertFormat = 'prometheus';

/** The SLO period alerts budget over when none is configured (the SRE workbook's 30 days). */
export const DEFAULT_SLO_PERIOD_DAYS = 30;

/** What the export throws besides validation and GRAPH.SERVICE_NOT_FOUND. */
export const SloAlertErrorCodes = {
  /** The service exists but keeps no active SLO: the lifecycle's own code. → 404 */
  SLO_NOT_FOUND: SloErrorCodes.NOT_FOUND,
} as const;

export interface ExportSloAlertsInput {
  readonly serviceId: string;
  /** Default `prometheus`. */
  readonly format?: string;
}

export interface SloAlertsExport {
  readonly serviceId: string;
  readonly format: SloAlertFormat;
  /** The Prometheus rule file, or the OpenSLO v1 documents, as YAML text. */
  readonly yaml: string;
  /** The objectives exported, in order: availability, latency-p95, latency-p99, latency-p999. */
  readonly objectives: readonly SloObjectiveName[];
  /** Alert conditions that can never fire or fire below burn rate 1 (Prometheus only). */
  readonly warnings: readonly string[];
}

export interface ExportSloAlertsOptions {
  /** The Prometheus series names and labels the fleet's telemetry uses. */
  readonly naming: SloMetricNaming;
  /** Rolling SLO period in days, 1–366. Default {@link DEFAULT_SLO_PERIOD_DAYS}. */
  readonly periodDays?: number;
}

/**
 * FR-10 (`GET /api/v1/services/{id}/slos/alerts`): the service's active SLO as a Prometheus rule
 * file (Sloth-style SLI recordings over 5m, 30m, 1h, 2h, 6h, 1d, 3d and the period, and
 * multi-window multi-burn-rate page/ticket alerts per objective) or as OpenSLO v1 documents.
 */
export class ExportSloAlertsUseCase {
  private readonly naming: SloMetricNaming;
  private readonly periodDays: number;

  constructor(
    private readonly snapshots: GraphSnapshotCache,
    private readonly activeSlos: Pick<ActiveSloRepository, 'findByService'>,
    options: ExportSloAlertsOptions,
  ) {
    this.naming = options.naming;
    this.periodDays = options.periodDays ?? DEFAULT_SLO_PERIOD_DAYS;
    if (!Number.isInteger(this.periodDays) || this.periodDays < 1 || this.periodDays > 366) {
      throw new RangeError(
        `ExportSloAlertsUseCase: periodDays must be a whole number of days from 1 to 366, got ${this.periodDays}`,
      );
    }
  }

  async execute(input: ExportSloAlertsInput): Promise<SloAlertsExport> {
    const format = input.format ?? DEFAULT_SLO_ALERT_FORMAT;
    const fieldErrors: FieldError[] = [];
    checkOneOf(format, SLO_ALERT_FORMATS, 'format', fieldErrors);
    throwIfInvalid(fieldErrors, 'The alert export query');
    const chosen = format as SloAlertFormat;

    const snapshot = await this.snapshots.get();
    const service = snapshot.service(input.serviceId);
    if (service === undefined) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${input.serviceId}".`,
        { serviceId: input.serviceId },
      );
    }
    const slo = await this.activeSlos.findByService(input.serviceId);
    const objectives = slo === null ? [] : sloRatioObjectives(slo, this.naming);
    if (objectives.length === 0) {
      throw new DomainError(
        SloAlertErrorCodes.SLO_NOT_FOUND,
        `Service "${input.serviceId}" has no active SLO to alert on; accept a recommendation first (POST /api/v1/services/{id}/slos).`,
        { serviceId: input.serviceId },
      );
    }
    const names = objectives.map((objective) => objective.name);
    if (chosen === 'openslo') {
      const documents = openSloDocumentsFor(
        objectives,
        input.serviceId,
        service.team,
        this.periodDays,
      );
      return {
        serviceId: input.serviceId,
        format: chosen,
        yaml: openSloYamlFor(documents, input.serviceId),
        objectives: names,
        warnings: [],
      };
    }
    const rules = prometheusAlertRulesFor(objectives, input.serviceId, this.periodDays);
    return {
      serviceId: input.serviceId,
      format: chosen,
      yaml: rules.yaml,
      objectives: names,
      warnings: rules.warnings,
    };
  }
}
