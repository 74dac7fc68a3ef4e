export interface DemoOptions {
  readonly services: number;
  readonly seed: number;
  /** Service to recommend for; default the gateway with the deepest dependency chain. */
  readonly service?: string;
  /** A desired availability target (ratio) to check for achievability; default 0.9999. */
  readonly desiredTarget: number;
  readonly json: boolean;
}

export type ParsedArgs =
  { kind: 'run'; options: DemoOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const usage = `usage: pnpm demo [-- options]

  --services N        fleet size, 20..100000 (default 500)
  --seed N            seed of the fleet and of every random choice (default 42)
  --service ID        the service to recommend SLOs for (default: the gateway with the most dependencies)
  --desired PCT       a desired availability target in percent to check, e.g. 99.99 (default 99.99)
  --json              print the report as JSON
  --help              this text`;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  let services = 500;
  let seed = 42;
  let service: string | undefined;
  let desired = 99.99;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (arg) {
      case '--':
        break;
      case '--help':
      case '-h':
        return { kind: 'help' };
      case '--json':
        json = true;
        break;
      case '--services': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 20 || n > 100_000) {
          return { kind: 'error', message: '--services must be an integer from 20 to 100000' };
        }
        services = n;
        break;
      }
      case '--seed': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0)
          return { kind: 'error', message: '--seed must be a non-negative integer' };
        seed = n;
        break;
      }
      case '--service': {
        const id = value();
        if (!id) return { kind: 'error', message: '--service needs a service id' };
        service = id;
        break;
      }
      case '--desired': {
        const pct = Number(value());
        if (!Number.isFinite(pct) || pct <= 0 || pct >= 100) {
          return {
            kind: 'error',
            message: '--desired must be a percentage between 0 and 100 exclusive, e.g. 99.99',
          };
        }
        desired = pct;
        break;
      }
      default:
        return { kind: 'error', message: `unknown option "${arg}"` };
    }
  }
  return {
    kind: 'run',
    options: {
      services,
      seed,
      json,
      desiredTarget: Number((desired / 100).toPrecision(12)),
      ...(service ? { service } : {}),
    },
  };
}
