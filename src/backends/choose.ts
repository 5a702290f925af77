/**
 * The first use with nothing set up: keep credentials in the OS keyring when one answers and is open
 * (on Linux: a Secret Service whose default collection is unlocked), else in the pgp store, and write
 * the choice down so it never changes by itself afterwards.
 */
import type { Environment, TsstorePaths } from '../config/paths.js';
import { type Settings, readSettings } from '../config/settings.js';
import { TsstoreError } from '../errors.js';
import { createFileExclusive, ensurePrivateDir } from '../fs/private-files.js';
import type { BackendName } from './backend.js';
import { KEYRING_SERVICE } from './keyring/item-format.js';
import { describeState } from './keyring/secret-service/messages.js';
import { loadKeyringLibrary } from './keyring/native.js';
import { usesSecretService } from './keyring/open-keyring.js';
import { inspectSecretService } from './keyring/secret-service/client.js';

export interface Choice {
  backend: BackendName;
  /** Why, for a person: what the keyring answered. */
  reason: string;
}

/** Looks, never writes: which backend a first use here would pick, and why. */
export async function probeBackend(env: Environment = process.env): Promise<Choice> {
  if (usesSecretService()) {
    // No D-Bus activation: a keyring that is not already running is not one the user set up.
    const { service } = await inspectSecretService(env, { autoStart: false, timeoutMs: 3000 });
    const usable = service.state === 'ready' && !service.collection.locked;
    return { backend: usable ? 'keyring' : 'pgp', reason: describeState(service) };
  }
  // macOS (Keychain) and Windows (Credential Manager): usable when a search of tsstore's items works.
  // Same library as on Linux; not tested here.
  try {
    const library = await loadKeyringLibrary();
    library.findCredentials(KEYRING_SERVICE);
    return { backend: 'keyring', reason: `the ${process.platform === 'darwin' ? 'Keychain' : 'Credential Manager'} answers` };
  } catch (error) {
    return { backend: 'pgp', reason: `the OS keyring cannot be used (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}

/**
 * Writes `settings` unless a settings file appeared meanwhile (another helper's first use, racing this
 * one): then that file's choice wins, for both processes. Returns the choice in force.
 */
export function recordChoice(paths: TsstorePaths, settings: Settings): { settings: Settings; recorded: boolean } {
  ensurePrivateDir(paths.configDir);
  if (createFileExclusive(paths.settingsFile, `${JSON.stringify(settings, null, 2)}\n`)) return { settings, recorded: true };
  const existing = readSettings(paths);
  if (!existing) throw new TsstoreError('config', `${paths.settingsFile} vanished while tsstore was setting up; run the command again`);
  return { settings: existing, recorded: false };
}

