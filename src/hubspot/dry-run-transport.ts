import type { HubSpotRequest, HubSpotResponse, Transport } from './transport.js';

/**
 * Sends nothing. Answers as HubSpot would if the portal held none of the records: reads and
 * searches find nothing, so the dry-run shows the requests a first live run would make, and
 * writes answer with made-up ids (`new-contacts-1`) that later requests can refer to.
 */
export class DryRunTransport implements Transport {
  readonly readOnly = true;
  readonly looksNothingUp = true;
  private counter = 0;

  async send<T = any>(req: HubSpotRequest): Promise<HubSpotResponse<T>> {
    return { headers: {}, ...this.answer(req) } as HubSpotResponse<T>;
  }

  private newId(type: string): string {
    return `new-${type}-${++this.counter}`;
  }

  private answer(req: HubSpotRequest): { status: number; body?: any } {
    const p = req.path;
    const type = /\/objects\/(?:\d{4}-\d{2}\/)?([^/]+)/.exec(p)?.[1] ?? 'record';
    const body = req.body as any;
    const notFound = { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'resource not found (dry-run: nothing is looked up)' };
    if (req.method === 'GET') return { status: 404, body: notFound };
    if (p.endsWith('/search')) return { status: 200, body: { total: 0, results: [] } };
    if (p.endsWith('/batch/read')) {
      const ids = (body?.inputs ?? []).map((i: any) => String(i.id));
      return { status: 207, body: { status: 'COMPLETE', results: [], numErrors: 1, errors: [{ ...notFound, context: { ids } }] } };
    }
    if (/\/batch\/(create|upsert|update)$/.test(p)) {
      const results = (body?.inputs ?? []).map((i: any) => ({
        id: i.id && !i.idProperty ? String(i.id) : this.newId(type),
        new: !(i.id && !i.idProperty),
        properties: { ...(i.properties ?? {}) },
        objectWriteTraceId: i.objectWriteTraceId,
      }));
      return { status: p.endsWith('create') ? 201 : 200, body: { status: 'COMPLETE', results } };
    }
    if (req.method === 'PATCH' && req.query?.idProperty) return { status: 404, body: notFound };
    if (req.method === 'PATCH') return { status: 200, body: { id: decodeURIComponent(p.split('/').pop()!), properties: { ...(body?.properties ?? {}) } } };
    if (req.method === 'POST' && /\/objects\/(?:\d{4}-\d{2}\/)?[^/]+$/.test(p)) return { status: 201, body: { id: this.newId(type), properties: { ...(body?.properties ?? {}) } } };
    if (p.startsWith('/events/')) return { status: 204 };
    if (/\/properties\/[^/]+$/.test(p) && req.method === 'POST') return { status: 201, body: { ...body } };
    return { status: 200, body: { status: 'COMPLETE', results: [] } };
  }
}
