/**
 * Durations for `unlock --ttl` and TSSTORE_UNLOCK_TTL: `90s`, `10m`, `1h30m`, or a bare number of seconds.
 */
import { TsstoreError } from '../errors.js';

export const DEFAULT_TTL_MS = 10 * 60 * 1000;
/** A day at most: an unlocked key that outlives the working day is a key nobody remembers unlocking. */
export const MAX_TTL_MS = 24 * 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or a TsstoreError 'usage' naming `what` (the option or variable the text came from). */
export function parseDuration(text: string, what = '--ttl'): number {
  const trimmed = text.trim();
  const invalid = () =>
    new TsstoreError('usage', `${what} must be a duration like 90s, 10m or 1h30m (up to 24h), not "${trimmed.slice(0, 40)}"`);
  let total: number;
  if (/^\d+$/.test(trimmed)) {
    total = Number(trimmed) * 1000;
  } else {
    const parts = [...trimmed.matchAll(/(\d+)(ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) throw invalid();
    const units = parts.map((part) => part[2] as string);
    // Each unit once, largest first: "1h30m" yes, "30m1h" or "1m1m" no.
    const order = ['h', 'm', 's', 'ms'];
    if (units.some((unit, index) => index > 0 && order.indexOf(unit) <= order.indexOf(units[index - 1] as string))) throw invalid();
    total = parts.reduce((sum, part) => sum + Number(part[1]) * (UNIT_MS[part[2] as string] as number), 0);
  }
  if (!Number.isSafeInteger(total) || total <= 0 || total > MAX_TTL_MS) throw invalid();
  return total;
}

/** The shortest exact spelling: 600000 -> "10m", 5400000 -> "1h30m", 1500 -> "1s500ms". */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  let out = '';
  for (const unit of ['h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit] as number;
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out || '0s';
}

/** The TTL a prompt uses when nobody gave --ttl: TSSTORE_UNLOCK_TTL, else 10 minutes. */
export function defaultTtl(env: Readonly<Record<string, string | undefined>>): number {
  const value = env.TSSTORE_UNLOCK_TTL;
  return value === undefined || value === '' ? DEFAULT_TTL_MS : parseDuration(value, 'TSSTORE_UNLOCK_TTL');
}
