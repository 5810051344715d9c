import { describe, expect, it } from 'vitest';
import { actions } from '../../src/actions/index.js';
import { loadMappingFile } from '../../src/mapping/mapping-file.js';
import { searchableIn } from '../../src/pipeline/searchable.js';

const company = (fields: Record<string, unknown>) => ({ action: actions.upsertCompany, fields });
const records = (fields: Record<string, unknown>) => ({ action: actions.upsertCustomObjectRecord, fields });

describe('searchableIn: the properties a run may search records by', () => {
  it("reads the search fields' keys of each mapping, and a contact's email always", () => {
    const s = searchableIn([
      company({ companysearchfields: { domain: { '@path': '$.traits.website' } } }),
      records({ objectType: 'p123_orders', customObjectSearchFields: { order_id: { '@path': '$.properties.id' } }, toObjectType: '0-1', searchFieldsToAssociateCustomObjects: { phone: { '@path': '$.properties.phone' } } }),
      { action: actions.sendCustomBehavioralEvent, fields: { eventName: 'pe1_x' } },
    ]);
    expect(s('companies', 'domain')).toBe(true);
    expect(s('companies', 'name')).toBe(false);
    expect(s('p123_orders', 'order_id')).toBe(true);
    expect(s('p123_orders', 'amount')).toBe(false);
    expect(s('contacts', 'phone')).toBe(true);
    expect(s('contacts', 'email')).toBe(true);
    expect(s('contacts', 'firstname')).toBe(false);
  });

  it('a part a directive decides per event matches any', () => {
    const byPath = searchableIn([records({ objectType: { '@path': '$.properties.type' }, customObjectSearchFields: { ref: 'x' } })]);
    expect(byPath('tickets', 'ref')).toBe(true);
    expect(byPath('tickets', 'subject')).toBe(false);
    const wholeObject = searchableIn([company({ companysearchfields: { '@path': '$.traits.search' } })]);
    expect(wholeObject('companies', 'anything')).toBe(true);
    expect(wholeObject('deals', 'anything')).toBe(false);
  });

  it('a mapping with no target to associate searches no target, and null turns a default off', () => {
    const s = searchableIn([records({ objectType: 'deals', customObjectSearchFields: null, searchFieldsToAssociateCustomObjects: { phone: 'x' } }), company({ companysearchfields: null })]);
    expect(s('deals', 'dealname')).toBe(false);
    expect(s('contacts', 'phone')).toBe(false);
    expect(s('companies', 'domain')).toBe(false);
  });

  it('the shipped example: what its mappings search by, defaults included', () => {
    const { file } = loadMappingFile('mappings.example.yaml');
    const s = searchableIn(file!.mappings);
    const searched = file!.mappings.flatMap((m) => m.action.searches?.(m.fields) ?? []);
    expect(searched.length).toBeGreaterThan(0);
    for (const { objectType, property } of searched) expect(s(objectType ?? 'any', property ?? 'any')).toBe(true);
  });
});
