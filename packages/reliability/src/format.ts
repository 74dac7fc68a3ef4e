import { assertRatio } from './validation';

export interface FormatPercentOptions {
  /** Fewest decimals shown. Default 2, so 0.997 → "99.70%". */
  readonly minDecimals?: number;
  /** Most decimals shown; more are rounded. Default 6. */
  readonly maxDecimals?: number;
}

/**
 * A ratio as a percentage for messages: at least `minDecimals` decimals, more when the value
 * needs them (0.99999 → "99.999%"), trailing zeros beyond the minimum dropped.
 */
export function formatPercent(ratio: number, options: FormatPercentOptions = {}): string {
  assertRatio(ratio, 'ratio');
  const minDecimals = options.minDecimals ?? 2;
  const maxDecimals = Math.max(minDecimals, options.maxDecimals ?? 6);
  let text = (ratio * 100).toFixed(maxDecimals);
  const point = text.indexOf('.');
  if (point >= 0) {
    let end = text.length;
    while (end > point + 1 + minDecimals && text[end - 1] === '0') end--;
    if (end === point + 1) end = point;
    text = text.slice(0, end);
  }
  return `${text}%`;
}
