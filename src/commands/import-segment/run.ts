import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { parseMappingText } from '../../mapping/mapping-file.js';
import { formatProblem } from '../../mapping/problems.js';
import type { IOStreams } from '../io.js';
import { convertSubscriptions, ImportError } from './convert.js';
import type { ImportSegmentFlags } from './flags.js';

export interface ImportSegmentOptions {
  file: string;
  flags: ImportSegmentFlags;
  io: IOStreams;
}

function readExport(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'give the JSON file Segment\'s Public API returned for GET /destinations/{id}/subscriptions');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file} is not JSON (${err instanceof Error ? err.message : String(err)})`, 'save the Public API answer as it came, e.g. `curl … > subscriptions.json`');
  }
}

/** Converts, checks the result as `validate` would, then writes it and says what was left out. */
export async function runImportSegment(o: ImportSegmentOptions): Promise<void> {
  const { flags, io } = o;
  if (flags.hubId !== undefined && !/^\d+$/.test(flags.hubId.trim())) throw new UserError(`--hub-id must be digits, not "${flags.hubId}"`, 'the Hub ID is the number in your portal\'s URLs (app.hubspot.com/contacts/1234567)');
  if (flags.output && existsSync(flags.output) && !flags.force) throw new UserError(`${flags.output} exists; nothing was written`, 'give another --output, or add --force to overwrite it');
  let converted;
  try {
    converted = convertSubscriptions(readExport(o.file), o.file, flags.hubId?.trim());
  } catch (err) {
    if (err instanceof ImportError) throw new UserError(`${o.file}: ${err.message}`, 'see `hubspot-actions import-segment --help` for the shapes it reads');
    throw err;
  }
  const target = flags.output ?? 'mappings.yaml';
  const checked = parseMappingText(target, converted.yaml);
  for (const s of converted.skipped) io.say(`not imported: ${o.file} ${s.at} "${s.name}" (${s.action}): ${s.reason}`);
  for (const d of converted.dropped) io.say(`field left out: ${o.file} ${d.at} "${d.name}": ${d.reason}`);
  if (flags.output) writeFileSync(flags.output, converted.yaml);
  else io.stdout.write(converted.yaml);
  if (!checked.file) {
    for (const p of checked.problems) io.say(formatProblem(p));
    throw new UserError(`the imported mapping has ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}${flags.output ? ` (written to ${flags.output} all the same)` : ''}`, 'fix them in the file; they come from the subscriptions as Segment holds them');
  }
  io.say(`${converted.mappings} mapping${converted.mappings === 1 ? '' : 's'} imported${flags.output ? ` to ${flags.output}` : ''}, ${converted.skipped.length} subscription${converted.skipped.length === 1 ? '' : 's'} not imported; the file validates.`);
}
