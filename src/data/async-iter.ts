// Helpers for async iteration. `mapAhead` is ordered read-ahead: pull items one at a time (pulls
// may depend on each other's state), start the asynchronous `map` of up to `depth` of them at once,
// and yield the results in pull order; sharp decodes on libuv's thread pool, so several in flight
// keep the cores busy.

/** Map `pull()` results through `map` with up to `depth` maps in flight; stops when `pull` returns undefined. */
export async function* mapAhead<T, U>(pull: () => Promise<T | undefined>, map: (item: T) => Promise<U>, depth: number): AsyncGenerator<U> {
  const queue: Promise<U>[] = [];
  let done = false;
  for (;;) {
    while (!done && queue.length < Math.max(1, depth)) {
      const item = await pull();
      if (item === undefined) done = true;
      else queue.push(handled(map(item)));
    }
    const head = queue.shift();
    if (head === undefined) return;
    yield await head;
  }
}

/** The same promise, marked as handled so that a rejection waiting in the queue is not reported as unhandled. */
function handled<U>(p: Promise<U>): Promise<U> {
  p.catch(() => undefined);
  return p;
}

/** An iterable (sync or async) as a pull function for `mapAhead`. */
export function puller<T>(items: Iterable<T> | AsyncIterable<T>): () => Promise<T | undefined> {
  const it = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  return async () => {
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
}

/** The first `limit` items (all of them when `limit` is undefined). */
export async function* take<T>(items: AsyncIterable<T>, limit: number | undefined): AsyncGenerator<T> {
  if (limit !== undefined && limit <= 0) return;
  let n = 0;
  for await (const item of items) {
    yield item;
    if (limit !== undefined && ++n >= limit) return;
  }
}
