import type { Command } from 'commander';
import { UserError } from '../errors.js';

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
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a mapping file: YAML, actions, fields, directives, triggers. Exits non-zero on any problem.')
    .argument('[mapping]', 'the mapping file (YAML)')
    .option('-m, --mapping <file>', 'the mapping file, as send takes it')
    .option('--json', 'print the problems as JSON on stdout')
    .action(async (file: string | undefined, flags: { mapping?: string; json?: boolean }) => {
      await runValidate({ io: { stdout: process.stdout, stderr: process.stderr }, file, mapping: flags.mapping, json: flags.json });
    });
}

/** Checks a mapping file and reports it; throws UserError when it has problems (warnings alone pass). */
export async function runValidate(o: ValidateOptions): Promise<void> {
  const path = mappingPath(o);
  const [{ loadMappingFile }, { formatProblem, formatWarning }] = await Promise.all([import('../mapping/mapping-file.js'), import('../mapping/problems.js')]);
  const { file, problems, warnings } = loadMappingFile(path);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (o.json) {
    const all = [...problems.map((p) => ({ severity: 'error', ...p })), ...warnings.map((p) => ({ severity: 'warning', ...p }))];
    o.io.stdout.write(JSON.stringify({ file: path, ok: problems.length === 0, mappings: file?.mappings.length ?? null, problems: all }, null, 2) + '\n');
  } else {
    for (const p of problems) o.io.stderr.write(formatProblem(p) + '\n');
    for (const p of warnings) o.io.stderr.write(formatWarning(p) + '\n');
  }
  if (problems.length) throw new UserError(`${count(problems.length, 'problem')} in ${path}`, warnings.length ? `and ${count(warnings.length, 'warning')}` : undefined);
  if (!o.json) o.io.stdout.write(`${path}: ${count(file!.mappings.length, 'mapping')}, no problems${warnings.length ? `, ${count(warnings.length, 'warning')}` : ''}\n`);
}

function mappingPath(o: ValidateOptions): string {
  if (o.file && o.mapping && o.file !== o.mapping) {
    throw new UserError(`validate was given two mapping files: ${o.file} and -m ${o.mapping}`, 'give the mapping file once, as an argument or with -m');
  }
  const path = o.mapping ?? o.file;
  if (!path) throw new UserError('validate needs a mapping file', 'hubspot-actions validate mappings.yaml (or -m mappings.yaml)');
  return path;
}
