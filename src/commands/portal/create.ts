import { UserError } from '../../errors.js';
import { paths } from '../../hubspot/api.js';
import type { Transport } from '../../hubspot/transport.js';
import { loadMappingFile } from '../../mapping/mapping-file.js';
import { formatProblem } from '../../mapping/problems.js';
import type { Factory } from '../factory.js';
import { confirm } from './confirm.js';
import { portalClient } from './read.js';
import type { CreatePropertiesFlags } from './flags.js';
import { table } from './table.js';
import { missingFromPortal, type Wanted } from './wanted.js';
import { readSamples } from '../../preflight/samples.js';
import { PortalFacts } from '../../preflight/facts.js';

/** Sample events read for property names and value types. */
const MAX_SAMPLES = 10_000;

export async function createProperties(factory: Factory, flags: CreatePropertiesFlags): Promise<void> {
  const { io } = factory;
  const { file, problems } = loadMappingFile(flags.mapping);
  if (!file) {
    for (const p of problems) io.say(formatProblem(p));
    throw new UserError(`${flags.mapping} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was created`, `fix them first (\`hubspot-actions validate ${flags.mapping}\`)`);
  }
  const samples = flags.events ? await readSamples([flags.events], MAX_SAMPLES) : [];
  if (flags.events && samples.length === 0) throw new UserError(`${flags.events} holds no events (one JSON object a line)`, 'give a sample of the events you will send, or leave --events out (every new property is then a string)');
  const client = await portalClient(factory, flags);
  try {
    const wanted = await missingFromPortal(file, samples, new PortalFacts(client, {}));
    for (const s of wanted.skipped) io.say(`skipped: ${s}`);
    if (wanted.items.length === 0) {
      if (flags.json) io.stdout.write(JSON.stringify({ created: [], skipped: wanted.skipped }) + '\n');
      else io.stdout.write('Nothing to create: the portal has every property and event definition the mapping writes.\n');
      return;
    }
    io.stderr.write(table(['CREATE', 'ON', 'NAME', 'TYPE', 'FROM'], wanted.items.map((w) => [w.kind, w.owner, w.name, w.type, w.from])));
    if (!flags.yes) await confirm(io, `Create ${wanted.items.length} in the portal?`);
    const created = await createAll(client, wanted.items, io.say);
    if (flags.json) io.stdout.write(JSON.stringify({ created, skipped: wanted.skipped }) + '\n');
    else io.stdout.write(`Created ${created.length} of ${wanted.items.length}.\n`);
    if (created.length < wanted.items.length) throw new UserError(`${wanted.items.length - created.length} could not be created (see above)`, 'fix the cause and run the command again: what exists now is not created twice');
  } finally {
    client.close();
  }
}

async function createAll(client: Transport, items: Wanted[], say: (s: string) => void): Promise<Wanted[]> {
  const done: Wanted[] = [];
  for (const w of items) {
    const res = await client.send(requestFor(w));
    if (res.status >= 200 && res.status < 300) {
      done.push(w);
      say(`created ${w.kind} ${w.owner} ${w.name} (${w.type})`);
    } else {
      say(`could not create ${w.kind} ${w.owner} ${w.name}: HubSpot answered ${res.status}${res.body?.message ? `: ${res.body.message}` : ''}`);
    }
  }
  return done;
}

const label = (name: string) => name.replace(/^pe\d+_/, '').replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

function requestFor(w: Wanted) {
  if (w.kind === 'event') {
    const name = w.name.replace(/^pe\d+_/, '');
    return { method: 'POST' as const, path: paths.eventDefinitions(), body: { name, label: label(w.name), primaryObject: 'CONTACT', includeDefaultProperties: true, propertyDefinitions: (w.properties ?? []).map((p) => ({ name: p.name, label: label(p.name), type: p.type })) } };
  }
  if (w.kind === 'event property') return { method: 'POST' as const, path: `${paths.eventDefinitions()}/${encodeURIComponent(w.owner)}/property`, body: { name: w.name, label: label(w.name), type: w.type } };
  const bool = w.type === 'bool';
  const fieldType = { string: 'text', number: 'number', date: 'date', datetime: 'date', bool: 'booleancheckbox' }[w.type] ?? 'text';
  const options = bool ? [{ label: 'Yes', value: 'true', displayOrder: 0, hidden: false }, { label: 'No', value: 'false', displayOrder: 1, hidden: false }] : undefined;
  return { method: 'POST' as const, path: paths.properties(w.owner), body: { name: w.name, label: label(w.name), type: w.type, fieldType, groupName: w.groupName, ...(options ? { options } : {}) } };
}
