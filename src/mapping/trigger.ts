import { segmentFql } from './segment-libs.js';
import { compileMatcher } from './match.js';

export interface CompiledTrigger {
  source: string;
  matches(event: unknown): boolean;
}

export interface TriggerProblem {
  message: string;
  /** 0-based column in the FQL text, when known. */
  column?: number;
}

/**
 * Segment's triggers, compiled once at start.
 *
 * Segment runs a subscription as `validate(parseFql(text), event)` from
 * `@segment/destination-subscriptions`. Its parser is lenient in ways that lose meaning (`type = `
 * matches type "eos", a trailing `andd` is ignored, a nested group throws and then matches
 * nothing, `!(…)` drops the `!`), and fql-ts's strict `ast` refuses parentheses and `!contains`,
 * which Segment's own UI writes. So the text is tokenised by fql-ts's lexer (Segment's), checked
 * here against the grammar of what Segment generates (`generateFql`), and turned into the very
 * condition tree `parseFql` builds, leaf by leaf with its rules; the tree is then evaluated by
 * destination-subscriptions' own `validate`. Leaf semantics (string vs number comparisons, `!=` on a
 * missing value, `= null`, `contains`, `match`) are therefore Segment's by construction.
 *
 * Where this differs from `parseFql`, on purpose (each is a case where Segment's parser throws or
 * drops part of the text):
 * - nested groups `a and (b or (c and d))` are evaluated as written (Segment's parser throws on them,
 *   and then the subscription matches nothing);
 * - quoted path segments `properties."order id"` and numeric ones `properties.items.0` are paths
 *   (Segment's parser turns them into a nonsense condition);
 * - text that is not FQL, which Segment's parser silently ignores or misreads, is refused: a trailing
 *   or doubled `and`/`or`, `type = ` with no value, unknown names (`anonymousId`, `TYPE`; alone they
 *   make parseFql throw, beside others they are dropped), `not`, `!` before anything but
 *   `contains(…)`/`match(…)`, a path or a number where a value or a name belongs.
 * Valid FQL that Segment evaluates oddly is accepted and evaluated as Segment does: single-quoted
 * strings keep their quotes, `match(x, "a*b")` is "ends with *b" (only "prefix*" and "*suffix" are
 * globs in Segment).
 * A level that mixes `and` and `or` without parentheses is evaluated as Segment does: the last
 * conditional of the level applies to all of it.
 */
export function compileTrigger(source: string): CompiledTrigger | TriggerProblem {
  const lib = segmentFql();
  const lexed = lib.lex(source);
  if (lexed.error) {
    const col = lexed.error.cursor?.column;
    return { message: `the trigger is not valid FQL: unexpected character${col !== undefined ? ` at column ${col + 1}` : ''}`, column: col };
  }
  const tokens = positioned(source, lexed.tokens);
  let tree: Condition;
  try {
    tree = new Parser(tokens).parseRoot();
  } catch (e) {
    if (e instanceof FqlSyntaxError) return { message: `the trigger is not valid FQL: ${e.message}`, ...(e.column !== undefined ? { column: e.column } : {}) };
    throw e;
  }
  const root: GroupCondition = isGroup(tree) ? tree : { type: 'group', operator: 'and', children: [tree] };
  // destination-subscriptions' validate, compiled for this tree (match.ts): the route stage runs it per event and mapping.
  return { source, matches: compileMatcher(root) };
}

export function isTriggerProblem(t: CompiledTrigger | TriggerProblem): t is TriggerProblem {
  return (t as TriggerProblem).message !== undefined;
}

// ---- destination-subscriptions' condition tree (the shape its `validate` walks) ----

type Leaf = { type: string; operator: string; name?: string; value?: string | number | boolean };
interface GroupCondition {
  type: 'group';
  operator: 'and' | 'or';
  children: Condition[];
}
type Condition = GroupCondition | Leaf;
const isGroup = (c: Condition): c is GroupCondition => c.type === 'group' && 'children' in c;

const ROOTS: Record<string, { type: string; path: boolean }> = {
  type: { type: 'event-type', path: false },
  event: { type: 'event', path: false },
  name: { type: 'name', path: false },
  userId: { type: 'userId', path: false },
  properties: { type: 'event-property', path: true },
  traits: { type: 'event-trait', path: true },
  context: { type: 'event-context', path: true },
};

interface Tok {
  type: string;
  value: string;
  column: number;
}

class FqlSyntaxError extends Error {
  constructor(message: string, readonly column?: number) {
    super(message);
  }
}

/** fql-ts's tokens carry no positions; find each one in the text, in order, for error columns. */
function positioned(source: string, tokens: Array<{ type: string; value: string }>): Tok[] {
  let i = 0;
  return tokens.map((t) => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
    const column = i;
    if (t.type === 'eos') return { ...t, column: source.length };
    if (t.type === 'string') {
      const q = source[i];
      let j = i + 1;
      while (j < source.length && source[j] !== q) j++;
      i = j + 1;
    } else if (t.type === 'ident') {
      while (i < source.length && (source[i] === '\\' ? (i += 1) : /[^\s.=!<>(),"']/.test(source[i]!))) i++;
    } else {
      i += Math.max(1, t.value.length);
    }
    return { ...t, column };
  });
}

const tokenText = (t: Tok) => (t.type === 'eos' ? 'the end of the trigger' : `'${t.value}'`);
const unexpected = (t: Tok, hint = '') =>
  new FqlSyntaxError(`Unexpected token of type '${t.type}' and value '${t.value}'.${hint ? ` ${hint}` : ''}`, t.column);

/** Recursive descent over Segment's trigger grammar (see generateFql in destination-subscriptions). */
class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    const t = this.toks[this.i]!;
    if (t.type !== 'eos') this.i++;
    return t;
  }
  private expect(type: string, what: string): Tok {
    const t = this.next();
    if (t.type !== type) throw new FqlSyntaxError(`expected ${what} but found ${tokenText(t)}`, t.column);
    return t;
  }

  parseRoot(): Condition {
    if (this.peek().type === 'eos') throw new FqlSyntaxError('the trigger is empty', 0);
    const c = this.parseLevel();
    const t = this.peek();
    if (t.type === 'parenright') throw new FqlSyntaxError("a ')' with no '(' before it", t.column);
    if (t.type !== 'eos') throw unexpected(t, 'Join conditions with `and` or `or`.');
    return c;
  }

  /** term (and|or term)*; as in Segment, the level's last conditional applies to the whole level. */
  private parseLevel(): Condition {
    const children = [this.parseTerm()];
    let operator: 'and' | 'or' = 'and';
    while (this.peek().type === 'conditional') {
      operator = this.next().value as 'and' | 'or';
      const t = this.peek();
      if (t.type === 'eos' || t.type === 'parenright' || t.type === 'conditional') {
        throw new FqlSyntaxError(`a condition must follow '${operator}', found ${tokenText(t)}`, t.column);
      }
      children.push(this.parseTerm());
    }
    return children.length === 1 ? children[0]! : { type: 'group', operator, children };
  }

  private parseTerm(): Condition {
    const t = this.peek();
    if (t.type === 'parenleft') {
      this.next();
      if (this.peek().type === 'parenright') throw new FqlSyntaxError('empty parentheses', this.peek().column);
      const inner = this.parseLevel();
      const close = this.peek();
      if (close.type !== 'parenright') {
        throw close.type === 'eos' ? new FqlSyntaxError(`the '(' at column ${t.column + 1} is never closed`, close.column) : unexpected(close, "Expected 'and', 'or' or ')'.");
      }
      this.next();
      return isGroup(inner) ? inner : { type: 'group', operator: 'and', children: [inner] };
    }
    if (t.type === 'operator' && t.value === '!') {
      this.next();
      const f = this.peek();
      if (f.type === 'ident' && (f.value === 'contains' || f.value === 'match')) return this.parseFunction(true);
      throw new FqlSyntaxError("'!' may only come before contains(…) or match(…); for the opposite of a comparison use != (Segment ignores a '!' before parentheses)", t.column);
    }
    if (t.type === 'ident') {
      if (t.value === 'contains' || t.value === 'match') {
        if (this.toks[this.i + 1]?.type === 'parenleft') return this.parseFunction(false);
      }
      if (t.value === 'not') throw new FqlSyntaxError("FQL has no 'not': write !contains(…), !match(…) or != (Segment would ignore the 'not')", t.column);
      return this.parseComparison();
    }
    if (t.type === 'eos') throw new FqlSyntaxError('the trigger ends where a condition should be', t.column);
    throw unexpected(t, 'A condition starts with a name such as type, event, properties.x, or with contains(…), match(…) or (.');
  }

  /** A name Segment's conditions know: type, event, name, userId, or properties./traits./context. with a path. */
  private parsePath(): { type: string; name?: string; text: string; column: number } {
    const head = this.next();
    if (head.type !== 'ident') throw new FqlSyntaxError(`expected a name such as event or properties.x but found ${tokenText(head)}`, head.column);
    const root = Object.prototype.hasOwnProperty.call(ROOTS, head.value) ? ROOTS[head.value]! : undefined;
    if (!root) {
      throw new FqlSyntaxError(`unknown name '${head.value}': Segment's triggers use type, event, name, userId, properties.…, traits.… or context.… (lower-case)`, head.column);
    }
    const segments: string[] = [];
    while (this.peek().type === 'dot') {
      const dot = this.next();
      const seg = this.next();
      if (seg.type === 'ident') segments.push(seg.value);
      else if (seg.type === 'string' && seg.value.startsWith('"')) segments.push(seg.value.slice(1, -1));
      else if (seg.type === 'number' && /^\d+$/.test(seg.value)) segments.push(seg.value);
      else throw new FqlSyntaxError(`a property name must follow '.', found ${tokenText(seg)}`, seg.type === 'eos' ? dot.column + 1 : seg.column);
      if (segments[segments.length - 1] === '') throw new FqlSyntaxError('an empty property name', seg.column);
      // Segment reads the path by splitting it at '.', '[' and ']': a name of nothing else names no
      // property (and, alone, made its lookup fail on every event, stopping the run).
      if (/^[.[\]]+$/.test(segments[segments.length - 1]!)) {
        throw new FqlSyntaxError(`the property name ${seg.value} is only '.', '[' or ']', which Segment splits a path at: it names no property`, seg.column);
      }
    }
    if (root.path && segments.length === 0) throw new FqlSyntaxError(`'${head.value}' needs a property: ${head.value}.name`, head.column);
    if (!root.path && segments.length > 0) throw new FqlSyntaxError(`'${head.value}' has no properties; compare it directly, e.g. ${head.value} = "…"`, head.column);
    return { type: root.type, ...(root.path ? { name: segments.join('.') } : {}), text: head.value, column: head.column };
  }

  /** A literal: a double-quoted string, a number, true, false or null. */
  private parseValue(): Tok {
    const v = this.next();
    // A single-quoted string is valid FQL; Segment compares it with its quotes (validate warns about it).
    if (v.type === 'string') return v;
    if (v.type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(v.value)) throw new FqlSyntaxError(`'${v.value}' is not a number`, v.column);
      return v;
    }
    if (v.type === 'null') return v;
    if (v.type === 'ident' && (v.value === 'true' || v.value === 'false')) return v;
    if (v.type === 'eos') throw new FqlSyntaxError('a value must follow the operator: a "string", a number, true, false or null', v.column);
    throw unexpected(v, 'A value is a "string", a number, true, false or null.');
  }

  private parseComparison(): Condition {
    const path = this.parsePath();
    const op = this.next();
    if (op.type !== 'operator' || !['=', '!=', '<', '>', '<=', '>='].includes(op.value)) {
      if (op.type === 'eos') throw new FqlSyntaxError(`'${path.text}' needs an operator and a value, e.g. ${path.text} = "…"`, op.column);
      throw unexpected(op, 'Expected one of = != < > <= >=.');
    }
    const value = this.parseValue();
    return leaf(path.type, path.name, op.value, value);
  }

  /** contains(path, value) and match(path, "prefix*" | "*suffix"), optionally negated with '!'. */
  private parseFunction(negate: boolean): Condition {
    const fn = this.next();
    this.expect('parenleft', `'(' after ${fn.value}`);
    const path = this.parsePath();
    this.expect('comma', `',' after the first argument of ${fn.value}(…)`);
    const value = this.parseValue();
    const close = this.peek();
    if (close.type !== 'parenright') {
      throw new FqlSyntaxError(`${fn.value}(…) takes two arguments; expected ')' but found ${tokenText(close)}`, close.column);
    }
    this.next();
    if (fn.value === 'contains') {
      if (value.type !== 'string' && value.type !== 'number') throw new FqlSyntaxError('contains(…) takes a string', value.column);
      const v = String(tokenValue(value));
      return { type: path.type, ...(path.name !== undefined ? { name: path.name } : {}), operator: negate ? 'not_contains' : 'contains', value: v };
    }
    if (value.type !== 'string') throw new FqlSyntaxError('match(…) takes a string pattern', value.column);
    // destination-subscriptions: a pattern ending in *" is a prefix; anything else is a suffix after
    // its first character ("*Completed" → ends with "Completed"). Other globs mean that too, in Segment.
    const text = String(tokenValue(value));
    const prefix = value.value.endsWith('*"');
    const operator = prefix ? (negate ? 'not_starts_with' : 'starts_with') : negate ? 'not_ends_with' : 'ends_with';
    const v = prefix ? text.slice(0, -1) : text.slice(1);
    return { type: path.type, ...(path.name !== undefined ? { name: path.name } : {}), operator, value: v };
  }
}

/** destination-subscriptions' getTokenValue. */
function tokenValue(t: Tok): string | number | boolean {
  if (t.type === 'string') return t.value.replace(/^"/, '').replace(/"$/, '');
  if (t.type === 'number') return Number(t.value);
  if (t.type === 'ident' && (t.value === 'true' || t.value === 'false')) return t.value === 'true';
  return String(t.value);
}

/** The condition destination-subscriptions' parseFql builds for `path op value`, rule for rule. */
function leaf(type: string, name: string | undefined, op: string, v: Tok): Leaf {
  const isTrue = op === '=' && v.value === 'true';
  const isFalse = op === '=' && v.value === 'false';
  const isExists = op === '!=' && v.value === 'null';
  const isNotExists = op === '=' && v.value === 'null';
  const isNumberEquals = op === '=' && v.type === 'number';
  const isNumberNotEquals = op === '!=' && v.type === 'number';
  if (type === 'event' || type === 'event-type') return { type, operator: op, value: String(tokenValue(v)) };
  if (type === 'name' || type === 'userId') {
    if (isExists) return { type, operator: 'exists' };
    if (isNotExists) return { type, operator: 'not_exists' };
    if (type === 'userId' && isTrue) return { type, operator: 'is_true' };
    if (type === 'userId' && isFalse) return { type, operator: 'is_false' };
    return { type, operator: op, value: String(tokenValue(v)) };
  }
  const n = { type, name: name! };
  if (isExists) return { ...n, operator: 'exists' };
  if (isNotExists) return { ...n, operator: 'not_exists' };
  if (isTrue) return { ...n, operator: 'is_true' };
  if (isFalse) return { ...n, operator: 'is_false' };
  if (isNumberEquals) return { ...n, operator: 'number_equals', value: tokenValue(v) };
  if (isNumberNotEquals) return { ...n, operator: 'number_not_equals', value: tokenValue(v) };
  return { ...n, operator: op, value: tokenValue(v) };
}
