import type { FieldDefinition } from '../types.js';
import { ifExists } from '../shared/defaults.js';

/** Segment's Upsert Company fields (upsertCompany/index.ts). */

export const fields = {
  groupid: {
    label: 'Unique Company Identifier',
    description: 'A unique identifier for the company: kept in the hidden unique property segment_group_id.',
    type: 'string',
    required: true,
    default: ifExists('$.groupId', '$.context.groupId'),
  },
  createNewCompany: {
    label: 'Create Company if Not Found',
    description: 'Create a company when none matches the identifier or the search fields.',
    type: 'boolean',
    required: true,
    default: true,
  },
  associateContact: {
    label: 'Associate Contact with Company',
    description: 'Associate the company with the contact of the same user.',
    type: 'boolean',
    required: true,
    default: true,
  },
  companysearchfields: {
    label: 'Company Search Fields',
    description: 'Properties to find an existing company when none has this identifier yet (any one matching).',
    type: 'object',
    defaultObjectUI: 'keyvalue:only',
  },
  name: { label: 'Company Name', type: 'string', default: { '@path': '$.traits.name' } },
  description: { label: 'Company Description', type: 'string', default: { '@path': '$.traits.description' } },
  address: { label: 'Street Address', type: 'string', default: { '@path': '$.traits.address.street' } },
  city: { label: 'City', type: 'string', default: { '@path': '$.traits.address.city' } },
  state: { label: 'State', type: 'string', default: { '@path': '$.traits.address.state' } },
  zip: {
    label: 'Postal Code',
    type: 'string',
    default: ifExists('$.traits.address.postalCode', '$.traits.address.postal_code'),
  },
  domain: { label: 'Domain', type: 'string', default: { '@path': '$.traits.website' } },
  phone: { label: 'Phone', type: 'string', default: { '@path': '$.traits.phone' } },
  numberofemployees: { label: 'Number of Employees', type: 'integer', default: { '@path': '$.traits.employees' } },
  industry: { label: 'Industry', type: 'string', default: { '@path': '$.traits.industry' } },
  lifecyclestage: { label: 'Lifecycle Stage', type: 'string' },
  properties: {
    label: 'Other Properties',
    description: 'Any other company properties (internal names). Do not set segment_group_id here.',
    type: 'object',
    defaultObjectUI: 'keyvalue:only',
    allowNull: false,
  },
} satisfies Record<string, FieldDefinition>;
