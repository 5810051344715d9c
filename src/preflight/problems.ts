/** What the preflight checks found, each problem once however many events show it. */
export type ProblemKind =
  | 'scope'
  | 'hub-id'
  | 'object-type'
  | 'property'
  | 'read-only'
  | 'value'
  | 'event-definition'
  | 'event-property'
  | 'association-label'
  | 'portal';

export interface PreflightProblem {
  kind: ProblemKind;
  /** The mapping it concerns; none for the whole file (the Hub ID). */
  mapping?: string;
  message: string;
  hint?: string;
  /** It would fail every event of the mapping: a live `send` stops before its first write. */
  fatal: boolean;
  /** Events (or planned writes) that show it; 0 when the mapping alone shows it. */
  events: number;
  /** The first input lines that show it. */
  lines: Array<{ file: string; line: number }>;
}

export interface Where {
  file: string;
  line: number;
}

const MAX_LINES = 3;

export class ProblemList {
  private readonly byKey = new Map<string, PreflightProblem>();
  /** Lines already counted per problem: a sample and the plan's write of one event count once. */
  private readonly counted = new Map<string, Set<string>>();

  /** Adds a problem, or counts one more event for it; `key` groups repeats (defaults to the message). */
  add(p: Omit<PreflightProblem, 'events' | 'lines'>, where?: Where[], key?: string): void {
    const k = `${p.kind}|${p.mapping ?? ''}|${key ?? p.message}`;
    let have = this.byKey.get(k);
    if (!have) this.byKey.set(k, (have = { ...p, events: 0, lines: [] }));
    else if (p.fatal) have.fatal = true;
    let seen = this.counted.get(k);
    if (!seen) this.counted.set(k, (seen = new Set()));
    for (const w of where ?? []) {
      const at = `${w.file}:${w.line}`;
      if (seen.has(at)) continue;
      seen.add(at);
      have.events++;
      if (have.lines.length < MAX_LINES && !have.lines.some((l) => l.file === w.file && l.line === w.line)) have.lines.push({ file: w.file, line: w.line });
    }
  }

  /** Those that stop a live run first. */
  list(): PreflightProblem[] {
    return [...this.byKey.values()].sort((a, b) => Number(b.fatal) - Number(a.fatal));
  }

  byKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.byKey.values()) out[p.kind] = (out[p.kind] ?? 0) + 1;
    return out;
  }

  fatal(): PreflightProblem[] {
    return this.list().filter((p) => p.fatal);
  }
}

export function formatProblems(problems: PreflightProblem[]): string {
  const lines: string[] = [];
  for (const p of problems) {
    const where = p.mapping !== undefined ? `mapping "${p.mapping}": ` : '';
    const seen = p.events > 0 ? ` (${p.events} event${p.events === 1 ? '' : 's'}, e.g. ${p.lines.map((l) => `${l.file}:${l.line}`).join(', ')})` : '';
    lines.push(`  ${p.fatal ? 'stop ' : 'warn '} [${p.kind}] ${where}${p.message}${seen}`);
    if (p.hint) lines.push(`         ${p.hint}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
