import { isSpanContextValid, trace } from '@opentelemetry/api';

/** Log fields of the active span, in the names spec 004 §11.3 uses; empty when nothing traces. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
