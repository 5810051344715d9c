import type { PayloadOf } from '../types.js';
import type { fields } from './fields.js';

export type CustomRecordPayload = PayloadOf<typeof fields>;

export interface AssociationTarget {
  objectType: string;
  searchFields: Record<string, unknown>;
  associationCategory: string;
  associationTypeId: number;
}

export interface CustomRecordOp {
  objectType: string;
  properties: Record<string, unknown>;
  createNew: boolean;
  searchFields?: Record<string, unknown>;
  target?: AssociationTarget;
}
