import { segmentFql } from './segment-libs.js';

/**
 * FQL strings take double quotes: Segment compares `'identify'` with its quotes, so a trigger
 * written with single quotes matches nothing. Gives the trigger with each single-quoted string
 * rewritten, as a YAML line to paste, or undefined when it has none. Only the strings the lexer
 * found are rewritten, so an apostrophe inside "O'Brien" stays.
 */
export function doubleQuoted(fql: string): string | undefined {
  const { tokens, error } = segmentFql().lex(fql);
  if (error) return undefined;
  const quoted: Array<{ value: string; at: number }> = [];
  let from = 0;
  for (const t of tokens) {
    if (t.type === 'eos') break;
    const at = fql.indexOf(t.value, from);
    if (at >= 0) from = at + t.value.length;
    if (t.type === 'string' && t.value.startsWith("'") && at >= 0) quoted.push({ value: t.value, at });
  }
  if (!quoted.length) return undefined;
  let fixed = fql;
  for (const q of [...quoted].reverse()) fixed = fixed.slice(0, q.at) + JSON.stringify(q.value.slice(1, -1).replace(/\\'/g, "'")) + fixed.slice(q.at + q.value.length);
  return `write ${quoted.map((q) => q.value).join(', ')} in double quotes: trigger: '${fixed.replace(/'/g, "''")}'`;
}
