/** Segment's `transformEventName`: spaces and dots to `_`, lower case. */
export function transformEventName(name: string): string {
  return name.replace(/[\s.]+/g, '_').toLocaleLowerCase();
}
