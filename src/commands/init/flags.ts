/** The command's flags as commander hands them over. */
export interface InitFlags {
  output: string;
  yes?: boolean;
  force?: boolean;
  actions?: string;
  hubId?: string;
  segmentEvent?: string;
  eventName?: string;
  objectType?: string;
  batching?: boolean;
  token?: string;
  profile?: string;
  baseUrl?: string;
  offline?: boolean;
}
