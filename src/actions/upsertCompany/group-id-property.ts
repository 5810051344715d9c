/** The property Segment keys companies by: Segment groups are HubSpot companies with this value. */
export const SEGMENT_GROUP_ID = 'segment_group_id';

/** The hidden unique property Segment creates to key companies, exactly as Segment defines it. */
export const SEGMENT_GROUP_ID_PROPERTY = {
  name: 'segment_group_id',
  label: 'Segment Group ID',
  description: 'Unique Property to map Segment Group ID with a HubSpot Company Object',
  groupName: 'companyinformation',
  type: 'string',
  fieldType: 'text',
  hidden: true,
  displayOrder: -1,
  hasUniqueValue: true,
  formField: false,
};
