#!/usr/bin/env node
// A seeded stream of realistic Segment events for `npm run bench`, with the mapping (all four
// actions, batching on) and the emulator seed it needs. Same seed and size, same bytes.
//
//   node bench/gen.mjs [--events 1000000] [--seed 7] [--out dir]   (dir/events.ndjson, mapping.yaml, seed.json)
//
// The mix: identify 25% (nested traits, address, some with no email, users re-identified with new
// traits), group 12% (nested traits, repeated groups, some before their user's first identify),
// track 45% ("Order Completed" deals with a buyer association, custom behavioral events with
// several names, some tracks no mapping takes), page 18% (no mapping: routed and skipped).
// Every event has a messageId, timestamps, a context (library, page, userAgent, ip, locale, campaign).
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../scripts/corpus.mjs';

export const HUB_ID = 1234567;


const PLANS = ['free', 'pro', 'enterprise'];
const STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'customer'];
const INDUSTRIES = ['COMPUTER_SOFTWARE', 'RETAIL', 'HOSPITAL_HEALTH_CARE', 'FINANCIAL_SERVICES'];
const CITIES = [['Berlin', 'DE'], ['Lyon', 'FR'], ['Austin', 'US'], ['Osaka', 'JP'], ['Leeds', 'GB']];
const PAGES = ['/', '/pricing', '/docs/start', '/blog/segment-to-hubspot', '/signup', '/account'];
const BEHAVIOURS = ['Clicked CTA', 'Video Played', 'File Downloaded', 'Feature Used'];
const OTHER_TRACKS = ['Product Viewed', 'Cart Viewed'];
const T0 = Date.parse('2026-10-01T00:00:00.000Z');

export function sizes(events) {
  return { users: Math.max(10, Math.floor(events / 12)), groups: Math.max(4, Math.floor(events / 120)) };
}

function context(r, u, i) {
  const p = PAGES[Math.floor(r() * PAGES.length)];
  return {
    library: { name: 'analytics.js', version: '5.2.1' },
    ip: `10.${(u >> 8) & 255}.${u & 255}.${i % 250}`,
    locale: 'en-US',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
    page: { path: p, url: `https://www.example.com${p}`, title: `Example ${p}`, referrer: 'https://www.google.com/' },
    campaign: r() < 0.3 ? { source: 'newsletter', medium: 'email', name: `nov-${u % 7}` } : undefined,
    traits: { email: `user${u}@bench.example` },
  };
}

/** The events in input order, one at a time; holds nothing. */
export function* generate(total, seed) {
  const r = rng(seed);
  const { users, groups } = sizes(total);
  const pick = (n) => Math.floor(r() * n);
  const user = () => Math.floor(users * Math.pow(r(), 1.5)); // skewed: some users recur often
  let orders = 0;
  // Users identified lately (a ring): three groups and tracks in four come from them, so most find
  // their contact; the rest are users identified later or never.
  const recent = new Array(1000);
  let seen = 0;
  for (let i = 0; i < total; i++) {
    const ts = new Date(T0 + i * 250).toISOString();
    const base = { messageId: `bench-${seed}-${i}`, timestamp: ts, sentAt: ts, receivedAt: ts, originalTimestamp: ts };
    const x = r();
    const u = x >= 0.25 && seen > 0 && r() < 0.75 ? recent[pick(Math.min(seen, recent.length))] : user();
    if (x < 0.25) recent[seen++ % recent.length] = u;
    const ctx = context(r, u, i);
    let e;
    if (x < 0.25) {
      const [city, country] = CITIES[pick(CITIES.length)];
      const traits = {
        first_name: `First${u}`, last_name: `Last${i % 997}`, phone: `+49 30 ${100000 + u}`,
        address: { street: `${1 + (u % 200)} Main St`, city, state: 'ST', postal_code: `${10000 + (u % 9000)}`, country },
        website: `https://u${u}.example`, plan: PLANS[pick(3)], lifecycle_stage: STAGES[pick(STAGES.length)],
        company: { name: `Company ${u % groups}`, plan: PLANS[pick(3)] }, logins: pick(500),
      };
      if (r() >= 0.04) traits.email = `user${u}@bench.example`;
      e = { type: 'identify', ...base, userId: `u${u}`, anonymousId: `anon-${u}`, traits, context: ctx };
    } else if (x < 0.37) {
      const g = pick(groups);
      const traits = {
        name: `Company ${g}`, website: g % 5 === 4 ? undefined : `co${g}.example`, plan: PLANS[pick(3)],
        industry: INDUSTRIES[g % INDUSTRIES.length], employees: 10 + (g % 50) * 20,
        address: { city: CITIES[g % CITIES.length][0], country: CITIES[g % CITIES.length][1] },
      };
      e = { type: 'group', ...base, userId: `u${u}`, anonymousId: `anon-${u}`, groupId: `grp${g}`, traits, context: ctx };
    } else if (x < 0.82) {
      const y = r();
      if (y < 0.4) {
        const n = orders++;
        const items = 1 + pick(3);
        const products = Array.from({ length: items }, (_, k) => ({ sku: `sku-${(n + k) % 500}`, name: `Product ${(n + k) % 500}`, price: 5 + ((n * 7 + k) % 95), quantity: 1 + (k % 2) }));
        const properties = { order_id: `o${n}`, total: products.reduce((s, p) => s + p.price * p.quantity, 0), currency: 'EUR', products, coupon: r() < 0.2 ? 'XMAS' : undefined };
        if (r() >= 0.05) properties.buyer_email = `user${u}@bench.example`;
        e = { type: 'track', ...base, userId: `u${u}`, event: 'Order Completed', properties, context: ctx };
      } else if (y < 0.85) {
        const name = BEHAVIOURS[pick(BEHAVIOURS.length)];
        e = { type: 'track', ...base, userId: `u${u}`, event: name, properties: { page: ctx.page.path, label: `cta-${pick(9)}`, value: pick(100) }, context: ctx };
      } else {
        e = { type: 'track', ...base, userId: `u${u}`, event: OTHER_TRACKS[pick(2)], properties: { product_id: `sku-${pick(500)}` }, context: ctx };
      }
    } else {
      e = { type: 'page', ...base, userId: `u${u}`, name: ctx.page.title, properties: { path: ctx.page.path, url: ctx.page.url, referrer: ctx.page.referrer }, context: ctx };
    }
    yield e;
  }
}

export function benchMapping() {
  return `version: 1
settings:
  hubId: "${HUB_ID}"
mappings:
  - name: contacts
    action: upsertContact
    trigger: 'type = "identify" and traits.email != null'
    fields:
      firstname: { "@path": "$.traits.first_name" }
      company: { "@path": "$.traits.company.name" }
      lastname: { "@path": "$.traits.last_name" }
      city: { "@path": "$.traits.address.city" }
      country: { "@path": "$.traits.address.country" }
      zip: { "@path": "$.traits.address.postal_code" }
      lifecyclestage: { "@case": { operator: lower, value: { "@path": "$.traits.lifecycle_stage" } } }
      properties:
        plan: { "@path": "$.traits.plan" }
        signup_source: { "@if": { exists: { "@path": "$.context.campaign.source" }, then: { "@path": "$.context.campaign.source" }, else: direct } }
      enable_batching: true

  - name: companies
    action: upsertCompany
    fields:
      companysearchfields:
        domain: { "@path": "$.traits.website" }
      industry: { "@path": "$.traits.industry" }
      numberofemployees: { "@path": "$.traits.employees" }
      city: { "@path": "$.traits.address.city" }
      properties:
        plan: { "@path": "$.traits.plan" }

  - name: deals
    action: upsertCustomObjectRecord
    trigger: 'type = "track" and event = "Order Completed"'
    fields:
      objectType: deals
      customObjectSearchFields:
        dealname: { "@template": "Order {{properties.order_id}}" }
      properties:
        dealname: { "@template": "Order {{properties.order_id}}" }
        amount: { "@path": "$.properties.total" }
        pipeline: default
        dealstage: closedwon
      searchFieldsToAssociateCustomObjects:
        email: { "@path": "$.properties.buyer_email" }
      toObjectType: contacts
      associationLabel: HUBSPOT_DEFINED:3

  - name: behaviours
    action: sendCustomBehavioralEvent
    trigger: 'type = "track" and event != "Order Completed" and event != "Product Viewed" and event != "Cart Viewed"'
    fields:
      eventName: { "@replace": { pattern: " ", replacement: "_", value: { "@template": "pe${HUB_ID}_{{event}}" } } }
      email: { "@path": "$.context.traits.email" }
      properties:
        page: { "@path": "$.properties.page" }
        label: { "@path": "$.properties.label" }
`;
}

export function benchSeed() {
  const definition = (name) => ({ name, label: name, propertyDefinitions: [{ name: 'page', label: 'Page', type: 'string' }, { name: 'label', label: 'Label', type: 'string' }] });
  return {
    properties: {
      contacts: [
        { name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
        { name: 'signup_source', label: 'Signup source', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
      ],
      companies: [{ name: 'plan', label: 'Plan', type: 'string', fieldType: 'text', groupName: 'companyinformation' }],
    },
    eventDefinitions: BEHAVIOURS.map((b) => definition(b.toLowerCase().replace(/ /g, '_'))),
  };
}

/** Writes dir/events.ndjson (streamed), dir/mapping.yaml and dir/seed.json; resolves when written. */
export async function writeBenchCorpus(dir, total, seed = 7) {
  mkdirSync(dir, { recursive: true });
  const files = { events: path.join(dir, 'events.ndjson'), mapping: path.join(dir, 'mapping.yaml'), seed: path.join(dir, 'seed.json') };
  writeFileSync(files.mapping, benchMapping());
  writeFileSync(files.seed, JSON.stringify(benchSeed(), null, 2) + '\n');
  const out = createWriteStream(files.events);
  let buf = '';
  for (const e of generate(total, seed)) {
    buf += JSON.stringify(e) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((res) => out.once('drain', res));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise((res) => out.end(res));
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : def;
  };
  const events = Number(flag('events', '1000000'));
  const seed = Number(flag('seed', '7'));
  const files = await writeBenchCorpus(flag('out', `bench/corpus-${events}`), events, seed);
  console.error(`wrote ${events} events (seed ${seed}): ${files.events}`);
}
