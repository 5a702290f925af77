/**
 * registry-login: every stored login still opens its registry. For each registry tsstore holds a login
 * for, and each one config.json's `auths` names, `GET /v2/` the way docker does (https; plain http only
 * for loopback and insecure-registries) and answer the challenge with the stored login. With --login,
 * `docker login -u USER --password-stdin` re-runs each login so docker itself proves the whole chain.
 * No fix: the wording says what to change, and the commands how.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Backend } from '../../backends/backend.js';
import { HelperClient } from '../../credential-helper/client.js';
import { plaintextEntries, setOwn } from '../../docker/auths.js';
import type { DockerConfig } from '../../docker/config-file.js';
import { isDockerHubTokenKey, lookupCandidates, registryHost } from '../../docker/server-url.js';
import { describeError } from '../../errors.js';
import type { Check, Diagnosis } from '../check.js';
import type { DockerConfigRead, DoctorContext } from '../context.js';
import { registryCertificateAuthorities, systemCertificateAuthorities } from '../../registry/trusted-authorities.js';
import { type InsecureRegistries, type RegistryTarget, endpointsFor, parseInsecureRegistries, registryTarget, transportFor } from '../../registry/endpoints.js';
import { IDENTITY_TOKEN_USERNAME, probeRegistry } from '../../registry/login-probe.js';
import {
  DEFAULT_CERTS_D,
  DEFAULT_DAEMON_JSON,
  type Subject,
  type Verdict,
  describeProbe,
  describeSubject,
  dockerKey,
  dockerLoginTarget,
  loginCommandFor,
} from '../registry-login/wording.js';
import { redact } from '../../text/redact.js';
import { isProbeKey } from '../probe-credential.js';

/** The whole conversation with one registry; unreachable ones fail faster (refused, no such name). */
export const REGISTRY_TIMEOUT_MS = 6_000;
const PARALLEL_REGISTRIES = 4;

/** Where docker keeps a login: a helper name ("tsstore", "pass", ...) or "config" (plain text). */
type StoreName = string;

interface KnownLogin extends Subject {
  secret: string;
  /** Where the login is now. */
  store: StoreName;
}

const sourceName = (store: StoreName) => (store === 'tsstore' ? 'tsstore' : store === 'config' ? 'config.json' : `docker-credential-${store}`);

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

function authsKeys(config: DockerConfig): string[] {
  const auths = config.auths;
  return typeof auths === 'object' && auths !== null && !Array.isArray(auths) ? Object.keys(auths) : [];
}

interface Gathered {
  logins: KnownLogin[];
  verdicts: Verdict[];
  notes: string[];
  /** Registries docker uses without any login: with --login at a terminal, the person logs in again. */
  withoutLogin: Array<{ key: string; target: RegistryTarget; verdict: Verdict }>;
}

async function gather(context: DoctorContext): Promise<Gathered> {
  const gathered: Gathered = { logins: [], verdicts: [], notes: [], withoutLogin: [] };
  const read = context.readDockerConfig();
  const config: DockerConfig = read.ok ? read.file.config : {};
  if (!read.ok) gathered.notes.push('config.json cannot be read (see config-json): only the logins in tsstore are checked');

  let store: Backend | undefined;
  let keys = new Map<string, string>();
  try {
    const opened = await context.store({ forWrite: false });
    keys = await opened.list();
    store = opened;
  } catch (error) {
    gathered.verdicts.push({ problem: true, line: `cannot list the logins in tsstore: ${describeError(error)} (see backend)`, commands: [] });
  }
  for (const key of [...keys.keys()].sort()) {
    if (isProbeKey(key) || isDockerHubTokenKey(key) || store === undefined) continue;
    try {
      const login = await store.get(key);
      gathered.logins.push({ key, username: login.username, secret: login.secret, source: 'tsstore', store: 'tsstore' });
    } catch (error) {
      gathered.verdicts.push({ problem: true, line: `${key}: cannot read its login from tsstore: ${describeError(error)}`, commands: [] });
    }
  }

  const plaintext = plaintextEntries(config);
  for (const key of authsKeys(config)) {
    if (keys.has(key) || isDockerHubTokenKey(key)) continue;
    const where = dockerStoreFor(config, key);
    const target = registryTarget(key);
    const again = target ? [loginCommandFor(target, '')] : [];
    if (where === 'tsstore') {
      // docker's `get` answers other spellings of a stored key: that key is checked on its own. A store
      // that cannot be listed was reported above; its logins are not "missing".
      if (store === undefined || lookupCandidates(key).some((candidate) => keys.has(candidate))) continue;
      const verdict = { problem: true, line: `${key}: config.json names it, but tsstore holds no login for it: docker uses it without credentials`, commands: again };
      gathered.verdicts.push(verdict);
      if (target) gathered.withoutLogin.push({ key, target, verdict });
    } else if (where === 'config') {
      const entry = plaintext.find((candidate) => candidate.registry === key);
      if (entry === undefined) {
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
      if ('reason' in login) gathered.verdicts.push({ problem: true, line: `${key}: docker-credential-${where} gives no login for it: ${login.reason}`, commands: again });
      else gathered.logins.push({ key, ...login, source: `docker-credential-${where}`, store: where });
    }
  }
  return gathered;
}

async function fromHelper(context: DoctorContext, helper: string, key: string): Promise<{ username: string; secret: string } | { reason: string }> {
  const client = new HelperClient(`docker-credential-${helper}`, (verb, input) => context.runHelper(helper, verb, input));
  try {
    return await client.get(key);
  } catch (error) {
    return { reason: describeError(error) };
  }
}

interface Network {
  insecure: InsecureRegistries;
  daemonJson: string;
  certsD: string;
  systemCas: string[];
}

function network(context: DoctorContext, notes: string[]): Network {
  const daemonJson = context.env.TSSTORE_DOCKER_DAEMON_JSON || DEFAULT_DAEMON_JSON;
  const certsD = context.env.TSSTORE_DOCKER_CERTS_D || DEFAULT_CERTS_D;
  let insecure: InsecureRegistries = { names: [], cidrs: [] };
  try {
    const parsed = parseInsecureRegistries(readFileSync(daemonJson, 'utf8'));
    insecure = parsed.insecure;
    if (parsed.ignored.length > 0) notes.push(`${daemonJson}: docker refuses these insecure-registries entries: ${parsed.ignored.join(', ')}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') notes.push(`cannot use ${daemonJson} (${describeError(error)}): assuming no insecure-registries`);
  }
  return { insecure, daemonJson, certsD, systemCas: systemCertificateAuthorities(context.env) };
}

/** A throw while handling one login is that login's problem verdict: the other registries keep theirs. */
async function guarded(login: KnownLogin, doing: string, task: () => Promise<Verdict>): Promise<Verdict> {
  try {
    return await task();
  } catch (error) {
    return { problem: true, line: `${describeSubject(login)}: ${doing} failed: ${describeError(error)}`, commands: [] };
  }
}

async function verify(context: DoctorContext, login: KnownLogin, net: Network): Promise<Verdict> {
  const target = registryTarget(login.key);
  if (target === undefined) return { problem: true, line: `${describeSubject(login)}: the key names no registry host`, commands: [] };
  const resolve = context.resolveHost.bind(context);
  const addresses = target.hub || isIP(target.hostname) !== 0 ? [] : await resolve(target.hostname);
  const transport = transportFor(target, net.insecure, addresses, net.daemonJson);
  const result = await probeRegistry(endpointsFor(target, transport), login, context.httpRequest.bind(context), {
    timeoutMs: REGISTRY_TIMEOUT_MS,
    ca: [...net.systemCas, ...registryCertificateAuthorities(net.certsD, target.indexName)],
  });
  const verdict = describeProbe(result, login, target, { daemonJson: net.daemonJson, certsD: net.certsD });
  // Say why docker's safeguards were off: a person should know the password crossed unprotected.
  if (transport.insecure && !verdict.problem) {
    verdict.line += result.url.startsWith('http:') ? ` over plain http (${transport.why})` : ` over https without verifying the certificate (${transport.why})`;
  }
  return verdict;
}

/** docker's own error line: the one starting with "Error", else the last one it printed. */
function dockerError(output: { stdout: string; stderr: string; exitCode: number }): string {
  const lines = `${output.stderr}\n${output.stdout}`.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return (lines.find((line) => /^error/i.test(line)) ?? lines[lines.length - 1] ?? `exit ${output.exitCode}`).slice(0, 300);
}

async function reLogin(context: DoctorContext, login: KnownLogin, all: readonly KnownLogin[], config: DockerConfig): Promise<Verdict> {
  const who = describeSubject(login);
  const target = registryTarget(login.key);
  if (target === undefined) return { problem: false, line: `${who}: not re-running docker login: the key names no registry host`, commands: [] };
  if (login.username === IDENTITY_TOKEN_USERNAME) {
    return {
      problem: false,
      line: `${who}: not re-running docker login: an identity token cannot be given to docker login --password-stdin (it takes a password); to renew it run: ${loginCommandFor(target, login.username)}`,
      commands: [],
    };
  }
  const canonical = dockerKey(target);
  const dockerStore = dockerStoreFor(config, canonical);
  if (login.store === 'config' || dockerStore === 'config') {
    return { problem: false, line: `${who}: not re-running docker login: docker would write the password into config.json in plain text (see creds-store)`, commands: [] };
  }
  if (dockerStore !== login.store) {
    return { problem: false, line: `${who}: not re-running docker login: docker would store the login in ${sourceName(dockerStore)}, not in ${sourceName(login.store)}`, commands: [] };
  }
  if (canonical !== login.key && all.some((other) => other.key === canonical && other.store === login.store)) {
    return { problem: false, line: `${who}: not re-running docker login: docker would store it as ${canonical}, replacing the login kept there (that one is re-run)`, commands: [] };
  }
  const args = ['login', '-u', login.username, '--password-stdin', ...dockerLoginTarget(target)];
  const result = await context.runDocker(args, login.secret);
  const shown = ['docker', 'login', '-u', login.username, ...dockerLoginTarget(target)].join(' ');
  if (result.exitCode === 0) {
    const under = canonical !== login.key ? `, stored as ${canonical}` : '';
    return { problem: false, line: `${who}: ${shown} --password-stdin succeeded: docker itself logged in with the stored login${under}`, commands: [] };
  }
  return { problem: true, line: `${who}: ${shown} --password-stdin failed (exit ${result.exitCode}): ${dockerError(result)}`, commands: [loginCommandFor(target, login.username)] };
}

/** The config docker wrote, with the top-level keys it dropped put back where they were. */
export function withDroppedKeys(before: DockerConfig, after: DockerConfig): { config: DockerConfig; dropped: string[] } {
  const dropped = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
  if (dropped.length === 0) return { config: after, dropped };
  const config: DockerConfig = {};
  for (const key of Object.keys(before)) setOwn(config, key, Object.hasOwn(after, key) ? after[key] : before[key]);
  for (const key of Object.keys(after)) if (!Object.hasOwn(config, key)) setOwn(config, key, after[key]);
  return { config, dropped };
}

/** docker login saves config.json without the keys it does not know: put them back. */
async function restoreDroppedKeys(context: DoctorContext, before: DockerConfigRead): Promise<Verdict | undefined> {
  if (!before.ok || !before.file.exists) return undefined;
  const after = context.readDockerConfig();
  if (!after.ok) return { problem: true, line: `after docker login, ${after.path} cannot be read: ${after.message}`, commands: [] };
  const { config, dropped } = withDroppedKeys(before.file.config, after.file.config);
  if (dropped.length === 0) return undefined;
  try {
    await context.writeDockerConfig(after.file, config);
  } catch (error) {
    return { problem: true, line: `docker login dropped ${dropped.join(', ')} from ${after.file.path} and putting them back failed: ${describeError(error)}`, commands: [] };
  }
  return { problem: false, line: `docker login dropped keys it does not know from ${after.file.path} (${dropped.join(', ')}); doctor put them back`, commands: [] };
}

/** Runs `task` over `items` with at most `limit` at a time, keeping the order of `items` in the result. */
async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const registryLogin: Check = {
  id: 'registry-login',
  title: 'Registries accept the stored logins',
  async diagnose(context): Promise<Diagnosis> {
    const { logins, verdicts, notes, withoutLogin } = await gather(context);
    if (logins.length === 0 && verdicts.length === 0) {
      return { status: 'skipped', details: [...notes, 'no registry logins stored (tsstore and config.json name none)'] };
    }
    const net = network(context, notes);
    if (logins.length > 0 && ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => context.env[name])) {
      notes.push('a proxy is set in the environment: this check connects directly, docker goes through the proxy');
    }
    const checked = await inParallel(logins, PARALLEL_REGISTRIES, (login) => guarded(login, 'checking this login', () => verify(context, login, net)));
    const all = [...checked, ...verdicts];
    if (context.login) {
      const before = context.readDockerConfig();
      // One at a time: each docker login rewrites config.json.
      for (const login of logins) all.push(await guarded(login, 're-running docker login', () => reLogin(context, login, logins, before.ok ? before.file.config : {})));
      // No secret to re-use: a person at the terminal types it to docker itself.
      if (context.interactive) {
        for (const { key, target, verdict } of withoutLogin) {
          const args = ['login', ...dockerLoginTarget(target)];
          const code = await context.runDockerOnTerminal(args).catch((error: unknown) => describeError(error));
          if (code === 0) all[all.indexOf(verdict)] = { problem: false, line: `${key}: docker ${args.join(' ')} succeeded at the terminal`, commands: [] };
          else if (typeof code === 'string') all.push({ problem: true, line: `${key}: docker ${args.join(' ')} at the terminal failed: ${code}`, commands: [] });
        }
      }
      const restored = await restoreDroppedKeys(context, before);
      if (restored !== undefined) all.push(restored);
    }
    const secrets = logins.flatMap((login) => [login.secret, Buffer.from(`${login.username}:${login.secret}`).toString('base64')]);
    const details = [...notes, ...all.map((verdict) => verdict.line)].map((line) => redact(line, secrets));
    const commands = [...new Set(all.flatMap((verdict) => verdict.commands))].map((command) => redact(command, secrets));
    if (!all.some((verdict) => verdict.problem)) return { status: 'ok', details };
    return { status: 'problem', fixable: false, details, commands };
  },
};
