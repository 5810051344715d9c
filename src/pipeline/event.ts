/** A Segment event as read from a line: any JSON object; Segment's spec fields are optional here. */
export interface SegmentEvent {
  type?: string;
  event?: string;
  userId?: string | null;
  anonymousId?: string | null;
  messageId?: string;
  groupId?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context?: Record<string, any>;
  timestamp?: string;
  [k: string]: unknown;
}

/** Where an input line came from: every outcome and error names it. */
export interface Source {
  file: string;
  line: number;
}
