import type { ActionDefinition } from '../types.js';
import { transformEventName } from './event-name.js';

/**
 * Segment's rule for event names (sendCustomBehavioralEvent's perform): the transformed name must
 * start with `pe<hubId>_`, or with `pe` and some digits when no Hub ID is set. Returns the prefix
 * the name lacks, or undefined when it has it.
 */
export function missingEventPrefix(transformedName: string, hubId: string | undefined): string | undefined {
  if (hubId) return transformedName.startsWith(`pe${hubId}_`) ? undefined : `pe${hubId}_`;
  return /^pe\d+_.*/.test(transformedName) ? undefined : 'pe<hubId>_';
}

/** A literal event name is known before any event, so a wrong prefix is said once, up front. */
export const checkMapping: NonNullable<ActionDefinition['checkMapping']> = (fields, report) => {
  const name = fields.eventName;
  if (typeof name !== 'string') return;
  const prefix = missingEventPrefix(transformEventName(name), report.settings.hubId);
  if (prefix) {
    report.error(['eventName'], `event name "${name}" must begin with ${prefix}`, 'use the event\'s internal name from HubSpot (Data Management > Custom Events), e.g. pe1234567_signed_up');
  }
};
