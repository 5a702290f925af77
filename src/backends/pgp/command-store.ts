/** The pgp store that `unlock`, `lock` and `passwd` work on (a person runs them: it may ask), or why there is none. */
import { backendInForce } from '../in-force.js';
import { type Environment, tsstorePaths } from '../../config/paths.js';
import { TsstoreError } from '../../errors.js';
import { storeKeySource } from '../../unlock/store-key-source.js';
import { PgpBackend } from './pgp-backend.js';

export function pgpStoreFor(command: string, env: Environment, options: { needKey: boolean }): PgpBackend {
  const paths = tsstorePaths(env);
  if (backendInForce(env, paths)?.name === 'keyring') {
    throw new TsstoreError('config', `${command} is for the pgp backend; this store keeps credentials in the OS keyring, which your desktop session unlocks`);
  }
  const backend = new PgpBackend(paths.pgpDir, storeKeySource(env, { mayPrompt: true }));
  if (options.needKey && !backend.hasKey()) {
    throw new TsstoreError('config', `there is no store key yet (${backend.layout.privateKeyFile}): run docker-credential-tsstore init`);
  }
  return backend;
}
