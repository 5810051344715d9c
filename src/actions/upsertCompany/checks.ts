import type { ActionDefinition } from '../types.js';
import { SEGMENT_GROUP_ID } from './group-id-property.js';

/** The company key is Segment's own property: a mapping that sets it would fail every event. */
export const checkMapping: NonNullable<ActionDefinition['checkMapping']> = (fields, report) => {
  const props = fields.properties;
  if (props && typeof props === 'object' && Object.hasOwn(props, SEGMENT_GROUP_ID)) {
    report.error(['properties', SEGMENT_GROUP_ID], `"${SEGMENT_GROUP_ID}" must not be set in properties`, 'the company key is set from the groupid field; remove this property');
  }
};
