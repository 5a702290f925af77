/**
 * Where the docker CLI looks for the login it sends with `docker push/pull REF`, as a pure function of
 * config.json and the environment (docker/cli config/configfile and config/credentials):
 * - the key: `https://index.docker.io/v1/` for Docker Hub, else the registry's `host[:port]` as written;
 * - DOCKER_AUTH_CONFIG (docker 28.3 and later) first, when it holds a login for that key;
 * - else `credHelpers[key]` (the exact key: for Docker Hub that is the URL above), then `credsStore`;
 * - with no credsStore, credHelpers or auths at all, the store docker picks by itself on Linux: `pass`
 *   when the pass program is on PATH, else `secretservice`, and only if its docker-credential-* is there;
 * - else the plain-text `auths` of config.json.
 */
import { type PlaintextEntry, plaintextEntries } from '../../docker/auths.js';
import type { DockerConfig } from '../../docker/config-file.js';
import { type ImageReference, fullName } from '../../docker/image-reference.js';
import { DOCKER_HUB_KEY, registryHost } from '../../docker/server-url.js';
import { authsKeys, dockerStoreFor } from '../registry-login/logins.js';

export type LoginPlace =
  | { kind: 'helper'; helper: string; why: 'credHelpers' | 'credsStore' | 'docker\'s default store' }
  | { kind: 'config' }
  | { kind: 'auth-env'; entry: PlaintextEntry };

export interface LoginPlan {
  /** The server URL docker asks the helper for. */
  key: string;
  place: LoginPlace;
}

export interface PlanInputs {
  config: DockerConfig;
  /** DOCKER_AUTH_CONFIG's value, already parsed as a config.json (undefined: unset or unusable). */
  authEnv?: DockerConfig;
  /** Whether `pass` and which `docker-credential-NAME` programs are on PATH. */
  onPath: (program: string) => boolean;
}

export function dockerKeyFor(reference: ImageReference): string {
  return reference.hub ? DOCKER_HUB_KEY : reference.domain;
}

export function planLogin(reference: ImageReference, inputs: PlanInputs): LoginPlan {
  const key = dockerKeyFor(reference);
  const fromEnv = inputs.authEnv === undefined ? undefined : plaintextFor(inputs.authEnv, key);
  if (fromEnv !== undefined) return { key, place: { kind: 'auth-env', entry: fromEnv } };
  const { config } = inputs;
  // docker looks up credHelpers by the exact key; dockerStoreFor also tries the key's host, which for
  // every key but Docker Hub's URL is the key itself.
  const store = reference.hub ? exactHelper(config, key) : dockerStoreFor(config, key);
  if (store !== 'config') {
    const named = typeof config.credHelpers === 'object' && config.credHelpers !== null && store === (config.credHelpers as Record<string, unknown>)[key];
    return { key, place: { kind: 'helper', helper: store, why: named ? 'credHelpers' : 'credsStore' } };
  }
  const fallback = defaultStore(config, inputs.onPath);
  if (fallback !== undefined) return { key, place: { kind: 'helper', helper: fallback, why: 'docker\'s default store' } };
  return { key, place: { kind: 'config' } };
}

function exactHelper(config: DockerConfig, key: string): string {
  const helpers = config.credHelpers;
  const helper = typeof helpers === 'object' && helpers !== null && !Array.isArray(helpers) ? (helpers as Record<string, unknown>)[key] : undefined;
  if (typeof helper === 'string' && helper !== '') return helper;
  return typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : 'config';
}

/** docker's DetectDefaultStore on Linux, applied only when config.json names no login at all. */
function defaultStore(config: DockerConfig, onPath: (program: string) => boolean): string | undefined {
  const helpers = config.credHelpers;
  const hasHelpers = typeof helpers === 'object' && helpers !== null && Object.keys(helpers).length > 0;
  if (hasHelpers || authsKeys(config).length > 0 || (typeof config.credsStore === 'string' && config.credsStore !== '')) return undefined;
  const platform = onPath('pass') ? 'pass' : 'secretservice';
  return onPath(`docker-credential-${platform}`) ? platform : undefined;
}

/** docker's file store: the exact key, else an `auths` key whose host is that key. */
export function plaintextFor(config: DockerConfig, key: string): PlaintextEntry | undefined {
  const entries = plaintextEntries(config);
  return entries.find((entry) => entry.registry === key) ?? entries.find((entry) => registryHost(entry.registry) === key);
}

/** The first line of the image check: which file, which helper or place, which key. */
export function describePlan(reference: ImageReference, plan: LoginPlan, configPath: string): string {
  const what = `for ${fullName(reference)} docker`;
  switch (plan.place.kind) {
    case 'auth-env':
      return `${what} takes the login for "${plan.key}" from DOCKER_AUTH_CONFIG, before ${configPath} (see config-keys)`;
    case 'config':
      return `${what} reads ${configPath}: no credsStore or credHelpers entry applies, so the login for "${plan.key}" is the plain-text one in its auths`;
    case 'helper':
      return `${what} reads ${configPath} and asks docker-credential-${plan.place.helper} (${plan.place.why}) for the login under "${plan.key}"`;
  }
}
