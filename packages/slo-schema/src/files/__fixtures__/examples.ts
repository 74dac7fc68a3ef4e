import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXAMPLES_DIR = join(__dirname, '..', '..', '..', 'examples');
export const EXAMPLE_SLOS_DIR = join(EXAMPLES_DIR, 'slos');

/** Text of one shipped example SLO file. */
export function exampleText(name: string): string {
  return readFileSync(join(EXAMPLE_SLOS_DIR, name), 'utf8');
}
