import { type Clock } from '../../shared/clock.port';
import { type SloAuditLogRepository } from '../slo.ports';
import { GENESIS_HASH } from '../slo.types';

/** Why a link is broken. */
export type BrokenLinkReason =
  /** The row's content no longer gives its stored hash: it was changed after insert. */
  | 'hash_mismatch'
  /** The row's prev_hash is not the previous row's hash: a row before it was changed or replaced. */
  | 'prev_hash_mismatch'
  /** The row's sequence is not the previous one plus one: rows were removed. */
  | 'sequence_gap';

export interface BrokenLink {
  readonly sequence: number;
  readonly id: string;
  readonly reason: BrokenLinkReason;
  /** What the chain needed at this link (hash, prev_hash or sequence, by reason). */
  readonly expected: string;
  /** What the stored row has. */
  readonly actual: string;
}

export interface AuditChainVerification {
  readonly ok: boolean;
  /** Rows read and checked, the broken one included. */
  readonly rowsChecked: number;
  /** Hash of the last intact row (64 zeros for an empty log): anchor it elsewhere to detect a rewrite of the whole chain. */
  readonly headHash: string;
  /** Sequence of the last intact row; 0 for an empty log. */
  readonly headSequence: number;
  readonly firstBrokenLink: BrokenLink | null;
  readonly verifiedAt: Date;
}

export interface VerifyAuditChainOptions {
  /** Rows read per round trip; 1,000 by default. */
  readonly batchSize?: number;
}

export const DEFAULT_VERIFY_BATCH_SIZE = 1_000;

/**
 * GET /audit/verify: walks the whole chain in sequence order, a batch at a time, and reports the
 * first broken link. Each row must carry the next sequence (no gap), the previous row's hash as
 * its prev_hash, and a hash its content still gives. The hashes are recomputed by the store (the
 * database's own canonical form), so verification cannot drift from what was hashed on insert.
 */
export class VerifyAuditChainUseCase {
  private readonly batchSize: number;

  constructor(
    private readonly auditLog: SloAuditLogRepository,
    private readonly clock: Clock,
    options: VerifyAuditChainOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_VERIFY_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${this.batchSize}`);
    }
  }

  async execute(): Promise<AuditChainVerification> {
    let headHash = GENESIS_HASH;
    let headSequence = 0;
    let rowsChecked = 0;
    for (;;) {
      const links = await this.auditLog.chainLinks(headSequence, this.batchSize);
      for (const link of links) {
        rowsChecked += 1;
        const broken: BrokenLink | null =
          link.sequence !== headSequence + 1
            ? {
                sequence: link.sequence,
                id: link.id,
                reason: 'sequence_gap',
                expected: String(headSequence + 1),
                actual: String(link.sequence),
              }
            : link.prevHash !== headHash
              ? {
                  sequence: link.sequence,
                  id: link.id,
                  reason: 'prev_hash_mismatch',
                  expected: headHash,
                  actual: link.prevHash,
                }
              : link.hash !== link.expectedHash
                ? {
                    sequence: link.sequence,
                    id: link.id,
                    reason: 'hash_mismatch',
                    expected: link.expectedHash,
                    actual: link.hash,
                  }
                : null;
        if (broken !== null) {
          return this.result(rowsChecked, headHash, headSequence, broken);
        }
        headHash = link.hash;
        headSequence = link.sequence;
      }
      if (links.length < this.batchSize) {
        return this.result(rowsChecked, headHash, headSequence, null);
      }
    }
  }

  private result(
    rowsChecked: number,
    headHash: string,
    headSequence: number,
    firstBrokenLink: BrokenLink | null,
  ): AuditChainVerification {
    return {
      ok: firstBrokenLink === null,
      rowsChecked,
      headHash,
      headSequence,
      firstBrokenLink,
      verifiedAt: this.clock.now(),
    };
  }
}
