import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchMapping, generate } from '../../bench/gen.mjs';
import { BIN, inputFiles, ROOT } from '../helpers/run-cli.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The dry-run's stdout: into a file, through a shell pipe (`| cat`), or through a socket read
 * slowly (Node's own pipes to a child), so its writes wait for the reader in different places.
 */
function dryRun(args: string[], into: { file: string } | '| cat' | 'slow socket'): Promise<string> {
  return new Promise((resolve, reject) => {
    const fd = typeof into === 'object' ? openSync(into.file, 'w') : undefined;
    const child =
      into === '| cat'
        ? spawn('sh', ['-c', `${quote(process.execPath)} ${[BIN, ...args].map(quote).join(' ')} | cat`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
        : spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', fd ?? 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => {
      chunks.push(d);
      if (into !== 'slow socket') return;
      child.stdout!.pause();
      setTimeout(() => child.stdout!.resume(), 3);
    });
    child.on('error', reject);
    child.on('close', () => {
      if (fd !== undefined) closeSync(fd);
      resolve(fd !== undefined ? readFileSync((into as { file: string }).file, 'utf8') : Buffer.concat(chunks).toString('utf8'));
    });
  });
}

describe('send --dry-run prints the same requests however fast its output is read', () => {
  it('into a file, through a pipe and through a slow socket, over 20,000 mixed events', async () => {
    const { m, e } = inputFiles(benchMapping(), [...generate(20_000, 3)]);
    const args = ['send', e, '-m', m, '--dry-run', '--quiet'];
    const toFile = await dryRun(args, { file: path.join(path.dirname(e), 'out.ndjson') });
    expect(toFile.split('\n').length).toBeGreaterThan(100);
    for (const how of ['| cat', 'slow socket'] as const) expect({ how, same: (await dryRun(args, how)) === toFile }).toEqual({ how, same: true });
  }, 60_000);
});
