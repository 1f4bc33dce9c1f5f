// Register tfjs's gradient functions (see scripts/bundle-tfjs-gradients.mjs for why they come from
// a generated bundle rather than from the package entry).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const BUNDLE = fileURLToPath(new URL('../../vendor/tfjs-gradients.cjs', import.meta.url));

let registered = false;

export function registerGradients(): void {
  if (registered) return;
  if (!existsSync(BUNDLE)) {
    throw new Error(`tfjs gradients bundle missing at ${BUNDLE}; run \`npm run prepare\` (it runs on npm install / npm ci)`);
  }
  createRequire(import.meta.url)(BUNDLE);
  registered = true;
}
