export interface CorpusOptions {
  events?: number;
  seed?: number;
  /** The typeId the seed's USER_DEFINED "Buyer" label got (500 in a fresh emulator). */
  buyerLabelTypeId?: number;
  /** Also writes that move a record away from a value another op finds it by (see corpus.mjs). */
  moves?: boolean;
}
export const HUB_ID: number;
export const DEFAULT_BUYER_LABEL_TYPE_ID: number;
export function corpusSeed(opts?: CorpusOptions): Record<string, unknown>;
export function corpusMapping(opts?: CorpusOptions): string;
export function corpusEvents(opts?: CorpusOptions): Array<Record<string, unknown>>;
export function corpusNdjson(opts?: CorpusOptions): string;
export function writeCorpus(dir: string, opts?: CorpusOptions): { events: string; mapping: string; seed: string };
