import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Sample } from './checks.js';

/** Events read ahead to check mapped values before the first write: enough to see a mapping's shapes. */
export const SAMPLE_EVENTS = 1000;

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    await fh.read(buf, 0, 2, 0);
    return buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The first events of the input files (stdin is not read ahead: it can be read once only).
 * Lines that are not JSON objects are left to the run, which reports them with their line.
 */
export async function readSamples(files: string[], max = SAMPLE_EVENTS): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const file of files) {
    if (out.length >= max) break;
    const raw = createReadStream(file);
    const input = (await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
    const rl = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const text of rl) {
        line++;
        if (out.length >= max) break;
        if (text.trim() === '' || text.length > 1_000_000) continue;
        try {
          const event = JSON.parse(text);
          if (event && typeof event === 'object' && !Array.isArray(event)) out.push({ file, line, event });
        } catch {
          // The run reports it.
        }
      }
    } catch {
      // An unreadable or truncated file: the run reports it, with what it could read.
    } finally {
      rl.close();
      raw.destroy();
    }
  }
  return out;
}
