import type { Command } from 'commander';
import type { Factory } from './factory.js';
import { UserError } from '../errors.js';
import type { ValidateIO } from './validate-sample.js';

export type { ValidateIO };

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
    .option('--events <file>', 'sample events (NDJSON, .gz, or - for stdin): show per event which triggers matched, what failed, and each payload; offline')
    .action(async (file: string | undefined, flags: { mapping?: string; json?: boolean; events?: string }) => {
      await runValidate({ io: factory.io, file, mapping: flags.mapping, json: flags.json, events: flags.events });
    });
}

/** Checks a mapping file and reports it; throws UserError when it has problems (warnings alone pass). */
export async function runValidate(o: ValidateOptions): Promise<void> {
  const path = mappingPath(o);
  const [{ loadMappingFile }, { formatProblem, formatWarning }] = await Promise.all([import('../mapping/mapping-file.js'), import('../mapping/problems.js')]);
  const { file, problems, warnings } = loadMappingFile(path);
  const tester = file && o.events ? await import('./validate-sample.js') : undefined;
  const sample = tester ? await tester.openSample(o.events!, file!, o.io.stdin) : undefined;
  if (o.json) {
    const all = [...problems.map((p) => ({ severity: 'error', ...p })), ...warnings.map((p) => ({ severity: 'warning', ...p }))];
    const report = { file: path, ok: problems.length === 0, mappings: file?.mappings.length ?? null, problems: all };
    if (sample) await tester!.writeJsonReport(o.io.stdout, report, sample);
    else o.io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    for (const p of problems) o.io.stderr.write(formatProblem(p) + '\n');
    for (const p of warnings) o.io.stderr.write(formatWarning(p) + '\n');
  }
  if (problems.length) {
    const hint = [warnings.length ? `and ${count(warnings.length, 'warning')}` : '', o.events ? 'the events are tested once the mapping file has no problems' : ''].filter(Boolean).join('; ');
    throw new UserError(`${count(problems.length, 'problem')} in ${path}`, hint || undefined);
  }
  if (o.json) return;
  if (sample) await tester!.writeTested(o.io.stdout, sample, file!);
  o.io.stdout.write(`${path}: ${count(file!.mappings.length, 'mapping')}, no problems${warnings.length ? `, ${count(warnings.length, 'warning')}` : ''}\n`);
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function mappingPath(o: ValidateOptions): string {
  if (o.file && o.mapping && o.file !== o.mapping) {
    throw new UserError(`validate was given two mapping files: ${o.file} and -m ${o.mapping}`, `give the mapping file once, as an argument or with -m; to test sample events against it: hubspot-actions validate -m ${o.mapping} --events ${o.file}`);
  }
  const path = o.mapping ?? o.file;
  if (!path) throw new UserError('validate needs a mapping file', 'hubspot-actions validate mappings.yaml (or -m mappings.yaml)');
  return path;
}
