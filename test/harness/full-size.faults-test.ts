import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runHarness, type Mode } from './harness.js';

/**
 * `npm run test:faults`: issue 9's harness at full size. HARNESS_EVENTS (default 20 000),
 * HARNESS_TRIALS (kill trials, default 10), HARNESS_SEED (1), HARNESS_MODES (reference,shipped,faulted,killed),
 * HARNESS_MOVES (1: the corpus also holds writes that move a record away from a value another op
 * finds it by, scripts/corpus.mjs --moves; the default; 0 leaves them out).
 */
it('full size: one at a time, shipped, faulted and killed end in the same portal', async () => {
  const events = Number(process.env.HARNESS_EVENTS ?? 20_000);
  const killTrials = Number(process.env.HARNESS_TRIALS ?? 10);
  const modes = process.env.HARNESS_MODES ? (process.env.HARNESS_MODES.split(',') as Mode[]) : undefined;
  const moves = process.env.HARNESS_MOVES !== '0';
  const h = await runHarness({ events, seed: Number(process.env.HARNESS_SEED ?? 1), killTrials, moves, ...(modes ? { modes } : {}), log: (l) => console.log(l) });
  console.log(h.table);
  writeFileSync(path.join(h.dir, 'table.md'), h.table + '\n');
  console.log(`table and logs in ${h.dir}`);
  expect(h.support).toEqual({ oneAtATime: true, outcomes: true });
  for (const r of h.results) {
    expect(r.diff.equal, `${r.mode} ${r.trial}: ${r.diff.examples.join('\n')}`).toBe(true);
    expect(r.outcomeProblems, `${r.mode} ${r.trial}: ${r.notes.join('; ')}`).toBe(0);
    expect(r.outcomesDiffer, `${r.mode} ${r.trial}`).toBe(0);
  }
});
