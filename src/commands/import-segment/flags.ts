/** `import-segment`'s flags as commander hands them over. */
export interface ImportSegmentFlags {
  output?: string;
  hubId?: string;
  force?: boolean;
}
