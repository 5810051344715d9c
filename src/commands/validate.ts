import type { Command } from 'commander';
import type { Factory } from './factory.js';
import { UserError } from '../errors.js';
import type { MappingFile } from '../mapping/types.js';
import type { EventOutcome, MappingOutcome } from '../mapping/test-events.js';

/** Where validate writes: the report on stdout (text or JSON), problems for people on stderr. */
export interface ValidateIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface ValidateOptions {
  io: ValidateIO;
  /** The positional argument, if given. */
  file?: string;
  /** `-m, --mapping`, as `send` takes it. */
  mapping?: string;
  json?: boolean;
  /** `--events`: a sample NDJSON file to run through the mappings (the mapping tester). */
  events?: string;
}

export function registerValidate(program: Command, factory: Factory): void {
  program
    .command('validate')
    .description('Check a mapping file: YAML, actions, fields, directives, triggers. Exits non-zero on any problem.')
    .argument('[mapping]', 'the mapping file (YAML)')
    .option('-m, --mapping <file>', 'the mapping file, as send takes it')
    .option('--json', 'print the problems (and with --events, each event\'s outcome) as JSON on stdout')
    .option('--events <file>', 'sample events (NDJSON): show per event which triggers matched, what failed, and each payload; offline')
    .action(async (file: string | undefined, flags: { mapping?: string; json?: boolean; events?: string }) => {
      await runValidate({ io: factory.io, file, mapping: flags.mapping, json: flags.json, events: flags.events });
    });
}

/** Checks a mapping file and reports it; throws UserError when it has problems (warnings alone pass). */
export async function runValidate(o: ValidateOptions): Promise<void> {
  const path = mappingPath(o);
  const [{ loadMappingFile }, { formatProblem, formatWarning }] = await Promise.all([import('../mapping/mapping-file.js'), import('../mapping/problems.js')]);
  const { file, problems, warnings } = loadMappingFile(path);
  const tested = file && o.events ? await testSample(o.events, file) : undefined;
  if (o.json) {
    const all = [...problems.map((p) => ({ severity: 'error', ...p })), ...warnings.map((p) => ({ severity: 'warning', ...p }))];
    const report = { file: path, ok: problems.length === 0, mappings: file?.mappings.length ?? null, problems: all, ...(tested ? { events: tested } : {}) };
    o.io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    for (const p of problems) o.io.stderr.write(formatProblem(p) + '\n');
    for (const p of warnings) o.io.stderr.write(formatWarning(p) + '\n');
  }
  if (problems.length) {
    const hint = [warnings.length ? `and ${count(warnings.length, 'warning')}` : '', o.events ? 'the events are tested once the mapping file has no problems' : ''].filter(Boolean).join('; ');
    throw new UserError(`${count(problems.length, 'problem')} in ${path}`, hint || undefined);
  }
  if (o.json) return;
  if (tested) o.io.stdout.write(renderTested(tested, file!));
  o.io.stdout.write(`${path}: ${count(file!.mappings.length, 'mapping')}, no problems${warnings.length ? `, ${count(warnings.length, 'warning')}` : ''}\n`);
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

async function testSample(events: string, file: MappingFile): Promise<EventOutcome[]> {
  const { testEvents } = await import('../mapping/test-events.js');
  try {
    return testEvents(file, events);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new UserError(`cannot read the events file ${events} (${code})`, 'give --events a file of Segment events, one JSON object per line');
  }
}

/** The mapping tester's report for people: per event, each mapping's outcome; then totals. */
function renderTested(events: EventOutcome[], file: MappingFile): string {
  const out: string[] = [];
  for (const e of events) {
    if (e.problem) {
      out.push(`${e.file}:${e.line}: ${e.problem}`, '');
      continue;
    }
    out.push(`${e.file}:${e.line}: ${[e.type ?? '(no type)', e.event ? JSON.stringify(e.event) : '', e.messageId ? `messageId ${e.messageId}` : ''].filter(Boolean).join(' ')}`);
    for (const m of e.mappings) out.push(...renderOutcome(m));
    out.push('');
  }
  out.push(`${count(events.length, 'event')} tested:`);
  for (const m of file.mappings) {
    const mine = events.flatMap((e) => e.mappings.filter((x) => x.mapping === m.name));
    const matched = mine.filter((x) => x.matched);
    const invalid = matched.filter((x) => x.problems);
    out.push(`  "${m.name}": matched ${matched.length}${invalid.length ? `, ${invalid.length} of them invalid` : ''}`);
  }
  const notEvents = events.filter((e) => e.problem).length;
  if (notEvents) out.push(`  ${count(notEvents, 'line')} not an event`);
  return out.join('\n') + '\n';
}

function renderOutcome(m: MappingOutcome): string[] {
  const name = `"${m.mapping}" (${m.action})`;
  if (!m.matched) {
    const why = (m.failed ?? []).map((f) => `${f.condition}${'actual' in f ? ` (the event has ${f.actual === undefined ? 'nothing there' : JSON.stringify(f.actual)})` : ''}`);
    return [`  no match  ${name}: not met: ${why.join('; ')}`];
  }
  if (m.problems) return [`  invalid   ${name}:`, ...m.problems.map((p) => `              ${p.field ? `field "${p.field}": ` : ''}${p.message}`)];
  const body = JSON.stringify(m.payload, null, 2).split('\n').map((l) => `              ${l}`);
  return [`  matched   ${name}, payload:`, ...body];
}

function mappingPath(o: ValidateOptions): string {
  if (o.file && o.mapping && o.file !== o.mapping) {
    throw new UserError(`validate was given two mapping files: ${o.file} and -m ${o.mapping}`, `give the mapping file once, as an argument or with -m; to test sample events against it: hubspot-actions validate -m ${o.mapping} --events ${o.file}`);
  }
  const path = o.mapping ?? o.file;
  if (!path) throw new UserError('validate needs a mapping file', 'hubspot-actions validate mappings.yaml (or -m mappings.yaml)');
  return path;
}
