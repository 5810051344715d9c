/** The command's flags as commander hands them over. */
export interface PortalFlags {
  token?: string;
  profile?: string;
  baseUrl?: string;
  json?: boolean;
}

export interface CreatePropertiesFlags extends PortalFlags {
  mapping: string;
  events?: string;
  yes?: boolean;
}
