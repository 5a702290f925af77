/**
 * What a move into tsstore tells a person, as pure functions: registries shown so an empty key or one
 * with white space is visible, and the exact commands that settle a conflict or a lost login.
 */
import { DOCKER_HUB_KEY } from '../docker/server-url.js';
import { HELPER_NAME } from '../protocol/messages.js';
import { shellQuote } from '../text/shell-quote.js';
import type { Conflict, Failure, Migration } from './migrate.js';

/** A registry key as a person should see it: quoted when it is empty or has white space at an end. */
export function showRegistry(registry: string): string {
  return registry === '' || registry.trim() !== registry ? JSON.stringify(registry) : registry;
}

/** The command a person runs to log in again where a secret could not be recovered. */
export function loginCommand(registry: string, client = 'docker'): string {
  if (registry === DOCKER_HUB_KEY) return `${client} login`;
  return `${client} login ${shellQuote(registry)}`;
}

/** Where the other copy is, for `migrate --from`: "config", a helper's name, or an auth file's path. */
export interface Source {
  /** For a person: "config.json", "docker-credential-pass", the auth file's path. */
  label: string;
  /** What `--from` takes to name it again. */
  from: string;
  /** A file: its copy can be dropped with --discard once tsstore holds the registry. */
  file: boolean;
}

/** Docker's config.json, as `migrate --from config` names it. */
export const CONFIG_SOURCE: Source = { label: 'config.json', from: 'config', file: true };

function migrateCommand(source: Source, flag: '--overwrite' | '--discard', registry: string): string {
  return `${HELPER_NAME} migrate --from ${shellQuote(source.from)} ${flag} ${shellQuote(registry)}`;
}

/** Two lines or three: the conflict, and the command for each way to settle it. */
export function conflictLines(conflict: Conflict, source: Source): string[] {
  const lines = [
    `${showRegistry(conflict.registry)}: tsstore already holds another login for it (user ${conflict.heldUsername}) than ${source.label} (user ${conflict.offeredUsername}); ` +
      `kept tsstore's${source.file ? `, and left the copy in ${source.label} in place` : ''}`,
    `  to use the login from ${source.label} instead, run: ${migrateCommand(source, '--overwrite', conflict.registry)}`,
  ];
  if (source.file) lines.push(`  to keep tsstore's and remove the copy from ${source.label}, run: ${migrateCommand(source, '--discard', conflict.registry)}`);
  return lines;
}

export function failureLine(failure: Failure, source: Source, client = 'docker'): string {
  const what = `could not move ${showRegistry(failure.registry)} from ${source.label}: ${failure.reason}`;
  if (failure.relogin) return `${what}; log in again: ${loginCommand(failure.registry, client)}`;
  return source.file ? `${what}; it stays in ${source.label} (fix it there by hand)` : what;
}

/** Every line a migration has to say, verb first ("moved" or "would move"). */
export function migrationLines(migration: Migration, source: Source, verb: string, client = 'docker'): string[] {
  return [
    ...migration.moved.map((registry) => `${verb} ${showRegistry(registry)} from ${source.label}`),
    ...migration.alreadyHeld.map((registry) => `${showRegistry(registry)}: tsstore already holds the same login as ${source.label}`),
    ...migration.conflicts.flatMap((conflict) => conflictLines(conflict, source)),
    ...migration.failed.map((failure) => failureLine(failure, source, client)),
  ];
}
