import { describe, expect, it } from 'vitest';
import { failedConditions } from '../../src/mapping/explain-trigger.js';
import { mayBeMissing } from '../../src/mapping/directives.js';

describe('failedConditions: which part of a trigger an event did not meet', () => {
  it('lists each failing part of an and, with what the event holds there', () => {
    expect(failedConditions('type = "track" and event = "Order Completed" and properties.total > 10', { type: 'track', event: 'Signed Up', properties: { total: 3 } })).toEqual([
      { condition: 'event = "Order Completed"', actual: 'Signed Up' },
      { condition: 'properties.total > 10', actual: 3 },
    ]);
  });

  it('names an or group none of whose parts held, as a whole', () => {
    expect(failedConditions('type = "identify" and (traits.email != null or traits.phone != null)', { type: 'identify', traits: {} })).toEqual([
      { condition: '(traits.email != null or traits.phone != null)' },
    ]);
    expect(failedConditions('type = "identify" or type = "group"', { type: 'track' })).toEqual([{ condition: 'type = "identify" or type = "group"' }]);
  });

  it('reaches into nested and groups', () => {
    expect(failedConditions('type = "track" and (event = "A" and context.app.name = "web")', { type: 'track', event: 'A', context: { app: { name: 'ios' } } })).toEqual([
      { condition: 'context.app.name = "web"', actual: 'ios' },
    ]);
  });
});

describe('mayBeMissing: can a mapped value come out empty for some event', () => {
  it.each([
    [{ '@path': '$.properties.id' }, true],
    [{ '@template': '{{properties.id}}' }, true],
    [{ '@template': 'order-{{properties.id}}' }, false],
    [{ '@if': { exists: { '@path': '$.a' }, then: { '@path': '$.a' } } }, true],
    [{ '@if': { exists: { '@path': '$.a' }, then: { '@path': '$.a' }, else: 'none' } }, true],
    [{ '@if': { exists: { '@path': '$.a' }, then: 'yes', else: 'no' } }, false],
    [{ '@literal': 'x' }, false],
    ['x', false],
    ['', true],
    [42, false],
  ])('%j → %s', (value, expected) => {
    expect(mayBeMissing(value)).toBe(expected);
  });
});

describe('lintTrigger: single-quoted FQL strings', () => {
  it('rewrites only the single-quoted strings, leaving an apostrophe inside a double-quoted one', async () => {
    const { lintTrigger } = await import('../../src/mapping/trigger-lint.js');
    const [w] = lintTrigger(`traits.name = "O'Brien" and type = 'identify'`);
    expect(w!.column).toBe(35);
    expect(w!.hint).toBe(`strings take double quotes: trigger: 'traits.name = "O''Brien" and type = "identify"'`);
  });
});
