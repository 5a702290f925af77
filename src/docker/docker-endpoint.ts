/**
 * Which daemon the docker CLI talks to, resolved in the CLI's order: DOCKER_HOST, then DOCKER_CONTEXT,
 * then config.json's currentContext (the context's meta.json names its endpoint), else the default
 * socket. Used to tell a rootless daemon (its socket is $XDG_RUNTIME_DIR/docker.sock) from the system one.
 */
import { dirname, join } from 'node:path';
import type { Environment } from '../config/paths.js';
import { readRegularText } from '../fs/read-regular-file.js';
import { sha256Hex } from '../runtime/lazy-crypto.js';
import { type DockerConfig, readDockerConfig } from './config-file.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export interface DockerEndpoint {
  host: string;
  /** What decided it, for a person: `DOCKER_HOST`, `context "NAME"`, or `the default`. */
  source: string;
}

/** Pure: the endpoint from what the CLI would read. `contextHost` is the named context's docker host. */
export function endpointFrom(inputs: { dockerHost?: string; contextName?: string; contextHost?: string }): DockerEndpoint {
  if (inputs.dockerHost) return { host: inputs.dockerHost, source: 'DOCKER_HOST' };
  if (inputs.contextName && inputs.contextName !== 'default' && inputs.contextHost) {
    return { host: inputs.contextHost, source: `context ${JSON.stringify(inputs.contextName)}` };
  }
  return { host: DEFAULT_DOCKER_HOST, source: 'the default' };
}

/** Where the docker CLI keeps a context's metadata: contexts/meta/<sha256 of the name>/meta.json. */
export function contextMetaPath(configDir: string, name: string): string {
  return join(configDir, 'contexts', 'meta', sha256Hex(name), 'meta.json');
}

/**
 * The endpoint, given config.json as the caller read it (undefined: unreadable, and the CLI then uses its
 * default too). The doctor passes its context's reading, so config.json is read the one way it reads it.
 */
export function dockerEndpoint(env: Environment, configFile: { path: string; config: DockerConfig } | undefined): DockerEndpoint {
  if (env.DOCKER_HOST) return endpointFrom({ dockerHost: env.DOCKER_HOST });
  const contextName = env.DOCKER_CONTEXT || (typeof configFile?.config.currentContext === 'string' ? configFile.config.currentContext : undefined);
  if (!contextName || contextName === 'default' || configFile === undefined) return endpointFrom({});
  return endpointFrom({ contextName, contextHost: contextDockerHost(contextMetaPath(dirname(configFile.path), contextName)) });
}

/** The same, reading config.json itself: for a command that runs outside the doctor. */
export function readDockerEndpoint(env: Environment): DockerEndpoint {
  let configFile: { path: string; config: DockerConfig } | undefined;
  try {
    configFile = readDockerConfig(env);
  } catch {
    // An unreadable config.json is config-json's to report; the CLI then uses its default too.
  }
  return dockerEndpoint(env, configFile);
}

/** A context's meta.json holds a name and a few endpoints: a few hundred bytes. */
const MAX_CONTEXT_META_BYTES = 1024 * 1024;

function contextDockerHost(metaPath: string): string | undefined {
  try {
    // Bounded and regular files only: a FIFO there would stop the doctor at its open.
    const text = readRegularText(metaPath, { maxBytes: MAX_CONTEXT_META_BYTES });
    if (text === undefined) return undefined;
    const meta = JSON.parse(text) as { Endpoints?: { docker?: { Host?: unknown } } };
    const host = meta.Endpoints?.docker?.Host;
    return typeof host === 'string' && host !== '' ? host : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the endpoint is a socket on this machine (so its daemon reads this machine's daemon.json). */
export function isLocalEndpoint(host: string): boolean {
  return host.startsWith('unix://') || host.startsWith('npipe://');
}
