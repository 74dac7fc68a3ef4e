import { IdempotencyError, constructorName } from './errors';

type Container = Readonly<Record<string, unknown>> | readonly unknown[];

interface ArrayFrame {
  readonly kind: 'array';
  readonly value: readonly unknown[];
  index: number;
}

interface ObjectFrame {
  readonly kind: 'object';
  readonly value: Readonly<Record<string, unknown>>;
  readonly keys: readonly string[];
  index: number;
}

type Frame = ArrayFrame | ObjectFrame;

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code units at every depth,
 * array order kept, no whitespace, numbers and strings written as `JSON.stringify` writes them.
 * For the values it accepts the output is the RFC 8785 (JCS) form, so two structurally equal
 * values give the same string whatever order their keys were inserted in.
 *
 * Only plain JSON is accepted. Values that `JSON.stringify` would silently drop, rename or
 * collapse (undefined, functions, symbols, NaN, ±Infinity, array holes, Date, Map, Set, class
 * instances, BigInt, ...) are rejected, because two different requests must never share a
 * fingerprint by accident. The walk is iterative, so depth is limited only by memory.
 *
 * @throws IdempotencyError `IDEMPOTENCY.NON_JSON_VALUE` with the JSON path of the first bad
 *   value, or `IDEMPOTENCY.CIRCULAR_REFERENCE` when a container contains itself.
 */
export function canonicalJson(value: unknown): string {
  const stack: Frame[] = [];
  // Containers on the current path; a shared (non-circular) sub-object is fine and written twice.
  const ancestors = new Set<Container>();
  let out = '';

  // Writes a scalar, or opens a container and pushes its frame.
  const enter = (item: unknown): void => {
    switch (typeof item) {
      case 'string':
        out += quote(item);
        return;
      case 'boolean':
        out += item ? 'true' : 'false';
        return;
      case 'number':
        if (!Number.isFinite(item)) fail(stack, item, 'is not a finite number');
        // JSON.stringify writes -0 as "0", as RFC 8785 requires.
        out += JSON.stringify(item);
        return;
      case 'object': {
        if (item === null) {
          out += 'null';
          return;
        }
        if (ancestors.has(item as Container)) {
          throw new IdempotencyError(
            'IDEMPOTENCY.CIRCULAR_REFERENCE',
            `value at ${pathOf(stack)} refers to one of its own ancestors (circular structure)`,
          );
        }
        if (Array.isArray(item)) {
          ancestors.add(item);
          stack.push({ kind: 'array', value: item, index: 0 });
          out += '[';
          return;
        }
        const proto: unknown = Object.getPrototypeOf(item);
        if (proto !== Object.prototype && proto !== null) {
          fail(stack, item, plainObjectHint(item));
        }
        if (Object.getOwnPropertySymbols(item).length > 0) {
          fail(stack, item, 'has symbol-keyed properties, which JSON cannot represent');
        }
        const record = item as Readonly<Record<string, unknown>>;
        ancestors.add(record);
        stack.push({ kind: 'object', value: record, keys: Object.keys(record).sort(), index: 0 });
        out += '{';
        return;
      }
      default:
        fail(stack, item, 'is not a JSON value');
    }
  };

  enter(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.kind === 'array') {
      if (frame.index < frame.value.length) {
        const i = frame.index++;
        if (i > 0) out += ',';
        if (!(i in frame.value)) fail(stack, undefined, 'is a hole in a sparse array');
        const child = frame.value[i];
        if (child === undefined) fail(stack, child, 'is not a JSON value');
        enter(child);
        continue;
      }
      out += ']';
    } else {
      if (frame.index < frame.keys.length) {
        const i = frame.index++;
        const key = frame.keys[i];
        const child = frame.value[key];
        if (child === undefined)
          fail(stack, child, 'is not a JSON value (omit the property instead)');
        if (i > 0) out += ',';
        out += quote(key) + ':';
        enter(child);
        continue;
      }
      out += '}';
    }
    stack.pop();
    ancestors.delete(frame.value);
  }
  return out;
}

/**
 * `JSON.stringify(text)` for a string, skipping the builtin call for the common case of text
 * that needs no escaping (no control character, quote, backslash or surrogate code unit).
 */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return '"' + text + '"';
}

function plainObjectHint(item: object): string {
  if (item instanceof Date) return 'is a Date; convert it to an ISO 8601 string first';
  if (item instanceof Map) return 'is a Map; convert it to a plain object or an array of pairs';
  if (item instanceof Set) return 'is a Set; convert it to an array';
  if (ArrayBuffer.isView(item)) return 'is binary data; encode it as a string (e.g. base64)';
  return `is an instance of ${constructorName(item)}, not a plain object`;
}

function fail(stack: readonly Frame[], item: unknown, problem: string): never {
  throw new IdempotencyError(
    'IDEMPOTENCY.NON_JSON_VALUE',
    `value at ${pathOf(stack)} (${kindOf(item)}) ${problem}`,
  );
}

function kindOf(item: unknown): string {
  if (item === null) return 'null';
  if (Array.isArray(item)) return 'array';
  if (typeof item === 'number') return `number ${String(item)}`;
  if (typeof item === 'bigint') return 'bigint';
  return typeof item;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * JSON path of the value being visited, built only when reporting an error. Every frame's `index`
 * has already moved past the child it is visiting, hence `index - 1`.
 */
function pathOf(stack: readonly Frame[]): string {
  let path = '$';
  for (const frame of stack) {
    if (frame.kind === 'array') {
      path += `[${frame.index - 1}]`;
    } else {
      const key = frame.keys[frame.index - 1];
      path += IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return path;
}
