import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, splitLineChunks } from './split-lines.js';

export interface InputLine {
  /** Index of the input in the run's list, for the checkpoint. */
  input: number;
  file: string;
  /** 1-based line number. */
  line: number;
  text: string;
  /** Why the line has no usable text: too long (its bytes were skipped), or not UTF-8 (its bytes kept). */
  unreadable?: { kind: 'too-long'; bytes: number } | { kind: 'not-utf8'; bytes: Buffer };
}

/** How far through the input files reading is, in bytes on disk (compressed for .gz), for the ETA. */
export interface ReadProgress {
  bytesRead: number;
  /** Unknown when reading stdin. */
  bytesTotal?: number;
}

export interface ReadOptions {
  progress?: ReadProgress;
  /** Lines before this position are skipped: they were finished by an earlier run. */
  resumeAt?: { input: number; line: number };
  /** The process's standard input, given by the command's IO service: read when an input is '-'. */
  stdin?: Readable;
  /** Longer lines are not kept: they fail with their number, and reading goes on after them. */
  maxLineBytes?: number;
}

export const STDIN = '-';

/** How an input is named in outcomes, errors and the summary. */
export const inputName = (name: string): string => (name === STDIN ? '<stdin>' : name);

/** True for a gzip file, by its magic bytes: Segment's exports are gzipped NDJSON, whatever the name. */
async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The first chunk a stream gives, put back so it is read again (null: the stream was empty). How
 * stdin and pipes are sniffed for gzip: they cannot be read twice from the start as a file can.
 */
export async function peekFirstChunk(stream: Readable): Promise<Buffer | null> {
  if (stream.readableEnded) return null;
  const first: Buffer | null = await new Promise((resolve) => {
    const onReadable = () => {
      stream.off('end', onEnd);
      resolve(stream.read() as Buffer | null);
    };
    const onEnd = () => {
      stream.off('readable', onReadable);
      resolve(null);
    };
    stream.once('readable', onReadable);
    stream.once('end', onEnd);
  });
  if (first) stream.unshift(first);
  return first;
}

const gunzippedIfGzip = async (stream: Readable): Promise<Readable> => {
  const first = await peekFirstChunk(stream);
  return first && first[0] === 0x1f && first[1] === 0x8b ? stream.pipe(createGunzip()) : stream;
};

async function openInput(name: string, stdin: Readable | undefined, progress?: ReadProgress): Promise<Readable> {
  if (name === STDIN) {
    if (!stdin) throw new Error('internal error: standard input was not handed to the read stage');
    return gunzippedIfGzip(stdin);
  }
  let regular: boolean;
  try {
    regular = (await stat(name)).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read input file ${name} (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`, 'check the file names given to `send`');
  }
  // A pipe, `<(zcat x.gz)` or a device is sniffed from the stream (its size means nothing for the
  // progress line); a file by its first two bytes.
  if (!regular) return gunzippedIfGzip(createReadStream(name, { highWaterMark: 256 * 1024 }));
  const gz = await isGzip(name);
  const raw = createReadStream(name, { highWaterMark: 256 * 1024 });
  if (progress) raw.on('data', (chunk) => (progress.bytesRead += chunk.length));
  return gz ? raw.pipe(createGunzip()) : raw;
}

/**
 * Every line of every input, in order, with its file and line number, the lines of each chunk read
 * given together (see splitLineChunks); streamed with back-pressure (the consumer's pace drives
 * reading), so memory stays flat whatever the input size.
 */
export async function* readLineChunks(inputs: string[], opts: ReadOptions = {}): AsyncGenerator<InputLine[]> {
  const stdin = opts.stdin;
  if (opts.progress) opts.progress.bytesTotal = await totalSize(inputs);
  for (let input = 0; input < inputs.length; input++) {
    const skipBefore = opts.resumeAt ? (input < opts.resumeAt.input ? Infinity : input === opts.resumeAt.input ? opts.resumeAt.line : 0) : 0;
    if (skipBefore === Infinity) continue;
    const name = inputs[input]!;
    const file = inputName(name);
    const stream = await openInput(name, stdin, opts.progress);
    let line = 0;
    try {
      for await (const chunk of splitLineChunks(stream, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
        const out: InputLine[] = [];
        for (const got of chunk) {
          line++;
          if (line < skipBefore) continue;
          if (got.kind !== 'text') out.push({ input, file, line, text: '', unreadable: got });
          // Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the event.
          else out.push({ input, file, line, text: line === 1 && got.text.charCodeAt(0) === 0xfeff ? got.text.slice(1) : got.text });
        }
        if (out.length) yield out;
      }
    } catch (err) {
      const later = inputs.slice(input + 1).map(inputName);
      throw new UserError(
        `reading ${file} failed after line ${line}: ${(err as Error).message}`,
        `every event read before it was finished; the rest of ${file}${later.length ? ` and ${later.join(', ')}` : ''} was not read (a truncated or corrupt .gz stops here)`,
      );
    } finally {
      stream.destroy();
    }
  }
}

async function totalSize(inputs: string[]): Promise<number | undefined> {
  if (inputs.includes(STDIN)) return undefined;
  let total = 0;
  for (const name of inputs) {
    try {
      total += (await stat(name)).size;
    } catch {
      return undefined;
    }
  }
  return total;
}
