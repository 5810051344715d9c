import { transformEventName } from '../../actions/sendCustomBehavioralEvent/event-name.js';
import type { IOStreams } from '../io.js';
import { recordKeyOf, type InitAnswers, type PortalNames } from './render.js';

type Question = Record<string, unknown> & { name: string };

async function prompt(io: IOStreams, questions: Question[]): Promise<Record<string, any>> {
  const { createPromptModule } = await import('inquirer');
  const p = createPromptModule({ input: io.stdin as NodeJS.ReadStream, output: io.stderr as NodeJS.WriteStream });
  return (await p(questions as any)) as Record<string, any>;
}

const ACTION_CHOICES = [
  { name: 'Contacts from identify (Upsert Contact)', value: 'contacts' },
  { name: 'Companies from group (Upsert Company)', value: 'companies' },
  { name: 'Deals, tickets or custom object records from a track event (Upsert Custom Object Record)', value: 'records' },
  { name: 'Custom behavioral events from a track event (Send Custom Behavioral Event)', value: 'events' },
];

/** The wizard: each question's default is what --yes would take (flags included). */
export async function askAnswers(io: IOStreams, d: InitAnswers, portal: PortalNames | undefined): Promise<InitAnswers> {
  const first = await prompt(io, [
    { type: 'checkbox', name: 'actions', message: 'Which actions?', choices: ACTION_CHOICES.map((c) => ({ ...c, checked: d.actions.includes(c.value as any) })), validate: (v: unknown[]) => (v.length ? true : 'Pick at least one.') },
    { type: 'input', name: 'hubId', message: 'Hub ID of the portal (empty: none)', default: d.hubId ?? '', validate: (v: string) => (/^\d*$/.test(v.trim()) ? true : 'Digits only.') },
  ]);
  const actions = first.actions as InitAnswers['actions'];
  const hubId = String(first.hubId).trim() || undefined;
  const more = await prompt(io, [
    ...(actions.includes('contacts') ? [{ type: 'confirm', name: 'batching', message: 'Batch contacts (100 a request)?', default: d.batching }] : []),
    ...(actions.includes('contacts') && portal?.contactProperties.length ? [{ type: 'checkbox', name: 'contactProperties', message: "Map which of the portal's custom contact properties (from traits of the same name)?", choices: portal.contactProperties }] : []),
    ...(actions.includes('records') ? [objectTypeQuestion(d, portal)] : []),
    ...(actions.includes('records') || actions.includes('events') ? [{ type: 'input', name: 'segmentEvent', message: 'Which Segment track event?', default: d.segmentEvent }] : []),
  ]);
  const segmentEvent = String(more.segmentEvent ?? d.segmentEvent).trim();
  const objectType = String(more.objectType ?? d.objectType).trim();
  const ev = actions.includes('events') ? await askEvent(io, hubId, segmentEvent, d, portal) : { eventName: d.eventName, eventProperties: [] };
  return { ...d, actions, hubId, batching: more.batching ?? d.batching, contactProperties: more.contactProperties ?? [], segmentEvent, objectType, recordKey: recordKeyOf(objectType, portal), ...ev };
}

function objectTypeQuestion(d: InitAnswers, portal: PortalNames | undefined): Question {
  const custom = portal?.schemas.map((s) => ({ name: `${s.fullyQualifiedName} (${s.labels.plural ?? s.name})`, value: s.fullyQualifiedName })) ?? [];
  if (!custom.length) return { type: 'input', name: 'objectType', message: 'Object type (deals, tickets, p<hubId>_<name>)', default: d.objectType };
  return { type: 'list', name: 'objectType', message: 'Object type', choices: [{ name: 'deals', value: 'deals' }, { name: 'tickets', value: 'tickets' }, ...custom], default: d.objectType };
}

async function askEvent(io: IOStreams, hubId: string | undefined, segmentEvent: string, d: InitAnswers, portal: PortalNames | undefined): Promise<Pick<InitAnswers, 'eventName' | 'eventProperties'>> {
  const suggested = d.eventName ?? (hubId ? `pe${hubId}_${transformEventName(segmentEvent)}` : '');
  const defs = portal?.events ?? [];
  const q: Question = defs.length
    ? { type: 'list', name: 'eventName', message: 'HubSpot event definition', choices: defs.map((e) => ({ name: `${e.fullyQualifiedName} (${e.label})`, value: e.fullyQualifiedName })) }
    : { type: 'input', name: 'eventName', message: 'HubSpot event name (pe<hubId>_<name>)', default: suggested, validate: (v: string) => (/^pe\d+_/.test(v.trim()) ? true : 'It starts with pe<hubId>_.') };
  const { eventName } = await prompt(io, [q]);
  const props = defs.find((e) => e.fullyQualifiedName === eventName)?.properties.map((p) => p.name) ?? [];
  return { eventName: String(eventName).trim(), eventProperties: props };
}
