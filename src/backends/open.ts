/**
 * Which backend serves this process: TSSTORE_BACKEND, else the recorded choice, else (on the first
 * `store`) the default, which is then written down so it never changes silently.
 */
import { type Environment, tsstorePaths } from '../config/paths.js';
import { readSettings, writeSettings } from '../config/settings.js';
import { TsstoreError } from '../errors.js';
import { type Backend, type BackendName, isBackendName } from './backend.js';
import { PgpBackend } from './pgp/pgp-backend.js';

export function backendOverride(env: Environment): BackendName | undefined {
  const value = env.TSSTORE_BACKEND;
  if (value === undefined || value === '') return undefined;
  if (!isBackendName(value)) {
    throw new TsstoreError('config', `TSSTORE_BACKEND must be "pgp" or "keyring", not "${value.slice(0, 40)}"`);
  }
  return value;
}

export function keyringUnavailable(): TsstoreError {
  return new TsstoreError(
    'backend-unavailable',
    'the keyring backend is not available in this version yet; use TSSTORE_BACKEND=pgp (or init --backend pgp)',
  );
}

export async function openBackend(options: { forWrite: boolean }, env: Environment = process.env): Promise<Backend> {
  const paths = tsstorePaths(env);
  const override = backendOverride(env);
  const settings = override ? undefined : readSettings(paths);
  const name: BackendName = override ?? settings?.backend ?? 'pgp';
  if (name === 'keyring') throw keyringUnavailable();
  const backend = new PgpBackend(paths.pgpDir);
  // Reads never write: on a machine with nothing set up, get answers not-found and list answers {}.
  if (options.forWrite) {
    if (!override && !settings) writeSettings(paths, { backend: name });
    const fingerprint = await backend.initialize();
    if (fingerprint) {
      process.stderr.write(`tsstore: created a new OpenPGP store key ${fingerprint} in ${backend.layout.privateKeyFile}\n`);
    }
  }
  return backend;
}
