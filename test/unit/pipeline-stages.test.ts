import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EventLedger, type EventRecord } from '../../src/pipeline/ledger.js';
import { DEFAULT_MAX_LINE_BYTES, splitLineChunks, type RawLine } from '../../src/pipeline/split-lines.js';
import { exact, guardJson } from '../../src/pipeline/json-guard.js';
import { KeyIndex } from '../../src/pipeline/key-index.js';
import { parseEvent } from '../../src/pipeline/parse-event.js';
import { route, noRouteReason } from '../../src/pipeline/route.js';
import type { Mapping } from '../../src/mapping/mapping-file.js';
import { createRng } from '../emulator/prng.js';

const delivered = { mappingName: 'm', action: 'upsertContact', outcome: { kind: 'delivered' as const } };
const failed = { mappingName: 'm', action: 'upsertContact', outcome: { kind: 'failed' as const, error: { kind: 'hubspot' as const, status: 400, category: 'VALIDATION_ERROR', message: 'bad' } } };

describe('the event ledger', () => {
  it('ends each event once, as failed if any op failed, and moves the low-water mark past finished events only', () => {
    const finals: EventRecord[] = [];
    const l = new EventLedger({ onFinal: (r) => (finals.push(r), true) });
    const a = l.begin(0, { file: 'f', line: 1 });
    l.attach(a);
    l.attach(a);
    l.seal(a);
    const b = l.begin(0, { file: 'f', line: 2 });
    l.skip(b, 'no mapping matched');
    l.seal(b);
    expect(l.resumePoint()).toEqual({ input: 0, line: 1 });
    l.opSettled(delivered, [a]);
    expect(a.outcome).toBeUndefined();
    l.opSettled(failed, [a]);
    expect(finals.map((r) => [r.source.line, r.outcome])).toEqual([[2, 'skipped'], [1, 'failed']]);
    expect(l.resumePoint()).toEqual({ input: 0, line: 3 });
    expect(l.counts).toMatchObject({ read: 2, delivered: 0, skipped: 1, failed: 1, failedByReason: { 'HubSpot 400 VALIDATION_ERROR': 1 } });
  });

  it('resumes at nothing before any event, and just past the last line read once all are final, in whichever input', () => {
    const l = new EventLedger({ onFinal: () => true });
    expect(l.resumePoint()).toBeUndefined();
    const a = l.begin(0, { file: 'f', line: 4 });
    l.seal(a);
    expect(l.resumePoint()).toEqual({ input: 0, line: 5 });
    const b = l.begin(1, { file: 'g', line: 1 });
    expect(l.resumePoint()).toEqual({ input: 1, line: 1 });
    l.seal(b);
    expect(l.resumePoint()).toEqual({ input: 1, line: 2 });
  });

  it('keeps an event unfinished when recording it fails, so the checkpoint never counts it', () => {
    const l = new EventLedger({ onFinal: () => false });
    const a = l.begin(0, { file: 'f', line: 7 });
    l.fail(a, { kind: 'invalid', message: 'line 7 is not valid JSON (Unexpected token)' });
    l.seal(a);
    expect(a.outcome).toBeUndefined();
    expect(l.unfinished).toBe(1);
    expect(l.resumePoint()).toEqual({ input: 0, line: 7 });
    expect(l.counts.failed).toBe(0);
  });
});

describe('reading lines', () => {
  const lines = async (chunks: Array<string | Buffer>, max?: number) => {
    const out = [];
    for await (const ls of splitLineChunks(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), max)) out.push(...ls);
    return out;
  };

  it('splits at \\n across chunk boundaries, drops the \\r of CRLF, keeps a last line without newline', async () => {
    expect(await lines(['a\r\nb', 'c\n', '\nlast'])).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'text', text: 'bc' },
      { kind: 'text', text: '' },
      { kind: 'text', text: 'last' },
    ]);
  });

  it('skips a line over the cap without holding it, and reads on', async () => {
    expect(await lines(['12345', '6789', '0\nok\n'], 8)).toEqual([{ kind: 'too-long', bytes: 10 }, { kind: 'text', text: 'ok' }]);
  });

  it('gives the bytes of a line that is not UTF-8, even when a character is split across chunks', async () => {
    const euro = Buffer.from('€');
    expect(await lines([euro.subarray(0, 1), Buffer.concat([euro.subarray(1), Buffer.from('\n')]), Buffer.from([0xc3, 0x0a])])).toEqual([
      { kind: 'text', text: '€' },
      { kind: 'not-utf8', bytes: Buffer.from([0xc3]) },
    ]);
  });
});

describe('reading lines, against a line-at-a-time reference', () => {
  /** What splitLineChunks must give: each line of the whole input, read alone. */
  const reference = (all: Buffer, max: number): RawLine[] => {
    const out: RawLine[] = [];
    let start = 0;
    while (start < all.length) {
      let nl = all.indexOf(0x0a, start);
      if (nl === -1) nl = all.length;
      const line = all.subarray(start, nl);
      if (line.length > max) out.push({ kind: 'too-long', bytes: line.length });
      else {
        const body = line.length && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
        out.push(isUtf8(body) ? { kind: 'text', text: body.toString('utf8') } : { kind: 'not-utf8', bytes: Buffer.from(body) });
      }
      start = nl + 1;
    }
    return out;
  };
  const split = async (chunks: Buffer[], max?: number) => {
    const out: RawLine[] = [];
    for await (const ls of splitLineChunks(Readable.from(chunks), max)) out.push(...ls);
    return out;
  };
  const cut = (all: Buffer, at: number[]) => [0, ...at, all.length].slice(1).map((end, i, ends) => all.subarray(i ? ends[i - 1] : 0, end));

  it('keeps one bad line among good ones in a chunk as bytes, and the good ones as text', async () => {
    const all = Buffer.concat([Buffer.from('{"a":1}\n{"b":"é"}\n'), Buffer.from([0x7b, 0xff, 0x7d, 0x0a]), Buffer.from('{"c":3}\r\n{"d":4}\n')]);
    const got = await split([all]);
    expect(got).toEqual(reference(all, 1e9));
    expect(got[2]).toEqual({ kind: 'not-utf8', bytes: Buffer.from([0x7b, 0xff, 0x7d]) });
    expect(got.map((l) => (l.kind === 'text' ? l.text : l.kind))).toEqual(['{"a":1}', '{"b":"é"}', 'not-utf8', '{"c":3}', '{"d":4}']);
  });

  it('drops the \r of every CRLF line and keeps a lone \r inside a line', async () => {
    const all = Buffer.from('a\r\n\r\nb\rc\r\n\r\r\nlast\r');
    expect(await split([all])).toEqual([{ kind: 'text', text: 'a' }, { kind: 'text', text: '' }, { kind: 'text', text: 'b\rc' }, { kind: 'text', text: '\r' }, { kind: 'text', text: 'last' }]);
  });

  it('joins a multibyte character split across chunks between good lines', async () => {
    const all = Buffer.from('one\ntwo €€ 𝄞\nthree €\nfour\n');
    for (let at = 1; at < all.length; at++) expect(await split(cut(all, [at]))).toEqual(reference(all, 1e9));
  });

  it('fails only the line over the cap in a chunk of short lines, in bytes, and reads on', async () => {
    const all = Buffer.from('aaaa\n€€€\nbb\naaaaaaaaaa\ncc\n');
    expect(await split([all], 8)).toEqual([{ kind: 'text', text: 'aaaa' }, { kind: 'too-long', bytes: 9 }, { kind: 'text', text: 'bb' }, { kind: 'too-long', bytes: 10 }, { kind: 'text', text: 'cc' }]);
  });

  it('gives what the reference gives for lines longer and shorter than a decoded stretch, in any chunks', async () => {
    const rng = createRng(77);
    const pieces = ['a', 'é', '€', '𝄞', '\r', '\n', '\n', '{"k":"v"}'];
    for (let round = 0; round < 60; round++) {
      const parts: Buffer[] = [];
      let size = 0;
      const target = Math.floor(rng() * 200_000);
      // Most inputs are all valid UTF-8, whose chunks are decoded whole; in the others a bad byte is rare.
      const bad = rng() < 0.3 ? 0.001 : 0;
      while (size < target) {
        const r = rng();
        const p = r < bad ? Buffer.from([0xff]) : r < 2 * bad ? Buffer.from([0xe2, 0x82]) : r < 0.02 ? Buffer.alloc(Math.floor(rng() * 70_000), 0x78) : Buffer.from(pieces[Math.floor(rng() * pieces.length)]!.repeat(1 + Math.floor(rng() * 40)));
        parts.push(p);
        size += p.length;
      }
      const all = Buffer.concat(parts);
      const at = [...new Set(Array.from({ length: Math.floor(rng() * 6) }, () => Math.floor(rng() * all.length)))].filter((x) => x > 0).sort((x, y) => x - y);
      const max = rng() < 0.3 ? 1 + Math.floor(rng() * 50_000) : undefined;
      expect(await split(cut(all, at), max)).toEqual(reference(all, max ?? DEFAULT_MAX_LINE_BYTES));
    }
  });
});

describe('parsing an event', () => {
  const at = (text: string) => ({ input: 0, file: 'f', line: 3, text });

  it('names the line of what is not an event', () => {
    expect(parseEvent(at('{"a":'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^line 3 is not valid JSON/) });
    expect(parseEvent(at('[1]'))).toMatchObject({ ok: false, reason: 'line 3 is JSON but not an object; each line must be one Segment event' });
  });

  it('gives a stable stand-in id to an event without messageId', () => {
    const a = parseEvent(at('{"type":"track"}'));
    const b = parseEvent(at('{"type":"track"}'));
    expect(a.ok && b.ok && a.stableId === b.stableId && a.messageId === undefined).toBe(true);
  });

  it('unwraps a failed-events line with its origin and the mappings to retry', () => {
    const p = parseEvent(at(JSON.stringify({ event: { type: 'identify' }, failure: { tool: 'hubspot-actions', file: 'orig.ndjson', line: 9, messageId: 'm9', mappings: ['c'] } })));
    expect(p).toMatchObject({ ok: true, event: { type: 'identify' }, onlyMappings: ['c'], origin: { file: 'orig.ndjson', line: 9, messageId: 'm9' } });
  });
});

/** The first guardJson's scan, a character at a time (the exactness of a number is the shared `exact`): the faster one must give the same for every line. */
function referenceGuard(text: string) {
  let depth = 0;
  let inString = false;
  let unsafe: Array<[number, number]> | undefined;
  const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > 64) return { ok: false, reason: 'is nested deeper than 64 levels' };
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if ((token.length > 15 || /[eE]/.test(token)) && !exact(token)) (unsafe ??= []).push([i, j]);
      i = j - 1;
    }
  }
  if (!unsafe) return { ok: true, text, exactened: 0 };
  let out = '';
  let at = 0;
  for (const [a, b] of unsafe) {
    out += `${text.slice(at, a)}"${text.slice(a, b)}"`;
    at = b;
  }
  return { ok: true, text: out + text.slice(at), exactened: unsafe.length };
}

describe('guarding JSON before it is parsed', () => {
  it('keeps numbers a double cannot hold as strings of their digits, and only those', () => {
    const g = guardJson('{"a":9007199254740993,"b":9007199254740992,"c":"123456789012345678","d":1e400,"e":1.5e3,"f":-0.000000000000000001}');
    expect(g.ok && JSON.parse(g.text)).toEqual({ a: '9007199254740993', b: 9007199254740992, c: '123456789012345678', d: '1e400', e: 1500, f: -1e-18 });
  });

  it('refuses nesting beyond the limit, counting only brackets outside strings', () => {
    expect(guardJson('{"s":"' + '['.repeat(100) + '"}').ok).toBe(true);
    expect(guardJson('['.repeat(65) + ']'.repeat(65))).toEqual({ ok: false, reason: 'is nested deeper than 64 levels' });
  });

  it('gives what the first character-by-character guard gave, over random lines with strings, escapes and numbers', () => {
    const next = createRng(4242);
    const rand = (n: number) => Math.floor(next() * n);
    const pieces = ['{', '}', '[', ']', '"', '\\', '\\"', 'a', ':', ',', '1', '-', '.', 'e', 'E', '+', '9007199254740993', '1e400', '12.5e3', ' ', '\\\\', '"x\\"y"'];
    for (let n = 0; n < 3000; n++) {
      const line = Array.from({ length: 1 + rand(40) }, () => pieces[rand(pieces.length)]).join('');
      expect(guardJson(line)).toEqual(referenceGuard(line));
    }
    const deep = '{"a":' + '['.repeat(70) + ']'.repeat(70) + '}';
    expect(guardJson(deep)).toEqual(referenceGuard(deep));
  });
});

describe('the key index', () => {
  it('finds earlier ops whose writes meet the reads, or whose reads meet the writes, until they are removed', () => {
    const k = new KeyIndex<string>();
    k.add('contact', ['contacts:email=a'], ['contacts:email=a']);
    k.add('deal', ['contacts:email=a', 'deals:order=1'], ['deals:order=1', 'deals:stage=won']);
    expect([...k.conflicts(['contacts:email=a'], [])]).toEqual(['contact']);
    expect([...k.conflicts([], ['contacts:email=a'])].sort()).toEqual(['contact', 'deal']);
    expect([...k.conflicts([], ['deals:stage=won'])]).toEqual([]);
    k.remove('contact', ['contacts:email=a'], ['contacts:email=a']);
    expect([...k.conflicts(['contacts:email=a'], ['contacts:email=a'])]).toEqual(['deal']);
  });

  it('gives the ops sharing a key in the order they were added, as one op goes to many and back', () => {
    const k = new KeyIndex<string>();
    k.add('a', [], ['contacts:email=x']);
    k.add('b', [], ['contacts:email=x']);
    k.add('b', [], ['contacts:email=x']); // added twice: still once
    k.add('c', ['contacts:email=x'], ['contacts:email=x']);
    expect([...k.conflicts(['contacts:email=x'], [])]).toEqual(['a', 'b', 'c']);
    k.remove('b', [], ['contacts:email=x']);
    expect([...k.conflicts(['contacts:email=x'], ['contacts:email=x'])]).toEqual(['a', 'c']);
    k.remove('a', [], ['contacts:email=x']);
    k.remove('c', ['contacts:email=x'], ['contacts:email=x']);
    expect([...k.conflicts(['contacts:email=x'], ['contacts:email=x'])]).toEqual([]);
    k.add('d', [], ['contacts:email=x']);
    k.remove('d', [], ['contacts:email=x']);
    k.add('e', ['contacts:email=x'], []);
    expect([...k.conflicts([], ['contacts:email=x'])]).toEqual(['e']);
    expect([...k.conflicts(['contacts:email=x'], [])]).toEqual([]);
  });
});

describe('routing', () => {
  const m = (name: string, hit: boolean) => ({ name, trigger: { source: '', matches: () => hit } }) as unknown as Mapping;

  it('keeps the mapping file order, and only the mappings a failed event failed in', () => {
    const ms = [m('a', true), m('b', false), m('c', true)];
    expect(route(ms, {}).map((x) => x.name)).toEqual(['a', 'c']);
    expect(route(ms, {}, ['c']).map((x) => x.name)).toEqual(['c']);
    expect(noRouteReason(['x'])).toContain('none of the mappings it failed in (x)');
  });
});

describe('the checkpoint and the per-event files', async () => {
  const { mkdtempSync, writeFileSync, readFileSync, readdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { checkResumable, fingerprint } = await import('../../src/pipeline/checkpoint.js');
  const { EventLogFile } = await import('../../src/pipeline/event-log-file.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-stages-'));
  const file = (name: string, text: string) => (writeFileSync(path.join(dir, name), text), path.join(dir, name));

  it('refuses a resume over changed data or another mapping, saying which, unless forced', () => {
    const m = file('m.yaml', 'a');
    const e = file('e.ndjson', '{}\n');
    const cp = { version: 1 as const, inputs: [e], mapping: m, fingerprint: fingerprint(m, [e]), complete: false, ids: [], flags: [], updatedAt: '' };
    expect(() => checkResumable(cp, [e], fingerprint(m, [e]), 'ck', false)).not.toThrow();
    file('m.yaml', 'b');
    file('e.ndjson', '{}\n{}\n');
    expect(() => checkResumable(cp, [e], fingerprint(m, [e]), 'ck', false)).toThrow(/the mapping file .* changed; .*e\.ndjson is not the file it was/);
    expect(() => checkResumable(cp, [e], fingerprint(m, [e]), 'ck', true)).not.toThrow();
    expect(() => checkResumable(cp, ['other'], fingerprint(m, ['other']), 'ck', true)).toThrow(/other inputs/);
  });

  it('a resumed run keeps the lines of events before its resume point and drops the rest; a fresh run starts empty', () => {
    const log = file('o.ndjson', ['{"at":1}', '{"at":5}', '{"at":3}', 'not json'].join('\n') + '\n');
    const readAt = (l: Record<string, unknown>) => ({ input: 0, line: l.at as number });
    const resumed = new EventLogFile(log, 'outcomes file', { input: 0, line: 4 }, readAt);
    resumed.write({ at: 4 });
    resumed.close();
    expect(readFileSync(log, 'utf8')).toBe('{"at":1}\n{"at":3}\nnot json\n{"at":4}\n');
    expect(resumed.count).toBe(4);
    new EventLogFile(log, 'outcomes file', undefined, readAt).close();
    expect(readFileSync(log, 'utf8')).toBe('');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
