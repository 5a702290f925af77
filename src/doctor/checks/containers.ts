/**
 * containers: podman, skopeo and buildah ignore Docker's credsStore. Where they are installed, their auth
 * files hold no plain-text secret and their registries.conf sends them to tsstore. Fix: move the secrets
 * (stored, read back, then removed) and add a drop-in `credential-helpers = ["tsstore"]`, so no line of
 * the person's own registries.conf is touched.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userHome } from '../../config/paths.js';
import { replaceConfigFile } from '../backup.js';
import {
  DROP_IN_NAME,
  DROP_IN_TEXT,
  containersAuthFiles,
  effectiveCredentialHelpers,
  registriesConfFiles,
} from '../../containers/registries-conf.js';
import { type PlaintextEntry, plaintextEntries, withoutSecrets } from '../../docker/auths.js';
import { parseDockerConfig } from '../../docker/config-file.js';
import { describeError } from '../../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../../fs/private-files.js';
import { findOnPath } from '../../fs/find-on-path.js';
import { loginCommand, migrateFromConfig } from '../../migrate/migrate.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import { requireTsstoreOnPath } from './creds-store.js';

export const CONTAINER_TOOLS = ['podman', 'skopeo', 'buildah'];

export interface ContainersState {
  tools: string[];
  helpers: string[];
  helpersFrom?: string;
  authFiles: Array<{ path: string; entries: PlaintextEntry[] } | { path: string; error: string }>;
}

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
  for (const file of state.authFiles) {
    if ('error' in file) {
      details.push(`${file.path}: ${file.error}; fix it by hand`);
      fixable = false;
    } else if (file.entries.length > 0) {
      details.push(`${file.path} holds ${file.entries.length} secret(s) in plain text: ${file.entries.map((entry) => entry.registry).join(', ')}`);
    }
  }
  return details.length === 0 ? { status: 'ok', details: [`${state.tools.join(', ')} use tsstore`] } : { status: 'problem', details, fixable };
}

function readState(context: DoctorContext): ContainersState {
  const home = userHome(context.env);
  const tools = CONTAINER_TOOLS.filter((tool) => findOnPath(tool, context.env.PATH ?? '') !== undefined);
  const listDir = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  const confFiles = registriesConfFiles(home, existsSync, listDir, context.env).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const { helpers, from } = effectiveCredentialHelpers(confFiles);
  const authFiles: ContainersState['authFiles'] = [];
  for (const path of containersAuthFiles(home, context.env)) {
    if (!existsSync(path)) continue;
    try {
      authFiles.push({ path, entries: plaintextEntries(parseDockerConfig(readFileSync(path, 'utf8'), path)) });
    } catch (error) {
      authFiles.push({ path, error: describeError(error) });
    }
  }
  return { tools, helpers, helpersFrom: from, authFiles };
}

export const containers: Check = {
  id: 'containers',
  title: 'podman, skopeo and buildah use tsstore',
  async diagnose(context) {
    return judgeContainers(readState(context));
  },
  async fix(context) {
    requireTsstoreOnPath(context);
    const state = readState(context);
    const done: string[] = [];
    const store = await context.store({ forWrite: true });
    for (const file of state.authFiles) {
      if ('error' in file || file.entries.length === 0) continue;
      const migration = await migrateFromConfig(file.entries, store);
      if (migration.moved.length > 0) {
        const text = readFileSync(file.path, 'utf8');
        const authFile = { path: file.path, exists: true, config: parseDockerConfig(text, file.path), crlf: text.includes('\r\n'), text };
        await replaceConfigFile(context.env, authFile, withoutSecrets(authFile.config, migration.moved));
        done.push(`moved ${migration.moved.length} login(s) from ${file.path} into tsstore: ${migration.moved.join(', ')}`);
      }
      for (const failure of migration.failed) done.push(`left ${failure.registry} in ${file.path}: ${failure.reason}; log in again: ${loginCommand(failure.registry).replace(/^docker/, state.tools[0] ?? 'podman')}`);
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
