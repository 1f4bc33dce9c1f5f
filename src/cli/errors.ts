// The one place that turns an error into what the user sees and the exit code: a UserError (a bad
// spec, argument or file) prints its issues and exits 2; anything else is a bug in vadapter, printed
// as `internal error: <message>` with how to report it, exit 1 (the stack with $VADAPTER_DEBUG=1).
// Codes: 0 ok, 1 failure (or internal error), 2 user error, 130 interrupted.
import { UserError, formatIssue } from '../util/errors.ts';

export const EXIT_USER_ERROR = 2;
export const EXIT_INTERNAL_ERROR = 1;
export const DEBUG_ENV = 'VADAPTER_DEBUG';

const HOW_TO_REPORT = `this is a bug in vadapter, not in your input: please report it with the command you ran and the stack trace that ${DEBUG_ENV}=1 prints`;

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
}

/** Print an error for a human and return the exit code it deserves; `stack` prints the stack whatever $VADAPTER_DEBUG says. */
export function reportError(err: unknown, options: { stack?: boolean } = {}): number {
  if (err instanceof UserError) {
    for (const issue of err.issues) process.stderr.write(`✖ ${formatIssue(issue)}\n`);
    return EXIT_USER_ERROR;
  }
  process.stderr.write(`✖ internal error: ${describe(err)}\n`);
  const debug = options.stack || !!process.env[DEBUG_ENV];
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.stderr.write(`  ${HOW_TO_REPORT}\n`);
  return EXIT_INTERNAL_ERROR;
}
