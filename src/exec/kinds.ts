// Making the stage kinds a run needs available: the built-in ones and those of its plugins.
import { loadBuiltinKinds, loadPlugin, stageKinds, type StageKindRegistry } from '../stages/registry.ts';

export async function loadKinds(plugins: string[], registry: StageKindRegistry = stageKinds): Promise<StageKindRegistry> {
  await loadBuiltinKinds(registry);
  for (const plugin of plugins) await loadPlugin(plugin, registry);
  return registry;
}
