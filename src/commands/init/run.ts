import { existsSync, writeFileSync } from 'node:fs';
import { transformEventName } from '../../actions/sendCustomBehavioralEvent/event-name.js';
import { HubSpotRunError, UserError } from '../../errors.js';
import { requestedApiBaseUrl } from '../../hubspot/api.js';
import { accountHubId, listEventDefinitions, listProperties, listSchemas } from '../../hubspot/portal.js';
import { parseMappingText } from '../../mapping/mapping-file.js';
import { formatProblem } from '../../mapping/problems.js';
import type { Factory } from '../factory.js';
import { askAnswers } from './ask.js';
import type { InitFlags } from './flags.js';
import { recordKeyOf, renderMapping, type InitAnswers, type PortalNames } from './render.js';

const ACTIONS = ['contacts', 'companies', 'records', 'events'] as const;

async function readPortal(factory: Factory, flags: InitFlags): Promise<PortalNames | undefined> {
  if (flags.offline) return undefined;
  try {
    const client = await factory.httpClient({ requestedBaseUrl: requestedApiBaseUrl(flags.baseUrl, factory.io.env), token: flags.token, profile: flags.profile });
    try {
      const [hubId, events, schemas, props] = await Promise.all([accountHubId(client), listEventDefinitions(client).catch(() => []), listSchemas(client).catch(() => []), listProperties(client, 'contacts').catch(() => [])]);
      return { hubId: hubId === undefined ? undefined : String(hubId), events, schemas, contactProperties: props.filter((p) => !p.hubspotDefined && !p.readOnly && !p.calculated).map((p) => p.name) };
    } finally {
      client.close();
    }
  } catch (err) {
    // No login, or HubSpot unreachable: the wizard offers no names, and says why when it matters.
    if (err instanceof HubSpotRunError && err.reason !== 'auth') factory.io.say(`(could not read the portal: ${err.message}; continuing without its names)`);
    return undefined;
  }
}

function parseActions(list: string | undefined): InitAnswers['actions'] | undefined {
  if (list === undefined) return undefined;
  const got = list.split(/[\s,]+/).filter(Boolean);
  const bad = got.filter((a) => !(ACTIONS as readonly string[]).includes(a));
  if (bad.length || got.length === 0) throw new UserError(`--actions: ${bad.length ? `unknown ${bad.map((b) => `"${b}"`).join(', ')}` : 'none given'}`, `give any of ${ACTIONS.join(', ')}, comma-separated`);
  return got as InitAnswers['actions'];
}

/** The answers --yes takes: flags where given, else the defaults (contacts and companies, batched). */
export function defaults(flags: InitFlags, portal: PortalNames | undefined, batchingGiven: boolean): InitAnswers {
  const hubId = flags.hubId?.trim() || portal?.hubId;
  const segmentEvent = flags.segmentEvent?.trim() || 'Order Completed';
  const objectType = flags.objectType?.trim() || 'deals';
  return {
    actions: parseActions(flags.actions) ?? ['contacts', 'companies'],
    hubId,
    batching: batchingGiven ? !!flags.batching : true,
    segmentEvent,
    objectType,
    recordKey: recordKeyOf(objectType, portal),
    eventName: flags.eventName?.trim() || (hubId ? `pe${hubId}_${transformEventName(segmentEvent)}` : undefined),
    contactProperties: [],
    eventProperties: [],
  };
}

export async function runInit(factory: Factory, flags: InitFlags, batchingGiven: boolean): Promise<void> {
  const { io } = factory;
  if (flags.hubId !== undefined && !/^\d+$/.test(flags.hubId.trim())) throw new UserError(`--hub-id must be digits, not "${flags.hubId}"`);
  if (existsSync(flags.output) && !flags.force) throw new UserError(`${flags.output} exists; nothing was written`, 'give another --output, or add --force to overwrite it');
  parseActions(flags.actions);
  if (!flags.yes && (!io.stdinIsTTY || !io.stderrIsTTY)) throw new UserError('init asks its questions in a terminal, and there is none', 'run it in a terminal, or add --yes (with --actions, --hub-id, --event-name… for the answers)');
  const portal = await readPortal(factory, flags);
  const answers = flags.yes ? defaults(flags, portal, batchingGiven) : await askAnswers(io, defaults(flags, portal, batchingGiven), portal);
  if (answers.actions.includes('events') && !answers.eventName) throw new UserError('the events mapping needs a HubSpot event name (pe<hubId>_<name>)', 'give --hub-id or --event-name');
  const text = renderMapping(answers);
  const checked = parseMappingText(flags.output, text);
  if (!checked.file) {
    for (const p of checked.problems) io.say(formatProblem(p));
    throw new UserError(`the mapping written from these answers would not validate; nothing was written`, 'check the names given (the event name must start with pe<hubId>_)');
  }
  writeFileSync(flags.output, text);
  io.say(`Wrote ${flags.output}: ${checked.file.mappings.length} mapping${checked.file.mappings.length === 1 ? '' : 's'}; it validates. Next: hubspot-actions send sample.ndjson -m ${flags.output} --plan`);
}
