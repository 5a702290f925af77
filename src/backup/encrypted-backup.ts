/**
 * Backups of files that may hold secrets (config.json with plain-text `auths`), never in plain text,
 * and kept by the backend in use, the one `store` would use (set up as a first store would when
 * nothing is yet): a fix that moves logins writes them there too, so a keyring user never gets an
 * OpenPGP key made behind their back only for a backup, and a pgp user's backups are read with the
 * key that reads their credentials.
 * - pgp: `<dataDir>/backups/<name>.<time>.asc`, encrypted to the store key (and any extra recipients);
 *   read it with `gpg --decrypt` after importing the store key.
 * - keyring: an item of service "tsstore-backup" (backends/keyring/backup-item.ts), which tsstore's
 *   `list` never shows; read it with `secret-tool lookup service tsstore-backup username <name>.<time>`.
 */
import { basename, join } from 'node:path';
import { openBackend } from '../backends/open.js';
import { PgpBackend } from '../backends/pgp/pgp-backend.js';
import { type Environment, type TsstorePaths, tsstorePaths } from '../config/paths.js';
import { type DockerConfig, type DockerConfigFile, MAX_CONFIG_JSON_BYTES, assertRewritable, writeDockerConfig } from '../docker/config-file.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/private-files.js';
import { readExistingRegularText } from '../fs/read-regular-file.js';

export function backupDir(paths: TsstorePaths): string {
  return join(paths.dataDir, 'backups');
}

/** "<name>.<time>", the time with no ':' or '.' (a file name on every system, a plain keyring account). */
export function backupName(source: string, now: Date): string {
  return `${basename(source)}.${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** Backs `text` (the content of `source`) up; returns where the backup is, for a person. */
export async function backupFile(env: Environment, source: string, text: string, now = new Date()): Promise<string> {
  const store = await openBackend({ forWrite: true }, env);
  const name = backupName(source, now);
  const label = `tsstore backup of ${source} taken ${now.toISOString()}`;
  if (!(store instanceof PgpBackend)) {
    const { backupLookupCommand, storeBackupItem } = await import('../backends/keyring/backup-item.js');
    await storeBackupItem(env, { account: name, path: source, label, text });
    return `the keyring (${backupLookupCommand(name)})`;
  }
  const armored = await store.encrypt(text, label);
  const dir = backupDir(tsstorePaths(env));
  ensurePrivateDir(dir);
  const path = join(dir, `${name}.asc`);
  writeFileAtomic(path, armored);
  return path;
}

/**
 * Replaces config.json (or a containers auth file, which has the same shape) with `config`, after an
 * encrypted backup of the text it had. The one way doctor and migrate rewrite those files.
 */
export async function replaceConfigFile(env: Environment, file: DockerConfigFile, config: DockerConfig): Promise<void> {
  assertRewritable(file); // before the backup: a file that may not be rewritten needs none
  if (file.exists) await backupFile(env, file.path, file.text ?? readBackedUpText(file.path));
  writeDockerConfig({ ...file, config });
}

/** The text of a file about to be replaced, read as its reader read it (config.json's cap, regular files only). */
export function readBackedUpText(path: string): string {
  return readExistingRegularText(path, { maxBytes: MAX_CONFIG_JSON_BYTES });
}
