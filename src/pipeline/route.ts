import type { Mapping } from '../mapping/mapping-file.js';
import type { SegmentEvent } from '../model.js';

/**
 * The route stage: which mappings an event goes to, in the mapping file's order. Triggers were
 * compiled once when the file was loaded; an event may match several mappings, and each runs.
 * An event from a failed-events file goes only to the mappings it failed in.
 */
export function route(mappings: readonly Mapping[], event: SegmentEvent, onlyMappings?: readonly string[]): Mapping[] {
  const out: Mapping[] = [];
  for (const m of mappings) {
    if (onlyMappings && !onlyMappings.includes(m.name)) continue;
    if (m.trigger.matches(event)) out.push(m);
  }
  return out;
}

export function noRouteReason(onlyMappings?: readonly string[]): string {
  return onlyMappings
    ? `none of the mappings it failed in (${onlyMappings.join(', ')}) is in the mapping file and matches it`
    : 'no mapping matched';
}
