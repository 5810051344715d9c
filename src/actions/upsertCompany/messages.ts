/** Segment's messages (hubspot/errors.ts), typographic apostrophes included, so users recognise them. */
export const MISSING_IDENTITY =
  'Identify (Upsert Contact) must be called before Group (Upsert Company) for the HubSpot Cloud (Actions) destination if ’Associate Contact with Company’ property is set to Yes (true).';
export const RESTRICTED_PROPERTY =
  'Segment uses ’segment_group_id’ property internally to map Segment Groups to HubSpot Companies. This property shouldn’t be defined explicitly.';
export const COMPANY_SEARCH_FAILED =
  'HubSpot returned 400 error while performing a company search. Please check if ’Company Search Fields’ contains valid properties defined in HubSpot.';
export const MULTIPLE_COMPANIES =
  'The search criteria defined by Company Search Fields returned more than one companies. The update request will be rejected.';
