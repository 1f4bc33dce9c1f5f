#!/usr/bin/env node
// Entry point: runs the TypeScript sources through tsx's loader so that no build step is needed.
import { register } from 'tsx/esm/api';

// A reader that goes away (`vadapter status | head -1`) ends the command quietly, as it would any
// Unix filter: EPIPE on stdout or stderr exits 0 instead of an unhandled 'error' event.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
