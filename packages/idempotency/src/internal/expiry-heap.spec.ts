import fc from 'fast-check';
import { ExpiryHeap, type HeapItem } from './expiry-heap';

interface Item extends HeapItem {
  readonly id: number;
}

type Op =
  | { readonly kind: 'push'; readonly expiry: number }
  | { readonly kind: 'remove'; readonly pick: number }
  | { readonly kind: 'update'; readonly pick: number; readonly expiry: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), expiry: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('update' as const),
    pick: fc.nat(),
    expiry: fc.integer({ min: 0, max: 50 }),
  }),
);

describe('ExpiryHeap', () => {
  it('property: peek is always an item with the smallest expiry, and indexes stay exact', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const heap = new ExpiryHeap<Item>();
        const live: Item[] = [];
        let nextId = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            const item: Item = { id: nextId++, expiry: o.expiry, heapIndex: -1 };
            heap.push(item);
            live.push(item);
          } else if (live.length > 0) {
            const item = live[o.pick % live.length];
            if (o.kind === 'remove') {
              heap.remove(item);
              live.splice(live.indexOf(item), 1);
              expect(item.heapIndex).toBe(-1);
            } else {
              item.expiry = o.expiry;
              heap.update(item);
            }
          }
          expect(heap.size).toBe(live.length);
          const min = Math.min(...live.map((i) => i.expiry));
          expect(heap.peek()?.expiry).toBe(live.length === 0 ? undefined : min);
        }
        // Draining through peek/remove yields ascending expiries.
        const drained: number[] = [];
        for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
          drained.push(top.expiry);
          heap.remove(top);
        }
        expect(drained).toEqual(live.map((i) => i.expiry).sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});
