import { segmentFql } from './segment-libs.js';

export interface CompiledTrigger {
  source: string;
  matches(event: unknown): boolean;
}

export interface TriggerProblem {
  message: string;
  /** 0-based column in the FQL text, when the lexer knows it. */
  column?: number;
}

/**
 * Compiles a Segment FQL trigger once, at start. destination-subscriptions' parser accepts some
 * broken input (`type = ` matches type "eos"; a trailing `andd` is ignored), so the text is first
 * run through fql-ts's strict lexer and parser, which Segment's own UI uses.
 */
export function compileTrigger(source: string): CompiledTrigger | TriggerProblem {
  const lib = segmentFql();
  const lexed = lib.lex(source);
  if (lexed.error) {
    const col = lexed.error.cursor?.column;
    return { message: `the trigger is not valid FQL: unexpected character${col !== undefined ? ` at column ${col + 1}` : ''}`, column: col };
  }
  const tree = lib.ast(lexed.tokens);
  if (tree.error || tree.node.type === 'err') {
    const detail = tree.error?.message && !tree.error.message.includes('[object Object]') ? tree.error.message : 'incomplete expression';
    return { message: `the trigger is not valid FQL: ${detail}` };
  }
  const parsed = lib.parseFql(source);
  if (parsed.error) return { message: `the trigger is not valid FQL: ${parsed.error.message || 'parse error'}` };
  return { source, matches: (event) => lib.matches(parsed, event) };
}

export function isTriggerProblem(t: CompiledTrigger | TriggerProblem): t is TriggerProblem {
  return (t as TriggerProblem).message !== undefined;
}
