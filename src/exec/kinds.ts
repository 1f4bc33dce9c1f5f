// Making the stage kinds a run needs available: the built-in ones and those of its plugins.
import { loadBuiltinKinds, loadPlugin, stageKinds, type StageKindRegistry } from '../stages/registry.ts';

/** Plugins first (they may define any of `names`), then the built-in kinds among `names` (all without `names`). */
export async function loadKinds(plugins: string[], names?: string[], registry: StageKindRegistry = stageKinds): Promise<StageKindRegistry> {
  for (const plugin of plugins) await loadPlugin(plugin, registry);
  await loadBuiltinKinds(registry, names);
  return registry;
}
