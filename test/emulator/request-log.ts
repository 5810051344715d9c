export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  route?: string;
  at: string;
}

const KEEP = 1000;

/** What tests read back through GET /__emulator/requests. */
export class RequestLog {
  private counts = new Map<string, number>();
  private routeCounts = new Map<string, number>();
  private entries: LoggedRequest[] = [];
  private total = 0;
  private statuses = new Map<string, number>();
  private dailyRefusals = 0;

  record(e: Omit<LoggedRequest, 'at'>): void {
    this.total++;
    const st = String(e.status);
    this.statuses.set(st, (this.statuses.get(st) ?? 0) + 1);
    const key = `${e.method} ${e.path}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (e.route) this.routeCounts.set(e.route, (this.routeCounts.get(e.route) ?? 0) + 1);
    this.entries.push({ ...e, at: new Date().toISOString() });
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
  }

  clear(): void {
    this.counts.clear();
    this.routeCounts.clear();
    this.entries = [];
    this.total = 0;
    this.statuses.clear();
    this.dailyRefusals = 0;
  }

  /** A 429 answered because the daily limit ran out (counted apart from ten-secondly 429s). */
  recordDailyRefusal(): void {
    this.dailyRefusals++;
  }

  /** Totals since the last reset, for a harness's table: answers by status (0 = dropped). */
  stats(): { total: number; statuses: Record<string, number>; dailyRefusals: number } {
    return { total: this.total, statuses: Object.fromEntries(this.statuses), dailyRefusals: this.dailyRefusals };
  }

  snapshot(last = 200): { total: number; counts: Record<string, number>; routes: Record<string, number>; log: LoggedRequest[] } {
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
    return { total: this.total, counts: sorted(this.counts), routes: sorted(this.routeCounts), log: this.entries.slice(-last) };
  }
}
