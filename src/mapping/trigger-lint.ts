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
  const quoted: Array<{ value: string; at: number }> = [];
  let from = 0;
  for (const t of tokens) {
    if (t.type === 'eos') break;
    const at = fql.indexOf(t.value, from);
    if (at >= 0) from = at + t.value.length;
    if (t.type === 'string' && t.value.startsWith("'")) quoted.push({ value: t.value, at: Math.max(at, 0) });
  }
  if (!quoted.length) return [];
  // Only the lexed single-quoted strings are rewritten: an apostrophe inside "O'Brien" stays.
  let fixed = fql;
  for (const q of [...quoted].reverse()) fixed = fixed.slice(0, q.at) + JSON.stringify(q.value.slice(1, -1).replace(/\\'/g, "'")) + fixed.slice(q.at + q.value.length);
  const words = quoted.map((q) => q.value).join(', ');
  return [
    {
      column: quoted[0]!.at,
      message: `the trigger compares to ${words} in single quotes; FQL keeps the quotes as part of the text, so ${quoted.length === 1 ? 'this matches' : 'these match'} no event`,
      hint: `strings take double quotes: trigger: '${fixed.replace(/'/g, "''")}'`,
    },
  ];
}
