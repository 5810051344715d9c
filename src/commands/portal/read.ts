import { UserError } from '../../errors.js';
import { requestedApiBaseUrl } from '../../hubspot/api.js';
import type { HubSpotClient } from '../../hubspot/client.js';
import { listAssociationLabels, listEventDefinitions, listProperties, listSchemas, PortalReadError, type AssociationLabel } from '../../hubspot/portal.js';
import type { Factory } from '../factory.js';
import type { PortalFlags } from './flags.js';
import { table } from './table.js';

export async function portalClient(factory: Factory, flags: PortalFlags): Promise<HubSpotClient> {
  return factory.httpClient({ requestedBaseUrl: requestedApiBaseUrl(flags.baseUrl, factory.io.env), token: flags.token, profile: flags.profile });
}

/** A read HubSpot refused is the user's to fix (an unknown object type, a missing scope). */
async function reading<T>(what: () => Promise<T>, hint: string): Promise<T> {
  try {
    return await what();
  } catch (err) {
    if (err instanceof PortalReadError) throw new UserError(err.message, err.status === 403 ? "the token lacks a scope for this read; `hubspot-actions auth status` lists the token's scopes" : hint);
    throw err;
  }
}

async function withClient(factory: Factory, flags: PortalFlags, run: (c: HubSpotClient) => Promise<void>): Promise<void> {
  const client = await portalClient(factory, flags);
  try {
    await run(client);
  } finally {
    client.close?.();
  }
}

export async function portalProperties(factory: Factory, object: string, flags: PortalFlags): Promise<void> {
  await withClient(factory, flags, async (client) => {
    const props = await reading(() => listProperties(client, object), '`hubspot-actions portal objects` lists the custom object types; standard ones are contacts, companies, deals, tickets');
    const out = factory.io.stdout;
    if (flags.json) return void out.write(JSON.stringify(props, null, 2) + '\n');
    const flagsOf = (p: (typeof props)[number]) => [p.readOnly && 'read-only', p.calculated && 'calculated', p.hasUniqueValue && 'unique', !p.hubspotDefined && 'custom'].filter(Boolean).join(',');
    const opts = (p: (typeof props)[number]) => (p.options.length ? p.options.slice(0, 6).map((o) => o.value).join('; ') + (p.options.length > 6 ? `; … (${p.options.length})` : '') : '');
    out.write(table(['NAME', 'TYPE', 'FIELD TYPE', 'FLAGS', 'LABEL', 'OPTIONS'], props.map((p) => [p.name, p.type, p.fieldType, flagsOf(p), p.label, opts(p)])));
    out.write(`${props.length} properties of ${object}\n`);
  });
}

export async function portalEvents(factory: Factory, flags: PortalFlags): Promise<void> {
  await withClient(factory, flags, async (client) => {
    const defs = await reading(() => listEventDefinitions(client), 'the token needs behavioral_events.event_definitions.read_write');
    const out = factory.io.stdout;
    if (flags.json) return void out.write(JSON.stringify(defs, null, 2) + '\n');
    out.write(table(['NAME', 'LABEL', 'OBJECT', 'PROPERTIES'], defs.map((d) => [d.fullyQualifiedName, d.label, d.primaryObject, d.properties.map((p) => `${p.name}:${p.type}`).join(' ')])));
    out.write(`${defs.length} event definition${defs.length === 1 ? '' : 's'}\n`);
  });
}

const STANDARD_PAIRS: Array<[string, string]> = [['contacts', 'companies'], ['deals', 'contacts'], ['deals', 'companies'], ['tickets', 'contacts']];

export async function portalObjects(factory: Factory, flags: PortalFlags): Promise<void> {
  await withClient(factory, flags, async (client) => {
    const schemas = await reading(() => listSchemas(client), 'the token needs crm.schemas.custom.read');
    const pairs: Array<[string, string]> = [...STANDARD_PAIRS, ...schemas.flatMap((s) => ['contacts', 'companies', 'deals'].map((t): [string, string] => [s.fullyQualifiedName, t]))];
    const labels: Array<{ from: string; to: string; types: AssociationLabel[] }> = [];
    for (const [from, to] of pairs) {
      try {
        labels.push({ from, to, types: await listAssociationLabels(client, from, to) });
      } catch (err) {
        if (!(err instanceof PortalReadError)) throw err;
      }
    }
    const out = factory.io.stdout;
    if (flags.json) return void out.write(JSON.stringify({ schemas, associationLabels: labels }, null, 2) + '\n');
    out.write(schemas.length ? table(['OBJECT TYPE', 'TYPE ID', 'NAME', 'LABEL', 'PRIMARY', 'SEARCHABLE'], schemas.map((s) => [s.fullyQualifiedName, s.objectTypeId, s.name, s.labels.singular ?? '', s.primaryDisplayProperty ?? '', s.searchableProperties.join(' ')])) : 'No custom objects.\n');
    out.write('\nAssociation types (associationLabel is CATEGORY:typeId):\n');
    out.write(table(['FROM', 'TO', 'ASSOCIATION LABEL', 'LABEL'], labels.flatMap((l) => l.types.map((t) => [l.from, l.to, `${t.category}:${t.typeId}`, t.label ?? '(unlabelled)']))));
  });
}
