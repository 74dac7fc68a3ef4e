/**
 * Helpers of the /invoke end-to-end tests: a worker that holds its answers until the test lets
 * them go (so "in flight" is a state the test controls, not a race it hopes to win), and a way to
 * wait for some of many parallel requests to be answered. Nothing here sleeps: every wait is for
 * an event (a call reaching the worker, a response settling).
 */
import {
  capability,
  type FakeWorker,
  type InjectResponse,
  type WorkerCall,
  startFakeWorker,
} from './controller-fixture';

export const VERB = 'convert';
export const CAPABILITY = 'convert_document_to_pdf';
export const CAPABILITY_KEY = `${VERB}:${CAPABILITY}`;

export interface WorkerAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The worker's answer to its `execution`-th call (1-based, in arrival order). */
export type AnswerFor = (call: WorkerCall, execution: number) => WorkerAnswer;

/** Default answer: 200 with the payload and which execution produced it. */
export const echoExecution: AnswerFor = (call, execution) => ({
  status: 200,
  body: { echo: call.body.payload, execution },
});

export interface HoldingWorker {
  readonly worker: FakeWorker;
  readonly url: string;
  /** How many calls reached the worker: the number of executions. */
  readonly executions: () => number;
  /** Resolves once at least `count` calls have reached the worker. */
  arrived(count: number): Promise<void>;
  /** Lets the `execution`-th call (1-based) answer, whether it arrived yet or not. */
  releaseCall(execution: number): void;
  /** Lets every held call answer; later calls answer at once. */
  release(): void;
  close(): Promise<void>;
}

/** A worker that receives calls immediately but answers none until the test releases it. */
export async function startHoldingWorker(
  answer: AnswerFor = echoExecution,
): Promise<HoldingWorker> {
  const gates = new Map<number, { readonly opened: Promise<void>; readonly open: () => void }>();
  const gateOf = (execution: number) => {
    let gate = gates.get(execution);
    if (gate === undefined) {
      let open: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
      gates.set(execution, gate);
    }
    return gate;
  };
  let holding = true;
  const waiters: { count: number; resolve: () => void }[] = [];
  const worker = await startFakeWorker(async (call) => {
    // The fixture records the call before asking for the answer, so this is its arrival number.
    const execution = worker.calls.length;
    for (const waiter of waiters.filter((w) => execution >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    if (holding) await gateOf(execution).opened;
    return answer(call, execution);
  });
  return {
    worker,
    url: worker.url,
    executions: () => worker.calls.length,
    arrived: (count) =>
      worker.calls.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    releaseCall: (execution) => gateOf(execution).open(),
    release: () => {
      holding = false;
      for (const gate of gates.values()) gate.open();
    },
    close: () => worker.close(),
  };
}

/** Collects responses of requests sent in parallel, in the order they settle. */
export class ResponseTracker {
  readonly settled: InjectResponse[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  track(request: Promise<InjectResponse>): Promise<InjectResponse> {
    return request.then((response) => {
      this.settled.push(response);
      for (const waiter of this.waiters.filter((w) => this.settled.length >= w.count)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      return response;
    });
  }

  /** Resolves once `count` of the tracked requests have been answered. */
  until(count: number): Promise<void> {
    if (this.settled.length >= count) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
  }
}

/** A registration of one worker offering the test capability. */
export function registrationOf(workerId: string, workerUrl: string): Record<string, unknown> {
  return {
    worker_id: workerId,
    worker_url: workerUrl,
    capabilities: [capability(VERB, CAPABILITY)],
  };
}

/** An /invoke body for the test capability. */
export function invokeBody(
  payload: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { verb: VERB, capability: CAPABILITY, request_payload: payload, ...extra };
}
