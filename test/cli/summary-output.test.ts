import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestsOf, runCli } from '../helpers/run-cli.js';

describe('send --dry-run --json', () => {
  it('keeps stdout a clean stream of request lines; the summary object goes to stderr', async () => {
    const r = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = requestsOf(r.stdout);
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(Object.keys(l)).toEqual(expect.arrayContaining(['sources', 'mapping', 'action', 'method', 'url']));
    const summary = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
    expect(summary.counts).toMatchObject({ read: 6, delivered: 5, skipped: 1, failed: 0 });
    expect(summary.requests).toBe(lines.length);
  });

  it('--summary-file writes the same summary object to a file, stdout untouched', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ha-summary-')), 'summary.json');
    const r = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run', '--summary-file', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(requestsOf(r.stdout).every((l) => typeof l.method === 'string')).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).counts.read).toBe(6);
    expect(r.stderr).toContain('Dry-run summary');
  });

  it('refuses a --summary-file in a folder that does not exist before reading anything', async () => {
    const r = await runCli(['send', 'examples/events.ndjson', '-m', 'mappings.example.yaml', '--dry-run', '--summary-file', '/nonexistent-dir/s.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write /nonexistent-dir/s.json: its folder /nonexistent-dir does not exist or is not writable');
    expect(r.stdout).toBe('');
  });
});
