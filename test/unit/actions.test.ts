import { describe, expect, it } from 'vitest';
import { parseMappingText, type Mapping } from '../../src/mapping/mapping-file.js';
import { mapEvent } from '../../src/mapping/map-event.js';
import { PayloadError, type PlanContext } from '../../src/actions/types.js';
import { eventUuid } from '../../src/actions/sendCustomBehavioralEvent/index.js';

function mappingOf(action: string, fieldsYaml = '', extra = '', settings = ''): Mapping {
  const yaml = `version: 1\n${settings}mappings:\n  - name: m\n    action: ${action}\n${extra}${fieldsYaml ? `    fields:\n${fieldsYaml}` : ''}`;
  const r = parseMappingText('t.yaml', yaml);
  if (!r.file) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.file.mappings[0]!;
}

function plan(m: Mapping, event: any, hubId?: string, extra: Partial<PlanContext> = {}) {
  const mapped = mapEvent(m, event);
  if (!mapped.ok) return { error: mapped.message, field: mapped.field };
  try {
    return m.action.plan(mapped.payload, { settings: { hubId }, event, mappingName: m.name, messageId: event.messageId ?? 'x', sameEvent: new Map(), ...extra });
  } catch (err) {
    if (err instanceof PayloadError) return { error: err.message, field: err.field };
    throw err;
  }
}

// Segment's upsertContact base event (upsertContact/__tests__/index.test.ts).
const identify = {
  type: 'identify',
  userId: 'u1',
  traits: {
    email: 'vep@beri.dz',
    first_name: '  John  ',
    last_name: 'Doe',
    address: { city: '  San Francisco  ', country: 'USA', postal_code: '600001', state: 'California', street: 'Vancover st' },
    graduation_date: '1664533942262',
    lifecyclestage: 'Subscriber',
    company: 'Segment',
    phone: '+13134561129',
    website: 'segment.inc1',
  },
};

describe('upsertContact', () => {
  it('maps Segment defaults and trims in single-event mode', () => {
    const m = mappingOf('upsertContact', '      lifecyclestage: { "@path": "$.traits.lifecyclestage" }\n      properties:\n        graduation_date: { "@path": "$.traits.graduation_date" }\n');
    const op: any = plan(m, identify);
    expect(op.reads).toEqual(['contacts:email=vep@beri.dz']);
    expect(op.writes).toEqual(expect.arrayContaining(['contacts:email=vep@beri.dz', 'contacts:user=u1', 'contacts:firstname=john', 'contacts:lifecyclestage=subscriber']));
    expect(op.batchSize).toBe(1);
    expect(op.data.properties).toEqual({
      company: 'Segment', firstname: 'John', lastname: 'Doe', phone: '+13134561129', address: 'Vancover st',
      city: 'San Francisco', state: 'California', country: 'USA', zip: '600001', email: 'vep@beri.dz',
      website: 'segment.inc1', lifecyclestage: 'subscriber', graduation_date: '1664533942262',
    });
    // Segment's key order, visible in its snapshots.
    expect(Object.keys(op.data.properties)).toEqual(['company', 'firstname', 'lastname', 'phone', 'address', 'city', 'state', 'country', 'zip', 'email', 'website', 'lifecyclestage', 'graduation_date']);
  });

  it('falls back to firstName/lastName and postalCode', () => {
    const op: any = plan(mappingOf('upsertContact'), { type: 'identify', traits: { email: 'a@b.co', firstName: 'Ann', lastName: 'Lee', address: { postalCode: '10001' } } });
    expect(op.data.properties).toMatchObject({ firstname: 'Ann', lastname: 'Lee', zip: '10001' });
  });

  it('batch mode lower-cases email and stage and does not trim, as Segment does', () => {
    const m = mappingOf('upsertContact', '      enable_batching: true\n      lifecyclestage: LEAD\n');
    const op: any = plan(m, { type: 'identify', traits: { email: 'Vep@Beri.DZ', first_name: ' J ' } });
    expect(op.batchSize).toBe(100);
    expect(op.data.properties).toEqual({ firstname: ' J ', email: 'vep@beri.dz', lifecyclestage: 'lead' });
  });

  it('fails with Segment\'s messages when email is missing or malformed', () => {
    expect(plan(mappingOf('upsertContact'), { type: 'identify', traits: {} })).toEqual({ error: "The root value is missing the required field 'email'.", field: 'email' });
    expect(plan(mappingOf('upsertContact'), { type: 'identify', traits: { email: 'not-an-email' } })).toEqual({ error: 'Email must be a valid email address string but it was not.', field: 'email' });
  });

  it('flattens custom properties', () => {
    const m = mappingOf('upsertContact', '      properties:\n        p1: { "@path": "$.traits.a" }\n        p2: { "@path": "$.traits.o" }\n        p3: { "@path": "$.traits.mixed" }\n');
    const op: any = plan(m, { traits: { email: 'a@b.co', a: [1, 2, 3, 4, 5], o: { a: 1, b: 2, c: 3 }, mixed: [1, 'two', true, { four: 4 }] } });
    expect(op.data.properties).toMatchObject({ p1: '1;2;3;4;5', p2: '{"a":1,"b":2,"c":3}', p3: '1;two;true;{"four":4}' });
  });
});

describe('upsertCompany', () => {
  const group = { type: 'group', userId: 'u1', groupId: 'test-group-id', traits: { name: ' Test Company ', website: 'test-company.com', employees: '250', address: { city: 'Paris' } } };

  it('adds segment_group_id, trims, coerces numberofemployees, and lets properties override', () => {
    const m = mappingOf('upsertCompany', '      lifecyclestage: Customer\n      properties:\n        city: "  San Francisco  "\n');
    const op: any = plan(m, group);
    expect(op.data.properties).toEqual({ name: 'Test Company', city: 'San Francisco', domain: 'test-company.com', numberofemployees: '250', lifecyclestage: 'customer', segment_group_id: 'test-group-id' });
    expect(op.reads).toEqual(['companies:segment_group_id=test-group-id', 'contacts:user=u1']);
    expect(op.writes).toEqual(expect.arrayContaining(['companies:segment_group_id=test-group-id', 'companies:name=test company', 'companies:domain=test-company.com']));
    expect(op.data.createNew).toBe(true);
  });

  it('takes context.groupId when groupId is absent', () => {
    const op: any = plan(mappingOf('upsertCompany', '      associateContact: false\n'), { type: 'group', context: { groupId: 'ctx-g' }, traits: {} });
    expect(op.data.groupid).toBe('ctx-g');
  });

  it('refuses segment_group_id mapped into properties at run time', () => {
    const m = mappingOf('upsertCompany', '      properties: { "@path": "$.traits.props" }\n');
    expect(plan(m, { ...group, traits: { props: { segment_group_id: 'x' } } })).toEqual({
      error: 'Segment uses ’segment_group_id’ property internally to map Segment Groups to HubSpot Companies. This property shouldn’t be defined explicitly.',
      field: 'properties.segment_group_id',
    });
  });

  it('needs a contact to associate with: Segment\'s message when the event names none', () => {
    const r: any = plan(mappingOf('upsertCompany'), { type: 'group', groupId: 'g', traits: {} });
    expect(r.error).toMatch(/^Identify \(Upsert Contact\) must be called before Group \(Upsert Company\)/);
  });

  it('waits for the contact the same event upserts', () => {
    const contactOp: any = { id: 7, action: 'upsertContact', mappingName: 'c', data: {} };
    const op: any = plan(mappingOf('upsertCompany'), group, undefined, { sameEvent: new Map([['contact', contactOp]]) });
    expect(op.after).toEqual([contactOp]);
    expect(op.data.contacts[0].op).toBe(contactOp);
  });

  it('reads the contact of its user, and of its email when the event has one', () => {
    const op: any = plan(mappingOf('upsertCompany'), { ...group, anonymousId: 'a1', traits: { ...group.traits, email: 'Jo@X.io' } });
    expect(op.reads).toEqual(expect.arrayContaining(['contacts:user=u1', 'contacts:user=a1', 'contacts:email=jo@x.io']));
    expect(op.after).toEqual([]);
  });
});

describe('upsertCustomObjectRecord', () => {
  const fields = '      objectType: p11223344_discount\n      customObjectSearchFields:\n        test_custom_object_type: new_test_custom_object_type\n      properties:\n        coupon_code: { "@path": "$.properties.couponCode" }\n        discount_percent: { "@path": "$.properties.discountPercentage" }\n';
  const trig = "    trigger: 'type = \"track\"'\n";

  it('flattens and trims properties and keys the record by its search values', () => {
    const op: any = plan(mappingOf('upsertCustomObjectRecord', fields, trig), { type: 'track', properties: { couponCode: ' TEST1234', discountPercentage: '10% ' } });
    expect(op.data.properties).toEqual({ coupon_code: 'TEST1234', discount_percent: '10%' });
    expect(op.data.createNew).toBe(true);
    expect(op.reads).toEqual(['p11223344_discount:test_custom_object_type=new_test_custom_object_type']);
    expect(op.writes).toEqual(['p11223344_discount:test_custom_object_type=new_test_custom_object_type', 'p11223344_discount:coupon_code=test1234', 'p11223344_discount:discount_percent=10%']);
  });

  it('parses the association label, and refuses a malformed one', () => {
    const assoc = '      toObjectType: p44332211_shopping\n      searchFieldsToAssociateCustomObjects:\n        shopping_code: test_1234\n      associationLabel: { "@path": "$.properties.label" }\n';
    const op: any = plan(mappingOf('upsertCustomObjectRecord', fields + assoc, trig), { type: 'track', properties: { couponCode: 'A', label: 'HUBSPOT_DEFINED:279' } });
    expect(op.data.target).toEqual({ objectType: 'p44332211_shopping', searchFields: { shopping_code: 'test_1234' }, associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 });
    const bad: any = plan(mappingOf('upsertCustomObjectRecord', fields + assoc, trig), { type: 'track', properties: { couponCode: 'A', label: 'primary' } });
    expect(bad.field).toBe('associationLabel');
  });

  it('reads its association target by the keys the target\'s own upserts write, whatever the type is called', () => {
    const toContact = '      toObjectType: "0-1"\n      searchFieldsToAssociateCustomObjects:\n        email: { "@path": "$.properties.buyer" }\n      associationLabel: "HUBSPOT_DEFINED:3"\n';
    const op: any = plan(mappingOf('upsertCustomObjectRecord', fields.replace('p11223344_discount', 'P11223344_Discount') + toContact, trig), { type: 'track', properties: { couponCode: 'A', buyer: 'Jo@X.io' } });
    expect(op.reads).toEqual(['p11223344_discount:test_custom_object_type=new_test_custom_object_type', 'contacts:email=jo@x.io']);
  });
});

describe('sendCustomBehavioralEvent', () => {
  // Segment's sendCustomBehavioralEvent tests (portalId 22596207).
  const base = { type: 'track', event: 'pe22596207 Test Event Http', messageId: 'mid-1', timestamp: '2023-07-05T08:28:35.216Z', properties: { email: 'vep@beri.dz', utk: 'abverazffa===1314122f', userId: '802', city: 'city' } };
  const fields = '      eventName: { "@path": "$.event" }\n      utk: { "@path": "$.properties.utk" }\n      objectId: { "@path": "$.properties.userId" }\n      properties:\n        hs_city: { "@path": "$.properties.city" }\n';

  it('builds Segment\'s body, with the name transformed and a uuid', () => {
    const op: any = plan(mappingOf('sendCustomBehavioralEvent', fields), base, '22596207');
    expect(op.data).toEqual({ eventName: 'pe22596207_test_event_http', occurredAt: '2023-07-05T08:28:35.216Z', utk: 'abverazffa===1314122f', email: 'vep@beri.dz', objectId: '802', properties: { hs_city: 'city' }, uuid: eventUuid('m', 'mid-1') });
    expect(op.batchSize).toBe(500);
  });

  it('checks the pe<hubId>_ prefix after transforming, with and without a hubId', () => {
    const m = mappingOf('sendCustomBehavioralEvent', fields);
    expect(plan(m, { ...base, event: 'test_event' }, '22596207')).toEqual({ error: 'EventName should begin with pe22596207_', field: 'eventName' });
    expect(plan(m, { ...base, event: 'test_event' })).toEqual({ error: 'EventName should begin with pe<hubId>_', field: 'eventName' });
  });

  it('needs one of email, utk or objectId', () => {
    const m = mappingOf('sendCustomBehavioralEvent', '      eventName: { "@path": "$.event" }\n');
    expect(plan(m, { ...base, properties: { city: 'city' } }, '22596207')).toEqual({ error: 'One of the following parameters: email, user token, or objectId is required', field: 'email' });
  });

  it('reports a missing event name as Segment does', () => {
    const m = mappingOf('sendCustomBehavioralEvent', fields);
    expect(plan(m, { ...base, event: undefined }, '22596207')).toEqual({ error: "The root value is missing the required field 'eventName'.", field: 'eventName' });
  });

  it('refuses more than 50 properties before sending', () => {
    const m = mappingOf('sendCustomBehavioralEvent', '      eventName: { "@path": "$.event" }\n      properties: { "@path": "$.properties" }\n');
    const properties: Record<string, number> = { email: 1 };
    for (let i = 0; i < 51; i++) properties[`p${i}`] = i;
    const r: any = plan(m, { ...base, properties: { ...properties, email: 'a@b.co' } }, '22596207');
    expect(r.field).toBe('properties');
    expect(r.error).toBe('HubSpot accepts at most 50 properties per event; this one has 52.');
  });

  it('derives the uuid from messageId and mapping, stably', () => {
    expect(eventUuid('m', 'a')).toBe(eventUuid('m', 'a'));
    expect(eventUuid('m', 'a')).not.toBe(eventUuid('n', 'a'));
    expect(eventUuid('m', 'a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
