/**
 * The running daemon against daemon.json: the insecure registries (names and CIDRs), the registry
 * mirrors and, on dockerd 23 and later, the proxies it uses. dockerd reads the file only when it starts,
 * so a difference means it was not restarted since the file changed (or a flag on its command line says
 * otherwise). Pure; values are normalised the way dockerd prints them (CIDRs by their network address,
 * mirrors with a trailing slash, proxy credentials masked), and proxies are never shown with credentials.
 */
import { isIP } from 'node:net';
import type { DaemonInfo } from '../../docker/daemon-info.js';

export interface FileSettings {
  insecureNames: string[];
  insecureCidrs: string[];
  mirrors: string[];
  /** Only the proxies the file sets (`proxies` in daemon.json, dockerd 23+). */
  proxies: { http?: string; https?: string; no?: string };
}

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

export function compareWithRunning(file: FileSettings, info: DaemonInfo, daemonJson: string): string[] {
  const lines: string[] = [];
  const fileNames = file.insecureNames.map((name) => name.toLowerCase());
  const fileCidrs = file.insecureCidrs.map(normalizeCidr).filter((cidr) => !BUILT_IN_CIDRS.has(cidr));
  const daemonCidrs = info.insecureCidrs.map(normalizeCidr).filter((cidr) => !BUILT_IN_CIDRS.has(cidr));
  const quote = (items: readonly string[]) => items.map((item) => JSON.stringify(item)).join(', ');
  const pair = (what: string, onlyFile: string[], onlyDaemon: string[]) => {
    if (onlyFile.length > 0) lines.push(`${daemonJson} lists ${what} ${quote(onlyFile)}, which the running daemon does not use`);
    if (onlyDaemon.length > 0) lines.push(`the running daemon uses ${what} ${quote(onlyDaemon)}, which ${daemonJson} does not list`);
  };
  pair('the insecure registries', setDifference(fileNames, info.insecureNames), setDifference(info.insecureNames, fileNames));
  pair('the insecure CIDRs', setDifference(fileCidrs, daemonCidrs), setDifference(daemonCidrs, fileCidrs));
  pair('the registry mirrors', setDifference(file.mirrors.map(mirror), info.mirrors.map(mirror)), setDifference(info.mirrors.map(mirror), file.mirrors.map(mirror)));
  if (majorVersion(info.serverVersion) >= 23) {
    for (const [key, wanted, running] of [
      ['http-proxy', file.proxies.http, info.proxies.http],
      ['https-proxy', file.proxies.https, info.proxies.https],
      ['no-proxy', file.proxies.no, info.proxies.no],
    ] as const) {
      if (wanted === undefined) continue; // not the file's: the daemon may take it from its environment
      const fileValue = key === 'no-proxy' ? wanted.trim() : withoutCredentials(wanted);
      const daemonValue = key === 'no-proxy' ? running.trim() : withoutCredentials(running);
      if (fileValue !== daemonValue) lines.push(`proxies.${key} is ${JSON.stringify(fileValue)} in ${daemonJson}, the running daemon uses ${JSON.stringify(daemonValue)}`);
    }
  }
  return lines;
}
