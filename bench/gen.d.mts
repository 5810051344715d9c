// Types of what tests take from the benchmark's generator (gen.mjs).
export function generate(total: number, seed: number): Generator<Record<string, unknown>>;
export function benchMapping(): string;
export const HUB_ID: number;
export function benchSeed(): Record<string, unknown>;
