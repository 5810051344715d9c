import type { Command } from 'commander';
import { Reported, UserError } from '../errors.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check a mapping file: YAML, actions, fields, directives, triggers. Exits non-zero on any problem.')
    .argument('<mapping>', 'the mapping file (YAML)')
    .action(async (mappingPath: string) => {
      const { loadMappingFile } = await import('../mapping/mapping-file.js');
      const { formatProblem } = await import('../mapping/problems.js');
      const { file, problems } = loadMappingFile(mappingPath);
      if (problems.length) {
        for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
        process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${mappingPath}\n`);
        throw new Reported(new UserError(`${mappingPath} has problems`));
      }
      process.stdout.write(`${mappingPath}: ${file!.mappings.length} mapping${file!.mappings.length === 1 ? '' : 's'}, no problems\n`);
    });
}
