import { describe, expect, it } from 'vitest';
import type { PortalProperty } from '../../src/hubspot/portal.js';
import { matchesSearch, sameValue } from '../../src/hubspot/plan-state.js';
import { valueProblem } from '../../src/preflight/values.js';
import { inferType } from '../../src/commands/portal/wanted.js';

const prop = (type: string, extra: Partial<PortalProperty> = {}): PortalProperty => ({ name: 'p', label: 'P', type, fieldType: 'text', options: [], readOnly: false, calculated: false, hasUniqueValue: false, hubspotDefined: false, groupName: 'g', ...extra });

describe('preflight value checks', () => {
  it('dates must be midnight UTC; date-times any parseable time', () => {
    expect(valueProblem(prop('date'), '2026-03-01')).toBeUndefined();
    expect(valueProblem(prop('date'), Date.UTC(2026, 2, 1))).toBeUndefined();
    expect(valueProblem(prop('date'), '2026-03-01T00:00:00.000Z')).toBeUndefined();
    expect(valueProblem(prop('date'), '2026-03-01T10:30:00Z')).toContain('is not midnight UTC');
    expect(valueProblem(prop('date'), 'March 1st')).toContain('is not a date');
    expect(valueProblem(prop('datetime'), '2026-03-01T10:30:00Z')).toBeUndefined();
    expect(valueProblem(prop('datetime'), 'soon')).toContain('is not a date-time');
  });

  it('enumerations take their options (several, ;-separated, for checkboxes); numbers and booleans their kind; empty clears', () => {
    const tier = prop('enumeration', { name: 'tier', options: [{ label: 'Gold', value: 'gold' }, { label: 'Silver', value: 'silver' }] });
    expect(valueProblem(tier, 'gold')).toBeUndefined();
    expect(valueProblem(tier, 'Gold')).toBe('"Gold" is not an option of tier; its options: gold, silver');
    expect(valueProblem({ ...tier, fieldType: 'checkbox' }, 'gold;silver')).toBeUndefined();
    expect(valueProblem({ ...tier, fieldType: 'checkbox' }, 'gold;bronze')).toContain('"bronze" is not an option');
    expect(valueProblem(prop('enumeration', { name: 'lifecyclestage', options: [{ label: 'Lead', value: 'lead' }] }), ' Lead ')).toBeUndefined();
    expect(valueProblem(prop('number'), '12.5')).toBeUndefined();
    expect(valueProblem(prop('number'), 'twelve')).toContain('is not a number');
    expect(valueProblem(prop('bool'), true)).toBeUndefined();
    expect(valueProblem(prop('bool'), 'yes')).toContain('is not true or false');
    expect(valueProblem(prop('number'), '')).toBeUndefined();
  });
});

describe('the plan\'s view of the portal', () => {
  it('compares values as HubSpot keeps them, and matches searches on the values it knows', () => {
    expect(sameValue('amount', '12.50', '12.5')).toBe(true);
    expect(sameValue('email', 'A@x.io', 'a@x.io')).toBe(true);
    expect(sameValue('name', 'A', 'a')).toBe(false);
    const eq = (propertyName: string, value: string) => ({ filters: [{ propertyName, operator: 'EQ', value }] });
    expect(matchesSearch({ dealname: 'Order A1' }, [eq('dealname', 'order a1')])).toBe(true);
    expect(matchesSearch({ dealname: 'Order A1' }, [eq('dealname', 'Order B2'), eq('dealname', 'Order A1')])).toBe(true);
    expect(matchesSearch({ dealname: 'Order A1' }, [eq('dealname', 'Order B2')])).toBe(false);
    expect(matchesSearch({ dealname: 'Order A1' }, [eq('amount', '3')])).toBeUndefined();
  });

  it('infers property types from the values seen', () => {
    expect(inferType([3, '4.5'], false)).toBe('number');
    expect(inferType([true, 'false'], false)).toBe('bool');
    expect(inferType([true], true)).toBe('string');
    expect(inferType(['2026-01-01'], false)).toBe('date');
    expect(inferType(['2026-01-01T10:00:00Z'], false)).toBe('datetime');
    expect(inferType(['2026-01-01', 'x'], false)).toBe('string');
    expect(inferType([], false)).toBe('string');
  });
});
