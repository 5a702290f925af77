/**
 * Backups (doctor's copy of config.json before a rewrite) kept in the keyring itself, for users of the
 * keyring backend: no OpenPGP key is made for them, and the keyring's own encryption and unlocking
 * apply, as for their credentials. One item per backup:
 *   service  = "tsstore-backup"   (never "tsstore": `list` and `get` search that service only)
 *   username = "<file name>.<time>", the account as the library writes it (so Keychain and Credential
 *              Manager, through the library, hold the same), e.g. "config.json.2026-12-01T10-00-00-000Z"
 *   path     = the file's full path (Secret Service only)
 * Read one back with: secret-tool lookup service tsstore-backup username config.json.<time>
 */
import type { Environment } from '../../config/paths.js';
import { TsstoreError } from '../../errors.js';
import { judgeReport } from './secret-service/judge.js';
import { libraryError, noBusError } from './messages.js';
import { PINNED, loadKeyringLibrary } from './native.js';
import { usesSecretService } from './open-keyring.js';
import { SecretReader } from './secret-service/reader.js';
import { SecretWriter } from './secret-service/writer.js';
import { SecretServiceClient, findSessionBus, noBusDetail } from './secret-service/client.js';

export const BACKUP_SERVICE = 'tsstore-backup';

export interface BackupItem {
  /** "<file name>.<time>": unique per backup. */
  account: string;
  /** The full path of the file backed up. */
  path: string;
  label: string;
  text: string;
}

/** How a person reads the backup back (the Secret Service's command-line client). */
export function backupLookupCommand(account: string): string {
  return `secret-tool lookup service ${BACKUP_SERVICE} username '${account.replace(/'/g, "'\\''")}'`;
}

/** Stores `item` in the keyring and reads it back; throws (nothing half-done to undo) when it cannot. */
export async function storeBackupItem(env: Environment, item: BackupItem): Promise<void> {
  if (usesSecretService()) {
    const bus = findSessionBus(env);
    if (bus.kind !== 'socket') throw noBusError(noBusDetail(bus));
    const client = new SecretServiceClient(env);
    try {
      const reader = new SecretReader(client);
      const attributes = { service: BACKUP_SERVICE, username: item.account, path: item.path };
      if (await new SecretWriter(client, reader).write({ label: item.label, attributes }, item.text)) {
        const back = await reader.read(attributes);
        if (back.kind === 'secret' && back.text === item.text) return;
        throw new TsstoreError('backend-unavailable', `the backup of ${item.path} written to the keyring did not read back the same; nothing was changed`);
      }
      // Not a plain write: a locked or missing collection is said as such, anything else goes to the library.
      const problem = judgeReport({ service: await client.status() }, { writing: true });
      if (problem) throw problem;
    } finally {
      client.close();
    }
  }
  const library = await loadKeyringLibrary();
  try {
    const entry = new library.Entry(BACKUP_SERVICE, item.account, PINNED);
    entry.setPassword(item.text);
    if (entry.getPassword() !== item.text) throw new Error('it read back different');
  } catch (error) {
    throw libraryError(`keep the backup of ${item.path}`, error);
  }
}
