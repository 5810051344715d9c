import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';

let p: Portal | undefined;
const mounts: string[] = [];
afterEach(async () => {
  await p?.stop();
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
});

const contacts = 'version: 1\nmappings:\n  - name: c\n    action: upsertContact\n';
const good = (i: number) => ({ type: 'identify', messageId: `g${i}`, traits: { email: `u${i}@x.io` } });
const bad = { type: 'identify', messageId: 'bad', traits: { email: 'not-an-email' } };

/** A small filesystem of its own (a tmpfs), to fill up: what a full disk does to a run. */
function smallDisk(kb: number): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'ha-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

const fill = (dir: string) => {
  try {
    writeFileSync(path.join(dir, 'filler'), Buffer.alloc(1024 * 1024));
  } catch {
    // ENOSPC once it is full: that is the point.
  }
};

describe('a file the run cannot write stops it cleanly, with nothing lost', () => {
  it('a failed-events file on a full device: the run stops at that event, says why, and the event is not counted', async () => {
    p = await portal();
    const file = p.file('e.ndjson', ndjson([good(1), bad, good(2)]));
    const r = await p.send([file, '-m', p.file('m.yaml', contacts), '--failed', '/dev/full', '--checkpoint', 'ck.json', '--concurrency', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write the failed-events file /dev/full (the disk is full)');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).toMatch(/Events from .*e\.ndjson:2 on are not finished/);
    const cp = JSON.parse(readFileSync(path.join(p.dir, 'ck.json'), 'utf8'));
    expect(cp.resumeAt).toEqual({ input: 0, line: 2 });
    expect(readdirSync(p.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.skipIf(!smallDiskWorks())('a checkpoint whose disk fills up mid-run: the run stops at the next save with the summary, leaving no temporary file', async () => {
    const disk = smallDisk(256)!;
    p = await portal({ faults: { slowMs: 100 } });
    const file = p.file('e.ndjson', ndjson(Array.from({ length: 60 }, (_, i) => good(i))));
    const ck = path.join(disk, 'ck.json');
    const run = p.send([file, '-m', p.file('m.yaml', contacts), '--checkpoint', ck, '--concurrency', '1']);
    for (let i = 0; i < 100 && !existsSync(ck); i++) await new Promise((res) => setTimeout(res, 50));
    fill(disk);
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot write the checkpoint ${ck} (the disk is full)`);
    expect(r.stderr).toMatch(/Run summary/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(disk).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // What was sent is not lost: the same command, with room again, ends with every contact once.
    execFileSync('rm', ['-f', path.join(disk, 'filler')]);
    const again = await p.send([file, '-m', p.file('m.yaml', contacts), '--checkpoint', ck]);
    expect(again.code).toBe(0);
    expect(recordsOf(await p.dump(), 'contacts')).toHaveLength(60);
  });
});

/** Mounting needs root (CI runs as root here); elsewhere the disk-full case is left to /dev/full above. */
function smallDiskWorks(): boolean {
  const probe = mkdtempSync(path.join(tmpdir(), 'ha-probe-'));
  mkdirSync(probe, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  }
}
