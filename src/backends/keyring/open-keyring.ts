/**
 * Opens the keyring backend for this platform. On Linux the session bus is looked for first, from
 * the environment alone, so a session without D-Bus fails at once, before the native addon is loaded.
 */
import type { Environment } from '../../config/paths.js';
import { noBusDetail } from '../../dbus/bus-address.js';
import { findSessionBus } from '../../dbus/session-bus.js';
import { KEYRING_SERVICE, searchAttributes } from './item-format.js';
import { KeyringBackend } from './keyring-backend.js';
import { loadKeyringLibrary } from './native.js';
import { SecretServiceClient, inspectSecretService } from './secret-service/client.js';
import { judgeReport } from './secret-service/judge.js';
import { noBusError } from './secret-service/messages.js';
import { DirectStore } from './secret-service/store.js';

/** Linux and the BSDs keep secrets in the Secret Service over D-Bus; macOS and Windows do not. */
export function usesSecretService(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'darwin' && platform !== 'win32';
}

export async function openKeyringBackend(env: Environment = process.env): Promise<KeyringBackend> {
  if (!usesSecretService()) return new KeyringBackend(loadKeyringLibrary);
  const bus = findSessionBus(env);
  if (bus.kind !== 'socket') throw noBusError(noBusDetail(bus));
  // One connection per process, on first use.
  return new KeyringBackend(loadKeyringLibrary, new DirectStore(new SecretServiceClient(env)));
}

/**
 * Checks that the keyring can take credentials now (for `init --backend keyring`): the addon loads,
 * and on Linux the Secret Service answers with an unlocked default collection. Returns where
 * credentials will live, for a person; throws the same errors the protocol verbs would.
 */
export async function checkKeyringReady(env: Environment = process.env): Promise<string> {
  const backend = await openKeyringBackend(env);
  await loadKeyringLibrary();
  if (!usesSecretService()) {
    await backend.list();
    return process.platform === 'darwin' ? 'the macOS Keychain' : 'the Windows Credential Manager';
  }
  const report = await inspectSecretService(env, { attributes: searchAttributes({ service: KEYRING_SERVICE }), timeoutMs: 3000 });
  const problem = judgeReport(report, { writing: true });
  if (problem) throw problem;
  const service = report.service;
  return service.state === 'ready' ? `the Secret Service, collection "${service.collection.label}"` : 'the Secret Service';
}
