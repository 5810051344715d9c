/**
 * HubSpot's default lifecycle stages, earliest first. HubSpot will not move a contact's stage
 * backwards (it keeps the later one) unless the stage is cleared first. A portal's own stages are
 * numeric ids whose order is not known here: for those the update is sent and its answer tells.
 */
const DEFAULT_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];

/** True when HubSpot is known to refuse moving the stage from `current` to `next`. */
export function movesBack(current: string | undefined, next: string | undefined): boolean {
  if (!current || !next) return false;
  const from = DEFAULT_STAGES.indexOf(current);
  const to = DEFAULT_STAGES.indexOf(next);
  return from >= 0 && to >= 0 && to < from;
}
