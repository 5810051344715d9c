import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ndjson, portal, recordsOf, type Portal } from '../helpers/live.js';
import { BIN, runCli } from '../helpers/run-cli.js';

/** util-linux `script` gives the wizard a terminal; each answer is typed once its question shows. */
const hasScript = spawnSync('script', ['--version']).status === 0;

function wizard(cwd: string, args: string[], answers: Array<[question: string, keys: string]>): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd, env: { ...process.env, NO_COLOR: '1', HUBSPOT_ACCESS_TOKEN: undefined }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let next = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d) => {
      screen += String(d);
      while (next < answers.length && screen.includes(answers[next]![0])) {
        child.stdin.write(answers[next]![1]);
        screen = screen.slice(screen.indexOf(answers[next]![0]) + answers[next]![0].length);
        next++;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

let p: Portal;
afterEach(async () => p?.stop());

describe('init', () => {
  it('--yes writes a commented mapping of the defaults that validates, and will not overwrite a file', async () => {
    p = await portal();
    const r = await runCli(['init', '--yes', '--offline', '-o', 'm.yaml'], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Wrote m.yaml: 2 mappings; it validates.');
    const text = readFileSync(`${p.dir}/m.yaml`, 'utf8');
    expect(text).toMatch(/^# hubspot-actions mapping file/);
    expect(parse(text).mappings.map((m: any) => m.action)).toEqual(['upsertContact', 'upsertCompany']);
    const v = await runCli(['validate', 'm.yaml'], { cwd: p.dir });
    expect(v.stdout).toContain('m.yaml: 2 mappings, no problems\n');
    const again = await runCli(['init', '--yes', '--offline', '-o', 'm.yaml'], { cwd: p.dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('m.yaml exists; nothing was written');
    const noTty = await runCli(['init', '--offline', '-o', 'other.yaml'], { cwd: p.dir });
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toContain('add --yes');
    const bad = await runCli(['init', '--yes', '--offline', '-o', 'x.yaml', '--actions', 'contacts,deals'], { cwd: p.dir });
    expect(bad.stderr).toContain('--actions: unknown "deals"');
  });

  it.skipIf(!hasScript)('asks its questions in a terminal (inquirer) and writes what was answered', async () => {
    p = await portal();
    const DOWN = '\x1b[B';
    const r = await wizard(p.dir, ['init', '--offline', '-o', 'w.yaml'], [
      // contacts and companies come checked: uncheck companies, check events.
      ['Which actions?', `${DOWN} ${DOWN}${DOWN} \r`],
      ['Hub ID of the portal', '1234567\r'],
      ['Batch contacts', 'n\r'],
      ['Which Segment track event?', '\x15Signed Up\r'],
      ['HubSpot event name', '\r'],
    ]);
    expect(r.code).toBe(0);
    const file = parse(readFileSync(`${p.dir}/w.yaml`, 'utf8'));
    expect(file.settings).toEqual({ hubId: '1234567' });
    expect(file.mappings.map((m: any) => m.action)).toEqual(['upsertContact', 'sendCustomBehavioralEvent']);
    expect(file.mappings[0].fields.enable_batching).toBe(false);
    expect(file.mappings[1]).toMatchObject({ trigger: 'type = "track" and event = "Signed Up"', fields: { eventName: 'pe1234567_signed_up' } });
  });

  it('with a login, takes the Hub ID, the custom object and the event definition from the portal, and the file sends', async () => {
    p = await portal({ hubId: 1234567 });
    await p.seed({
      schemas: [{ name: 'cars', labels: { singular: 'Car', plural: 'Cars' }, primaryDisplayProperty: 'model', requiredProperties: ['model'], properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }] }],
      eventDefinitions: [{ name: 'order_completed', label: 'Order Completed' }],
    });
    const env = { HUBSPOT_API_BASE_URL: p.emu.url, HUBSPOT_ACCESS_TOKEN: p.emu.accessToken };
    const r = await runCli(['init', '--yes', '-o', 'm.yaml', '--actions', 'contacts,records,events', '--object-type', 'p1234567_cars'], { cwd: p.dir, env });
    expect(r.code).toBe(0);
    const file = parse(readFileSync(`${p.dir}/m.yaml`, 'utf8'));
    expect(file.settings).toEqual({ hubId: '1234567' });
    expect(file.mappings[1].fields).toMatchObject({ objectType: 'p1234567_cars', customObjectSearchFields: { model: { '@path': '$.properties.order_id' } } });
    expect(file.mappings[2].fields.eventName).toBe('pe1234567_order_completed');
    const events = [
      { type: 'identify', messageId: 'i1', traits: { email: 'a@x.io' } },
      { type: 'track', messageId: 't1', event: 'Order Completed', properties: { order_id: 'C-1' }, context: { traits: { email: 'a@x.io' } } },
    ];
    const sent = await p.send([p.file('e.ndjson', ndjson(events)), '-m', `${p.dir}/m.yaml`]);
    expect(sent.stderr).toMatch(/delivered:\s+2/);
    expect(sent.code).toBe(0);
    const dump = await p.dump();
    expect(recordsOf(dump, 'p1234567_cars').map((c) => c.model)).toEqual(['C-1']);
    expect(recordsOf(dump, 'contacts')).toHaveLength(1);
  });
});
