import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Segment's own libraries, loaded through their CommonJS entries: actions-core's ESM build does
 * not load in Node (extension-less imports) and destination-subscriptions ships CommonJS only.
 * Loaded on first use so `--help` does not pay for them.
 */
const require = createRequire(import.meta.url);

export interface SegmentCore {
  transform(mapping: Record<string, unknown>, data: unknown): Record<string, unknown>;
  validateMapping(mapping: unknown): void;
  fieldsToJsonSchema(fields: Record<string, unknown>): JsonSchema;
  validateSchema(obj: Record<string, unknown>, schema: JsonSchema, options?: { schemaKey?: string }): boolean;
  removeEmptyValues(obj: unknown, schema: JsonSchema, isRoot: boolean): any;
  /** mapping-kit's own Liquid engine, with Segment's disabled tags and filters and its limits. */
  liquid: { parse(template: string): void; render(template: string): string };
  /** mapping-kit's own helpers, which its directives call: the compiled mapping calls the same ones. */
  kit: MappingKitHelpers;
}

export interface MappingKitHelpers {
  get(obj: unknown, path: string | string[]): unknown;
  render(template: string, data: unknown): string;
  realTypeOf(v: unknown): string;
  arrify(v: unknown): unknown[];
  flattenObject(input: unknown, prefix: string, separator: string, ignoreArrays: boolean): Record<string, unknown>;
  evaluateLiquid(template: unknown, event: unknown, statsContext?: unknown): unknown;
  removeUndefined<T>(v: T): T;
  isDirective(v: unknown): boolean;
}

export type JsonSchema = Record<string, any>;

export interface SegmentFql {
  parseFql(fql: string): { error?: Error } & Record<string, unknown>;
  matches(ast: unknown, event: unknown): boolean;
  /** destination-subscriptions' own printer of a parsed condition group back to FQL. */
  generateFql(ast: unknown): string;
  lex(fql: string): { tokens: Array<{ type: string; value: string }>; error?: Error & { cursor?: { line: number; column: number } } };
  ast(tokens: unknown): { node: { type: string }; error?: Error };
}

let core: SegmentCore | undefined;
let fql: SegmentFql | undefined;

export function segmentCore(): SegmentCore {
  if (!core) {
    const mk = require('@segment/actions-core/mapping-kit');
    const mkValidate = require('@segment/actions-core/mapping-kit/validate');
    const liquid = require('@segment/actions-core/mapping-kit/liquid-directive');
    // The files, not the package's index: the index loads the destination kit and its HTTP client
    // too (about 7 MB of a dry-run's RSS). They are not in the exports map; they sit beside it.
    const cjsDir = path.dirname(require.resolve('@segment/actions-core'));
    const inDist = (f: string) => require(path.join(cjsDir, f));
    core = {
      transform: mk.transform,
      validateMapping: mkValidate.default,
      fieldsToJsonSchema: inDist('destination-kit/fields-to-jsonschema.js').fieldsToJsonSchema,
      validateSchema: inDist('schema-validation.js').validateSchema,
      removeEmptyValues: inDist('remove-empty-values.js').removeEmptyValues,
      liquid: { parse: (t) => void liquid.getLiquidKeys(t), render: (t) => liquid.evaluateLiquid(t, {}) },
      kit: {
        get: inDist('get.js').get,
        render: inDist('mapping-kit/placeholders.js').render,
        realTypeOf: inDist('real-type-of.js').realTypeOf,
        arrify: inDist('arrify.js').arrify,
        flattenObject: inDist('mapping-kit/flatten.js').flattenObject,
        evaluateLiquid: liquid.evaluateLiquid,
        removeUndefined: inDist('remove-undefined.js').removeUndefined,
        isDirective: inDist('mapping-kit/is-directive.js').isDirective,
      },
    };
  }
  return core;
}

export function segmentFql(): SegmentFql {
  if (!fql) {
    const subs = require('@segment/destination-subscriptions');
    const fqlTs = require('@segment/fql-ts');
    fql = { parseFql: subs.parseFql, matches: subs.validate, generateFql: subs.generateFql, lex: fqlTs.lex, ast: fqlTs.ast };
  }
  return fql;
}
