import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestsOf, runCli } from '../helpers/run-cli.js';

const MAPPING = 'test/fixtures/mapping.yaml';

describe('inputs a new user tries', () => {
  it('an empty stdin is a run of 0 events, exit 0 (a cron job whose exporter found nothing)', async () => {
    const r = await runCli(['send', '-m', MAPPING, '--dry-run'], { stdin: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/events read: +0/);
    expect(r.stderr).not.toContain('internal error');
  });

  it('/dev/null and other readable special files are read, not refused as "not a file"', async () => {
    const r = await runCli(['send', '/dev/null', '-m', MAPPING, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/events read: +0/);
  });

  it('a folder is refused, saying to give the files in it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-inputs-'));
    const r = await runCli(['send', dir, '-m', MAPPING, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read input file ${dir} (a folder: give the files in it, e.g. \`send ${dir}/*.json.gz\`)`);
  });

  it('a named pipe and process substitution are read, gzipped or not', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-inputs-'));
    const fifo = path.join(dir, 'events.pipe');
    execFileSync('mkfifo', [fifo]);
    const line = JSON.stringify({ type: 'identify', messageId: 'p1', traits: { email: 'p@x.io' } });
    const writer = spawn('sh', ['-c', `printf '%s\\n' '${line}' > ${fifo}`]);
    const r = await runCli(['send', fifo, '-m', MAPPING, '--dry-run']);
    writer.kill();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/events read: +1/);
    // What a shell hands over for `send <(zcat x.gz)`, or `<(cat x.gz)` still compressed: a pipe under /dev/fd.
    const viaShell = execFileSync('bash', ['-c', `node bin/hubspot-actions send <(printf '%s\\n' '${line}' | gzip) -m ${MAPPING} --dry-run 2>&1 >/dev/null`], { encoding: 'utf8' });
    expect(viaShell).toMatch(/events read: +1/);
  });

  it('a JSON array or pretty-printed JSON is said once not to be NDJSON, with the conversion, not one error per line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-inputs-'));
    const events = [{ type: 'identify', traits: { email: 'a@x.io' } }, { type: 'identify', traits: { email: 'b@x.io' } }];
    for (const [name, text, how] of [
      ['array.json', JSON.stringify(events), "jq -c '.[]'"],
      ['pretty.json', JSON.stringify(events, null, 2), "jq -c '.[]'"],
      ['one.json', JSON.stringify(events[0], null, 2), "jq -c '.'"],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, text + '\n');
      const r = await runCli(['send', file, '-m', MAPPING, '--dry-run']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file} is not NDJSON (one JSON event per line)`);
      expect(r.stderr).toContain(`${how} ${file} > events.ndjson`);
      expect(r.stderr).not.toMatch(/line 2 is not valid JSON/);
    }
  });

  it('stdin with events after the check for emptiness still reads every line', async () => {
    const events = Array.from({ length: 3 }, (_, i) => JSON.stringify({ type: 'identify', messageId: `m${i}`, traits: { email: `u${i}@x.io` } })).join('\n');
    const r = await runCli(['send', '-m', MAPPING, '--dry-run'], { stdin: events });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/events read: +3/);
  });
});

describe('quick checks of a big export', () => {
  it('--limit stops after n events; --only-mapping runs only the mappings named, and refuses one the file lacks', async () => {
    const limited = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run', '--limit', '2']);
    expect(limited.code).toBe(0);
    expect(limited.stderr).toMatch(/events read: +2\n/);
    expect(limited.stderr).toMatch(/Events from examples\/events\.ndjson:3 on are not finished/);
    const only = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run', '--only-mapping', 'Contacts from identify']);
    expect(only.code).toBe(0);
    expect(new Set(requestsOf(only.stdout).map((r) => r.mapping))).toEqual(new Set(['Contacts from identify']));
    const wrong = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run', '--only-mapping', 'Contacts']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--only-mapping names no mapping of mappings.example.yaml: "Contacts"');
    expect(wrong.stderr).toContain('its mappings are "Contacts from identify"');
  });
});
