import type { Readable, Writable } from 'node:stream';
import { forPeople } from '../for-people.js';

type Out = Writable & { isTTY?: boolean; columns?: number };

/**
 * The process's streams, environment and signals, as commands see them. Only this module and the
 * entry point touch `process`; everything else gets an IOStreams, so a command can be run over
 * other streams and a made-up environment.
 */
export interface IOStreams {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Out;
  readonly stderr: Out;
  readonly env: NodeJS.ProcessEnv;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Colour on stdout: a terminal, and NO_COLOR unset. */
  colorEnabled(): boolean;
  /** A line for the person at the terminal, on stderr, control characters escaped. */
  say(text: string): void;
  /**
   * Ctrl-C and SIGTERM: the first calls `first`; the next prints `atOnceMessage` and ends the process
   * through the entry point (exit status "interrupted"). Returns the function that stops listening.
   */
  trapInterrupts(first: () => void, atOnceMessage: string): () => void;
}

export interface ProcessLike {
  stdin: Readable & { isTTY?: boolean };
  stdout: Out;
  stderr: Out;
  env: NodeJS.ProcessEnv;
  on(signal: 'SIGINT' | 'SIGTERM', fn: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', fn: () => void): unknown;
}

/** `stopNow` is the entry point's: it alone knows how an interruption maps to an exit status. */
export function systemIO(proc: ProcessLike, stopNow: () => never): IOStreams {
  return {
    stdin: proc.stdin,
    stdout: proc.stdout,
    stderr: proc.stderr,
    env: proc.env,
    get stdinIsTTY() {
      return !!proc.stdin.isTTY;
    },
    get stdoutIsTTY() {
      return !!proc.stdout.isTTY;
    },
    get stderrIsTTY() {
      return !!proc.stderr.isTTY;
    },
    colorEnabled: () => !!proc.stdout.isTTY && !proc.env.NO_COLOR,
    say: (text) => void proc.stderr.write(`${forPeople(text)}\n`),
    trapInterrupts(first, atOnceMessage) {
      let seen = false;
      const onSignal = () => {
        if (seen) {
          proc.stderr.write(atOnceMessage);
          stopNow();
        }
        seen = true;
        first();
      };
      proc.on('SIGINT', onSignal);
      proc.on('SIGTERM', onSignal);
      return () => {
        proc.off('SIGINT', onSignal);
        proc.off('SIGTERM', onSignal);
      };
    },
  };
}
