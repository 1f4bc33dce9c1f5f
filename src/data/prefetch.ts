// Ordered read-ahead: pull items one at a time (pulls may depend on each other's state), start the
// asynchronous `map` of up to `depth` of them at once, and yield the results in pull order. sharp
// runs decodes on libuv's thread pool, so several in flight keep the cores busy.

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

/** An async iterator as a pull function for `mapAhead`. */
export function puller<T>(iterable: AsyncIterable<T>): () => Promise<T | undefined> {
  const it = iterable[Symbol.asyncIterator]();
  return async () => {
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
}
