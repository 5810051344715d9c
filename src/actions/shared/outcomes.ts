import type { FailureDetail, OpHandle, OpOutcome, PerformOutcome } from '../../model.js';

/**
 * The outcomes of one perform, collected as its flow decides them and returned in the order of the
 * ops. Each op is settled exactly once: a flow hands only the ops still open to its next step, so
 * a second outcome for one op, or none, is a bug and says so.
 */
export class Outcomes {
  private readonly got = new Map<OpHandle, PerformOutcome>();

  constructor(private readonly ops: readonly OpHandle[]) {}

  deliver(op: OpHandle): void {
    this.set(op, { kind: 'delivered' });
  }

  skip(op: OpHandle, reason: string): void {
    this.set(op, { kind: 'skipped', reason });
  }

  fail(op: OpHandle, error: FailureDetail): void {
    this.set(op, { kind: 'failed', error });
  }

  failAll(ops: readonly OpHandle[], error: FailureDetail): void {
    for (const op of ops) this.fail(op, error);
  }

  settle(op: OpHandle, outcome: OpOutcome): void {
    this.set(op, outcome);
  }

  /** Nothing written: the op waits for these and is performed again (RunOrder). */
  again(op: OpHandle, after: OpHandle[]): void {
    this.set(op, { kind: 'again', after });
  }

  list(): PerformOutcome[] {
    return this.ops.map((op) => {
      const o = this.got.get(op);
      if (!o) throw new Error(`internal error: ${op.action} gave operation ${op.id} no outcome`);
      return o;
    });
  }

  private set(op: OpHandle, outcome: PerformOutcome): void {
    if (!this.ops.includes(op)) throw new Error(`internal error: ${op.action} settled operation ${op.id}, which is not in its batch`);
    if (this.got.has(op)) throw new Error(`internal error: ${op.action} settled operation ${op.id} twice`);
    this.got.set(op, outcome);
  }
}
