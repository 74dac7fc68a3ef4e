/**
 * The controller's registry store as an append-only JSONL file (spec 002 persistence,
 * `state/controller/registry.jsonl`): the embedded mode's store, with no database.
 *
 * One JSON object per line, each with the format version `v` and an `op`:
 *   {"v":1,"op":"register","worker":{…StoredWorker}}
 *   {"v":1,"op":"heartbeat","beats":[["worker-a",1771063205123],…]}
 *   {"v":1,"op":"deregister","ids":["worker-a",…]}
 *   {"v":1,"op":"canary","canary":{…StoredCanaryPolicy}}
 *   {"v":1,"op":"canary_removed","capability":"greet:hello"}
 * Opening replays the lines. A crash can leave the last line cut short: that line is skipped
 * with a warning (the worker re-registers on its next heartbeat, spec 002 recovery flow), while a
 * bad line anywhere else means the file was damaged otherwise, and opening fails naming the line.
 *
 * Compaction rewrites the live state (one line per worker and per canary) to a temporary file,
 * fsyncs it and renames it over the log, so a crash at any point leaves either the old or the new
 * file. It runs at open when the log holds anything dead or a damaged tail, and afterwards when
 * dead records outnumber live ones. Records, not lines, are counted: a heartbeat line for 5,000
 * workers weighs like 5,000 lines, and counting it as one would let the file grow unbounded.
 *
 * One store per file and process: writes go through one chain, in call order, on one
 * append-mode file descriptor. Appends are not fsynced by default: the file is a warm cache, and
 * what the page cache loses in a power cut the workers restore within one heartbeat interval.
 */
import { mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type ControllerSnapshot,
  DomainError,
  RegistryStore,
  type StoredCanaryPolicy,
  type StoredWorker,
  type WorkerHeartbeat,
} from '@slo-engine/core';
import { type CanaryPolicy, type Capability } from '@slo-engine/registry';

/** Version written on (and required of) every line. */
export const JSONL_REGISTRY_FORMAT_VERSION = 1;

export const JsonlRegistryErrorCodes = {
  /** A line other than the last is not a valid record; `details` carry `path` and `line`. */
  CORRUPT_LINE: 'REGISTRY_STORE.CORRUPT_LINE',
  /** A line has a format version this code does not read (a newer controller wrote it). */
  UNSUPPORTED_VERSION: 'REGISTRY_STORE.UNSUPPORTED_VERSION',
  /** The store was closed. */
  CLOSED: 'REGISTRY_STORE.CLOSED',
} as const;

/** Something the store recovered from; the caller logs it. */
export interface JsonlRegistryWarning {
  /** `TAIL_SKIPPED`: the last line was cut short by a crash and ignored. `COMPACTION_FAILED`: the log stays as it was and compaction is retried later. */
  readonly code: 'REGISTRY_STORE.TAIL_SKIPPED' | 'REGISTRY_STORE.COMPACTION_FAILED';
  readonly message: string;
  /** 1-based line number, for `TAIL_SKIPPED`. */
  readonly line?: number;
  readonly cause?: unknown;
}

export interface JsonlRegistryStoreOptions {
  /** Receives recoverable problems. Default: `process.emitWarning`. */
  readonly onWarning?: (warning: JsonlRegistryWarning) => void;
  /**
   * Dead records needed before compaction runs after open (default 1,000), so that a small
   * fleet is not rewritten on every other heartbeat batch.
   */
  readonly minDeadRecords?: number;
  /** fdatasync after every append (default false: see the module comment). */
  readonly syncEveryAppend?: boolean;
}

export const JSONL_REGISTRY_DEFAULTS = {
  minDeadRecords: 1_000,
  syncEveryAppend: false,
} as const;

interface LiveState {
  readonly workers: Map<string, StoredWorker>;
  readonly canaries: Map<string, StoredCanaryPolicy>;
}

interface Replayed {
  readonly state: LiveState;
  /** Records in the file, live or dead. */
  readonly records: number;
  /** The tail was skipped or lacks its newline: the file must be rewritten before appending. */
  readonly damagedTail: boolean;
}

/** A line that is not a valid record, with the reason. */
class InvalidRecord extends Error {}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function field<T>(
  record: JsonObject,
  name: string,
  check: (value: unknown) => value is T,
  expected: string,
): T {
  const value = record[name];
  if (!check(value)) throw new InvalidRecord(`${name} must be ${expected}`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNonEmptyString = (value: unknown): value is string => isString(value) && value !== '';
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);
const isObjectArray = (value: unknown): value is JsonObject[] =>
  Array.isArray(value) && value.every(isObject);

/** The worker of a `register` line, rebuilt field by field so stray keys do not leak out. */
function parseWorker(value: unknown): StoredWorker {
  if (!isObject(value)) throw new InvalidRecord('worker must be an object');
  const identity = value.identity;
  if (identity !== undefined && !isString(identity))
    throw new InvalidRecord('worker.identity must be a string');
  return {
    workerId: field(value, 'workerId', isNonEmptyString, 'a non-empty string'),
    workerUrl: field(value, 'workerUrl', isString, 'a string'),
    // Capabilities are checked in depth by the registry when the controller restores them.
    capabilities: field(
      value,
      'capabilities',
      isObjectArray,
      'an array of objects',
    ) as unknown[] as Capability[],
    registeredAt: field(value, 'registeredAt', isFiniteNumber, 'a number'),
    lastHeartbeatAt: field(value, 'lastHeartbeatAt', isFiniteNumber, 'a number'),
    ...(identity === undefined ? {} : { identity }),
  };
}

function parseCanary(value: unknown): StoredCanaryPolicy {
  if (!isObject(value)) throw new InvalidRecord('canary must be an object');
  const rolledBack = value.rolledBack;
  if (
    rolledBack !== undefined &&
    !(isObject(rolledBack) && isFiniteNumber(rolledBack.at) && isString(rolledBack.reason))
  )
    throw new InvalidRecord('canary.rolledBack must be { at: number, reason: string }');
  return {
    capability: field(value, 'capability', isNonEmptyString, 'a non-empty string'),
    policy: field(value, 'policy', isObject, 'an object') as unknown as CanaryPolicy,
    updatedAt: field(value, 'updatedAt', isFiniteNumber, 'a number'),
    updatedBy: field(value, 'updatedBy', isString, 'a string'),
    ...(rolledBack === undefined
      ? {}
      : { rolledBack: { at: rolledBack.at as number, reason: rolledBack.reason as string } }),
  };
}

function parseBeats(value: unknown): Array<readonly [string, number]> {
  if (
    !Array.isArray(value) ||
    !value.every(
      (beat) =>
        Array.isArray(beat) && beat.length === 2 && isString(beat[0]) && isFiniteNumber(beat[1]),
    )
  )
    throw new InvalidRecord('beats must be an array of [workerId, time] pairs');
  return value as Array<readonly [string, number]>;
}

/** Applies one parsed line to the state; returns the number of records the line holds. */
function applyLine(record: JsonObject, state: LiveState): number {
  switch (record.op) {
    case 'register': {
      const worker = parseWorker(record.worker);
      state.workers.set(worker.workerId, worker);
      return 1;
    }
    case 'heartbeat': {
      const beats = parseBeats(record.beats);
      for (const [workerId, lastHeartbeatAt] of beats) {
        const known = state.workers.get(workerId);
        if (known !== undefined) state.workers.set(workerId, { ...known, lastHeartbeatAt });
      }
      return beats.length;
    }
    case 'deregister': {
      const ids = field(record, 'ids', isStringArray, 'an array of strings');
      for (const id of ids) state.workers.delete(id);
      return ids.length;
    }
    case 'canary': {
      const canary = parseCanary(record.canary);
      state.canaries.set(canary.capability, canary);
      return 1;
    }
    case 'canary_removed': {
      state.canaries.delete(field(record, 'capability', isString, 'a string'));
      return 1;
    }
    default:
      throw new InvalidRecord(`unknown op ${JSON.stringify(record.op)}`);
  }
}

function replay(
  path: string,
  content: string,
  warn: (warning: JsonlRegistryWarning) => void,
): Replayed {
  const state: LiveState = { workers: new Map(), canaries: new Map() };
  const lines = content.split('\n');
  // A file that ends with a newline splits into a last empty string; anything else is a line
  // whose newline never reached the disk.
  const unterminated = lines.pop() ?? '';
  if (unterminated !== '') lines.push(unterminated);
  let lastContentLine = lines.length - 1;
  while (lastContentLine >= 0 && lines[lastContentLine].trim() === '') lastContentLine--;

  let records = 0;
  let damagedTail = unterminated !== '';
  for (let index = 0; index <= lastContentLine; index++) {
    const text = lines[index];
    if (text.trim() === '') continue;
    const lineNumber = index + 1;
    let record: unknown;
    try {
      record = JSON.parse(text);
      if (!isObject(record)) throw new InvalidRecord('a line must be a JSON object');
    } catch (error) {
      if (index === lastContentLine) {
        warn({
          code: 'REGISTRY_STORE.TAIL_SKIPPED',
          line: lineNumber,
          message: `${path}:${lineNumber}: skipped the last line, cut short by a crash (${reason(error)})`,
        });
        damagedTail = true;
        continue;
      }
      throw corruptLine(path, lineNumber, reason(error));
    }
    if (record.v !== JSONL_REGISTRY_FORMAT_VERSION) {
      throw new DomainError(
        JsonlRegistryErrorCodes.UNSUPPORTED_VERSION,
        `${path}:${lineNumber}: format version ${JSON.stringify(record.v)} is not ${JSONL_REGISTRY_FORMAT_VERSION}; a newer controller wrote this file.`,
        { path, line: lineNumber, version: record.v },
      );
    }
    // A line that parses but is not a record cannot come from a crash, even at the end.
    try {
      records += applyLine(record, state);
    } catch (error) {
      throw corruptLine(path, lineNumber, reason(error));
    }
  }
  return { state, records, damagedTail };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function corruptLine(path: string, line: number, why: string): DomainError {
  return new DomainError(
    JsonlRegistryErrorCodes.CORRUPT_LINE,
    `${path}:${line}: not a registry record (${why}). Fix or remove the line, or delete the file: workers re-register on their next heartbeat.`,
    { path, line },
  );
}

function registerLine(worker: StoredWorker): string {
  return `{"v":${JSONL_REGISTRY_FORMAT_VERSION},"op":"register","worker":${JSON.stringify(worker)}}\n`;
}

function canaryLine(canary: StoredCanaryPolicy): string {
  return `{"v":${JSONL_REGISTRY_FORMAT_VERSION},"op":"canary","canary":${JSON.stringify(canary)}}\n`;
}

function line(op: string, payload: JsonObject): string {
  return `${JSON.stringify({ v: JSONL_REGISTRY_FORMAT_VERSION, op, ...payload })}\n`;
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Makes a rename durable. Some platforms cannot open or fsync a directory; they keep their ways. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw error;
  } finally {
    await handle?.close();
  }
}

function defaultWarning(warning: JsonlRegistryWarning): void {
  process.emitWarning(warning.message, { code: warning.code });
}

export class JsonlRegistryStore extends RegistryStore {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Null after a failed compaction closed it: the next write repairs first. */
  private handle: FileHandle | null = null;
  /** A write may have left part of a line behind: rewrite from the state before appending. */
  private needsRepair = false;

  private constructor(
    private readonly path: string,
    private readonly state: LiveState,
    private records: number,
    private readonly warn: (warning: JsonlRegistryWarning) => void,
    private readonly minDeadRecords: number,
    private readonly syncEveryAppend: boolean,
  ) {
    super();
  }

  /**
   * Opens (creating the directory and file if needed) and replays the log, compacting it when it
   * holds dead records or a damaged tail. Rejects with `REGISTRY_STORE.CORRUPT_LINE` or
   * `REGISTRY_STORE.UNSUPPORTED_VERSION` naming the line, leaving such a file untouched.
   */
  static async open(
    path: string,
    options: JsonlRegistryStoreOptions = {},
  ): Promise<JsonlRegistryStore> {
    const warn = options.onWarning ?? defaultWarning;
    await mkdir(dirname(path), { recursive: true });
    const replayed = replay(path, await readIfExists(path), warn);
    const store = new JsonlRegistryStore(
      path,
      replayed.state,
      replayed.records,
      warn,
      options.minDeadRecords ?? JSONL_REGISTRY_DEFAULTS.minDeadRecords,
      options.syncEveryAppend ?? JSONL_REGISTRY_DEFAULTS.syncEveryAppend,
    );
    if (replayed.damagedTail || store.deadRecords() > 0) await store.compact();
    else store.handle = await open(path, 'a');
    return store;
  }

  override load(): Promise<ControllerSnapshot> {
    return this.serially(() => {
      // A JSON copy, so callers cannot reach the state (the state holds only JSON values).
      const snapshot = JSON.stringify({
        workers: [...this.state.workers.values()],
        canaries: [...this.state.canaries.values()],
      });
      return Promise.resolve(JSON.parse(snapshot) as ControllerSnapshot);
    });
  }

  override saveWorker(worker: StoredWorker): Promise<void> {
    return this.serially(async () => {
      const text = registerLine(worker);
      await this.append(text, 1);
      // Parsed back from what was written, so memory holds exactly what a replay would.
      const written = JSON.parse(text) as { worker: StoredWorker };
      this.state.workers.set(worker.workerId, written.worker);
    });
  }

  override recordHeartbeats(heartbeats: readonly WorkerHeartbeat[]): Promise<void> {
    return this.serially(async () => {
      // Unknown workers are left out of the file; the last entry of a worker wins.
      const latest = new Map<string, number>();
      for (const { workerId, lastHeartbeatAt } of heartbeats)
        if (this.state.workers.has(workerId)) latest.set(workerId, lastHeartbeatAt);
      if (latest.size === 0) return;
      await this.append(line('heartbeat', { beats: [...latest] }), latest.size);
      for (const [workerId, lastHeartbeatAt] of latest) {
        const known = this.state.workers.get(workerId) as StoredWorker;
        this.state.workers.set(workerId, { ...known, lastHeartbeatAt });
      }
    });
  }

  override removeWorkers(workerIds: readonly string[]): Promise<void> {
    return this.serially(async () => {
      const known = [...new Set(workerIds)].filter((id) => this.state.workers.has(id));
      if (known.length === 0) return;
      await this.append(line('deregister', { ids: known }), known.length);
      for (const id of known) this.state.workers.delete(id);
    });
  }

  override saveCanary(policy: StoredCanaryPolicy): Promise<void> {
    return this.serially(async () => {
      const text = canaryLine(policy);
      await this.append(text, 1);
      const written = JSON.parse(text) as { canary: StoredCanaryPolicy };
      this.state.canaries.set(policy.capability, written.canary);
    });
  }

  override removeCanary(capability: string): Promise<void> {
    return this.serially(async () => {
      if (!this.state.canaries.has(capability)) return;
      await this.append(line('canary_removed', { capability }), 1);
      this.state.canaries.delete(capability);
    });
  }

  /** Settles the operations already issued, then closes the file. */
  override async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private liveRecords(): number {
    return this.state.workers.size + this.state.canaries.size;
  }

  private deadRecords(): number {
    return this.records - this.liveRecords();
  }

  /**
   * Appends one line holding `records` records; the caller updates the state only after this
   * resolves, so the state never claims what the file does not hold.
   */
  private async append(text: string, records: number): Promise<void> {
    if (this.needsRepair || this.handle === null) await this.compact();
    const handle = this.handle as FileHandle;
    try {
      await handle.appendFile(text, 'utf8');
      if (this.syncEveryAppend) await handle.datasync();
    } catch (error) {
      // Part of the line may be on disk; the next write rewrites the file from the state first.
      this.needsRepair = true;
      throw error;
    }
    this.records += records;
  }

  /** After a write: compact when dead records outnumber live ones (and there are enough of them). */
  private async compactIfWorthIt(): Promise<void> {
    const dead = this.deadRecords();
    if (dead <= this.liveRecords() || dead < this.minDeadRecords) return;
    try {
      await this.compact();
    } catch (error) {
      this.warn({
        code: 'REGISTRY_STORE.COMPACTION_FAILED',
        message: `${this.path}: compaction failed, the log is kept and compaction retried later (${reason(error)})`,
        cause: error,
      });
    }
  }

  /** Writes the live state to a temporary file, fsyncs it and renames it over the log. */
  private async compact(): Promise<void> {
    // A fixed name (one store per file): a crash mid-compaction leaves no litter that grows.
    const temporary = `${this.path}.compacting`;
    let text = '';
    for (const worker of this.state.workers.values()) text += registerLine(worker);
    for (const canary of this.state.canaries.values()) text += canaryLine(canary);
    try {
      const output = await open(temporary, 'w');
      try {
        await output.writeFile(text, 'utf8');
        await output.sync();
      } finally {
        await output.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    // The old descriptor points at the replaced file: appends must go to the new one.
    const previous = this.handle;
    this.handle = null;
    await previous?.close();
    await syncDirectory(dirname(this.path));
    this.handle = await open(this.path, 'a');
    this.records = this.liveRecords();
    this.needsRepair = false;
  }

  /**
   * Runs `work` after every earlier operation, then compacts if worth it; a failure rejects only
   * its own caller. Calls after close() reject.
   */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(
        new DomainError(
          JsonlRegistryErrorCodes.CLOSED,
          `The registry store ${this.path} is closed.`,
        ),
      );
    }
    const result = this.tail.then(async () => {
      const value = await work();
      await this.compactIfWorthIt();
      return value;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
