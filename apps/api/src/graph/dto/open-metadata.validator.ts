import { plainToInstance, type ClassConstructor } from 'class-transformer';
import {
  registerDecorator,
  validateSync,
  type ValidationArguments,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';

const MAX_EXTRA_KEYS = 50;
const MAX_EXTRA_STRING = 1024;

/**
 * Metadata is open: the `knownKeys` are validated by the `known` DTO class; any other key is kept
 * verbatim if its value is a string (≤1 KiB), a finite number, a boolean or null. Discovery sources
 * can carry their own labels, and nothing nested or huge gets in.
 */
export function IsOpenMetadata(
  known: ClassConstructor<object>,
  knownKeys: readonly string[],
  options?: ValidationOptions,
): PropertyDecorator {
  const keys = new Set(knownKeys);
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isOpenMetadata',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => metadataProblems(value, known, keys).length === 0,
        defaultMessage: (args: ValidationArguments) =>
          metadataProblems(args.value, known, keys).join('; '),
      },
    });
  };
}

export function metadataProblems(
  value: unknown,
  known: ClassConstructor<object>,
  knownKeys: ReadonlySet<string>,
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['must be an object'];
  const problems = validateSync(plainToInstance(known, value)).flatMap((e) => flatten(e, ''));
  const extra = Object.entries(value).filter(([key]) => !knownKeys.has(key));
  if (extra.length > MAX_EXTRA_KEYS) {
    problems.push(`may carry at most ${MAX_EXTRA_KEYS} extra keys, got ${extra.length}`);
  }
  for (const [key, v] of extra) {
    const primitive =
      v === null ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (typeof v === 'string' && v.length <= MAX_EXTRA_STRING);
    if (!primitive) {
      problems.push(
        `${key}: extra keys must be a string of at most ${MAX_EXTRA_STRING} characters, a finite number, a boolean or null`,
      );
    }
  }
  return problems;
}

function flatten(error: ValidationError, prefix: string): string[] {
  const path = prefix ? `${prefix}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, path))];
}
