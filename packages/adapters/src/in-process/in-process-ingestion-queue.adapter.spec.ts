import { InProcessIngestionQueue } from './in-process-ingestion-queue.adapter';

describe('InProcessIngestionQueue', () => {
  it('runs jobs one at a time in enqueue order, after enqueue returned', async () => {
    const events: string[] = [];
    let active = 0;
    const queue = new InProcessIngestionQueue({
      process: async (id) => {
        active++;
        events.push(`start ${id} (${active} active)`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`end ${id}`);
        active--;
      },
      onError: () => undefined,
    });

    await queue.enqueue('a');
    await queue.enqueue('b');
    events.push('enqueued');
    await queue.drain();

    expect(events).toEqual([
      'enqueued',
      'start a (1 active)',
      'end a',
      'start b (1 active)',
      'end b',
    ]);
  });

  it('hands every failure to onError and keeps going', async () => {
    const errors: Array<[unknown, string]> = [];
    const done: string[] = [];
    const queue = new InProcessIngestionQueue({
      process: (id) =>
        id === 'bad' ? Promise.reject(new Error('boom')) : (done.push(id), Promise.resolve()),
      onError: (error, id) => {
        errors.push([error, id]);
        throw new Error('a broken handler must not stop the queue');
      },
    });

    await queue.enqueue('bad');
    await queue.enqueue('good');
    await queue.drain();

    expect(errors).toEqual([[new Error('boom'), 'bad']]);
    expect(done).toEqual(['good']);
  });

  it('drains jobs enqueued while draining, and resolves at once when idle', async () => {
    const done: string[] = [];
    const queue = new InProcessIngestionQueue({
      process: async (id) => {
        done.push(id);
        if (id === 'first') await queue.enqueue('second');
      },
      onError: () => undefined,
    });

    await queue.drain();
    await queue.enqueue('first');
    await queue.drain();

    expect(done).toEqual(['first', 'second']);
  });
});
