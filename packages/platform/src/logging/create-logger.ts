import { type DestinationStream, type Logger, destination, pino, stdTimeFunctions } from 'pino';
import { activeTraceFields } from '../tracing/active-trace';
import { type LogLevel } from '../config/platform-config';

export interface CreateLoggerOptions {
  readonly level: LogLevel;
  /** Bound as `service` on every line, so logs of the three apps stay apart in Loki. */
  readonly serviceName: string;
  /** Where JSON lines go; stdout by default. Tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
}

/** Request and response headers that carry credentials; never logged. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/**
 * The root pino logger of an app or worker: one JSON object per line with an ISO `time`, the level
 * as a word (`"level":"info"`), `service`, and `trace_id`/`span_id` of the active OpenTelemetry span
 * (present only while tracing runs). HTTP apps hand it to {@link LoggingModule}; non-HTTP code
 * (workers, scripts) uses it directly or through `logger.child({ job })`.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.serviceName },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: activeTraceFields,
    },
    options.destination ?? destination(1),
  );
}
