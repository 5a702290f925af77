/**
 * containers: podman, skopeo and buildah ignore Docker's credsStore. Where they are installed, their auth
 * files hold no plain-text secret and their registries.conf sends them to tsstore. Fix: move the secrets
 * (stored, read back, then removed) and add a drop-in `credential-helpers = ["tsstore"]`, so no line of
 * the person's own registries.conf is touched. Auth files are taken in the order podman reads them: the
 * first copy of a registry wins, and a copy that differs from what tsstore holds is left in place.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userHome } from '../../config/paths.js';
import { replaceConfigFile } from '../../backup/encrypted-backup.js';
import {
  DROP_IN_NAME,
  DROP_IN_TEXT,
  containersAuthFiles,
} from '../../containers/registries-conf.js';
import { readCredentialHelpers } from '../../containers/read-credential-helpers.js';
import { type PlaintextEntry, plaintextEntries, withoutSecrets } from '../../docker/auths.js';
import { type DockerConfigFile, readConfigFile } from '../../docker/config-file.js';
import { describeDuplicateKeys } from '../../json/duplicate-keys.js';
import { describeError } from '../../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../../fs/private-files.js';
import { findOnPath } from '../../fs/find-on-path.js';
import { migrateFromConfig, removableRegistries } from '../../migrate/migrate.js';
import { MigrationPlanner, type Step } from '../../migrate/plan.js';
import { type Source, conflictLines, failureLine, showRegistry } from '../../migrate/wording.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import { movesAnything, planMoves } from '../planned-moves.js';
import { requireTsstoreOnPath } from '../tsstore-on-path.js';

export const CONTAINER_TOOLS = ['podman', 'skopeo', 'buildah'];

/** An auth file as judged: its plain-text entries and, once compared with tsstore, what moving each would do. */
export type AuthFileView = { path: string; entries: PlaintextEntry[]; steps?: Step[] } | { path: string; error: string };
type AuthFileRead = { path: string; entries: PlaintextEntry[]; file: DockerConfigFile; steps?: Step[] } | { path: string; error: string };

export interface ContainersState {
  tools: string[];
  helpers: string[];
  helpersFrom?: string;
  /** registries.conf files that are there but refused (not regular, too big): one line each. */
  unreadableConfs?: string[];
  authFiles: AuthFileView[];
  /** Why the entries could not be compared with tsstore's logins, when they could not. */
  planProblem?: string;
}

const sourceOf = (path: string): Source => ({ label: path, from: path, file: true });

/** Pure judgement. */
export function judgeContainers(state: ContainersState): Diagnosis {
  if (state.tools.length === 0) return { status: 'skipped', details: ['no podman, skopeo or buildah on PATH'] };
  const details: string[] = [];
  let fixable = true;
  if (state.helpers[0] !== 'tsstore') {
    details.push(
      `${state.tools.join(', ')} keep logins with ${state.helpers.length ? state.helpers.join(', ') : 'no helper'}${state.helpersFrom ? ` (credential-helpers in ${state.helpersFrom})` : ' (the default)'}, not tsstore`,
    );
  }
  for (const line of state.unreadableConfs ?? []) {
    details.push(`${line}; podman, skopeo and buildah cannot read it either: fix it by hand`);
    fixable = false;
  }
  let moves = false;
  for (const file of state.authFiles) {
    if ('error' in file) {
      details.push(`${file.path}: ${file.error}; fix it by hand`);
      fixable = false;
      continue;
    }
    if (file.entries.length === 0) continue;
    details.push(`${file.path} holds ${file.entries.length} secret(s) in plain text: ${file.entries.map((entry) => showRegistry(entry.registry)).join(', ')}`);
    for (const entry of file.entries) if (entry.kind === 'unusable') details.push(`${showRegistry(entry.registry)} in ${file.path}: ${entry.reason}`);
    for (const step of file.steps ?? []) {
      if (step.action === 'conflict') details.push(...conflictLines({ registry: step.candidate.registry, heldUsername: step.heldUsername, offeredUsername: step.candidate.username }, sourceOf(file.path)));
      if (step.action === 'refused') details.push(failureLine({ registry: step.candidate.registry, reason: step.reason, relogin: false }, sourceOf(file.path)));
    }
    moves ||= file.steps === undefined ? file.entries.some((entry) => entry.kind !== 'unusable') : movesAnything(file.steps);
  }
  if (state.planProblem) details.push(state.planProblem);
  if (details.length === 0) return { status: 'ok', details: [`${state.tools.join(', ')} use tsstore`] };
  // Nothing to move and tsstore already configured: only the person can settle what is left.
  if (!moves && state.helpers[0] === 'tsstore') fixable = false;
  return { status: 'problem', details, fixable };
}

function readFiles(context: DoctorContext): Omit<ContainersState, 'authFiles'> & { authFiles: AuthFileRead[] } {
  const home = userHome(context.env);
  const tools = CONTAINER_TOOLS.filter((tool) => findOnPath(tool, context.env.PATH ?? '') !== undefined);
  const { helpers, from, unreadable } = readCredentialHelpers(context.env);
  const authFiles: AuthFileRead[] = [];
  for (const path of containersAuthFiles(home, context.env)) {
    if (!existsSync(path)) continue;
    try {
      const file = readConfigFile(path);
      if (file.duplicates && file.duplicates.length > 0) authFiles.push({ path, error: describeDuplicateKeys(path, file.duplicates) });
      else authFiles.push({ path, entries: plaintextEntries(file.config), file });
    } catch (error) {
      authFiles.push({ path, error: describeError(error) });
    }
  }
  return { tools, helpers, helpersFrom: from, unreadableConfs: unreadable, authFiles };
}

/** The files, with each entry compared with what tsstore holds (looking only). */
async function readState(context: DoctorContext): Promise<ContainersState> {
  const state: ContainersState = readFiles(context);
  const readable = state.authFiles.filter((file): file is Extract<AuthFileView, { entries: PlaintextEntry[] }> => 'entries' in file);
  if (state.tools.length === 0 || readable.every((file) => file.entries.length === 0)) return state;
  const planned = await planMoves(context, readable.map((file) => file.entries));
  if (!planned.ok) return { ...state, planProblem: planned.reason };
  readable.forEach((file, index) => {
    file.steps = planned.steps[index];
  });
  return state;
}

export const containers: Check = {
  id: 'containers',
  title: 'podman, skopeo and buildah use tsstore',
  async diagnose(context) {
    return judgeContainers(await readState(context));
  },
  async fix(context) {
    requireTsstoreOnPath(context);
    const state = readFiles(context);
    const done: string[] = [];
    const planner = new MigrationPlanner(await context.store({ forWrite: true }));
    const client = state.tools[0] ?? 'podman';
    for (const authFile of state.authFiles) {
      if ('error' in authFile || authFile.entries.length === 0) continue;
      const migration = await migrateFromConfig(authFile.entries, planner);
      const removable = removableRegistries(migration);
      if (removable.length > 0) {
        await replaceConfigFile(context.env, authFile.file, withoutSecrets(authFile.file.config, removable));
        done.push(`moved ${removable.length} login(s) from ${authFile.path} into tsstore: ${removable.map(showRegistry).join(', ')}`);
      }
      for (const conflict of migration.conflicts) done.push(`left ${showRegistry(conflict.registry)} in ${authFile.path}: tsstore holds another login for it`);
      for (const failure of migration.failed) done.push(failureLine(failure, sourceOf(authFile.path), client));
    }
    if (state.helpers[0] !== 'tsstore') {
      const dir = join(userHome(context.env), '.config', 'containers', 'registries.conf.d');
      ensurePrivateDir(dir);
      writeFileAtomic(join(dir, DROP_IN_NAME), DROP_IN_TEXT, { mode: 0o644 });
      done.push(`wrote ${join(dir, DROP_IN_NAME)}: credential-helpers = ["tsstore"]`);
    }
    return done;
  },
};
