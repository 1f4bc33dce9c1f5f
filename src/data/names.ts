// The error for a name that is not among the known ones (dataset kinds, synthetic sets, scales,
// importers, mixture sources, columns): it lists the known names and suggests the closest.
import { unknownNameMessage, userError, type SourcePos, type UserError } from '../util/errors.ts';

export function unknownName(what: string, name: string, known: string[], where: SourcePos & { path?: (string | number)[] } = {}): UserError {
  return userError(`unknown_${what.replace(/\W+/g, '_')}`, unknownNameMessage(`unknown ${what} "${name}"`, name, known), where);
}
