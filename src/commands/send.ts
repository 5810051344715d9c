import type { Command } from 'commander';

export function registerSend(program: Command): void {
  void program;
}
