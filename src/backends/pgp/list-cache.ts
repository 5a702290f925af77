/**
 * A cache of `list`'s answer, so that listing 10,000 credentials reads one file instead of 10,000 armor
 * headers (about 30 us each here, most of it open/read/close).
 *
 * The credentials folder stays the truth. The cache records the folder's identity and change times (mtime
 * and ctime in nanoseconds): every create, rename and unlink in the folder moves both, and tsstore only
 * ever changes a credential by renaming a complete file into place, so equal stamps mean equal contents.
 * Time stamps are coarse (one clock tick), so a change in the same tick as a scan could go unseen: a
 * scan is only cached when the folder had not changed for SETTLE_MS before the scan began, and did not
 * change during it. Anything odd about the cache file means "no cache": `list` scans as before.
 */
import type { BigIntStats } from 'node:fs';
import type { CredentialLabel } from './layout.js';

export const LIST_CACHE_FILE = 'list-cache.json';
/** Far above any clock tick or file system time granularity; small enough that the cache soon pays. */
export const SETTLE_MS = 1000;
const FORMAT = 'tsstore-list-cache-1';

export interface FolderStamp {
  dev: string;
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
}

export function folderStamp(stats: BigIntStats): FolderStamp {
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

interface CacheFile {
  format: typeof FORMAT;
  folder: FolderStamp;
  accounts: Array<[string, string]>;
}

export function formatListCache(folder: FolderStamp, accounts: readonly CredentialLabel[]): string {
  const file: CacheFile = { format: FORMAT, folder, accounts: accounts.map((label) => [label.serverURL, label.username]) };
  return `${JSON.stringify(file)}\n`;
}

/** The cached accounts when `text` is a cache for the folder as it is now (`current`); else undefined. */
export function readListCache(text: string, current: FolderStamp): Map<string, string> | undefined {
  let file: Partial<CacheFile>;
  try {
    file = JSON.parse(text) as Partial<CacheFile>;
  } catch {
    return undefined;
  }
  if (file?.format !== FORMAT || !isStamp(file.folder) || !sameStamp(file.folder, current) || !Array.isArray(file.accounts)) return undefined;
  const accounts = new Map<string, string>();
  for (const entry of file.accounts as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') return undefined;
    accounts.set(entry[0], entry[1]);
  }
  return accounts;
}

function isStamp(value: unknown): value is FolderStamp {
  if (typeof value !== 'object' || value === null) return false;
  const stamp = value as Record<string, unknown>;
  return ['dev', 'ino', 'mtimeNs', 'ctimeNs'].every((key) => typeof stamp[key] === 'string' && /^\d+$/.test(stamp[key]));
}
