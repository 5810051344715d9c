import { LineCounter, parseDocument, visit, isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Problem } from './problems.js';

/**
 * How far aliases may expand (yaml's own count of nodes an alias stands for). Real mapping files
 * share a few field blocks; an alias bomb (a billion laughs) expands beyond any bound.
 */
const MAX_ALIAS_COUNT = 1000;

type Path = (string | number)[];

/**
 * A parsed YAML mapping file and the problems found in it, each located by line and column.
 * Every lookup is by index, so checking a mapping with tens of thousands of properties stays
 * linear in the size of the file.
 */
export interface YamlSource {
  readonly path: string;
  readonly doc: Document;
  /** The file as plain data, aliases resolved; undefined when the YAML is broken. */
  readonly data: unknown;
  /** Broken YAML (syntax, duplicate keys, aliases refused): nothing further can be checked. */
  readonly broken: boolean;
  readonly problems: Problem[];
  readonly warnings: Problem[];
  /** Reports an error at a node, or `shift` characters into it (a column inside a trigger). */
  error(node: Node | null | undefined, message: string, hint?: string, shift?: number): void;
  warn(node: Node | null | undefined, message: string, hint?: string, shift?: number): void;
  /** The node at a path of keys and indexes, through aliases; undefined when there is none. */
  node(path: Path): Node | undefined;
  /** The key node of `key` in the map at `path`, where an unknown key is best pointed at. */
  keyNode(path: Path, key: string): Node | undefined;
  lineOf(node: Node | null | undefined): number;
}

const SYNTAX_HINT = 'fix the YAML syntax first; indentation and unclosed brackets are the usual causes';

export function parseYaml(path: string, text: string): YamlSource {
  const lines = new LineCounter();
  // yaml's own uniqueKeys check compares every key with every earlier one of its map: quadratic
  // in a map's size (80,000 properties took 21 s). Duplicates are found below with one Set per map.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const pos = (node: Node | null | undefined, shift: number) => (node?.range ? lines.linePos(node.range[0] + shift) : { line: 1, col: 1 });
  const push = (list: Problem[]) => (node: Node | null | undefined, message: string, hint?: string, shift = 0) => {
    const p = pos(node, shift);
    list.push({ file: path, line: p.line, col: p.col, message, hint });
  };
  const error = push(problems);
  for (const e of doc.errors) {
    const p = e.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push({ file: path, line: p.line, col: p.col, message: `YAML syntax: ${e.message.split('\n')[0]}`, hint: SYNTAX_HINT });
  }
  const index = new WeakMap<YAMLMap, Map<string, Pair>>();
  let broken = problems.length > 0;
  if (!broken) broken = indexMaps(doc, index, error, (n) => pos(n, 0).line);

  const source: YamlSource = {
    path,
    doc,
    data: undefined,
    broken,
    problems,
    warnings,
    error,
    warn: push(warnings),
    node(p) {
      let node: unknown = doc.contents;
      for (const step of p) {
        if (isAlias(node)) node = node.resolve(doc);
        if (isMap(node)) node = index.get(node)?.get(String(step))?.value;
        else if (isSeq(node) && /^\d+$/.test(String(step))) node = node.items[Number(step)];
        else return undefined;
      }
      if (isAlias(node)) return node;
      return (node as Node | null | undefined) ?? undefined;
    },
    keyNode(p, key) {
      let map: unknown = source.node(p);
      if (isAlias(map)) map = map.resolve(doc);
      return isMap(map) ? ((index.get(map)?.get(key)?.key as Node | undefined) ?? undefined) : undefined;
    },
    lineOf: (node) => pos(node, 0).line,
  };
  if (!broken) {
    const data = toData(doc, error);
    Object.assign(source, { data, broken: data === undefined });
  }
  return source;
}

/** One pass over every map: an index of its keys (for lookups by path), duplicate and forbidden keys. */
function indexMaps(doc: Document, index: WeakMap<YAMLMap, Map<string, Pair>>, error: YamlSource['error'], lineOf: (n: Node) => number): boolean {
  let duplicates = false;
  visit(doc, {
    Map(_, map) {
      const keys = new Map<string, Pair>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const first = keys.get(key);
        if (first) {
          error(pair.key as Node, `YAML syntax: Map keys must be unique; "${key}" is already on line ${lineOf(first.key as Node)}`, SYNTAX_HINT);
          duplicates = true;
          continue;
        }
        // JavaScript reads `__proto__` as an object's prototype, not a key: as a field or a property it
        // silently vanished from what was sent. It names nothing in HubSpot or Segment.
        if (key === '__proto__') error(pair.key as Node, 'the key "__proto__" is not allowed in a mapping file', 'it names no field or HubSpot property, and JavaScript would read it as an object\'s prototype; rename or remove it');
        keys.set(key, pair);
      }
      index.set(map, keys);
    },
  });
  return duplicates;
}

/** Plain data with aliases resolved, refusing an alias that expands beyond MAX_ALIAS_COUNT. */
function toData(doc: Document, error: YamlSource['error']): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    let firstAlias: Node | undefined;
    visit(doc, {
      Alias(_, node) {
        firstAlias = node;
        return visit.BREAK;
      },
    });
    if (!(err instanceof ReferenceError)) throw err;
    error(firstAlias, `YAML aliases expand to too much data here (more than ${MAX_ALIAS_COUNT} nodes): refused, as an alias bomb would be`, 'write the repeated part out, or use fewer nested aliases');
    return undefined;
  }
}
