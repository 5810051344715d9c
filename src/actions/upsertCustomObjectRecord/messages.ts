/** Segment's messages (hubspot/errors.ts and upsertCustomObjectRecord/index.ts). */
export const CUSTOM_SEARCH_FAILED =
  'HubSpot returned 400 error while performing a custom object record search. Please check if Custom Object Record Search Fields’ contains valid properties defined in HubSpot.';
export const MULTIPLE_RECORDS =
  'The search criteria defined by Custom Object Record Search Fields returned more than one records. The update request will be rejected.';
export const SEARCH_TO_ASSOCIATE_FAILED =
  "HubSpot returned 400 error while performing a custom object record search to associate. Please check if 'Search Fields to Associate custom Object' contains valid properties defined in HubSpot.";
export const MULTIPLE_TO_ASSOCIATE =
  'Upsert Custom Object operation was completed but the association failed as the search association object returned more than one items. Ensure that you use an unique identifier to lookup an association object.';
export const NOT_FOUND_NO_CREATE =
  'There was no record found to update. If you want to create a new custom object record in such cases, enable the Create Custom Object Record if Not Found flag';
