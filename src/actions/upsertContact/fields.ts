import type { FieldDefinition } from '../types.js';
import { ifExists } from '../shared/defaults.js';

/** Segment's Upsert Contact fields, keys, types and default mappings (upsertContact/index.ts). */

export const fields = {
  email: {
    label: 'Email',
    description: 'The contact’s email. Email is used to uniquely identify contact records in HubSpot.',
    type: 'string',
    format: 'email',
    required: true,
    default: { '@path': '$.traits.email' },
  },
  company: { label: 'Company Name', type: 'string', default: { '@path': '$.traits.company' } },
  firstname: { label: 'First Name', type: 'string', default: ifExists('$.traits.first_name', '$.traits.firstName') },
  lastname: { label: 'Last Name', type: 'string', default: ifExists('$.traits.last_name', '$.traits.lastName') },
  phone: { label: 'Phone', type: 'string', default: { '@path': '$.traits.phone' } },
  address: { label: 'Street Address', type: 'string', default: { '@path': '$.traits.address.street' } },
  city: { label: 'City', type: 'string', default: { '@path': '$.traits.address.city' } },
  state: { label: 'State', type: 'string', default: { '@path': '$.traits.address.state' } },
  country: { label: 'Country', type: 'string', default: { '@path': '$.traits.address.country' } },
  zip: {
    label: 'Postal Code',
    type: 'string',
    default: ifExists('$.traits.address.postalCode', '$.traits.address.postal_code'),
  },
  website: { label: 'Website', type: 'string', default: { '@path': '$.traits.website' } },
  lifecyclestage: {
    label: 'Lifecycle Stage',
    description: 'The contact’s stage within the marketing/sales process. Moving backwards is supported: the stage is cleared first.',
    type: 'string',
  },
  properties: {
    label: 'Other properties',
    description: 'Any other default or custom contact properties (internal names).',
    type: 'object',
    defaultObjectUI: 'keyvalue:only',
  },
  enable_batching: {
    label: 'Send Batch Data to HubSpot',
    description: 'HubSpot accepts batches of up to 100 contacts: one request for up to 100 events.',
    type: 'boolean',
    default: false,
  },
} satisfies Record<string, FieldDefinition>;
