/**
 * Defensive parsing of the Prometheus HTTP API's JSON (`/api/v1/query`, `/api/v1/query_range`):
 * anything that is not the documented shape becomes `DomainError(TELEMETRY.BAD_RESPONSE)`.
 * https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats
 */
import { DomainError, TelemetryErrorCodes } from '@slo-engine/core';

export type Labels = Readonly<Record<string, string>>;

/** One series of an instant vector: its labels and its value at the evaluation time. */
export interface VectorSample {
  readonly metric: Labels;
  /** Evaluation time, seconds since the epoch. */
  readonly timestamp: number;
  readonly value: number;
}

/** One series of a range matrix: its labels and `[seconds since the epoch, value]` points. */
export interface MatrixSeries {
  readonly metric: Labels;
  readonly values: readonly (readonly [number, number])[];
}

const MAX_ERROR_TEXT = 500;

export function badResponse(
  message: string,
  details: { readonly httpStatus?: number; readonly errorType?: string } = {},
): DomainError {
  return new DomainError(TelemetryErrorCodes.BAD_RESPONSE, message, details);
}

/** Shortens text taken from a response so an error message stays readable. */
export function excerpt(text: string, max = MAX_ERROR_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** A sample value as Prometheus writes it: a decimal string, `NaN`, `+Inf` or `-Inf`. */
export function parseSampleValue(raw: unknown): number {
  if (typeof raw === 'string') {
    switch (raw) {
      case 'NaN':
        return Number.NaN;
      case '+Inf':
      case 'Inf':
        return Number.POSITIVE_INFINITY;
      case '-Inf':
        return Number.NEGATIVE_INFINITY;
    }
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isNaN(value)) return value;
  }
  throw badResponse(
    `Prometheus answered a sample value that is not a number: ${excerpt(String(JSON.stringify(raw)), 60)}.`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseLabels(raw: unknown): Labels {
  if (raw === undefined) return {};
  if (!isRecord(raw)) throw badResponse('Prometheus answered a series without a label set.');
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string')
      throw badResponse(`Prometheus answered label ${name} that is not a string.`);
    labels[name] = value;
  }
  return labels;
}

function parsePoint(raw: unknown): [number, number] {
  if (
    !Array.isArray(raw) ||
    raw.length !== 2 ||
    typeof raw[0] !== 'number' ||
    !Number.isFinite(raw[0])
  ) {
    throw badResponse('Prometheus answered a sample that is not [time, "value"].');
  }
  return [raw[0], parseSampleValue(raw[1])];
}

/**
 * The `data` of a successful answer, or BAD_RESPONSE: Prometheus' own error text when it reports
 * `status: "error"`, a description otherwise.
 */
export function unwrapEnvelope(body: unknown, httpStatus: number): unknown {
  if (!isRecord(body))
    throw badResponse(`Prometheus answered HTTP ${httpStatus} without a JSON object.`, {
      httpStatus,
    });
  if (body.status === 'success') return body.data;
  if (body.status === 'error') {
    const errorType = typeof body.errorType === 'string' ? body.errorType : 'unknown';
    const error = typeof body.error === 'string' ? body.error : 'no error text';
    throw badResponse(
      `Prometheus rejected the query (HTTP ${httpStatus}, ${errorType}): ${excerpt(error)}`,
      {
        httpStatus,
        errorType,
      },
    );
  }
  throw badResponse(`Prometheus answered HTTP ${httpStatus} with an unknown status.`, {
    httpStatus,
  });
}

function resultOf(data: unknown, resultType: 'vector' | 'matrix'): unknown[] {
  if (!isRecord(data) || data.resultType !== resultType || !Array.isArray(data.result)) {
    const got =
      isRecord(data) && typeof data.resultType === 'string' ? data.resultType : 'nothing usable';
    throw badResponse(
      `Prometheus answered ${excerpt(got, 40)} where a ${resultType} was expected.`,
    );
  }
  return data.result as unknown[];
}

/** The series of an instant query's `data` (`resultType: "vector"`). */
export function parseVector(data: unknown): VectorSample[] {
  return resultOf(data, 'vector').map((raw) => {
    if (!isRecord(raw))
      throw badResponse('Prometheus answered a vector element that is not an object.');
    if (raw.value === undefined && raw.histogram !== undefined) {
      throw badResponse(
        'Prometheus answered a native histogram where a float sample was expected.',
      );
    }
    const [timestamp, value] = parsePoint(raw.value);
    return { metric: parseLabels(raw.metric), timestamp, value };
  });
}

/** The series of a range query's `data` (`resultType: "matrix"`). */
export function parseMatrix(data: unknown): MatrixSeries[] {
  return resultOf(data, 'matrix').map((raw) => {
    if (!isRecord(raw))
      throw badResponse('Prometheus answered a matrix element that is not an object.');
    if (raw.values === undefined && raw.histograms !== undefined) {
      throw badResponse('Prometheus answered native histograms where float samples were expected.');
    }
    if (!Array.isArray(raw.values))
      throw badResponse('Prometheus answered a series without values.');
    return { metric: parseLabels(raw.metric), values: raw.values.map(parsePoint) };
  });
}
