import { apiPaths, type ApiPaths } from '../hubspot/api.js';
import {
  accountHubId,
  listAssociationLabels,
  listEventDefinitions,
  listProperties,
  listSchemas,
  PortalReadError,
  type AssociationLabel,
  type PortalEventDefinition,
  type PortalProperty,
  type PortalSchema,
} from '../hubspot/portal.js';
import type { Transport } from '../hubspot/transport.js';

/** HubSpot's own object types, by name and by type id. */
const STANDARD: Record<string, string> = {
  contacts: '0-1', contact: '0-1', companies: '0-2', company: '0-2', deals: '0-3', deal: '0-3', tickets: '0-5', ticket: '0-5',
  products: '0-7', line_items: '0-8', quotes: '0-14', calls: '0-48', emails: '0-49', meetings: '0-47', notes: '0-46', tasks: '0-27',
};
const STANDARD_IDS = new Set(Object.values(STANDARD));

export type ObjectTypeAnswer = { ok: true; id: string; custom: boolean; schema?: PortalSchema } | { ok: false; known: string[] };

/** What the checks read of the portal, each thing once (the reads are GETs only). */
export class PortalFacts {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly transport: Transport,
    readonly token: { hubId?: number; scopes?: string[] },
    /** The family the run sends to (`--api-version`), so the checks read where the run writes. */
    readonly paths: ApiPaths = apiPaths(),
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) this.cache.set(key, (p = read()));
    return p;
  }

  schemas(): Promise<PortalSchema[]> {
    return this.once('schemas', async () => {
      try {
        return await listSchemas(this.transport, this.paths);
      } catch (err) {
        // A portal without custom objects (or a token without the schema scope) lists none.
        if (err instanceof PortalReadError && (err.status === 403 || err.status === 404)) return [];
        throw err;
      }
    });
  }

  async objectType(name: string): Promise<ObjectTypeAnswer> {
    const n = name.trim();
    const std = STANDARD[n.toLowerCase()] ?? (STANDARD_IDS.has(n) ? n : undefined);
    if (std) return { ok: true, id: std, custom: false };
    const schemas = await this.schemas();
    const schema = schemas.find((s) => s.fullyQualifiedName === n || s.objectTypeId === n || s.name === n);
    if (schema) return { ok: true, id: schema.objectTypeId, custom: true, schema };
    return { ok: false, known: schemas.map((s) => s.fullyQualifiedName) };
  }

  /** The object's properties by name; undefined when HubSpot would not list them. */
  properties(objectType: string): Promise<Map<string, PortalProperty> | undefined> {
    return this.once(`props:${objectType}`, async () => {
      try {
        return new Map((await listProperties(this.transport, objectType, this.paths)).map((p) => [p.name, p]));
      } catch (err) {
        if (err instanceof PortalReadError) return undefined;
        throw err;
      }
    });
  }

  eventDefinitions(): Promise<Map<string, PortalEventDefinition> | undefined> {
    return this.once('events', async () => {
      try {
        return new Map((await listEventDefinitions(this.transport, this.paths)).map((d) => [d.fullyQualifiedName, d]));
      } catch (err) {
        if (err instanceof PortalReadError) return undefined;
        throw err;
      }
    });
  }

  labels(from: string, to: string): Promise<AssociationLabel[] | undefined> {
    return this.once(`labels:${from}:${to}`, async () => {
      try {
        return await listAssociationLabels(this.transport, from, to, this.paths);
      } catch (err) {
        if (err instanceof PortalReadError) return undefined;
        throw err;
      }
    });
  }

  hubId(): Promise<number | undefined> {
    return this.once('hub', async () => this.token.hubId ?? (await accountHubId(this.transport, this.paths)));
  }
}
