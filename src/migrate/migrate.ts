/**
 * Moving credentials into tsstore: from another credential helper (through its own list and get) or from
 * config.json's plain-text `auths`. Each one is stored, read back and compared before it counts as moved.
 */
import type { Backend } from '../backends/backend.js';
import type { PlaintextEntry } from '../docker/auths.js';
import { DOCKER_HUB_KEY } from '../docker/server-url.js';
import { describeError } from '../errors.js';

export interface Migration {
  moved: string[];
  failed: Array<{ registry: string; reason: string }>;
}

export interface HelperRunner {
  (verb: 'list' | 'get', input: string): Promise<{ stdout: string; exitCode: number }>;
}

/** The command a person runs to log in again where a secret could not be recovered. */
export function loginCommand(registry: string): string {
  if (registry === DOCKER_HUB_KEY) return 'docker login';
  return `docker login ${/^[A-Za-z0-9.:[\]_/-]+$/.test(registry) ? registry : `'${registry.replace(/'/g, `'\\''`)}'`}`;
}

async function storeAndVerify(store: Backend, registry: string, username: string, secret: string): Promise<void> {
  await store.add(registry, { username, secret });
  const back = await store.get(registry);
  if (back.username !== username || back.secret !== secret) throw new Error('the stored copy reads back different');
}

export async function migrateFromHelper(helper: HelperRunner, store: Backend, dryRun = false): Promise<Migration> {
  const migration: Migration = { moved: [], failed: [] };
  const listed = await helper('list', 'unused');
  let accounts: Record<string, unknown>;
  try {
    accounts = JSON.parse(listed.stdout) as Record<string, unknown>;
    if (listed.exitCode !== 0 || typeof accounts !== 'object' || accounts === null) throw new Error('bad list');
  } catch {
    throw new Error(`its list failed: ${listed.stdout.split('\n')[0]?.slice(0, 200) ?? ''}`);
  }
  for (const registry of Object.keys(accounts)) {
    try {
      const got = await helper('get', registry);
      const parsed = got.exitCode === 0 ? (JSON.parse(got.stdout) as { Username?: unknown; Secret?: unknown }) : undefined;
      if (!parsed || typeof parsed.Username !== 'string' || typeof parsed.Secret !== 'string' || parsed.Username === '' || parsed.Secret === '') {
        throw new Error(got.exitCode === 0 ? 'it answers an empty login' : (got.stdout.split('\n')[0] ?? '').slice(0, 200));
      }
      if (!dryRun) await storeAndVerify(store, registry, parsed.Username, parsed.Secret);
      migration.moved.push(registry);
    } catch (error) {
      migration.failed.push({ registry, reason: describeError(error) });
    }
  }
  return migration;
}

export async function migrateFromConfig(entries: readonly PlaintextEntry[], store: Backend, dryRun = false): Promise<Migration> {
  const migration: Migration = { moved: [], failed: [] };
  for (const entry of entries) {
    if (entry.kind === 'unusable') {
      migration.failed.push({ registry: entry.registry, reason: entry.reason });
      continue;
    }
    try {
      if (!dryRun) await storeAndVerify(store, entry.registry, entry.username, entry.secret);
      migration.moved.push(entry.registry);
    } catch (error) {
      migration.failed.push({ registry: entry.registry, reason: describeError(error) });
    }
  }
  return migration;
}
