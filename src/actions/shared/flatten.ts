// Kept only while src/mapping imports transformEventName from here; its home is the action's event-name.ts.
export { transformEventName } from '../sendCustomBehavioralEvent/event-name.js';
