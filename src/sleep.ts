/** Its own module so that waiting does not load the HTTP stack (node-fetch) into a dry-run. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
