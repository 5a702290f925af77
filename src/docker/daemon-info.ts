/**
 * What the running docker daemon says it uses, from `docker info --format '{{json .}}'` (the docker CLI
 * itself, so DOCKER_HOST and contexts apply as they do for the person), bounded by a short deadline: a
 * socket that accepts and never answers must not hang the doctor. Only the fields daemon-json compares are
 * kept; parsing is pure.
 */
import type { DockerOutput } from './cli.js';

export const DAEMON_INFO_TIMEOUT_MS = 5_000;
export const DAEMON_INFO_ARGS = ['info', '--format', '{{json .}}'] as const;

export interface DaemonInfo {
  serverVersion: string;
  /** Registries the daemon treats as insecure by name (IndexConfigs with Secure false), lowercase. */
  insecureNames: string[];
  /** InsecureRegistryCIDRs as the daemon prints them (network address / prefix). */
  insecureCidrs: string[];
  mirrors: string[];
  /** The proxies the daemon uses (credentials masked as `xxxxx` by the daemon). */
  proxies: { http: string; https: string; no: string };
  securityOptions: string[];
}

export type DaemonInfoRead = { answered: true; info: DaemonInfo } | { answered: false; reason: string };

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Pure: the daemon's answer, or undefined when no daemon answered (the CLI prints its own half then). */
export function parseDaemonInfo(stdout: string): DaemonInfo | undefined {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const info = value as Record<string, unknown>;
  const serverVersion = text(info.ServerVersion);
  if (serverVersion === '') return undefined;
  const registry = typeof info.RegistryConfig === 'object' && info.RegistryConfig !== null ? (info.RegistryConfig as Record<string, unknown>) : {};
  const indexConfigs = typeof registry.IndexConfigs === 'object' && registry.IndexConfigs !== null ? (registry.IndexConfigs as Record<string, unknown>) : {};
  const insecureNames = Object.entries(indexConfigs)
    .filter(([, index]) => typeof index === 'object' && index !== null && (index as Record<string, unknown>).Secure === false)
    .map(([name]) => name.toLowerCase());
  return {
    serverVersion,
    insecureNames,
    insecureCidrs: strings(registry.InsecureRegistryCIDRs),
    mirrors: strings(registry.Mirrors),
    proxies: { http: text(info.HttpProxy), https: text(info.HttpsProxy), no: text(info.NoProxy) },
    securityOptions: strings(info.SecurityOptions),
  };
}

/** Pure: what became of the `docker info` run, as a person reads it. */
export function judgeDaemonInfoRun(output: DockerOutput, timeoutMs: number): DaemonInfoRead {
  if (output.timedOut) return { answered: false, reason: `docker info got no answer within ${timeoutMs / 1000} s` };
  const info = output.exitCode === 0 ? parseDaemonInfo(output.stdout) : undefined;
  if (info) return { answered: true, info };
  if (output.exitCode === 127) return { answered: false, reason: 'docker is not on PATH' };
  const said = output.stderr.split('\n').map((line) => line.trim()).find((line) => line !== '');
  return { answered: false, reason: said ? `docker info: ${said.slice(0, 300)}` : `docker info failed (exit code ${output.exitCode})` };
}

export async function readDaemonInfo(
  runDocker: (args: readonly string[], input: string, options: { timeoutMs: number }) => Promise<DockerOutput>,
  timeoutMs = DAEMON_INFO_TIMEOUT_MS,
): Promise<DaemonInfoRead> {
  return judgeDaemonInfoRun(await runDocker(DAEMON_INFO_ARGS, '', { timeoutMs }), timeoutMs);
}
