/**
 * Behavioural contract of AutoApprovalRuleRepository, runnable against any implementation: the
 * in-memory repository (core) and the PostgreSQL adapter (adapters) both run it. It registers
 * tests with the Jest globals of the run that calls it and asserts with `node:assert/strict`, so
 * core's build needs no test typings.
 */
import assert from 'node:assert/strict';
import { DomainError } from '../../shared/domain-error';
import { type AutoApprovalRuleRepository } from '../auto-approval.ports';
import {
  type AutoApprovalConditions,
  AutoApprovalErrorCodes,
  type NewAutoApprovalRule,
} from '../auto-approval.types';

declare function describe(name: string, body: () => void): void;
declare function it(name: string, body: () => Promise<void>, timeoutMs?: number): void;

/** Creates a fresh, empty repository. Called once per test. */
export type AutoApprovalRuleRepositoryFactory = () => Promise<AutoApprovalRuleRepository>;

const T0 = new Date('2026-02-14T10:00:00.123Z');
const T1 = new Date('2026-02-15T08:30:00.456Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_ID = '7d1c5f9e-0000-4000-8000-00000000abcd';

const LOW: AutoApprovalConditions = {
  criticality: ['low'],
  confidenceMin: 0.857,
  tier: 'balanced',
  teams: null,
  sliTypes: ['availability', 'latency'],
};

/** A complete new rule named `name`. */
export function contractRule(
  name: string,
  overrides: Partial<NewAutoApprovalRule> = {},
): NewAutoApprovalRule {
  return {
    name,
    conditions: LOW,
    enabled: false,
    createdBy: 'alice@example.com',
    createdAt: T0,
    updatedBy: 'alice@example.com',
    updatedAt: T0,
    ...overrides,
  };
}

async function rejectsWithCode(work: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

export function describeAutoApprovalRuleRepositoryContract(
  implementation: string,
  create: AutoApprovalRuleRepositoryFactory,
): void {
  describe(`AutoApprovalRuleRepository contract (${implementation})`, () => {
    it('stores a rule and reads it back as created', async () => {
      const rules = await create();
      const conditions: AutoApprovalConditions = {
        criticality: ['medium', 'low'],
        confidenceMin: 0.9,
        tier: 'conservative',
        teams: ['payments', 'search'],
        sliTypes: ['latency'],
      };
      const input = contractRule('payments-latency', { conditions, enabled: true });

      const created = await rules.create(input);

      assert.match(created.id, UUID);
      assert.deepEqual(created, { ...input, id: created.id });
      assert.deepEqual(await rules.findById(created.id), created);
      assert.deepEqual(await rules.findById(created.id.toUpperCase()), created);
    });

    it('refuses a second rule with a taken name and keeps the first', async () => {
      const rules = await create();
      const first = await rules.create(contractRule('low-crit'));

      await rejectsWithCode(
        rules.create(contractRule('low-crit', { enabled: true })),
        AutoApprovalErrorCodes.NAME_TAKEN,
      );

      assert.deepEqual(await rules.list(), [first]);
    });

    it('lists every rule by name in code-unit order, and the enabled ones alone', async () => {
      const rules = await create();
      for (const [name, enabled] of [
        ['b', true],
        ['a-1', false],
        ['B', true],
        ['a', true],
        ['a_', false],
      ] as const) {
        await rules.create(contractRule(name, { enabled }));
      }

      assert.deepEqual(
        (await rules.list()).map((rule) => rule.name),
        ['B', 'a', 'a-1', 'a_', 'b'],
      );
      assert.deepEqual(
        (await rules.listEnabled()).map((rule) => rule.name),
        ['B', 'a', 'b'],
      );
    });

    it('finds nothing for unknown ids and ids that are not uuids', async () => {
      const rules = await create();
      await rules.create(contractRule('only'));

      assert.equal(await rules.findById(UNKNOWN_ID), null);
      assert.equal(await rules.findById('not-a-uuid'), null);
      assert.equal(await rules.update('not-a-uuid', { updatedBy: 'x', updatedAt: T1 }), null);
      assert.equal(await rules.delete('not-a-uuid'), false);
    });

    it('updates only the given fields and records who changed it and when', async () => {
      const rules = await create();
      const created = await rules.create(contractRule('low-crit'));

      const enabled = await rules.update(created.id, {
        enabled: true,
        updatedBy: 'bob@example.com',
        updatedAt: T1,
      });

      assert.deepEqual(enabled, {
        ...created,
        enabled: true,
        updatedBy: 'bob@example.com',
        updatedAt: T1,
      });
      const conditions: AutoApprovalConditions = { ...LOW, teams: ['edge'], tier: 'aggressive' };
      const renamed = await rules.update(created.id, {
        name: 'edge-low',
        conditions,
        updatedBy: 'carol@example.com',
        updatedAt: T1,
      });
      assert.deepEqual(renamed, {
        ...created,
        name: 'edge-low',
        conditions,
        enabled: true,
        updatedBy: 'carol@example.com',
        updatedAt: T1,
      });
      assert.deepEqual(await rules.findById(created.id), renamed);
    });

    it('refuses a rename to a taken name, allows keeping its own, and answers null for unknown ids', async () => {
      const rules = await create();
      const first = await rules.create(contractRule('first'));
      const second = await rules.create(contractRule('second'));

      await rejectsWithCode(
        rules.update(second.id, { name: 'first', updatedBy: 'bob', updatedAt: T1 }),
        AutoApprovalErrorCodes.NAME_TAKEN,
      );
      assert.deepEqual(await rules.list(), [first, second]);

      const same = await rules.update(second.id, {
        name: 'second',
        updatedBy: 'bob',
        updatedAt: T1,
      });
      assert.equal(same?.name, 'second');
      assert.equal(
        await rules.update(UNKNOWN_ID, { enabled: true, updatedBy: 'bob', updatedAt: T1 }),
        null,
      );
    });

    it('deletes a rule once and frees its name', async () => {
      const rules = await create();
      const created = await rules.create(contractRule('doomed'));

      assert.equal(await rules.delete(created.id), true);
      assert.equal(await rules.delete(created.id), false);
      assert.equal(await rules.findById(created.id), null);
      assert.deepEqual(await rules.list(), []);
      const again = await rules.create(contractRule('doomed'));
      assert.notEqual(again.id, created.id);
    });

    it('hands out copies: changing a returned rule changes nothing stored', async () => {
      const rules = await create();
      const created = await rules.create(contractRule('mutable'));

      (created.conditions.criticality as string[]).push('critical');
      (created as { enabled: boolean }).enabled = true;
      created.createdAt.setTime(0);

      const stored = await rules.findById(created.id);
      assert.deepEqual(stored?.conditions.criticality, ['low']);
      assert.equal(stored?.enabled, false);
      assert.equal(stored?.createdAt.getTime(), T0.getTime());
    });
  });
}
