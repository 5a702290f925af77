/**
 * Which backend is in force: TSSTORE_BACKEND when set, else the one settings.json records. None when
 * neither says: then the first `store` chooses and writes it down (./choose.ts).
 */
import { type Environment, type TsstorePaths, tsstorePaths } from '../config/paths.js';
import { readSettings } from '../config/settings.js';
import { TsstoreError } from '../errors.js';
import { type BackendName, isBackendName } from './backend.js';

export interface BackendInForce {
  name: BackendName;
  /** What decided it, for a person (`info`). */
  from: 'TSSTORE_BACKEND' | 'settings';
}

export function backendOverride(env: Environment): BackendName | undefined {
  const value = env.TSSTORE_BACKEND;
  if (value === undefined || value === '') return undefined;
  if (!isBackendName(value)) {
    throw new TsstoreError('config', `TSSTORE_BACKEND must be "pgp" or "keyring", not "${value.slice(0, 40)}"`);
  }
  return value;
}

/** settings.json is not read when TSSTORE_BACKEND decides: a broken one does not stop the override. */
export function backendInForce(env: Environment, paths: TsstorePaths = tsstorePaths(env)): BackendInForce | undefined {
  const override = backendOverride(env);
  if (override) return { name: override, from: 'TSSTORE_BACKEND' };
  const settings = readSettings(paths);
  return settings ? { name: settings.backend, from: 'settings' } : undefined;
}
