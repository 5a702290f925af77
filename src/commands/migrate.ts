/**
 * `migrate --from HELPER|config|FILE [--dry-run] [--overwrite REGISTRY...] [--discard REGISTRY...]`:
 * moves credentials into tsstore, verified one by one. A login tsstore already holds is replaced only
 * when named with --overwrite; --discard removes a file's copy of a registry tsstore holds already.
 */
import { resolve } from 'node:path';
import { openBackend } from '../backends/open.js';
import type { Environment } from '../config/paths.js';
import { HelperClient } from '../credential-helper/client.js';
import { runCredentialHelper } from '../credential-helper/run.js';
import { plaintextEntries, withoutSecrets } from '../docker/auths.js';
import { realPathOr } from '../fs/real-path.js';
import { type DockerConfigFile, assertRewritable, dockerConfigPath, readConfigFile, readDockerConfig } from '../docker/config-file.js';
import { replaceConfigFile } from '../backup/encrypted-backup.js';
import { TsstoreError } from '../errors.js';
import { findOnPath } from '../fs/find-on-path.js';
import { type Migration, migrateFromConfig, migrateFromHelper, removableRegistries } from '../migrate/migrate.js';
import { MigrationPlanner } from '../migrate/plan.js';
import { type Source, migrationLines, showRegistry } from '../migrate/wording.js';
import { say } from '../text/output.js';
import { readCredentialHelpers } from '../containers/read-credential-helpers.js';
import { PgpBackend } from '../backends/pgp/pgp-backend.js';
import type { Backend } from '../backends/backend.js';

export interface MigrateOptions {
  from: string;
  dryRun: boolean;
  overwrite?: string[];
  discard?: string[];
}

export async function runMigrate(options: MigrateOptions, env: Environment = process.env): Promise<number> {
  const verb = options.dryRun ? 'would move' : 'moved';
  const fromFile = options.from === 'config' || options.from.includes('/');
  if (!fromFile && (options.discard ?? []).length > 0) {
    throw new TsstoreError('usage', '--discard applies to files (config, or an auth file path); nothing is ever removed from another helper');
  }
  const both = (options.overwrite ?? []).filter((registry) => (options.discard ?? []).includes(registry));
  if (both.length > 0) throw new TsstoreError('usage', `${both.map(showRegistry).join(', ')}: --overwrite takes the source's login, --discard keeps tsstore's; pick one`);
  const { migration, source, notes } = fromFile ? await fromConfigFile(options, env) : await fromHelper(options, env);
  const lines = [...notes, ...migrationLines(migration, source, verb)];
  const offered = new Set([...migration.moved, ...migration.alreadyHeld, ...migration.conflicts.map((conflict) => conflict.registry), ...migration.failed.map((failure) => failure.registry)]);
  for (const registry of options.overwrite ?? []) {
    if (!offered.has(registry)) lines.push(`--overwrite ${showRegistry(registry)}: ${source.label} holds no login for it`);
  }
  for (const line of lines.length > 0 ? lines : ['nothing to move']) say(line);
  return migration.failed.length + migration.conflicts.length === 0 ? 0 : 1;
}

async function fromHelper(options: MigrateOptions, env: Environment): Promise<{ migration: Migration; source: Source; notes: string[] }> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(options.from) || options.from === 'tsstore') {
    throw new TsstoreError('usage', '--from takes a helper name such as pass or secretservice, "config", or the path of an auth file');
  }
  const program = `docker-credential-${options.from}`;
  if (!findOnPath(program, env.PATH ?? '')) throw new TsstoreError('usage', `${program} is not on PATH`);
  const store = await openStore(options, env);
  const client = new HelperClient(program, (verb, input) => runCredentialHelper(program, verb, input, env));
  const planner = new MigrationPlanner(store, new Set(options.overwrite ?? []));
  const migration = await migrateFromHelper(client, planner, options.dryRun);
  return { migration, source: { label: program, from: options.from, file: false }, notes: [] };
}

async function fromConfigFile(options: MigrateOptions, env: Environment): Promise<{ migration: Migration; source: Source; notes: string[] }> {
  // Docker's own config.json named by its path is docker's config all the same (credsStore is set with it).
  const isDockerConfig = options.from === 'config' || samePath(resolve(options.from), dockerConfigPath(env));
  const file: DockerConfigFile = isDockerConfig ? readDockerConfig(env) : readConfigFile(resolve(options.from));
  const source: Source = { label: isDockerConfig ? 'config.json' : file.path, from: isDockerConfig ? 'config' : file.path, file: true };
  if (!isDockerConfig && !file.exists) throw new TsstoreError('usage', `${file.path} does not exist`);
  assertRewritable(file);
  const current = file.config.credsStore;
  if (isDockerConfig && typeof current === 'string' && current !== '' && current !== 'tsstore') {
    // Docker reads these logins from the other helper, not from config.json: switching here would hide them.
    throw new TsstoreError('usage', `docker uses credsStore "${current}"; run docker-credential-tsstore doctor --fix creds-store instead`);
  }
  if (!isDockerConfig && !options.dryRun && readCredentialHelpers(env).helpers[0] !== 'tsstore') {
    // The file's readers (podman, skopeo, buildah) would lose every login taken out of it.
    throw new TsstoreError('usage', `podman, skopeo and buildah do not use tsstore yet (credential-helpers in registries.conf); run docker-credential-tsstore doctor --fix containers first`);
  }
  const store = await openStore(options, env);
  const entries = plaintextEntries(file.config);
  const discard = new Set(options.discard ?? []);
  const notes: string[] = [];
  const held = discard.size > 0 ? await store.list() : new Map<string, string>();
  const discarded: string[] = [];
  for (const registry of discard) {
    if (!entries.some((entry) => entry.registry === registry)) notes.push(`--discard ${showRegistry(registry)}: ${source.label} holds no secret for it`);
    else if (!held.has(registry)) notes.push(`--discard ${showRegistry(registry)}: not discarded, tsstore holds no login for it (it would be lost)`);
    else discarded.push(registry);
  }
  const planner = new MigrationPlanner(store, new Set(options.overwrite ?? []));
  const migration = await migrateFromConfig(
    entries.filter((entry) => !discarded.includes(entry.registry)),
    planner,
    options.dryRun,
  );
  const removable = [...removableRegistries(migration), ...discarded];
  for (const registry of discarded) notes.push(`${options.dryRun ? 'would remove' : 'removed'} the copy of ${showRegistry(registry)} from ${source.label}, keeping the login tsstore holds`);
  if (!options.dryRun && removable.length > 0) {
    const config = withoutSecrets(file.config, removable);
    // Docker must look in tsstore from now on, or the moved logins would be lost to it.
    await replaceConfigFile(env, file, isDockerConfig ? { ...config, credsStore: 'tsstore' } : config);
    notes.push(`removed the secrets tsstore now holds from ${file.path}${isDockerConfig ? ' and set "credsStore": "tsstore"' : ''}`);
  }
  return { migration, source, notes };
}

/** The store to move into; a dry run only looks, so it writes nothing, not even list's cache. */
async function openStore(options: MigrateOptions, env: Environment): Promise<Backend> {
  const store = await openBackend({ forWrite: !options.dryRun }, env);
  if (options.dryRun && store instanceof PgpBackend) store.writesListCache = false;
  return store;
}

function samePath(a: string, b: string): boolean {
  return realPathOr(a, resolve(a)) === realPathOr(b, resolve(b));
}
