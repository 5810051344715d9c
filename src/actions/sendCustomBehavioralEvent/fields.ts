import type { FieldDefinition } from '../types.js';

/** Segment's Send Custom Behavioral Event fields (sendCustomBehavioralEvent/index.ts). */
export const fields = {
  eventName: {
    label: 'Event Name',
    description: 'The internal name of the event, pe<hubId>_<name>.',
    type: 'string',
    required: true,
  },
  occurredAt: { label: 'Event Timestamp', type: 'datetime', default: { '@path': '$.timestamp' } },
  email: {
    label: 'Email Address',
    type: 'string',
    format: 'email',
    default: {
      '@if': {
        exists: { '@path': '$.properties.email' },
        then: { '@path': '$.properties.email' },
        else: { '@path': '$.context.traits.email' },
      },
    },
  },
  utk: { label: 'User Token', type: 'string' },
  objectId: { label: 'Object ID', type: 'string' },
  properties: { label: 'Event Properties', type: 'object', defaultObjectUI: 'keyvalue:only' },
} satisfies Record<string, FieldDefinition>;
