/**
 * Does each registry still accept its stored login? `GET /v2/` the way docker does (https; plain http
 * only for loopback and insecure-registries) and answer the challenge with the login. Only reads: no
 * file is written and docker is not run (whether daemon.json is writable is asked of the file system).
 */
import { isIP } from 'node:net';
import { describeError } from '../../errors.js';
import { type RegistryTarget, type Transport, endpointsFor, registryTarget, transportFor } from '../../registry/endpoints.js';
import { type ProbeLogin, type ProbeResult, probeRegistry } from '../../registry/login-probe.js';
import { registryCertificateAuthorities } from '../../registry/trusted-authorities.js';
import type { DoctorContext } from '../context.js';
import type { DaemonSettings } from '../../docker/daemon-settings.js';
import type { KnownLogin } from './logins.js';
import { daemonJsonWritable } from '../../docker/daemon-json-write.js';
import { type Verdict, type WordingPaths, describeProbe, describeSubject } from './wording.js';

/** The whole conversation with one registry; unreachable ones fail faster (refused, no such name). */
export const REGISTRY_TIMEOUT_MS = 6_000;
const PARALLEL_REGISTRIES = 4;

/** One verdict per login, in the order of `logins`. */
export function probeLogins(context: DoctorContext, logins: readonly KnownLogin[], daemon: DaemonSettings): Promise<Verdict[]> {
  const paths = wordingPaths(daemon);
  return inParallel(logins, PARALLEL_REGISTRIES, (login) => guarded(login, 'checking this login', () => probeLogin(context, login, daemon, paths)));
}

/** What the wording says about the daemon: its files, how it is reloaded, and who may edit its daemon.json. */
export function wordingPaths(daemon: DaemonSettings): WordingPaths {
  return { daemonJson: daemon.daemonJson, certsD: daemon.certsD, rootless: daemon.rootless !== undefined, daemonJsonWritable: daemonJsonWritable(daemon.daemonJson).writable };
}

async function probeLogin(context: DoctorContext, login: KnownLogin, daemon: DaemonSettings, paths: WordingPaths): Promise<Verdict> {
  const target = registryTarget(login.key);
  if (target === undefined) return { problem: true, line: `${describeSubject(login)}: the key names no registry host`, commands: [] };
  const { result, transport } = await probeTarget(context, target, login, daemon);
  const verdict = describeProbe(result, login, target, paths);
  if (!verdict.problem) verdict.line += insecureNote(result, transport);
  return verdict;
}

/**
 * One login against one registry, over the endpoints docker would use with the authorities it trusts;
 * `repository` asks a token service what it grants there (doctor --image), with no login: to anyone.
 */
export async function probeTarget(
  context: DoctorContext,
  target: RegistryTarget,
  login: ProbeLogin | undefined,
  daemon: DaemonSettings,
  repository?: string,
): Promise<{ result: ProbeResult; transport: Transport }> {
  const addresses = target.hub || isIP(target.hostname) !== 0 ? [] : await context.resolveHost(target.hostname);
  const transport = transportFor(target, daemon.insecure, addresses, daemon.daemonJson);
  const result = await probeRegistry(endpointsFor(target, transport), login, context.httpRequest.bind(context), {
    timeoutMs: REGISTRY_TIMEOUT_MS,
    ca: [...daemon.systemCas, ...registryCertificateAuthorities(daemon.certsD, target.indexName)],
    ...(repository !== undefined ? { repository } : {}),
  });
  return { result, transport };
}

/** Why docker's safeguards were off, for a login that went through: the password crossed unprotected. */
export function insecureNote(result: ProbeResult, transport: Transport): string {
  if (!transport.insecure) return '';
  return result.url.startsWith('http:') ? ` over plain http (${transport.why})` : ` over https without verifying the certificate (${transport.why})`;
}

/** A throw while handling one login is that login's problem verdict: the other registries keep theirs. */
export async function guarded(login: KnownLogin, doing: string, task: () => Promise<Verdict>): Promise<Verdict> {
  try {
    return await task();
  } catch (error) {
    return { problem: true, line: `${describeSubject(login)}: ${doing} failed: ${describeError(error)}`, commands: [] };
  }
}

/** Runs `task` over `items` with at most `limit` at a time, keeping the order of `items` in the result. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
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
