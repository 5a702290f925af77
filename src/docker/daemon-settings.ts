/**
 * Where the docker daemon keeps the settings that change how it talks to a registry, and what they say:
 * daemon.json's `insecure-registries` (plain http allowed), the extra authorities in certs.d, and the
 * system's CA bundle. The one place that decides the paths: TSSTORE_DOCKER_DAEMON_JSON and
 * TSSTORE_DOCKER_CERTS_D win (tests set them); else a rootless daemon reads
 * `$XDG_CONFIG_HOME/docker/daemon.json` and `.../certs.d`, the system daemon /etc/docker/...
 * The doctor reads them once per run (src/doctor/daemon-view.ts); what cannot be used becomes a note.
 */
import { isAbsolute, join } from 'node:path';
import { type Environment, userHome } from '../config/paths.js';
import { type InsecureRegistries, insecureRegistriesOf } from '../registry/endpoints.js';
import { systemCertificateAuthorities } from '../registry/trusted-authorities.js';
import { INSECURE_REGISTRIES_KEY } from './daemon-json-edit.js';
import { type DaemonJsonFile, readDaemonJsonFile } from './daemon-json-file.js';
import { type DockerEndpoint, readDockerEndpoint } from './docker-endpoint.js';

export const DEFAULT_DAEMON_JSON = '/etc/docker/daemon.json';
export const DEFAULT_CERTS_D = '/etc/docker/certs.d';

export interface DaemonPaths {
  daemonJson: string;
  certsD: string;
  /** Why the daemon is taken for rootless, when it is. */
  rootless?: string;
}

export interface DaemonSettings extends DaemonPaths {
  insecure: InsecureRegistries;
  systemCas: string[];
}

/** What else is known about the daemon: `docker info`'s SecurityOptions, when a caller asked it. */
export interface DaemonHints {
  securityOptions?: readonly string[];
}

/** Pure: why docker's daemon is rootless (its endpoint, or the daemon saying so), or undefined. */
export function rootlessReason(env: Environment, endpointHost: string, hints: DaemonHints = {}): string | undefined {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime) && endpointHost === `unix://${join(runtime, 'docker.sock')}`) {
    return `docker talks to ${endpointHost}, a rootless daemon's socket`;
  }
  if (hints.securityOptions?.some((option) => /(^|,)name=rootless(,|$)/.test(option))) return 'the daemon says it runs rootless';
  return undefined;
}

/** Pure: the paths, given whether the daemon is rootless. */
export function daemonPathsFor(env: Environment, rootless: string | undefined): DaemonPaths {
  const configHome = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(userHome(env), '.config');
  const base = rootless ? join(configHome, 'docker') : '/etc/docker';
  return {
    daemonJson: env.TSSTORE_DOCKER_DAEMON_JSON || (rootless ? join(base, 'daemon.json') : DEFAULT_DAEMON_JSON),
    certsD: env.TSSTORE_DOCKER_CERTS_D || (rootless ? join(base, 'certs.d') : DEFAULT_CERTS_D),
    ...(rootless ? { rootless } : {}),
  };
}

/** The paths for a command outside the doctor, which reads config.json itself for the endpoint. */
export function daemonPaths(env: Environment, hints: DaemonHints = {}): DaemonPaths {
  return daemonPathsFor(env, rootlessReason(env, readDockerEndpoint(env).host, hints));
}

/** One reading of the daemon's settings: daemon-json judges `file` itself, the other checks use `settings`. */
export interface DaemonRead {
  settings: DaemonSettings;
  /** daemon.json as read for `settings`. */
  file: DaemonJsonFile;
  endpoint: DockerEndpoint;
  /** What could not be used, for the person (each check that uses `settings` shows them). */
  notes: string[];
}

export function readDaemonSettings(env: Environment, endpoint: DockerEndpoint, hints: DaemonHints = {}): DaemonRead {
  const paths = daemonPathsFor(env, rootlessReason(env, endpoint.host, hints));
  const { daemonJson } = paths;
  const notes: string[] = [];
  let insecure: InsecureRegistries = { names: [], cidrs: [] };
  // Bounded, regular files only (a FIFO there must not stop the doctor).
  const file = readDaemonJsonFile(daemonJson);
  if (file.kind === 'parsed') {
    // dockerd matches the key exactly (see daemon-json-edit.ts).
    const parsed = insecureRegistriesOf(Object.hasOwn(file.value, INSECURE_REGISTRIES_KEY) ? file.value[INSECURE_REGISTRIES_KEY] : undefined);
    insecure = parsed.insecure;
    if (parsed.ignored.length > 0) notes.push(`${daemonJson}: docker refuses these insecure-registries entries: ${parsed.ignored.join(', ')}`);
  } else if (file.kind !== 'missing') {
    notes.push(`cannot use ${daemonJson} (${whyUnusable(file)}): assuming no insecure-registries`);
  }
  return { settings: { ...paths, insecure, systemCas: systemCertificateAuthorities(env) }, file, endpoint, notes };
}

function whyUnusable(file: Exclude<DaemonJsonFile, { kind: 'parsed' | 'missing' }>): string {
  switch (file.kind) {
    case 'unreadable':
      return file.message;
    case 'too-large':
      return `${file.bytes} bytes, too large`;
    case 'syntax':
      return `not valid JSON at line ${file.line}, column ${file.column}`;
    case 'not-object':
      return `it holds ${file.found}, not a JSON object`;
  }
}
