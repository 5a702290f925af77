/**
 * Which backend serves this process: TSSTORE_BACKEND, else the recorded choice, else (on the first
 * `store`) the keyring when one answers unlocked and pgp otherwise, which is then written down so it
 * never changes silently. Reads on a machine with nothing set up write nothing and load no addon.
 */
import { type Environment, type TsstorePaths, tsstorePaths } from '../config/paths.js';
import { warn } from '../text/output.js';
import { storeKeySource } from '../unlock/store-key-source.js';
import type { Backend, BackendName } from './backend.js';
import { backendInForce } from './in-force.js';
import type { StoreKeySource } from './pgp/key-source.js';
import { PgpBackend } from './pgp/pgp-backend.js';

export interface OpenOptions {
  forWrite: boolean;
  /** How a locked pgp key is unlocked; by default a person may be asked at the terminal (doctor's never is). */
  keySource?: StoreKeySource;
}

export async function openBackend(options: OpenOptions, env: Environment = process.env): Promise<Backend> {
  const paths = tsstorePaths(env);
  const inForce = backendInForce(env, paths);
  const name: BackendName = inForce?.name ?? (options.forWrite ? await chooseOnFirstStore(env, paths) : 'pgp');
  if (name === 'keyring') {
    // The keyring code, and the native addon it loads, are read only when this backend is used.
    const { openKeyringBackend } = await import('./keyring/open-keyring.js');
    return openKeyringBackend(env);
  }
  // With nothing set up, reads go here too: get answers not-found and list answers {}, writing nothing.
  const backend = new PgpBackend(paths.pgpDir, options.keySource ?? storeKeySource(env, { mayPrompt: true }));
  if (options.forWrite) {
    const fingerprint = await backend.initialize();
    if (fingerprint) {
      warn(`tsstore: created a new OpenPGP store key ${fingerprint} in ${backend.layout.privateKeyFile}`);
    }
  }
  return backend;
}

/** First store on this machine: choose, and write the choice down before anything is stored. */
async function chooseOnFirstStore(env: Environment, paths: TsstorePaths): Promise<BackendName> {
  const { probeBackend, recordChoice } = await import('./choose.js');
  const choice = await probeBackend(env);
  const result = recordChoice(paths, { backend: choice.backend });
  const name = result.settings.backend;
  if (result.recorded && name === 'keyring') {
    warn(`tsstore: keeping credentials in the OS keyring (${choice.reason}); recorded in ${paths.settingsFile}`);
  }
  return name;
}
