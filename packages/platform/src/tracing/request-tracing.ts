import {
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { type FastifyInstance, type FastifyRequest } from 'fastify';

const TRACER_NAME = '@slo-engine/platform';

/**
 * One server span per request, named `HTTP <method> <route template>`, with `http.method`,
 * `http.route` and `http.status_code`. The span is made the active context for the rest of the
 * request (hooks, Nest middleware, guards, handler), so logs written while serving it carry its
 * `trace_id`/`span_id` and child spans nest under it. An incoming W3C `traceparent` is honoured
 * once the SDK registered its propagator.
 */
export function installRequestTracing(fastify: FastifyInstance): void {
  const spans = new WeakMap<FastifyRequest, Span>();

  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const span = trace
      .getTracer(TRACER_NAME)
      .startSpan(
        `HTTP ${request.method}`,
        { kind: SpanKind.SERVER, attributes: { 'http.method': request.method } },
        parent,
      );
    spans.set(request, span);
    context.with(trace.setSpan(parent, span), done);
  });

  const finish = (request: FastifyRequest, statusCode: number | undefined): void => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    const route = request.routeOptions.url;
    if (route !== undefined) {
      span.updateName(`HTTP ${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    if (statusCode === undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted the request' });
    } else {
      span.setAttribute('http.status_code', statusCode);
      if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };

  fastify.addHook('onResponse', (request, reply, done) => {
    finish(request, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    finish(request, undefined);
    done();
  });
}
