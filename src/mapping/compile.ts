import { type MappingKitHelpers, segmentCore } from './segment-libs.js';

/**
 * A mapping's fields compiled once into a function of the event, giving what mapping-kit's
 * `transform` gives: `transform` validates the whole mapping on every call and dispatches each
 * directive by name, which dominated the dry-run profile. Each directive below does what
 * mapping-kit 3.170's own does, in the same order, through mapping-kit's own helpers (`get`,
 * `render`, `flattenObject`, `evaluateLiquid`, `removeUndefined`), with the checks that depend only
 * on the mapping made here, once. A directive or shape not handled here (`@transform`,
 * `@excludeWhenNull`, the root directive, a directive mapping-kit would reject) makes the whole
 * mapping fall back to `transform`: `compileFields` then returns undefined.
 * test/unit/compile-mapping.test.ts runs both over generated events and compares.
 */
export type CompiledFields = (event: unknown) => Record<string, unknown>;

type Fn = (payload: any) => unknown;

class Unsupported extends Error {}

const ROOT_MAPPING_FIELD_KEY = '__segment_internal_directive';

export function compileFields(fields: Record<string, unknown>): CompiledFields | undefined {
  const core = segmentCore();
  const kit = core.kit;
  if (Object.keys(fields).includes(ROOT_MAPPING_FIELD_KEY)) return undefined;
  const copy = { ...fields };
  let resolve: Fn;
  try {
    core.validateMapping(copy);
    resolve = new Compiler(kit).clean(copy);
  } catch {
    return undefined;
  }
  return (event) => {
    const t = kit.realTypeOf(event);
    if (t !== 'object') throw new Error(`data must be an object, got ${t}`);
    return resolve(event) as Record<string, unknown>;
  };
}

const isObject = (kit: MappingKitHelpers, v: unknown): v is Record<string, any> => kit.realTypeOf(v) === 'object';

// mapping-kit's get.js splits paths with this (or the fallback where lookbehind is missing).
let arrayRe: RegExp;
try {
  arrayRe = new RegExp(`\\[(?="|'|\\d)|\\.|(?<="|'|\\d)]+`, 'g');
} catch {
  arrayRe = /\[|\.|]+/g;
}

class Compiler {
  constructor(private readonly kit: MappingKitHelpers) {}

  /**
   * `removeUndefined(node(m)(p))` without building the payload twice: mapping-kit copies every
   * object of the result and deletes its undefined keys, which cost more than mapping. An object
   * or array the mapping spells out is built here already clean; a directive's value (a path may
   * give a piece of the event, which must be copied) still goes through mapping-kit's own
   * removeUndefined, unless it is a primitive, which that returns as it is.
   */
  clean(m: unknown): Fn {
    // removeUndefined copies only arrays and plain objects: any other literal comes back as it is.
    if (!isObject(this.kit, m) && !Array.isArray(m)) return () => m;
    if (this.kit.isDirective(m)) {
      const f = this.directive(m as Record<string, unknown>);
      const removeUndefined = this.kit.removeUndefined;
      return (p) => {
        const v = f(p);
        return typeof v !== 'object' || v === null ? v : removeUndefined(v);
      };
    }
    if (Array.isArray(m)) {
      const items = m.map((v) => this.clean(v));
      return (p) => items.map((f) => f(p));
    }
    const keys = Object.keys(m);
    // `out.__proto__ = …` would set the prototype, which removeUndefined's copy then drops: left to mapping-kit.
    if (keys.includes('__proto__')) throw new Unsupported('__proto__');
    const values = keys.map((k) => this.clean((m as Record<string, unknown>)[k]));
    return (p) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const v = values[i]!(p);
        if (v !== undefined) out[keys[i]!] = v;
      }
      return out;
    };
  }

  node(m: unknown): Fn {
    if (!isObject(this.kit, m) && !Array.isArray(m)) return () => m;
    if (this.kit.isDirective(m)) return this.directive(m as Record<string, unknown>);
    if (Array.isArray(m)) {
      const items = m.map((v) => this.node(v));
      return (p) => items.map((f) => f(p));
    }
    const keys = Object.keys(m);
    const values = keys.map((k) => this.node((m as Record<string, unknown>)[k]));
    return (p) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i]!(p);
      return out;
    };
  }

  /** `get(payload, path)` with the path split once, as get.js would split it on each call. */
  getter(path: string, stripped = path.replace('$.', '')): Fn {
    const p = stripped;
    if (p === '' || p === '.') return (payload) => payload;
    const parts = p
      .split(arrayRe)
      .filter((f) => f)
      .map((s) => s.replace(/'|"/g, ''));
    // get.js's `parts.reduce((o, k) => o && o[k], payload)`, without a callback per call.
    return (payload) => {
      let o = payload;
      for (let i = 0; i < parts.length; i++) o = o && o[parts[i]!];
      return o;
    };
  }

  /**
   * mapping-kit's `render(t, p)` for a constant template, split once at its `{{…}}` places. A
   * template with `{{{…}}}` is left to render: its first pass puts values into the text the second
   * pass then searches. Without one, the first pass changes nothing and the second inserts each
   * place's value (`?? ''`, as a string) without searching what it inserted, which this does.
   */
  template(t: string): Fn {
    const render = this.kit.render;
    if (/\{\{\{([^}]+)\}\}\}/.test(t)) return (p) => render(t, p);
    const texts: string[] = [];
    const paths: Fn[] = [];
    const place = /\{\{([^}]+)\}\}/g;
    let at = 0;
    for (let m = place.exec(t); m; m = place.exec(t)) {
      texts.push(t.slice(at, m.index));
      const path = m[0].slice(2, -2).trim();
      // render's `get(data, path)`: '' and '.' are the data itself, anything else is split as get splits it.
      paths.push(path === '' || path === '.' ? (data) => data : this.getter(`$.${path}`, path));
      at = m.index + m[0].length;
    }
    if (paths.length === 0) return () => t;
    const tail = t.slice(at);
    return (p) => {
      const data = p === undefined ? {} : p;
      let out = texts[0]!;
      for (let i = 0; i < paths.length; i++) out += `${paths[i]!(data) ?? ''}${i + 1 < paths.length ? texts[i + 1]! : tail}`;
      return out;
    };
  }

  directive(m: Record<string, unknown>): Fn {
    const name = Object.keys(m).find((k) => k.startsWith('@'))!;
    const v = m[name];
    switch (name) {
      case '@path':
        return this.stringDirective(name, v, (path) => this.getter(path), (s, p) => this.kit.get(p, s.replace('$.', '')));
      case '@template': {
        const render = this.kit.render;
        return this.stringDirective(name, v, (t) => this.template(t), (t, p) => render(t, p));
      }
      case '@literal':
        return this.node(v);
      case '@if':
        return this.ifDirective(v);
      case '@case':
        return this.caseDirective(v);
      case '@replace':
        return this.replaceDirective(v);
      case '@arrayPath':
        return this.arrayPath(v);
      case '@json':
        return this.json(v);
      case '@flatten':
        return this.flatten(v);
      case '@merge':
        return this.merge(v);
      case '@liquid': {
        const evaluate = this.kit.evaluateLiquid;
        return (p) => evaluate(v, p, undefined);
      }
      default:
        throw new Unsupported(name);
    }
  }

  /** mapping-kit's registerStringDirective: the value resolved must be a string. */
  stringDirective(name: string, v: unknown, constant: (s: string) => Fn, run: (s: string, p: any) => unknown): Fn {
    if (typeof v === 'string') return constant(v);
    const f = this.node(v);
    const kit = this.kit;
    return (p) => {
      const s = f(p);
      if (typeof s !== 'string') throw new Error(`${name}: expected string, got ${kit.realTypeOf(s)}`);
      return run(s, p);
    };
  }

  ifDirective(opts: any): Fn {
    if (!isObject(this.kit, opts) || (!opts.exists && !opts.blank)) throw new Unsupported('@if');
    let condition: (p: any) => boolean = () => false;
    if (opts.exists !== undefined) {
      const f = this.node(opts.exists);
      condition = (p) => {
        const value = f(p);
        return value !== undefined && value !== null;
      };
    } else if (opts.blank !== undefined) {
      const f = this.node(opts.blank);
      condition = (p) => {
        const value = f(p);
        return value !== undefined && value !== null && value != ''; // mapping-kit's loose comparison: [] and 0 are blank too
      };
    }
    const then = opts.then !== undefined ? this.node(opts.then) : undefined;
    const otherwise = opts.else ? this.node(opts.else) : undefined;
    return (p) => {
      const c = condition(p);
      if (c && then) return then(p);
      else if (!c && otherwise) return otherwise(p);
      return undefined;
    };
  }

  caseDirective(opts: any): Fn {
    if (!isObject(this.kit, opts) || !opts.operator) throw new Unsupported('@case');
    if (!opts.value) return () => undefined;
    const f = this.node(opts.value);
    const operator = opts.operator;
    return (p) => {
      const value = f(p);
      if (typeof value !== 'string') return value;
      if (operator === 'lower') return value.toLowerCase();
      if (operator === 'upper') return value.toUpperCase();
      throw new Error('operator key should have a value of "lower" or "upper"');
    };
  }

  replaceDirective(opts: any): Fn {
    if (!isObject(this.kit, opts) || !opts.pattern) throw new Unsupported('@replace');
    const replacement = opts.replacement == null ? '' : opts.replacement;
    const replacement2 = opts.pattern2 && opts.replacement2 == null ? '' : opts.replacement2;
    const ignorecase = opts.ignorecase == null ? false : opts.ignorecase;
    const isGlobal = opts.global == null ? true : opts.global;
    if (!opts.value) return () => undefined;
    const f = this.node(opts.value);
    const typed = typeof opts.pattern === 'string' && typeof replacement === 'string' && typeof ignorecase === 'boolean' && typeof isGlobal === 'boolean';
    const flags = `${isGlobal === true ? 'g' : ''}${ignorecase === true ? 'i' : ''}`;
    const first = typed ? replacer(opts.pattern, replacement, flags) : undefined;
    const second = typed && opts.pattern2 && typeof opts.pattern2 === 'string' && typeof replacement2 === 'string' ? replacer(opts.pattern2, replacement2, flags) : undefined;
    return (p) => {
      let value = f(p);
      if (typeof value === 'boolean' || typeof value === 'number') value = String(value);
      if (typeof value !== 'string' || !first) return '';
      const once = first(value);
      return second ? second(once) : once;
    };
  }

  arrayPath(data: unknown): Fn {
    if (!Array.isArray(data)) throw new Unsupported('@arrayPath');
    const [path, itemShape] = data;
    const root = typeof path === 'string' ? this.getter(path) : this.node(path);
    const kit = this.kit;
    const shaped = isObject(kit, itemShape) && Object.keys(itemShape).length > 0;
    const item = shaped ? this.node(itemShape) : undefined;
    return (p) => {
      const r = root(p);
      const t = kit.realTypeOf(r);
      if ((t === 'object' || t === 'array') && item) return kit.arrify(r).map((i) => item(i));
      return r;
    };
  }

  json(opts: any): Fn {
    if (!isObject(this.kit, opts) || !opts.mode || !opts.value) throw new Unsupported('@json');
    const f = this.node(opts.value);
    const mode = opts.mode;
    return (p) => {
      const value = f(p);
      if (mode === 'encode') return JSON.stringify(value);
      if (mode !== 'decode') return undefined;
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    };
  }

  flatten(opts: any): Fn {
    if (!isObject(this.kit, opts) || !opts.separator) throw new Unsupported('@flatten');
    const sep = this.node(opts.separator);
    const f = this.node(opts.value);
    const omitArrays = Boolean(opts.omitArrays);
    const flattenObject = this.kit.flattenObject;
    return (p) => {
      const separator = sep(p);
      if (typeof separator !== 'string') throw new Error('@flatten requires a string separator');
      return flattenObject(f(p), '', separator, omitArrays);
    };
  }

  merge(opts: any): Fn {
    if (!isObject(this.kit, opts) || !opts.direction || !opts.objects || !Array.isArray(opts.objects)) throw new Unsupported('@merge');
    const direction = this.node(opts.direction);
    const objects = (opts.objects as unknown[]).map((o) => this.node(o));
    return (p) => {
      const d = direction(p);
      const all = objects.map((o) => o(p));
      if (d === 'left') all.reverse();
      return Object.assign({}, ...all);
    };
  }
}

/** mapping-kit's performReplace with its pattern escaped and compiled once; too long a pattern is not compiled. */
function replacer(pattern: string, replacement: string, flags: string): (s: string) => string {
  const MAX = 10; // mapping-kit's MAX_PATTERN_LENGTH and MAX_REPLACEMENT_LENGTH
  if (pattern.length > MAX || replacement.length > MAX) throw new Unsupported('@replace');
  const re = new RegExp(pattern.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, '\\$&'), flags);
  return (s) => s.replace(re, replacement);
}
