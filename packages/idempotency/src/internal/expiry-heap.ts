/** An item that knows its own position, so removal and re-keying need no search. */
export interface HeapItem {
  expiry: number;
  /** Index in the heap array, or -1 when not in a heap. */
  heapIndex: number;
}

/**
 * Binary min-heap ordered by `expiry`, with O(log n) push, remove and re-key of any item and O(1)
 * access to the earliest expiry. Iterative sifting; no recursion.
 */
export class ExpiryHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.siftUp(item.heapIndex);
  }

  remove(item: T): void {
    const index = item.heapIndex;
    const last = this.items.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    this.items[index] = last;
    last.heapIndex = index;
    this.reposition(index);
  }

  /** Call after changing `item.expiry`. */
  update(item: T): void {
    this.reposition(item.heapIndex);
  }

  private reposition(index: number): void {
    if (index > 0 && this.items[index].expiry < this.items[(index - 1) >> 1].expiry) {
      this.siftUp(index);
    } else {
      this.siftDown(index);
    }
  }

  private siftUp(start: number): void {
    const items = this.items;
    const item = items[start];
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex];
      if (parent.expiry <= item.expiry) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[start];
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && items[right].expiry < items[left].expiry ? right : left;
      const childItem = items[child];
      if (childItem.expiry >= item.expiry) break;
      items[index] = childItem;
      childItem.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
