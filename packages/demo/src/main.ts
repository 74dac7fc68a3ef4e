#!/usr/bin/env node
/**
 * `pnpm demo`: a tour of SLO Engine's domain libraries on a seeded microservice fleet, with no
 * servers to install. It finds the fleet's circular dependencies, computes every service's
 * composite availability bound, recommends availability and latency SLOs in three tiers for one
 * service with the reasons, checks its telemetry for drift, writes the accepted SLO as an SLO file
 * and as OpenSLO v1, and shows the idempotency rules the controller applies to retried calls.
 */
import { runDemo } from './demo';
import { parseArgs, usage } from './args';

const parsed = parseArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(usage);
} else if (parsed.kind === 'error') {
  console.error(`demo: ${parsed.message}\n\n${usage}`);
  process.exitCode = 2;
} else {
  runDemo(parsed.options)
    .then((report) => {
      console.log(report);
    })
    .catch((error: unknown) => {
      console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
}
