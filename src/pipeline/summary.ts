import type { RunResult } from './run.js';

/** The end-of-run summary people read on stderr. */
export function formatSummary(r: RunResult, opts: { dryRun: boolean; elapsedMs: number; checkpoint?: boolean }): string {
  const c = r.counts;
  const lines: string[] = [];
  const verb = opts.dryRun ? 'planned' : 'sent';
  if (r.alreadyComplete) lines.push('The checkpoint says this run already finished; nothing to do (give a new --checkpoint to run again).');
  if (r.resumedFrom) lines.push(`Resumed at ${r.resumedFrom.file}:${r.resumedFrom.line}.`);
  lines.push(`${opts.dryRun ? 'Dry-run' : 'Run'} summary (${(opts.elapsedMs / 1000).toFixed(1)} s):`);
  lines.push(`  events read:      ${c.read}`);
  for (const [m, n] of Object.entries(c.matchedByMapping)) lines.push(`    matched "${m}": ${n}`);
  const row = (label: string, n: number) => `  ${(label + ':').padEnd(18)}${n}`;
  lines.push(row(opts.dryRun ? 'would deliver' : 'delivered', c.delivered));
  lines.push(row('skipped', c.skipped));
  for (const [reason, n] of Object.entries(c.skippedByReason)) lines.push(`    ${reason}: ${n}`);
  lines.push(row(opts.dryRun ? 'invalid/failed' : 'failed', c.failed));
  for (const [reason, n] of Object.entries(c.failedByReason)) lines.push(`    ${reason}: ${n}`);
  if (r.unfinished) lines.push(row('unfinished', r.unfinished));
  lines.push(`  requests ${verb}: ${r.requests}`);
  for (const [a, n] of Object.entries(r.requestsByAction)) lines.push(`    ${a}: ${n}`);
  if (r.failedFile) lines.push(`Failed events were written to ${r.failedFile} (send that file again with the same mapping to retry them).`);
  if (r.interrupted) lines.push('Interrupted: in-flight requests finished.');
  if (r.unfinishedFrom) {
    lines.push(
      opts.checkpoint
        ? `Events from ${r.unfinishedFrom.file}:${r.unfinishedFrom.line} on are not finished: run the same command again to resume there.`
        : `Events from ${r.unfinishedFrom.file}:${r.unfinishedFrom.line} on are not finished (no --checkpoint was given): run again to send them; what was done is not done twice.`,
    );
  }
  if (r.stoppedBy) lines.push(`Stopped: ${r.stoppedBy.message}${r.stoppedBy.hint ? `\n  ${r.stoppedBy.hint}` : ''}`);
  return lines.join('\n') + '\n';
}
