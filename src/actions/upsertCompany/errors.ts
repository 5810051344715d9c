// Kept only while src/mapping imports SEGMENT_GROUP_ID from here; its home is group-id-property.ts.
export { SEGMENT_GROUP_ID } from './group-id-property.js';
