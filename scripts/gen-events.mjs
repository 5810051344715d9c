#!/usr/bin/env node
// Writes a deterministic mix of Segment events for measuring runs of mappings.example.yaml:
// a quarter identify, a quarter group (each user's company), half "Order Completed" tracks.
//   node scripts/gen-events.mjs [events=10000] [users=events/4] > events.ndjson
const total = Number(process.argv[2] ?? 10_000);
const users = Number(process.argv[3] ?? Math.max(1, Math.floor(total / 4)));
const companies = Math.max(1, Math.floor(users / 5));
let buf = '';
for (let i = 0; i < total; i++) {
  const u = i % users;
  const kind = i % 4;
  let e;
  if (kind === 0) e = { type: 'identify', messageId: `i${i}`, userId: `u${u}`, traits: { email: `u${u}@example.com`, first_name: `F${u}`, plan: `p${i % 3}` } };
  else if (kind === 1) e = { type: 'group', messageId: `g${i}`, userId: `u${u - 1}`, groupId: `co${u % companies}`, traits: { name: `Co ${u % companies}`, website: `co${u % companies}.example`, plan: 'x' } };
  else e = { type: 'track', messageId: `t${i}`, userId: `u${u}`, event: 'Order Completed', timestamp: '2026-11-01T00:00:00.000Z', properties: { order_id: `o${i}`, total: i }, context: { traits: { email: `u${u}@example.com` } } };
  buf += JSON.stringify(e) + '\n';
  if (buf.length > 1 << 16) {
    process.stdout.write(buf);
    buf = '';
  }
}
process.stdout.write(buf);
