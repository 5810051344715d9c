#!/usr/bin/env node
// The floor a dry-run is measured against: split the file into lines, JSON.parse each, and
// JSON.stringify one request-sized object per event (what a dry-run must at least do).
//   node bench/floor.mjs events.ndjson   → {"events":N,"bytes":B} on stdout
import { createReadStream } from 'node:fs';

let events = 0;
let bytes = 0;
let rest = '';
let sink = 0;
for await (const chunk of createReadStream(process.argv[2], { encoding: 'utf8', highWaterMark: 1 << 16 })) {
  bytes += Buffer.byteLength(chunk);
  const lines = (rest + chunk).split('\n');
  rest = lines.pop() ?? '';
  for (const line of lines) one(line);
}
one(rest);

function one(line) {
  if (!line) return;
  const e = JSON.parse(line);
  events++;
  const body = { inputs: [{ id: e.messageId, idProperty: 'email', properties: e.traits ?? e.properties ?? {} }] };
  sink += JSON.stringify({ sources: [{ file: 'f', line: events, messageId: e.messageId }], method: 'POST', url: 'https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert', body }).length;
}
process.stdout.write(JSON.stringify({ events, bytes, sink }) + '\n');
