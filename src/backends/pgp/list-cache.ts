/**
 * A cache of `list`'s answer, so that listing 10,000 credentials reads one file instead of 10,000 armor
 * headers (about 30 us each here, most of it open/read/close).
 *
 * Three lines: the header (format and folder stamp), the `list` verb's finished stdout, and the accounts
 * as JSON for everything else that lists (doctor, migrate, info). The verb parses only the header and
 * writes the second line as it is: no JSON.parse of the accounts, no Map, no sort, no JSON.stringify per
 * key. Single file, cached `list` (valgrind instructions, perf stat faults, 21 alternating runs with the
 * floor): of 1,000, 20.4 M -> 10.3 M instructions, 1451 -> 1077 page faults, 1.81 -> 1.55 x the floor (a
 * loaded machine); of 1, 10.5 M -> 10.1 M, 1044 -> 1029, 1.45 -> 1.28 x.
 *
 * The credentials folder stays the truth. The cache records the folder's identity and change times (mtime
 * and ctime in nanoseconds): every create, rename and unlink in the folder moves both, and tsstore only
 * ever changes a credential by renaming a complete file into place, so equal stamps mean equal contents.
 * Time stamps are coarse (one clock tick), so a change in the same tick as a scan could go unseen: a
 * scan is only cached when the folder had not changed for SETTLE_MS before the scan began, and did not
 * change during it. Anything odd about the cache file means "no cache": `list` scans as before.
 */
import type { FileStat } from '../../fs/file-calls.js';
import type { CredentialLabel } from './layout.js';

export const LIST_CACHE_FILE = 'list-cache.json';
/** Far above any clock tick or file system time granularity; small enough that the cache soon pays. */
export const SETTLE_MS = 1000;
const FORMAT = 'tsstore-list-cache-2';

export interface FolderStamp {
  dev: string;
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
}

export function folderStamp(stats: Pick<FileStat, 'dev' | 'ino' | 'mtimeNs' | 'ctimeNs'>): FolderStamp {
  return { dev: String(stats.dev), ino: String(stats.ino), mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs) };
}

function sameStamp(a: FolderStamp, b: FolderStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Whether a scan may be cached: the folder did not change while it ran, and its last change was
 * SETTLE_MS or more before the scan started (so no change can share its time stamp unseen). A folder
 * time in the future (clock stepped back, a skewed network file system) is never cached.
 */
export function mayCache(before: FolderStamp, after: FolderStamp, scanStartedMs: number): boolean {
  return sameStamp(before, after) && settledBy(before, scanStartedMs);
}

/**
 * Whether the folder's last change is SETTLE_MS or more before `nowMs`. Checked twice: against this
 * machine's clock before writing, and against the file system's own clock (the new cache file's mtime)
 * before it replaces the old one, as a network file system's clock may lag ours.
 */
export function settledBy(stamp: FolderStamp, nowMs: number): boolean {
  const changedMs = Number(BigInt(stamp.mtimeNs) / 1_000_000n);
  const metaChangedMs = Number(BigInt(stamp.ctimeNs) / 1_000_000n);
  return nowMs - Math.max(changedMs, metaChangedMs) >= SETTLE_MS;
}

interface CacheHeader {
  format: typeof FORMAT;
  folder: FolderStamp;
}

/** `answer` is the `list` verb's stdout for these accounts (formatList): one line, ending in a newline. */
export function formatListCache(folder: FolderStamp, accounts: readonly CredentialLabel[], answer: string): string {
  const header: CacheHeader = { format: FORMAT, folder };
  const pairs = accounts.map((label) => [label.serverURL, label.username]);
  return `${JSON.stringify(header)}\n${answer}${JSON.stringify(pairs)}\n`;
}

/** The cache's three lines when its header is ours and stamps the folder as it is now (`current`). */
function currentLines(text: string, current: FolderStamp): [answer: string, accounts: string] | undefined {
  const headerEnd = text.indexOf('\n');
  const answerEnd = headerEnd === -1 ? -1 : text.indexOf('\n', headerEnd + 1);
  if (answerEnd === -1 || !text.endsWith('\n') || text.indexOf('\n', answerEnd + 1) !== text.length - 1) return undefined;
  let header: Partial<CacheHeader>;
  try {
    header = JSON.parse(text.slice(0, headerEnd)) as Partial<CacheHeader>;
  } catch {
    return undefined;
  }
  if (header?.format !== FORMAT || !isStamp(header.folder) || !sameStamp(header.folder, current)) return undefined;
  const answer = text.slice(headerEnd + 1, answerEnd + 1);
  // formatList's output is one JSON object; anything else is not an answer we wrote.
  if (!answer.startsWith('{') || !answer.endsWith('}\n')) return undefined;
  return [answer, text.slice(answerEnd + 1, -1)];
}

/** The `list` verb's stdout when `text` is a cache for the folder as it is now (`current`); else undefined. */
export function readListCacheAnswer(text: string, current: FolderStamp): string | undefined {
  return currentLines(text, current)?.[0];
}

/** The cached accounts when `text` is a cache for the folder as it is now (`current`); else undefined. */
export function readListCache(text: string, current: FolderStamp): Map<string, string> | undefined {
  const lines = currentLines(text, current);
  if (!lines) return undefined;
  let pairs: unknown;
  try {
    pairs = JSON.parse(lines[1]);
  } catch {
    return undefined;
  }
  if (!Array.isArray(pairs)) return undefined;
  const accounts = new Map<string, string>();
  for (const entry of pairs as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') return undefined;
    accounts.set(entry[0], entry[1]);
  }
  return accounts;
}

function isStamp(value: unknown): value is FolderStamp {
  if (typeof value !== 'object' || value === null) return false;
  const stamp = value as Record<string, unknown>;
  // A loop, not every(): that builtin's first use costs a cached `list` ~0.1 M instructions (single file).
  for (const key of ['dev', 'ino', 'mtimeNs', 'ctimeNs']) {
    const field = stamp[key];
    if (typeof field !== 'string' || !isDigits(field)) return false;
  }
  return true;
}

/** /^\d+$/ without a regular expression (src/fs/join-path.ts says why): a cached `list` runs no other. */
function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}
