/**
 * Backups (doctor's copy of config.json before a rewrite) kept in the keyring itself, for users of the
 * keyring backend: no OpenPGP key is made for them, and the keyring's own encryption and unlocking
 * apply, as for their credentials. One item per backup, of service "tsstore-backup" (item-format.ts);
 * the account as the library writes it, so Keychain and Credential Manager, through the library, hold
 * the same. Read one back with: secret-tool lookup service tsstore-backup username config.json.<time>
 */
import type { Environment } from '../../config/paths.js';
import { noBusDetail } from '../../dbus/bus-address.js';
import { findSessionBus } from '../../dbus/session-bus.js';
import { TsstoreError } from '../../errors.js';
import { ACCOUNT_ATTRIBUTE, BACKUP_SERVICE, backupItem } from './item-format.js';
import { libraryError } from './messages.js';
import { PINNED, loadKeyringLibrary } from './native.js';
import { usesSecretService } from './open-keyring.js';
import { SecretServiceClient } from './secret-service/client.js';
import { noBusError } from './secret-service/messages.js';
import { DirectStore } from './secret-service/store.js';

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
  return `secret-tool lookup service ${BACKUP_SERVICE} ${ACCOUNT_ATTRIBUTE} '${account.replace(/'/g, "'\\''")}'`;
}

/** Stores `backup` in the keyring and reads it back; throws (nothing half-done to undo) when it cannot. */
export async function storeBackupItem(env: Environment, backup: BackupItem): Promise<void> {
  const item = backupItem(backup);
  if (usesSecretService()) {
    const bus = findSessionBus(env);
    if (bus.kind !== 'socket') throw noBusError(noBusDetail(bus));
    const client = new SecretServiceClient(env);
    try {
      const store = new DirectStore(client);
      const stored = await store.add(item, backup.text);
      // Unreachable, or it left a call unanswered: the library (no timeout of its own) would wait for ever.
      if (stored.kind === 'unavailable') throw stored.error;
      if (stored.kind === 'stored') {
        const back = await store.get(item);
        if (back.kind === 'unavailable') throw back.error;
        if (back.kind === 'found' && back.text === backup.text) return;
        throw new TsstoreError('backend-unavailable', `the backup of ${backup.path} written to the keyring did not read back the same; nothing was changed`);
      }
      // Not a plain write: a locked or missing collection is said as such, anything else goes to the library.
      const problem = await store.explain(true);
      if (problem) throw problem;
    } finally {
      client.close();
    }
  }
  const library = await loadKeyringLibrary();
  try {
    const entry = new library.Entry(item.service, item.account, PINNED);
    entry.setPassword(backup.text);
    if (entry.getPassword() !== backup.text) throw new Error('it read back different');
  } catch (error) {
    throw libraryError(`keep the backup of ${backup.path}`, error);
  }
}
