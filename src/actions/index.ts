import type { ActionName } from '../model.js';
import type { ActionDefinition } from './types.js';
import { upsertContact } from './upsertContact/index.js';
import { upsertCompany } from './upsertCompany/index.js';
import { upsertCustomObjectRecord } from './upsertCustomObjectRecord/index.js';
import { sendCustomBehavioralEvent } from './sendCustomBehavioralEvent/index.js';

/** The four actions, in Segment's registration order. */
export const actions: Record<ActionName, ActionDefinition> = {
  sendCustomBehavioralEvent,
  upsertContact,
  upsertCompany,
  upsertCustomObjectRecord,
};

export const actionNames = Object.keys(actions) as ActionName[];

export function isActionName(name: unknown): name is ActionName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(actions, name);
}

/** The API families the actions' requests can be sent to (settings.apiVersion, --api-version). */
export { API_VERSIONS, isApiVersion } from '../hubspot/api.js';
