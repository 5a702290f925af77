/**
 * Backups of files that may hold secrets (config.json with plain-text `auths`): encrypted to the store
 * key, never in plain text. Read one with `gpg --decrypt` after importing the store key.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PgpBackend } from '../backends/pgp/pgp-backend.js';
import type { TsstorePaths } from '../config/paths.js';
import { type DockerConfig, type DockerConfigFile, writeDockerConfig } from '../docker/config-file.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/private-files.js';

export function backupDir(paths: TsstorePaths): string {
  return join(paths.dataDir, 'backups');
}

/** Writes `<dataDir>/backups/<name>.<timestamp>.asc` and returns its path. */
export async function backupFile(paths: TsstorePaths, source: string, text: string, now = new Date()): Promise<string> {
  const pgp = new PgpBackend(paths.pgpDir);
  await pgp.initialize();
  const armored = await pgp.encrypt(text, `tsstore backup of ${basename(source)} taken ${now.toISOString()}`);
  const dir = backupDir(paths);
  ensurePrivateDir(dir);
  const path = join(dir, `${basename(source)}.${now.toISOString().replace(/[:.]/g, '-')}.asc`);
  writeFileAtomic(path, armored);
  return path;
}

/**
 * Replaces config.json (or a containers auth file, which has the same shape) with `config`, after an
 * encrypted backup of the text it had. The one way doctor and migrate rewrite those files.
 */
export async function replaceConfigFile(paths: TsstorePaths, file: DockerConfigFile, config: DockerConfig): Promise<void> {
  if (file.exists) await backupFile(paths, file.path, file.text ?? readFileSync(file.path, 'utf8'));
  writeDockerConfig({ ...file, config });
}
