import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runValidate } from '../../src/commands/validate.js';
import { UserError } from '../../src/errors.js';

function fakeIO() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } } };
}

describe('runValidate: a plain function of its options', () => {
  it('writes the verdict to the IO it is given and returns', async () => {
    const { io, out } = fakeIO();
    await runValidate({ io, mapping: 'mappings.example.yaml' });
    expect(out).toEqual({ stdout: 'mappings.example.yaml: 4 mappings, no problems\n', stderr: '' });
  });

  it('throws a UserError after listing the problems, leaving the exit code to the entry point', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ha-vc-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 2\nmappings: []\n');
    const { io, out } = fakeIO();
    const run = runValidate({ io, file });
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(`1 problem in ${file}`);
    expect(out.stderr).toBe(`${file}:1:10: unsupported version 2\n  hint: this tool reads mapping files with \`version: 1\`\n`);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
