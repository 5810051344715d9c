import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const MAPPING = 'test/fixtures/mapping.yaml';

describe('send --help', () => {
  it('shows the defaults of --rate and --concurrency, and examples', async () => {
    const r = await runCli(['send', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--rate <n> requests per 10 seconds at most \(default: follow the limit HubSpot's rate headers announce, 100 until they do;/);
    expect(help).toMatch(/--concurrency <n> requests in flight at once \(default: 6\)/);
    expect(r.stdout).toContain('Examples:\n  hubspot-actions send events.ndjson -m mappings.yaml --dry-run --pretty');
  });
});

describe('--rate and --concurrency are checked in dry-runs too', () => {
  it.each([
    ['--rate', '0', '--rate must be a positive number, not "0"'],
    ['--rate', 'fast', '--rate must be a positive number, not "fast"'],
    ['--concurrency', 'abc', '--concurrency must be a positive whole number, not "abc"'],
    ['--concurrency', '1.5', '--concurrency must be a positive whole number, not "1.5"'],
  ])('%s %s', async (flag, value, message) => {
    const r = await runCli(['send', '-m', MAPPING, '--dry-run', flag, value], { stdin: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${message}`);
  });
});
