// Topological order of named nodes, or the cycle that prevents one.

export type TopoResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/** Order `names` so that every node comes after its dependencies (ties keep the given order). */
export function topoOrder(names: string[], depsOf: (name: string) => string[]): TopoResult {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of depsOf(name)) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    order.push(name);
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name);
    if (cycle) return { ok: false, cycle };
  }
  return { ok: true, order };
}
