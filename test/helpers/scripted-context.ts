import { parseMappingText } from '../../src/mapping/mapping-file.js';
import { mapEvent } from '../../src/mapping/map-event.js';
import type { HubSpotRequest, HubSpotResponse } from '../../src/hubspot/transport.js';
import type { OpHandle } from '../../src/model.js';
import type { PerformContext, PlannedOp, RunMemory } from '../../src/actions/types.js';
import { RecentRecords } from '../../src/pipeline/run-memory.js';
import { apiPaths } from '../../src/hubspot/api.js';

export type Answer = { status: number; body?: any; headers?: Record<string, string> };

/** One expected request: `METHOD /path` and HubSpot's answer (or a function of the request giving it). */
export type Step = [route: string, answer: Answer | ((req: HubSpotRequest) => Answer)];

export interface Scripted extends PerformContext {
  /** Every request sent, as `METHOD /path`, with its body. */
  sent: Array<{ route: string; req: HubSpotRequest; ops: number[] }>;
  /** The steps not yet consumed; a test ends with none left. */
  left(): string[];
}

/**
 * A perform context whose `send` answers from a script, in order, as HubSpot would: an action's
 * flow tested in-process, request by request. A request the script does not expect fails the test.
 */
export function scripted(steps: Step[], run: Partial<RunMemory> = {}): Scripted {
  const queue = [...steps];
  const sent: Scripted['sent'] = [];
  return {
    run: { ids: new Map(), records: new RecentRecords(), flags: new Set(), ...run },
    paths: apiPaths('v3'),
    // No wait before a look-up in tests: the script answers at once.
    searchSettleMs: 0,
    sent,
    left: () => queue.map(([r]) => r),
    async send<T>(req: HubSpotRequest, ops: OpHandle[]): Promise<HubSpotResponse<T>> {
      const route = `${req.method} ${req.path}`;
      sent.push({ route, req, ops: ops.map((o) => o.id) });
      const step = queue.shift();
      if (!step) throw new Error(`unexpected request ${route}: the script is done`);
      if (step[0] !== route) throw new Error(`expected ${step[0]}, got ${route}`);
      const a = typeof step[1] === 'function' ? step[1](req) : step[1];
      return { headers: {}, ...a } as HubSpotResponse<T>;
    },
  };
}

let nextId = 1;

/** Plans one event through a mapping (YAML fields under one mapping) into an op as the pipeline would hand it over. */
export function planned(action: string, fieldsYaml: string, event: Record<string, unknown>, opts: { trigger?: string; sameEvent?: Map<string, OpHandle> } = {}): OpHandle & { plan: PlannedOp } {
  const yaml = `version: 1\nmappings:\n  - name: m\n    action: ${action}\n${opts.trigger ? `    trigger: '${opts.trigger}'\n` : ''}${fieldsYaml ? `    fields:\n${fieldsYaml}` : ''}`;
  const r = parseMappingText('t.yaml', yaml);
  if (!r.file) throw new Error(r.problems.map((p) => p.message).join('\n'));
  const m = r.file.mappings[0]!;
  const mapped = mapEvent(m, event as any);
  if (!mapped.ok) throw new Error(mapped.message);
  const plan = m.action.plan(mapped.payload, { settings: {}, event: event as any, mappingName: 'm', messageId: String(event.messageId ?? 'x'), sameEvent: opts.sameEvent ?? new Map() });
  return { id: nextId++, action: m.action.name, mappingName: 'm', data: plan.data, plan };
}

export const ok = (body: any = {}): Answer => ({ status: 200, body });
export const notFound: Answer = { status: 404, body: { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'resource not found' } };
/** A batch write's answer echoing each input's trace id with a new id and its properties. */
export const echoBatch = (firstId = 100) => (req: HubSpotRequest): Answer => ({
  status: 200,
  body: { status: 'COMPLETE', results: (req.body as any).inputs.map((i: any, n: number) => ({ id: i.id && !i.idProperty ? String(i.id) : String(firstId + n), properties: { ...i.properties }, objectWriteTraceId: i.objectWriteTraceId })) },
});
