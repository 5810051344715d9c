import { actions } from '../../actions/index.js';
import { DEFAULT_OPTIONAL_SCOPES } from '../../auth/scopes.js';

/**
 * One line per action the granted scopes cannot serve, naming the action and what is missing; each
 * action's definition says which scopes its requests need. Scopes asked for as optional are the
 * Enterprise-only ones.
 */
export function missingScopeWarnings(granted: readonly string[]): string[] {
  const have = new Set(granted);
  const warnings: string[] = [];
  for (const action of Object.values(actions)) {
    const missing = action.scopes.filter((s) => !have.has(s));
    if (missing.length === 0) continue;
    const why = missing.every((s) => DEFAULT_OPTIONAL_SCOPES.includes(s))
      ? 'it needs an Enterprise portal, and these scopes in the app'
      : "add these scopes to the app's scopes and log in again";
    warnings.push(`${action.title} will be refused: the token lacks ${missing.join(', ')} (${why}).`);
  }
  return warnings;
}
