import type { Command } from 'commander';
import type { Factory } from '../factory.js';
import type { PortalFlags, CreatePropertiesFlags } from './flags.js';

const login = (c: Command) =>
  c
    .option('--token <token>', 'HubSpot access token (else HUBSPOT_ACCESS_TOKEN, else the stored login)')
    .option('--profile <name>', 'stored login to use')
    .option('--base-url <url>', 'HubSpot API base URL (else HUBSPOT_API_BASE_URL, else the stored login\'s)');

/** `portal …`: what a mapping author needs to know of the portal, read with GETs; and creating what a mapping lacks. */
export function registerPortal(program: Command, factory: Factory): void {
  const portal = program.command('portal').description("Read the portal's properties, event definitions and custom objects; create what a mapping writes but the portal lacks.");
  login(portal.command('properties').description("An object's properties: name, type, options, read-only").argument('<object>', 'contacts, companies, deals, tickets, or a custom object (p<hubId>_name or 2-N)').option('--json', 'as JSON on stdout'))
    .action(async (object: string, flags: PortalFlags) => (await import('./read.js')).portalProperties(factory, object, flags));
  login(portal.command('events').description('Custom behavioral event definitions with their properties').option('--json', 'as JSON on stdout'))
    .action(async (flags: PortalFlags) => (await import('./read.js')).portalEvents(factory, flags));
  login(portal.command('objects').description('Custom object schemas and the association labels between object types').option('--json', 'as JSON on stdout'))
    .action(async (flags: PortalFlags) => (await import('./read.js')).portalObjects(factory, flags));
  login(
    portal
      .command('create-properties')
      .description('Create the custom properties a mapping writes that the portal lacks (types inferred from sample events), and the event definitions of its custom events')
      .requiredOption('-m, --mapping <file>', 'the mapping file')
      .option('--events <file>', 'sample events (NDJSON, .gz too): property names mapped from events, and value types')
      .option('--yes', 'create without asking (scripts)')
      .option('--json', 'print what was created as JSON on stdout'),
  ).action(async (flags: CreatePropertiesFlags) => (await import('./create.js')).createProperties(factory, flags));
}
