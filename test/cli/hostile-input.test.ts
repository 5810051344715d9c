import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestsOf, runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ha-hostile-'));
const mapping = path.join(dir, 'm.yaml');
writeFileSync(
  mapping,
  `version: 1
mappings:
  - name: c
    action: upsertContact
  - name: e
    action: sendCustomBehavioralEvent
    fields:
      eventName: pe123_x
      email: { "@path": "$.properties.email" }
      objectId: { "@path": "$.properties.objectId" }
      properties: { "@path": "$.properties.extra" }
`,
);
const identify = (email: string) => JSON.stringify({ type: 'identify', messageId: email, traits: { email } });
const failedLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

async function dryRun(name: string, content: string | Buffer, extra: string[] = []) {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  const failed = path.join(dir, `${name}.failed`);
  const r = await runCli(['send', file, '-m', mapping, '--dry-run', '--failed', failed, ...extra]);
  return { r, file, failed };
}

describe('hostile input lines fail alone, with their line number, and reading goes on', () => {
  it('a line nested 100,000 levels deep', async () => {
    const { r, failed } = await dryRun('deep.ndjson', [identify('a@x.io'), '{"x":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}', identify('b@x.io')].join('\n') + '\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/deep\.ndjson:2: line 2 is nested deeper than 64 levels/);
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack/);
    expect([...new Set(requestsOf(r.stdout).map((q) => q.sources[0].line))]).toEqual([1, 3]);
    expect(failedLines(failed).map((l) => l.failure.line)).toEqual([2]);
  });

  it('a line longer than the cap is skipped unread, and the next line is read', async () => {
    const { r } = await dryRun('long.ndjson', Buffer.concat([Buffer.from(identify('a@x.io') + '\n'), Buffer.alloc(3_000_000, 0), Buffer.from('\n' + identify('b@x.io') + '\n')]), ['--max-line-bytes', '1000000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/long\.ndjson:2: line 2 is longer than the line limit \(3000000 bytes\)/);
    expect([...new Set(requestsOf(r.stdout).map((q) => q.sources[0].line))]).toEqual([1, 3]);
  });

  it('invalid UTF-8 is failed as such, and the failed file keeps its exact bytes', async () => {
    const bad = Buffer.concat([Buffer.from('{"type":"identify","traits":{"email":"'), Buffer.from([0xff, 0xfe]), Buffer.from('@x.io"}}')]);
    const { r, failed } = await dryRun('utf8.ndjson', Buffer.concat([bad, Buffer.from('\n' + identify('b@x.io') + '\n')]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/utf8\.ndjson:1: line 1 is not valid UTF-8/);
    const [line] = failedLines(failed);
    expect(Buffer.from(line.rawBase64, 'base64').equals(bad)).toBe(true);
    // Sent again, the failed file's line is still refused and its bytes still kept.
    const again = path.join(dir, 'utf8.again');
    const r2 = await runCli(['send', failed, '-m', mapping, '--dry-run', '--failed', again]);
    expect(r2.code).toBe(2);
    expect(Buffer.from(failedLines(again)[0].rawBase64, 'base64').equals(bad)).toBe(true);
  });

  it('numbers beyond what a double holds are sent with the digits of the input, never another number', async () => {
    const track = '{"type":"track","event":"x","messageId":"t1","properties":{"email":"a@x.io","objectId":9007199254740993,"extra":{"order":12345678901234567891,"huge":1e400,"fine":42,"pi":3.5}}}';
    const { r } = await dryRun('numbers.ndjson', track + '\n');
    expect(r.code).toBe(0);
    const [req] = requestsOf(r.stdout);
    expect(req.body.objectId).toBe('9007199254740993');
    expect(req.body.properties).toEqual({ order: '12345678901234567891', huge: '1e400', fine: '42', pi: '3.5' });
  });
});
