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
  if (r.stoppedBy) lines.push(`Stopped: ${r.stoppedBy.message}${r.stoppedBy.hint ? `\n  ${r.stoppedBy.hint}` : ''}`);
  if (r.unfinishedFrom) lines.push(resumeAdvice(`${r.unfinishedFrom.file}:${r.unfinishedFrom.line}`, !!opts.checkpoint));
  return lines.join('\n') + '\n';
}

/** How to go on after a stop: the checkpoint resumes only if one was given. */
function resumeAdvice(at: string, checkpoint: boolean): string {
  if (checkpoint) return `Events from ${at} on are not finished: run the same command again to resume there.`;
  return (
    `Events from ${at} on are not finished. No --checkpoint was given, so running the same command again starts at the first line, ` +
    'which is safe: records are upserted by their key and each event carries a uuid, so what was already sent is not applied twice. ' +
    'Add --checkpoint <file> to later runs to resume where a run stops instead.'
  );
}
