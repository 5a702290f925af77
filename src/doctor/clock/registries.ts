/**
 * The registries the clock check asks for the time: every key tsstore holds and every key of config.json's
 * `auths`, reduced to one target per registry. Only keys are listed: no login is read.
 */
import { isDockerHubTokenKey } from '../../docker/server-url.js';
import type { DockerConfig } from '../../docker/config-file.js';
import { describeError } from '../../errors.js';
import { type RegistryTarget, registryTarget } from '../../registry/endpoints.js';
import type { DoctorContext } from '../context.js';
import { isProbeKey } from '../probe-credential.js';
import { authsKeys } from '../registry-login/logins.js';

export async function gatherRegistries(context: DoctorContext, notes: string[]): Promise<RegistryTarget[]> {
  const keys: string[] = [];
  try {
    const store = await context.store({ forWrite: false });
    keys.push(...[...(await store.list()).keys()].sort());
  } catch (error) {
    notes.push(`cannot list the registries in tsstore: ${describeError(error)} (see backend)`);
  }
  const read = context.readDockerConfig();
  const config: DockerConfig = read.ok ? read.file.config : {};
  keys.push(...authsKeys(config));
  const targets = new Map<string, RegistryTarget>();
  for (const key of keys) {
    if (isProbeKey(key) || isDockerHubTokenKey(key)) continue;
    const target = registryTarget(key);
    if (target !== undefined && !targets.has(target.indexName.toLowerCase())) targets.set(target.indexName.toLowerCase(), target);
  }
  return [...targets.values()];
}
