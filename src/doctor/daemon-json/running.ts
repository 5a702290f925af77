/**
 * The running daemon against daemon.json: the insecure registries (names and CIDRs), the registry
 * mirrors and, on dockerd 23 and later, the proxies it uses. dockerd reads the file when it starts and
 * again on SIGHUP (`systemctl reload docker`), which keeps containers running; the reload takes
 * insecure-registries and registry-mirrors, but only keys the file sets (a key taken out of the file
 * keeps its running value), and never the proxies. So each difference says what would make the daemon
 * use the file: a reload, or a restart. Pure; values are normalised the way dockerd prints them (CIDRs
 * by their network address, mirrors with a trailing slash, proxy credentials masked), and proxies are
 * never shown with credentials.
 */
import { isIP } from 'node:net';
import type { DaemonInfo } from '../../docker/daemon-info.js';

export interface FileSettings {
  insecureNames: string[];
  insecureCidrs: string[];
  mirrors: string[];
  /** Only the proxies the file sets (`proxies` in daemon.json, dockerd 23+). */
  proxies: { http?: string; https?: string; no?: string };
  /** The keys the file sets at all: a reload changes only those. */
  sets: { insecureRegistries: boolean; registryMirrors: boolean };
}

/** What makes the running daemon use the file: a reload (SIGHUP) keeps containers running. */
export type Remedy = 'reload' | 'restart';

export interface RunningComparison {
  lines: string[];
  /** Undefined when the daemon uses what the file says. */
  remedy?: Remedy;
}

/** daemon.json's key and the dockerd flag that sets the same. */
const INSECURE = ['insecure-registries', 'insecure-registry'] as const;
const MIRRORS = ['registry-mirrors', 'registry-mirror'] as const;

/** dockerd always adds these: they are not the file's. */
const BUILT_IN_CIDRS = new Set(['127.0.0.0/8', '::1/128']);

export function normalizeCidr(cidr: string): string {
  const match = /^([^/]+)\/(\d+)$/.exec(cidr.trim());
  if (!match || isIP(match[1] ?? '') !== 4) return cidr.trim().toLowerCase();
  const prefix = Number(match[2]);
  const value = (match[1] as string).split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const network = prefix === 0 ? 0 : (value - (value % 2 ** (32 - prefix))) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.')}/${prefix}`;
}

const mirror = (url: string): string => url.trim().replace(/\/+$/, '').toLowerCase();
/** Credentials out, as shown: dockerd masks them in `docker info`, and we never print them. */
export const withoutCredentials = (url: string): string => url.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1').replace(/\/+$/, '');

function majorVersion(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? 0);
}

function setDifference(left: readonly string[], right: readonly string[]): string[] {
  const other = new Set(right);
  return [...new Set(left)].filter((item) => !other.has(item));
}

/**
 * Insecure registries the running daemon uses though the file has no insecure-registries key: they come
 * from --insecure-registry flags, or from a key since taken out of the file. Adding the key to the file
 * while a flag sets it stops dockerd (seen with dockerd 20.10: "the following directives are specified
 * both as a flag and in the configuration file"), so the fix is not made while this is not empty.
 */
export function insecureFromElsewhere(file: FileSettings, info: DaemonInfo): string[] {
  if (file.sets.insecureRegistries) return [];
  const cidrs = info.insecureCidrs.filter((cidr) => !BUILT_IN_CIDRS.has(normalizeCidr(cidr)));
  return [...info.insecureNames, ...cidrs];
}

export function compareWithRunning(file: FileSettings, info: DaemonInfo, daemonJson: string): RunningComparison {
  const lines: string[] = [];
  const remedies = new Set<Remedy>();
  const fileNames = file.insecureNames.map((name) => name.toLowerCase());
  const fileCidrs = file.insecureCidrs.map(normalizeCidr).filter((cidr) => !BUILT_IN_CIDRS.has(cidr));
  const daemonCidrs = info.insecureCidrs.map(normalizeCidr).filter((cidr) => !BUILT_IN_CIDRS.has(cidr));
  const quote = (items: readonly string[]) => items.map((item) => JSON.stringify(item)).join(', ');
  const pair = (what: string, [key, flag]: readonly [string, string], fileSetsIt: boolean, onlyFile: string[], onlyDaemon: string[]) => {
    if (onlyFile.length > 0) lines.push(`${daemonJson} lists ${what} ${quote(onlyFile)}, which the running daemon does not use`);
    if (onlyDaemon.length > 0) {
      // Seen with dockerd 20.10: after a key is taken out of the file, a reload keeps what it said.
      const why = fileSetsIt ? '' : ` (${daemonJson} has no "${key}" at all: a reload leaves the running value as it is, a restart clears it unless it comes from a --${flag} flag on dockerd's command line)`;
      lines.push(`the running daemon uses ${what} ${quote(onlyDaemon)}, which ${daemonJson} does not list${why}`);
    }
    if (onlyFile.length > 0 || onlyDaemon.length > 0) remedies.add(fileSetsIt ? 'reload' : 'restart');
  };
  pair('the insecure registries', INSECURE, file.sets.insecureRegistries, setDifference(fileNames, info.insecureNames), setDifference(info.insecureNames, fileNames));
  pair('the insecure CIDRs', INSECURE, file.sets.insecureRegistries, setDifference(fileCidrs, daemonCidrs), setDifference(daemonCidrs, fileCidrs));
  pair('the registry mirrors', MIRRORS, file.sets.registryMirrors, setDifference(file.mirrors.map(mirror), info.mirrors.map(mirror)), setDifference(info.mirrors.map(mirror), file.mirrors.map(mirror)));
  if (majorVersion(info.serverVersion) >= 23) {
    for (const [key, wanted, running] of [
      ['http-proxy', file.proxies.http, info.proxies.http],
      ['https-proxy', file.proxies.https, info.proxies.https],
      ['no-proxy', file.proxies.no, info.proxies.no],
    ] as const) {
      if (wanted === undefined) continue; // not the file's: the daemon may take it from its environment
      const fileValue = key === 'no-proxy' ? wanted.trim() : withoutCredentials(wanted);
      const daemonValue = key === 'no-proxy' ? running.trim() : withoutCredentials(running);
      if (fileValue !== daemonValue) {
        lines.push(`proxies.${key} is ${JSON.stringify(fileValue)} in ${daemonJson}, the running daemon uses ${JSON.stringify(daemonValue)}`);
        remedies.add('restart'); // dockerd takes its proxies only when it starts
      }
    }
  }
  const remedy = remedies.has('restart') ? 'restart' : remedies.has('reload') ? 'reload' : undefined;
  return remedy === undefined ? { lines } : { lines, remedy };
}
