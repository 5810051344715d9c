export interface EventPropertyDef {
  name: string;
  label: string;
  type: string;
  options?: Array<{ label: string; value: string }>;
}

export interface EventDefinition {
  id: string;
  name: string;
  fullyQualifiedName: string;
  label: string;
  description: string;
  primaryObject: string;
  objectTypeId: string;
  includeDefaultProperties: boolean;
  properties: EventPropertyDef[];
  createdAt: string;
  archived: boolean;
}

export interface EventCompletion {
  eventName: string;
  email?: string;
  utk?: string;
  objectId?: string;
  occurredAt: string;
  uuid?: string;
  properties: Record<string, string>;
}

/** Properties every definition created with includeDefaultProperties accepts (hubspot-api.md §4). */
export const DEFAULT_EVENT_PROPERTIES = new Set(
  ('hs_asset_description hs_asset_type hs_browser hs_campaign_id hs_city hs_country hs_device_name hs_device_type ' +
    'hs_element_class hs_element_id hs_element_text hs_language hs_link_href hs_operating_system hs_operating_version ' +
    'hs_page_content_type hs_page_id hs_page_title hs_page_url hs_parent_module_id hs_referrer hs_region ' +
    'hs_screen_height hs_screen_width hs_touchpoint_source hs_tracking_name hs_user_agent hs_utm_campaign ' +
    'hs_utm_content hs_utm_medium hs_utm_source hs_utm_term').split(' '),
);
