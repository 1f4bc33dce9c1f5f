// The error for a name that is not among the known ones (dataset kinds, synthetic sets, scales,
// importers, mixture sources, columns): it lists the known names and suggests the closest.
import { didYouMean, userError, type SourcePos, type UserError } from '../util/errors.ts';

export function unknownName(what: string, name: string, known: string[], where: SourcePos & { path?: (string | number)[] } = {}): UserError {
  const guess = didYouMean(name, known);
  const hint = guess ? `; did you mean "${guess}"?` : '';
  return userError(`unknown_${what.replace(/\W+/g, '_')}`, `unknown ${what} "${name}" (known: ${known.join(', ')})${hint}`, where);
}
