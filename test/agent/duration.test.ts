import { describe, expect, it } from 'vitest';
import { DEFAULT_TTL_MS, MAX_TTL_MS, defaultTtl, formatDuration, parseDuration } from '../../src/agent/duration.js';
import { TsstoreError } from '../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m5s', 125_000],
    ['1s500ms', 1_500],
    ['2s', 2_000],
    ['600', 600_000],
    [' 5m ', 300_000],
    ['24h', MAX_TTL_MS],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0', '0s', '-5m', '5x', '1.5h', 'm', '10 m', '30m1h', '1m1m', '25h', '1h1441m', 'ten minutes', '9'.repeat(30)])(
    'refuses %j as a usage error naming the option',
    (text) => {
      let caught: unknown;
      try {
        parseDuration(text, '--ttl');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TsstoreError);
      expect((caught as TsstoreError).code).toBe('usage');
      expect((caught as TsstoreError).message).toMatch(/^--ttl must be a duration like 90s, 10m or 1h30m/);
    },
  );

  it('formats back to the shortest exact spelling', () => {
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(2_000)).toBe('2s');
    expect(formatDuration(1_500)).toBe('1s500ms');
    expect(formatDuration(0)).toBe('0s');
    for (const text of ['1h30m', '2m5s', '45s', '3h']) expect(formatDuration(parseDuration(text))).toBe(text);
  });

  it('takes the prompt default from TSSTORE_UNLOCK_TTL, else 10 minutes', () => {
    expect(defaultTtl({})).toBe(DEFAULT_TTL_MS);
    expect(DEFAULT_TTL_MS).toBe(600_000);
    expect(defaultTtl({ TSSTORE_UNLOCK_TTL: '' })).toBe(DEFAULT_TTL_MS);
    expect(defaultTtl({ TSSTORE_UNLOCK_TTL: '2s' })).toBe(2_000);
    expect(() => defaultTtl({ TSSTORE_UNLOCK_TTL: 'soon' })).toThrow(/^TSSTORE_UNLOCK_TTL must be a duration/);
  });
});
