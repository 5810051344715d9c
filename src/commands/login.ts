import type { Command } from 'commander';

// Placeholder until the login work lands (issue 5).
export function registerLogin(program: Command): void {
  void program;
}
