import type { Command } from 'commander';
import type { Factory } from '../factory.js';
import type { InitFlags } from './flags.js';

export function registerInit(program: Command, factory: Factory): void {
  program
    .command('init')
    .description('Write a commented mapping file, asking which actions, the Hub ID, event names, object types and batching (with a login, offers the portal\'s own names)')
    .option('-o, --output <file>', 'where to write it', 'mappings.yaml')
    .option('--yes', 'ask nothing: the defaults (and the answers given as flags)')
    .option('--force', 'overwrite --output if it exists')
    .option('--actions <list>', 'contacts,companies,records,events (any of them, comma-separated)')
    .option('--hub-id <id>', "the portal's Hub ID")
    .option('--segment-event <name>', 'the Segment track event the records and events mappings react to (default "Order Completed")')
    .option('--event-name <name>', 'the HubSpot custom event name, pe<hubId>_<name>')
    .option('--object-type <type>', 'the object type of the records mapping: deals, tickets, p<hubId>_<name>')
    .option('--batching', 'batch contacts 100 a request')
    .option('--no-batching', 'one request per contact, as Segment sends them')
    .option('--offline', 'do not read the portal for names, even with a login')
    .option('--token <token>', 'HubSpot access token, to offer the portal\'s names (else HUBSPOT_ACCESS_TOKEN, else the stored login)')
    .option('--profile <name>', 'stored login to use')
    .option('--base-url <url>', 'HubSpot API base URL')
    .addHelpText('after', '\nExamples:\n  hubspot-actions init                       # the wizard\n  hubspot-actions init --yes -o mappings.yaml  # the defaults: contacts and companies\n  hubspot-actions init --yes --actions contacts,events --hub-id 1234567 --event-name pe1234567_order_completed')
    .action(async (flags: InitFlags, cmd: Command) => {
      const { runInit } = await import('./run.js');
      await runInit(factory, flags, cmd.getOptionValueSource('batching') === 'cli');
    });
}
