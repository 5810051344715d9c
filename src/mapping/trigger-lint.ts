import { segmentFql } from './segment-libs.js';

export interface TriggerWarning {
  message: string;
  hint: string;
  /** 0-based column in the FQL text. */
  column: number;
}

/**
 * FQL strings take double quotes. fql-ts lexes `'identify'` as a string whose value keeps the
 * quotes, so `type = 'identify'` is valid FQL that matches no event at all: worth a warning.
 */
export function lintTrigger(fql: string): TriggerWarning[] {
  const { tokens, error } = segmentFql().lex(fql);
  if (error) return [];
  const out: TriggerWarning[] = [];
  let from = 0;
  for (const t of tokens) {
    if (t.type === 'eos') break;
    const at = fql.indexOf(t.value, from);
    if (at >= 0) from = at + t.value.length;
    if (t.type !== 'string' || !t.value.startsWith("'")) continue;
    const fixed = fql.replace(/'((?:[^'\\]|\\.)*)'/g, (_, inner: string) => JSON.stringify(inner.replace(/\\'/g, "'")));
    out.push({
      column: Math.max(at, 0),
      message: `the trigger compares to ${t.value} in single quotes; FQL keeps the quotes as part of the text, so this matches no event`,
      hint: `strings take double quotes: trigger: '${fixed.replace(/'/g, "''")}'`,
    });
  }
  return out;
}
