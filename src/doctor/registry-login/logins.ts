/**
 * The logins registry-login checks, gathered from where docker keeps them: tsstore's own store, then the
 * keys of config.json's `auths`, each read from where docker reads it (plain text in config.json, or the
 * helper credHelpers/credsStore names). A login that cannot be read is a problem verdict; a registry docker
 * uses without any login is remembered, for `--login` at a terminal.
 */
import type { Backend } from '../../backends/backend.js';
import { HelperClient } from '../../credential-helper/client.js';
import { plaintextEntries } from '../../docker/auths.js';
import type { DockerConfig } from '../../docker/config-file.js';
import { isDockerHubTokenKey, lookupCandidates, registryHost } from '../../docker/server-url.js';
import { describeError, isTsstoreError } from '../../errors.js';
import { type RegistryTarget, registryTarget } from '../../registry/endpoints.js';
import type { DoctorContext } from '../context.js';
import { isProbeKey } from '../probe-credential.js';
import { type Subject, type Verdict, loginCommandFor } from './wording.js';

/** Where docker keeps a login: a helper name ("tsstore", "pass", ...) or "config" (plain text). */
export type StoreName = string;

export interface KnownLogin extends Subject {
  secret: string;
  /** Where the login is now. */
  store: StoreName;
}

export interface GatheredLogins {
  logins: KnownLogin[];
  verdicts: Verdict[];
  notes: string[];
  /** Registries docker uses without any login: with --login at a terminal, the person logs in again. */
  withoutLogin: Array<{ key: string; target: RegistryTarget; verdict: Verdict }>;
  /** tsstore's keys as listed (probe and token keys included); undefined when it could not be listed. */
  tsstoreKeys: ReadonlyMap<string, string> | undefined;
  /** config.json `auths` keys whose store (the one docker uses for them) answered that it holds no login. */
  unheld: string[];
}

/** The helper docker uses for `key` (credHelpers first, then credsStore), or "config" for none. */
export function dockerStoreFor(config: DockerConfig, key: string): StoreName {
  const helpers = config.credHelpers;
  if (typeof helpers === 'object' && helpers !== null && !Array.isArray(helpers)) {
    for (const name of [key, registryHost(key)]) {
      const helper = (helpers as Record<string, unknown>)[name];
      if (typeof helper === 'string' && helper !== '') return helper;
    }
  }
  return typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : 'config';
}

export const sourceName = (store: StoreName): string => (store === 'tsstore' ? 'tsstore' : store === 'config' ? 'config.json' : `docker-credential-${store}`);

export async function gatherLogins(context: DoctorContext): Promise<GatheredLogins> {
  const gathered: GatheredLogins = { logins: [], verdicts: [], notes: [], withoutLogin: [], tsstoreKeys: undefined, unheld: [] };
  const read = context.readDockerConfig();
  const config: DockerConfig = read.ok ? read.file.config : {};
  if (!read.ok) gathered.notes.push('config.json cannot be read (see config-json): only the logins in tsstore are checked');
  const tsstore = await fromTsstore(context, gathered);
  if (tsstore.listed) gathered.tsstoreKeys = tsstore.keys;
  for (const key of authsKeys(config)) {
    if (tsstore.keys.has(key) || isDockerHubTokenKey(key)) continue;
    await fromConfigJson(context, config, key, tsstore, gathered);
  }
  return gathered;
}

interface TsstoreKeys {
  keys: Map<string, string>;
  /** false when the store could not be listed (that was reported: its logins are not "missing"). */
  listed: boolean;
}

async function fromTsstore(context: DoctorContext, gathered: GatheredLogins): Promise<TsstoreKeys> {
  let store: Backend;
  let keys: Map<string, string>;
  try {
    store = await context.store({ forWrite: false });
    keys = await store.list();
  } catch (error) {
    gathered.verdicts.push({ problem: true, line: `cannot list the logins in tsstore: ${describeError(error)} (see backend)`, commands: [] });
    return { keys: new Map(), listed: false };
  }
  for (const key of [...keys.keys()].sort()) {
    if (isProbeKey(key) || isDockerHubTokenKey(key)) continue;
    try {
      const login = await store.get(key);
      gathered.logins.push({ key, username: login.username, secret: login.secret, source: 'tsstore', store: 'tsstore' });
    } catch (error) {
      gathered.verdicts.push({ problem: true, line: `${key}: cannot read its login from tsstore: ${describeError(error)}`, commands: [] });
    }
  }
  return { keys, listed: true };
}

/** One key of config.json's `auths` that tsstore does not hold under that exact key. */
async function fromConfigJson(context: DoctorContext, config: DockerConfig, key: string, tsstore: TsstoreKeys, gathered: GatheredLogins): Promise<void> {
  const where = dockerStoreFor(config, key);
  const target = registryTarget(key);
  const again = target ? [loginCommandFor(target, '')] : [];
  if (where === 'tsstore') {
    // docker's `get` answers other spellings of a stored key: that key is checked on its own.
    if (!tsstore.listed || lookupCandidates(key).some((candidate) => tsstore.keys.has(candidate))) return;
    const verdict = { problem: true, line: `${key}: config.json names it, but tsstore holds no login for it: docker uses it without credentials`, commands: again };
    gathered.verdicts.push(verdict);
    gathered.unheld.push(key);
    if (target) gathered.withoutLogin.push({ key, target, verdict });
  } else if (where === 'config') {
    const entry = plaintextEntries(config).find((candidate) => candidate.registry === key);
    if (entry === undefined) {
      gathered.unheld.push(key);
      gathered.verdicts.push({ problem: true, line: `${key}: config.json names it without a login and no credsStore: docker uses it without credentials`, commands: again });
    } else if (entry.kind === 'unusable') {
      gathered.verdicts.push({ problem: true, line: `${key}: ${entry.reason}`, commands: again });
    } else {
      gathered.logins.push({ key, username: entry.username, secret: entry.secret, source: 'config.json', store: 'config' });
    }
  } else if (context.findHelper(where) === undefined) {
    gathered.verdicts.push({ problem: true, line: `${key}: its login is in docker-credential-${where}, which is not on PATH (see creds-store)`, commands: [] });
  } else {
    const login = await fromHelper(context, where, key);
    if ('reason' in login && login.notFound) gathered.unheld.push(key);
    if ('reason' in login) gathered.verdicts.push({ problem: true, line: `${key}: docker-credential-${where} gives no login for it: ${login.reason}`, commands: again });
    else gathered.logins.push({ key, ...login, source: `docker-credential-${where}`, store: where });
  }
}

async function fromHelper(context: DoctorContext, helper: string, key: string): Promise<{ username: string; secret: string } | { reason: string; notFound: boolean }> {
  const client = new HelperClient(`docker-credential-${helper}`, (verb, input) => context.runHelper(helper, verb, input));
  try {
    return await client.get(key);
  } catch (error) {
    return { reason: describeError(error), notFound: isTsstoreError(error, 'not-found') };
  }
}

export function authsKeys(config: DockerConfig): string[] {
  const auths = config.auths;
  return typeof auths === 'object' && auths !== null && !Array.isArray(auths) ? Object.keys(auths) : [];
}
