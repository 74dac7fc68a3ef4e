/**
 * `pnpm bench`: runs every `*.bench.ts` in this folder, each in its own Node process (so one
 * benchmark's heap and JIT state cannot colour the next), and fails if any of them fails.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--stack-size=984', '--import', 'tsx', join(__dirname, file)],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) {
    failed++;
    console.error(`${file} failed with exit code ${run.status ?? run.signal}`);
  }
}
if (only.length === 0) {
  // A partial run leaves the page as it was, so it always shows one complete run.
  const summary = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'summarize.ts')],
    { stdio: 'inherit' },
  );
  if (summary.status !== 0) failed++;
}
if (failed > 0) process.exit(1);
