import type { Command } from 'commander';
import type { Factory } from '../factory.js';
import type { ImportSegmentFlags } from './flags.js';


export function registerImportSegment(program: Command, factory: Factory): void {
  program
    .command('import-segment')
    .description("Turn a Segment HubSpot (Actions) destination's subscriptions (Public API export, or a list of {name, partnerAction, subscribe, mapping}) into a mapping file.")
    .argument('<export>', 'the JSON file: GET /destinations/{id}/subscriptions answer, or a plain list')
    .option('-o, --output <file>', 'write the mapping file here (default: stdout)')
    .option('--hub-id <id>', 'the portal\'s Hub ID, written as settings.hubId')
    .option('--force', 'overwrite --output if it exists')
    .addHelpText('after', '\nExample:\n  hubspot-actions import-segment subscriptions.json -o mappings.yaml --hub-id 1234567')
    .action(async (file: string, flags: ImportSegmentFlags) => {
      const { runImportSegment } = await import('./run.js');
      await runImportSegment({ file, flags, io: factory.io });
    });
}
