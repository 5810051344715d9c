import type { ActionDefinition } from '../types.js';

/** HubSpot's association categories; anything else fails every event at send time. */
const CATEGORIES = ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'];

type Check = NonNullable<ActionDefinition['checkMapping']>;
type Report = Parameters<Check>[1];

export const checkMapping: Check = (fields, report) => {
  if (fields.objectType === undefined) {
    // The object type is nearly always one fixed word per mapping, not something events carry.
    report.error(['objectType'], 'required field "objectType" (Object Type) has no value and no default', 'give the object type as a literal, e.g. objectType: deals (or tickets, or a custom object\'s p<hubId>_name); { "@path": "$.properties.object_type" } only if events carry it');
  }
  checkLabel(fields.associationLabel, report);
  checkSearchFields(fields, report);
};

function checkLabel(label: unknown, report: Report): void {
  if (typeof label !== 'string') return;
  const m = /^([A-Z_]+):(\d+)$/.exec(label.trim());
  if (m && CATEGORIES.includes(m[1]!)) return;
  report.error(['associationLabel'], `associationLabel "${label}" must be CATEGORY:typeId, with CATEGORY one of ${CATEGORIES.join(', ')}`, 'e.g. HUBSPOT_DEFINED:279 (HubSpot lists the labels of two object types at GET /crm/v4/associations/{fromType}/{toType}/labels)');
}

/**
 * With no search values the action creates a record without looking (Segment's behaviour), so an
 * event re-sent, resumed or retried creates the record again: say so where it can happen.
 */
function checkSearchFields(fields: Readonly<Record<string, unknown>>, report: Report): void {
  if (fields.createNewCustomRecord === false) return;
  const search = fields.customObjectSearchFields;
  const why = 'such events create a new record every time they are sent, so re-sending them (a retry, a resumed run) makes duplicates';
  if (search === undefined) {
    report.warn(['customObjectSearchFields'], `no customObjectSearchFields: ${why}`, 'map a property that identifies the record, e.g. customObjectSearchFields: { order_id: { "@path": "$.properties.order_id" } }');
    return;
  }
  const values = search && typeof search === 'object' && !Object.keys(search).some((k) => k.startsWith('@')) ? Object.values(search) : [search];
  if (values.length && !values.every((v) => report.mayBeMissing(v))) return;
  report.warn(['customObjectSearchFields'], `customObjectSearchFields can be empty for some events (a path an event may lack): ${why}`, 'search on a value every event has, or add a trigger condition that the value exists, e.g. and properties.order_id != null');
}
