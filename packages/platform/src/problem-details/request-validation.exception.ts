import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError } from '@slo-engine/core';

/** A request that failed class-validator; the problem filter answers it 400 with `errors[]`. */
export class RequestValidationException extends BadRequestException {
  constructor(readonly fieldErrors: readonly FieldError[]) {
    super(
      `The request has ${fieldErrors.length} invalid field${fieldErrors.length === 1 ? '' : 's'}.`,
    );
  }
}

/**
 * Flattens class-validator's error tree into one entry per failed constraint, with the full path of
 * the field: `edges[3].target`, `metadata.owner`. Array elements are recognised by their parent's
 * value being an array, so an object key that happens to be numeric stays `.3`.
 */
export function flattenValidationErrors(errors: readonly ValidationError[]): FieldError[] {
  const flat: FieldError[] = [];
  const visit = (error: ValidationError, path: string): void => {
    for (const message of Object.values(error.constraints ?? {})) {
      flat.push({ field: path, message });
    }
    for (const child of error.children ?? []) {
      const segment = Array.isArray(error.value) ? `[${child.property}]` : `.${child.property}`;
      visit(child, path + segment);
    }
  };
  for (const error of errors) visit(error, error.property);
  return flat;
}

/**
 * The global pipe every app uses: strips nothing silently (unknown properties are errors), turns
 * payloads into DTO instances, and reports every invalid field with its nested path. Query and
 * path parameters are not converted implicitly: DTOs declare `@Type(() => Number)` where they want a
 * number, so `depth=abc` is an error rather than `NaN`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationException(flattenValidationErrors(errors)),
  });
}
