// The `vadapter` command line: one file per command, registered here.
import yargs, { type Argv } from 'yargs';
import { parseBackendRequest } from '../backend/names.ts';
import { userError } from '../util/errors.ts';
import { reportError } from './errors.ts';
import { commands } from './commands.ts';
import { packageVersion } from './version.ts';

export function buildParser(argv: string[]): Argv {
  let parser = yargs(argv)
    .scriptName('vadapter')
    .usage('$0 <command> [options]\n\nProgressively aligned vision-language adapters: specs, training, evaluation, tracking.')
    .version(packageVersion())
    .option('backend', {
      type: 'string',
      describe: 'tensor backend: auto | tensorflow | webgpu | wasm | cpu (default: $VADAPTER_BACKEND, else auto)',
      global: true,
      coerce: (value?: string) => (value === undefined ? undefined : parseBackendRequest(value, '--backend')),
    })
    .demandCommand(1, 'name a command (see the list above)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // What yargs rejects (unknown argument, missing value, not a choice, and what a coerce step of
      // cli/options.ts throws, which yargs rewraps as a YError) is the user's; errors thrown by a
      // handler pass through with their class.
      if (err && err.name !== 'YError') throw err;
      throw userError('bad_arguments', msg ?? err?.message ?? 'bad arguments');
    });
  for (const command of commands) parser = parser.command(command);
  return parser;
}

/**
 * Run the CLI; returns the exit code instead of exiting so that tests can call it in-process. A
 * handler that finishes normally but must report failure (a run with failed stages) sets
 * `process.exitCode`.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildParser(argv).parseAsync();
    return Number(process.exitCode ?? 0);
  } catch (err) {
    return reportError(err);
  }
}
