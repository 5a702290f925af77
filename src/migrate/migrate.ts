/**
 * Moving credentials into tsstore: from another credential helper (through its own list and get) or from
 * config.json's plain-text `auths` (and files of the same shape). Each one is planned first (plan.ts),
 * then stored, read back and compared before it counts as moved.
 */
import type { Backend } from '../backends/backend.js';
import type { HelperClient } from '../credential-helper/client.js';
import type { PlaintextEntry } from '../docker/auths.js';
import { TsstoreError, describeError } from '../errors.js';
import type { Candidate, MigrationPlanner, Step } from './plan.js';

export interface Conflict {
  registry: string;
  heldUsername: string;
  offeredUsername: string;
}

export interface Failure {
  registry: string;
  reason: string;
  /** Only a new login helps (the secret is gone or unusable), as opposed to a key to fix by hand. */
  relogin: boolean;
}

export interface Migration {
  /** Stored now, and read back equal. */
  moved: string[];
  /** tsstore already held exactly this login. */
  alreadyHeld: string[];
  /** tsstore holds another login for these: kept, and the other copy left where it is. */
  conflicts: Conflict[];
  failed: Failure[];
}

export const emptyMigration = (): Migration => ({ moved: [], alreadyHeld: [], conflicts: [], failed: [] });

/** Registries whose copy elsewhere may now be removed: tsstore holds that very login. */
export function removableRegistries(migration: Migration): string[] {
  return [...migration.moved, ...migration.alreadyHeld];
}

async function storeAndVerify(store: Backend, candidate: Candidate): Promise<void> {
  await store.add(candidate.registry, { username: candidate.username, secret: candidate.secret });
  const back = await store.get(candidate.registry);
  if (back.username !== candidate.username || back.secret !== candidate.secret) {
    throw new TsstoreError('store-corrupt', 'the stored copy reads back different');
  }
}

/** Carries out the steps in order; a failed one is reported and the others go on. */
export async function executeSteps(steps: readonly Step[], store: Backend, dryRun: boolean, into: Migration = emptyMigration()): Promise<Migration> {
  for (const step of steps) {
    const { registry } = step.candidate;
    switch (step.action) {
      case 'already-held':
        into.alreadyHeld.push(registry);
        break;
      case 'conflict':
        into.conflicts.push({ registry, heldUsername: step.heldUsername, offeredUsername: step.candidate.username });
        break;
      case 'refused':
        into.failed.push({ registry, reason: step.reason, relogin: false });
        break;
      case 'store':
        try {
          if (!dryRun) await storeAndVerify(store, step.candidate);
          into.moved.push(registry);
        } catch (error) {
          into.failed.push({ registry, reason: describeError(error), relogin: false });
        }
        break;
    }
  }
  return into;
}

/** Plain-text entries of one file: the usable ones are planned and moved, the rest reported. */
export async function migrateFromConfig(entries: readonly PlaintextEntry[], planner: MigrationPlanner, dryRun = false): Promise<Migration> {
  const migration = emptyMigration();
  const candidates: Candidate[] = [];
  for (const entry of entries) {
    if (entry.kind === 'unusable') migration.failed.push({ registry: entry.registry, reason: entry.reason, relogin: true });
    else candidates.push({ registry: entry.registry, username: entry.username, secret: entry.secret });
  }
  return executeSteps(await planner.plan(candidates), planner.store, dryRun, migration);
}

/** Every login another helper lists; nothing is removed from it. */
export async function migrateFromHelper(helper: HelperClient, planner: MigrationPlanner, dryRun = false): Promise<Migration> {
  const migration = emptyMigration();
  const accounts = await helper.list();
  const candidates: Candidate[] = [];
  for (const registry of accounts.keys()) {
    try {
      candidates.push({ registry, ...(await helper.get(registry)) });
    } catch (error) {
      migration.failed.push({ registry, reason: describeError(error), relogin: true });
    }
  }
  return executeSteps(await planner.plan(candidates), planner.store, dryRun, migration);
}
