import { MAX_CRM_BATCH } from '../../hubspot/api.js';
import { flattenObject } from '../shared/properties.js';
import { hasFields, singleField } from '../shared/search.js';
import { objectName, propertyKeys, unique } from '../shared/keys.js';
import { literalKeys, literalString, searchedBy } from '../shared/searched.js';
import { PayloadError, type ActionDefinition } from '../types.js';
import { fields } from './fields.js';
import { checkMapping } from './checks.js';
import { performBatch } from './batch.js';
import { performOne } from './single.js';
import type { AssociationTarget, CustomRecordOp, CustomRecordPayload } from './types.js';

/** `CATEGORY:typeId`, e.g. HUBSPOT_DEFINED:279. */
function parseLabel(label: string): { associationCategory: string; associationTypeId: number } {
  const m = /^([A-Z_]+):(\d+)$/.exec(label.trim());
  if (!m) throw new PayloadError(`Association Label must look like CATEGORY:typeId (for example HUBSPOT_DEFINED:279), but it is "${label}".`, 'associationLabel');
  return { associationCategory: m[1]!, associationTypeId: Number(m[2]) };
}

export const upsertCustomObjectRecord: ActionDefinition<CustomRecordPayload, CustomRecordOp> = {
  name: 'upsertCustomObjectRecord',
  title: 'Upsert Custom Object Record',
  description: 'Upsert records of Deals, Tickets or other Custom Objects in HubSpot, optionally associated with another record.',
  fields,
  checkMapping,
  searches: (f) => [
    ...searchedBy(literalString(f.objectType), f.customObjectSearchFields),
    // The association's target is found by these, when the mapping has a target to find.
    ...(f.toObjectType === undefined || f.toObjectType === null ? [] : searchedBy(literalString(f.toObjectType), f.searchFieldsToAssociateCustomObjects)),
  ],
  finds: (f) => searchedBy(literalString(f.objectType), f.customObjectSearchFields),
  // Found by its single search property, a record holds the value it was found by, which its
  // keys name; any other property it is given may replace a value another op searches by.
  moves: (f) => {
    const type = literalString(f.objectType);
    const written = literalKeys(f.properties);
    if (written === undefined) return [{ objectType: type }];
    const byOne = literalKeys(f.customObjectSearchFields);
    return written.filter((p) => !(byOne?.length === 1 && byOne[0] === p)).map((property) => ({ objectType: type, property }));
  },
  scopes: ['crm.objects.custom.read', 'crm.objects.custom.write', 'crm.schemas.custom.read'],
  plan(payload, ctx) {
    const searchFields = hasFields(payload.customObjectSearchFields) ? payload.customObjectSearchFields : undefined;
    const label = payload.associationLabel ? parseLabel(payload.associationLabel) : undefined;
    const assoc = payload.searchFieldsToAssociateCustomObjects;
    const target = payload.toObjectType && label && hasFields(assoc) ? { objectType: payload.toObjectType, searchFields: assoc, ...label } : undefined;
    const properties = flattenObject(payload.properties) ?? {};
    const identity = propertyKeys(payload.objectType, searchFields);
    return {
      data: { objectType: payload.objectType, properties, createNew: payload.createNewCustomRecord !== false, searchFields, target },
      // No sequence or second look orders these searches with what other actions move or reach
      // by other properties: they wait for such earlier ops, and the later ones for them (keys.ts).
      reads: unique([
        ...identity,
        ...(searchFields ? (ctx.movers?.ownReads(payload.objectType, 'upsertCustomObjectRecord') ?? []) : []),
        ...(target ? [...propertyKeys(target.objectType, target.searchFields), ...(ctx.movers?.targetReads(target.objectType) ?? [])] : []),
      ]),
      writes: unique([...identity, ...propertyKeys(payload.objectType, properties, ctx.searchable)]),
      ...lanePlan(ctx.mappingName, payload.objectType, searchFields, target),
      // A record found by one property may get a new value of another that some op searches by.
      sequence: searchFields && (ctx.movers?.movable(payload.objectType) ?? true) ? objectName(payload.objectType) : undefined,
    };
  },
  async perform(ops, ctx) {
    if (ops.length > 1 || batchable(ops[0]!.data.searchFields, ops[0]!.data.target)) return performBatch(ops, ctx);
    return [await performOne(ops[0]!, ctx)];
  },
};

const batchable = (searchFields: CustomRecordOp['searchFields'], target: AssociationTarget | undefined) =>
  !!singleField(searchFields) && (!target || !!singleField(target.searchFields));

/** Records looked up by one property share a lane per object type and property, 100 a request. */
function lanePlan(mapping: string, objectType: string, searchFields: CustomRecordOp['searchFields'], target: AssociationTarget | undefined) {
  const one = singleField(searchFields);
  if (!one || !batchable(searchFields, target)) return { batchSize: 1, lane: `upsertCustomObjectRecord:${mapping}` };
  return { batchSize: MAX_CRM_BATCH, lane: `upsertCustomObjectRecord:${mapping}:${objectType}:${one.name}` };
}
