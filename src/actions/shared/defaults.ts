/** Segment's default-mapping idiom: the first path when it holds a value, else the second. */
export const ifExists = (first: string, second: string) => ({
  '@if': { exists: { '@path': first }, then: { '@path': first }, else: { '@path': second } },
});
