import { STATUS_CODES } from 'node:http';
import { HttpStatus } from '@nestjs/common';
import { type FieldError } from '@slo-engine/core';

/** The media type of every error body (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Prefix of the `type` URI of problems that carry an application code. */
export const PROBLEM_TYPE_BASE = 'https://slo-engine.dev/problems/';

/** `type` of problems that mean no more than their HTTP status (RFC 9457 §4.2.1). */
export const PLAIN_HTTP_PROBLEM_TYPE = 'about:blank';

/** Code of a request body or query that failed transport validation (class-validator). */
export const VALIDATION_ERROR_CODE = 'VALIDATION.INVALID_INPUT';

/**
 * An RFC 9457 problem with SLO Engine's extension members `code` (stable, machine-readable),
 * `correlationId` (the request's `x-request-id`, also on every log line) and `errors` (one entry per
 * invalid field).
 */
export interface ProblemDetails {
  /** `https://slo-engine.dev/problems/<code-kebab>` for application codes, `about:blank` for plain HTTP statuses. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The request path (without the query string). */
  readonly instance: string;
  /** `AREA.REASON`, e.g. `GRAPH.SERVICE_NOT_FOUND`, or `HTTP.<STATUS_NAME>` for plain HTTP statuses. */
  readonly code: string;
  readonly correlationId: string;
  readonly errors?: readonly FieldError[];
}

/** `GRAPH.SERVICE_NOT_FOUND` → `https://slo-engine.dev/problems/graph-service-not-found`. */
export function problemTypeFor(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code.toLowerCase().replace(/[._]+/g, '-')}`;
}

/** `GRAPH.SERVICE_NOT_FOUND` → `Service not found` (the reason part, as a sentence). */
export function problemTitleFor(code: string): string {
  const reason = code
    .slice(code.lastIndexOf('.') + 1)
    .toLowerCase()
    .replace(/_+/g, ' ');
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}

/** `413` → `HTTP.PAYLOAD_TOO_LARGE`. */
export function httpCodeFor(status: number): string {
  const name = (HttpStatus as unknown as Record<number, string | undefined>)[status];
  return `HTTP.${name ?? String(status)}`;
}

/** `413` → `Payload Too Large` (the HTTP reason phrase, as RFC 9457 asks for `about:blank`). */
export function httpTitleFor(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
