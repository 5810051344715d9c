#!/usr/bin/env node
// A seeded corpus for the in-order harness (issue 9): Segment events, the mapping file they run
// through, and the emulator seed they need. The same seed and size always give the same files.
//
//   node scripts/corpus.mjs [--events 20000] [--seed 1] [--moves] [--out dir]
//     writes dir/events.ndjson, dir/mapping.yaml, dir/seed.json (default dir: ./corpus-<seed>-<events>)
//
// What it holds, on purpose (each is something a batched, concurrent, merging run can get wrong):
// - identifies repeated per user with changing traits (the last one must win), some with no email
//   (no mapping matches: skipped), some users never identified at all;
// - "Signed Up" tracks upserting the same contacts one at a time (enable_batching false) between the
//   batched identifies;
// - groups before and after their user's first identify (associateContact: true with no contact is
//   an error in Segment: the company is not created), groups whose website is missing, groups whose
//   website finds a company the portal already holds (two group ids share one such domain), partner
//   groups through a mapping with createNewCompany: false;
// - "Order Completed" deals associated with the buyer's contact by email (HUBSPOT_DEFINED:3), buyers
//   identified before, after or never, some with no buyer email;
// - "Order Updated" with two customObjectSearchFields (order_ref or dealname; order_ref sometimes
//   missing), createNewCustomRecord: false (an update of an order not created yet is skipped), and a
//   USER_DEFINED "Buyer" association label;
// - custom behavioral events, some with no email (failed: Segment requires email, utk or objectId).
//
// With `moves` (--moves), also writes that move a record away from a value another op finds it by,
// which the tool keeps in order by putting the ops that may move a type's records in one sequence (docs/architecture.md):
// groups of a shared domain that now and then name their own domain (their company leaves the
// domain the other group searches) or none (an upsert on segment_group_id alone, of the company the
// other group may have taken), "Order Renamed" finding a deal by order_ref and renaming it, and
// "Ticket Opened" associating a ticket with the company that holds a domain as the event comes, and
// "Account Noted" reaching a company by its crm_id (a custom record of companies) where groups reach
// it by segment_group_id or domain: two actions, different properties, one record, and the crm_id
// itself moves when a second group takes a shared company; the seeded companies hold a crm_id too,
// which partner groups reach by domain and write plan on without setting crm_id (writes keys alone
// order those).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HUB_ID = 1234567;
/** The USER_DEFINED deals→contacts "Buyer" label the seed creates is the first label of a fresh portal. */
export const DEFAULT_BUYER_LABEL_TYPE_ID = 500;

/** mulberry32, the emulator's too (test/emulator/prng.ts): the same seed gives the same corpus. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAN_PROPERTY = { name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'companyinformation' };

/** The portal before the run: custom properties, the event definition, the label, companies found by domain. */
export function corpusSeed(opts = {}) {
  const { groups } = sizes(opts.events ?? 1000);
  const shared = Math.max(2, Math.ceil(groups / 8));
  return {
    properties: {
      contacts: [{ name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'contactinformation' }],
      companies: [PLAN_PROPERTY],
      deals: [{ name: 'order_ref', label: 'Order ref', type: 'string', fieldType: 'text', groupName: 'dealinformation' }],
      ...(opts.moves ? { companies: [PLAN_PROPERTY, { name: 'crm_id', label: 'CRM id', type: 'string', fieldType: 'text', groupName: 'companyinformation' }] } : {}),
    },
    associationLabels: [{ fromObjectType: 'deals', toObjectType: 'contacts', label: 'Buyer', name: 'buyer' }],
    eventDefinitions: [{ name: 'clicked', label: 'Clicked', propertyDefinitions: [{ name: 'page', label: 'Page', type: 'string' }] }],
    records: {
      companies: Array.from({ length: shared }, (_, k) => ({ properties: { name: `Seeded ${k}`, domain: `shared${k}.example`, ...(opts.moves ? { crm_id: `crm-s${k}` } : {}) } })),
    },
  };
}

export function corpusMapping(opts = {}) {
  const label = opts.buyerLabelTypeId ?? DEFAULT_BUYER_LABEL_TYPE_ID;
  return `version: 1
settings:
  hubId: "${HUB_ID}"
mappings:
  - name: contacts
    action: upsertContact
    trigger: 'type = "identify" and traits.email != null'
    fields:
      lifecyclestage: { "@path": "$.traits.lifecycle_stage" }
      properties:
        plan: { "@path": "$.traits.plan" }
      enable_batching: true

  - name: signups
    action: upsertContact
    trigger: 'type = "track" and event = "Signed Up"'
    fields:
      email: { "@path": "$.properties.email" }
      firstname: { "@path": "$.properties.first_name" }
      properties:
        plan: { "@path": "$.properties.plan" }
      enable_batching: false

  - name: companies
    action: upsertCompany
    trigger: 'type = "group" and (traits.kind = null or traits.kind = "customer")'
    fields:
      companysearchfields:
        domain: { "@path": "$.traits.website" }
      properties:
        plan: { "@path": "$.traits.plan" }
${opts.moves ? '        crm_id: { "@path": "$.traits.crm_id" }\n' : ''}
  - name: partners
    action: upsertCompany
    trigger: 'type = "group" and traits.kind = "partner"'
    fields:
      createNewCompany: false
      associateContact: false
      companysearchfields:
        domain: { "@path": "$.traits.website" }
${opts.moves ? '      properties:\n        plan: { "@path": "$.traits.plan" }\n' : ''}
  - name: deals
    action: upsertCustomObjectRecord
    trigger: 'type = "track" and (event = "Order Completed" or event = "Order Placed")'
    fields:
      objectType: deals
      customObjectSearchFields:
        dealname: { "@template": "Order {{properties.order_id}}" }
      properties:
        dealname: { "@template": "Order {{properties.order_id}}" }
        amount: { "@path": "$.properties.total" }
        order_ref: { "@path": "$.properties.order_ref" }
        pipeline: default
        dealstage: appointmentscheduled
      searchFieldsToAssociateCustomObjects:
        email: { "@path": "$.properties.buyer_email" }
      toObjectType: contacts
      associationLabel: HUBSPOT_DEFINED:3

  - name: deal updates
    action: upsertCustomObjectRecord
    trigger: 'type = "track" and event = "Order Updated"'
    fields:
      objectType: deals
      createNewCustomRecord: false
      customObjectSearchFields:
        order_ref: { "@path": "$.properties.order_ref" }
        dealname: { "@template": "Order {{properties.order_id}}" }
      properties:
        amount: { "@path": "$.properties.total" }
        dealstage: { "@path": "$.properties.stage" }
      searchFieldsToAssociateCustomObjects:
        email: { "@path": "$.properties.buyer_email" }
      toObjectType: contacts
      associationLabel: USER_DEFINED:${label}

${opts.moves ? RENAMES + LINKS + ACCOUNTS : ''}  - name: clicks
    action: sendCustomBehavioralEvent
    trigger: 'type = "track" and event = "Clicked"'
    fields:
      eventName: pe${HUB_ID}_clicked
      email: { "@path": "$.properties.email" }
      properties:
        page: { "@path": "$.properties.page" }
`;
}

const RENAMES = `  - name: renames
    action: upsertCustomObjectRecord
    trigger: 'type = "track" and event = "Order Renamed"'
    fields:
      objectType: deals
      createNewCustomRecord: false
      customObjectSearchFields:
        order_ref: { "@path": "$.properties.order_ref" }
      properties:
        dealname: { "@path": "$.properties.name" }

`;

// A ticket associated with the company holding a domain, which groups now and then move away from
// it: the association's search must see those moves in input order (a moves key orders it; tickets
// move nothing, so they are in no sequence and go as soon as their batch does).
const LINKS = `  - name: tickets
    action: upsertCustomObjectRecord
    trigger: 'type = "track" and event = "Ticket Opened"'
    fields:
      objectType: tickets
      customObjectSearchFields:
        subject: { "@path": "$.properties.subject" }
      properties:
        subject: { "@path": "$.properties.subject" }
        hs_pipeline: "0"
        hs_pipeline_stage: "1"
      toObjectType: companies
      searchFieldsToAssociateCustomObjects:
        domain: { "@path": "$.properties.company_domain" }
      associationLabel: HUBSPOT_DEFINED:339

`;

// A custom record of companies found by crm_id, which customer groups set: Upsert Company reaches the
// same company by segment_group_id or domain, so the two actions' writes of plan must land in input
// order though they share no key of the record (writes keys order them). Not found: skipped.
const ACCOUNTS = `  - name: accounts
    action: upsertCustomObjectRecord
    trigger: 'type = "track" and event = "Account Noted"'
    fields:
      objectType: companies
      createNewCustomRecord: false
      customObjectSearchFields:
        crm_id: { "@path": "$.properties.crm_id" }
      properties:
        plan: { "@path": "$.properties.plan" }
        description: { "@path": "$.properties.note" }

`;

function sizes(events) {
  return { users: Math.max(6, Math.floor(events / 10)), groups: Math.max(4, Math.floor(events / 40)) };
}

const STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'customer'];
const PLANS = ['free', 'pro', 'enterprise'];
const DEAL_STAGES = ['qualifiedtobuy', 'presentationscheduled', 'contractsent', 'closedwon', 'closedlost'];
const T0 = Date.parse('2026-11-01T00:00:00.000Z');

/** The events, in input order. */
export function corpusEvents(opts = {}) {
  const total = opts.events ?? 1000;
  const seed = opts.seed ?? 1;
  const r = rng(seed);
  const { users, groups } = sizes(total);
  const shared = Math.max(2, Math.ceil(groups / 8));
  const pick = (n) => Math.floor(r() * n);
  // A user drawn with a skew, so some users recur often; ids >= users * 0.9 are never identified.
  const user = () => Math.floor(users * Math.pow(r(), 1.6));
  const identified = (u) => u < Math.floor(users * 0.9);
  const email = (u) => `user${u}@corpus.example`;
  const website = (g) => {
    const m = g % 4;
    if (m === 0 || m === 1) {
      const x = opts.moves ? r() : 1;
      if (m === 1 && x < 0.25) return `g${g}.example`;
      if (m === 0 && x < 0.15) return undefined;
      return `shared${(g >> 2) % shared}.example`; // two group ids find one seeded company
    }
    if (m === 2) return `g${g}.example`;
    return undefined; // no search value
  };
  const kind = (g) => (g % 7 === 3 ? 'partner' : g % 3 === 0 ? 'customer' : undefined);
  let orders = 0;
  const out = [];
  for (let i = 0; i < total; i++) {
    const ts = new Date(T0 + i * 1000).toISOString();
    const messageId = `c${seed}-${i}`;
    const x = r();
    let e;
    if (x < 0.3) {
      let u = user();
      if (!identified(u)) u = pick(Math.floor(users * 0.9));
      const traits = { firstname: `F${u}-${i}`, plan: PLANS[pick(3)], lifecycle_stage: STAGES[pick(STAGES.length)] };
      if (r() >= 0.05) traits.email = email(u);
      e = { type: 'identify', messageId, userId: `u${u}`, timestamp: ts, traits };
    } else if (x < 0.45) {
      const g = pick(groups);
      const u = user();
      const traits = { name: `Company ${g} (${i})`, plan: PLANS[pick(3)] };
      const w = website(g);
      if (w) traits.website = w;
      const k = kind(g);
      if (k) traits.kind = k;
      if (opts.moves && g % 5 !== 4) traits.crm_id = `crm${g}`;
      e = { type: 'group', messageId, userId: `u${u}`, groupId: `grp${g}`, timestamp: ts, traits };
    } else if (x < 0.65) {
      const n = orders++;
      const b = user();
      const properties = { order_id: `o${n}`, order_ref: `r${n}`, total: 10 + pick(990) };
      if (r() >= 0.05) properties.buyer_email = email(b);
      e = { type: 'track', messageId, userId: `u${b}`, event: r() < 0.8 ? 'Order Completed' : 'Order Placed', timestamp: ts, properties };
    } else if (x < 0.75) {
      // Mostly an order that exists; sometimes the next one, not created yet (createNewCustomRecord false: skipped).
      const n = r() < 0.85 && orders > 0 ? pick(orders) : orders;
      const b = user();
      const properties = { order_id: `o${n}`, total: 10 + pick(990), stage: DEAL_STAGES[pick(DEAL_STAGES.length)] };
      if (r() >= 0.3) properties.order_ref = `r${n}`; // a missing search value: dealname alone finds it
      if (r() >= 0.1) properties.buyer_email = email(b);
      e = { type: 'track', messageId, userId: `u${b}`, event: 'Order Updated', timestamp: ts, properties };
    } else if (opts.moves && x < 0.77) {
      const n = orders > 0 ? pick(orders) : 0;
      const properties = { order_ref: `r${n}`, name: `Order o${n} (renamed ${i})` };
      e = { type: 'track', messageId, userId: `u${user()}`, event: 'Order Renamed', timestamp: ts, properties };
    } else if (opts.moves && x < 0.79) {
      const g = pick(groups);
      const domain = g % 4 <= 1 ? `shared${(g >> 2) % shared}.example` : `g${g}.example`;
      const properties = { subject: `Ticket ${i}`, company_domain: domain };
      e = { type: 'track', messageId, userId: `u${user()}`, event: 'Ticket Opened', timestamp: ts, properties };
    } else if (opts.moves && x < 0.81) {
      // A group's crm_id, or a seeded company's, which only partners (by domain, setting no crm_id) also write.
      const crm = r() < 0.7 ? `crm${pick(groups)}` : `crm-s${pick(shared)}`;
      const properties = { crm_id: crm, plan: PLANS[pick(3)], note: `Note ${i}` };
      e = { type: 'track', messageId, userId: `u${user()}`, event: 'Account Noted', timestamp: ts, properties };
    } else if (x < 0.9) {
      const u = user();
      const properties = { page: `/p/${pick(20)}` };
      if (r() >= 0.03) properties.email = email(u);
      e = { type: 'track', messageId, userId: `u${u}`, event: 'Clicked', timestamp: ts, properties };
    } else {
      const u = user();
      e = { type: 'track', messageId, userId: `u${u}`, event: 'Signed Up', timestamp: ts, properties: { email: email(u), first_name: `S${u}-${i}`, plan: PLANS[pick(3)] } };
    }
    out.push(e);
  }
  return out;
}

export function corpusNdjson(opts = {}) {
  return corpusEvents(opts).map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** Writes events.ndjson, mapping.yaml and seed.json into dir. */
export function writeCorpus(dir, opts = {}) {
  mkdirSync(dir, { recursive: true });
  const files = { events: path.join(dir, 'events.ndjson'), mapping: path.join(dir, 'mapping.yaml'), seed: path.join(dir, 'seed.json') };
  writeFileSync(files.events, corpusNdjson(opts));
  writeFileSync(files.mapping, corpusMapping(opts));
  writeFileSync(files.seed, JSON.stringify(corpusSeed(opts), null, 2) + '\n');
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : def;
  };
  const events = Number(flag('events', '20000'));
  const seed = Number(flag('seed', '1'));
  const moves = args.includes('--moves');
  const out = flag('out', `corpus-${seed}-${events}${moves ? '-moves' : ''}`);
  const files = writeCorpus(out, { events, seed, moves });
  console.error(`wrote ${events} events (seed ${seed}): ${files.events}, ${files.mapping}, ${files.seed}`);
}
