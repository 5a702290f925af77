/**
 * Pure judgement for the clock check: a registry's `Date` response header against the local clock read
 * just before and just after the request. Token authentication checks a token's `nbf` and `exp` against
 * the local clock, so a clock far off makes fresh tokens look not yet valid or already expired.
 */

/** More than this apart is a problem. */
export const MAX_SKEW_MS = 60_000;

export type ClockVerdict =
  /** `offsetSeconds`: the registry's clock minus the local one, rounded; positive means the local clock is behind. */
  | { kind: 'ok'; offsetSeconds: number }
  | { kind: 'skewed'; offsetSeconds: number }
  | { kind: 'no-date' }
  | { kind: 'unparseable'; text: string };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** An HTTP-date in the form every registry sends (RFC 9110 IMF-fixdate), in ms since the epoch; undefined when it is not one. */
export function parseHttpDate(text: string): number | undefined {
  const match = IMF_FIXDATE.exec(text.trim());
  if (!match) return undefined;
  const [, day, date, month, year, hours, minutes, seconds] = match.map(String) as [string, string, string, string, string, string, string, string];
  const time = Date.UTC(Number(year), MONTHS.indexOf(month), Number(date), Number(hours), Number(minutes), Number(seconds));
  const parsed = new Date(time);
  // Date.UTC rolls 31 Feb over into March and 24:00 into the next day: refuse what does not read back.
  const readsBack =
    parsed.getUTCDate() === Number(date) && parsed.getUTCHours() === Number(hours) && parsed.getUTCMinutes() === Number(minutes) && parsed.getUTCSeconds() === Number(seconds);
  if (!readsBack || DAYS[parsed.getUTCDay()] !== day) return undefined;
  return time;
}

/**
 * `header`: the `Date` header as Node gives it; `beforeMs`/`afterMs`: the local clock just before the
 * request was sent and just after the answer came. The registry read its clock somewhere in between, and
 * an HTTP-date drops the milliseconds, so its clock was in [date, date + 1 s) at a local time in
 * [before, after]: only an offset outside ±60 s for every point of that range is called skewed.
 */
export function judgeDate(header: string | string[] | undefined, beforeMs: number, afterMs: number): ClockVerdict {
  if (header === undefined || (Array.isArray(header) && header.length === 0)) return { kind: 'no-date' };
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (text.trim() === '') return { kind: 'no-date' };
  const date = Array.isArray(header) && header.length > 1 ? undefined : parseHttpDate(text);
  if (date === undefined) return { kind: 'unparseable', text };
  const smallest = date - afterMs;
  const largest = date + 1000 - beforeMs;
  const offsetSeconds = Math.round((date + 500 - (beforeMs + afterMs) / 2) / 1000);
  if (smallest > MAX_SKEW_MS || largest < -MAX_SKEW_MS) return { kind: 'skewed', offsetSeconds };
  return { kind: 'ok', offsetSeconds };
}

/** "3600 s behind", "75 s ahead", "in step": how the local clock stands against the registry's. */
export function describeOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'in step';
  return offsetSeconds > 0 ? `${offsetSeconds} s behind` : `${-offsetSeconds} s ahead`;
}
