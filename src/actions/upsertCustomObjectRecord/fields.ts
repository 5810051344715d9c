import type { FieldDefinition } from '../types.js';

/** Segment's Upsert Custom Object Record fields (upsertCustomObjectRecord/index.ts). */
export const fields = {
  createNewCustomRecord: {
    label: 'Create Custom Object Record if Not Found',
    type: 'boolean',
    default: true,
  },
  customObjectSearchFields: {
    label: 'Custom Object Search Fields',
    description: 'Properties to find the record to update (any one matching). None: always create.',
    type: 'object',
    defaultObjectUI: 'keyvalue:only',
  },
  objectType: {
    label: 'Object Type',
    description: 'deals, tickets, or a custom object’s fully qualified name (p<hubId>_name) or type id (2-N).',
    type: 'string',
    required: true,
  },
  properties: {
    label: 'Properties',
    description: 'Properties of the record (internal names).',
    type: 'object',
    required: true,
    defaultObjectUI: 'keyvalue:only',
    allowNull: false,
  },
  searchFieldsToAssociateCustomObjects: {
    label: 'Search Fields to Associate custom Object',
    description: 'Properties to find the one record to associate with.',
    type: 'object',
    defaultObjectUI: 'keyvalue:only',
  },
  toObjectType: { label: 'ObjectType to associate', type: 'string' },
  associationLabel: {
    label: 'Association Label',
    description: 'The association type as CATEGORY:typeId, e.g. HUBSPOT_DEFINED:279.',
    type: 'string',
  },
} satisfies Record<string, FieldDefinition>;
