/**
 * Where a stored credential's registry answers, decided the way the docker daemon decides, as pure
 * functions (moby registry/config.go): Docker Hub's key means registry-1.docker.io over https; every other
 * key is reduced to `host[:port]`; a registry is "insecure" (plain http allowed) when daemon.json's
 * `insecure-registries` names it, or when one of its addresses is in 127.0.0.0/8 (docker's built-in rule,
 * which does not include ::1) or in a CIDR that `insecure-registries` lists. Insecure registries are tried
 * over https without verifying the certificate first, then over http; the others over verified https only.
 */
import { BlockList, isIP } from 'node:net';
import { isDockerHub, registryHost } from '../docker/server-url.js';

export const DOCKER_HUB_ADDRESS = 'registry-1.docker.io';

export interface RegistryTarget {
  /** The key as stored. */
  key: string;
  /** `host[:port]` as docker names the registry: the folder name under certs.d, the insecure-registries entry. */
  indexName: string;
  /** Host name or IP (IPv6 without brackets) to resolve. */
  hostname: string;
  /** `host[:port]` for URLs (IPv6 in brackets). */
  address: string;
  hub: boolean;
}

/** The registry a stored key points to, or undefined when the key names no host. */
export function registryTarget(key: string): RegistryTarget | undefined {
  if (isDockerHub(key)) {
    return { key, indexName: DOCKER_HUB_ADDRESS, hostname: DOCKER_HUB_ADDRESS, address: DOCKER_HUB_ADDRESS, hub: true };
  }
  const host = registryHost(key.trim());
  if (host === '' || /[\s@?#\\]/.test(host)) return undefined;
  let url: URL;
  try {
    url = new URL(`https://${host}/`);
  } catch {
    return undefined;
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname === '') return undefined;
  return { key, indexName: host, hostname, address: url.host, hub: false };
}

export interface InsecureRegistries {
  /** `host[:port]` entries, lowercase. */
  names: string[];
  /** CIDRs as written, e.g. `10.0.0.0/8`. */
  cidrs: string[];
}

/** The `insecure-registries` of a daemon.json text; entries docker would refuse are listed in `ignored`. */
export function parseInsecureRegistries(daemonJson: string): { insecure: InsecureRegistries; ignored: string[] } {
  const value = JSON.parse(daemonJson) as unknown;
  return insecureRegistriesOf(typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['insecure-registries'] : undefined);
}

/** The same, for the `insecure-registries` value of a daemon.json already parsed. */
export function insecureRegistriesOf(list: unknown): { insecure: InsecureRegistries; ignored: string[] } {
  const insecure: InsecureRegistries = { names: [], cidrs: [] };
  const ignored: string[] = [];
  if (!Array.isArray(list)) return { insecure, ignored };
  for (const entry of list) {
    if (typeof entry !== 'string' || entry.trim() === '') continue;
    // docker drops an http:// or https:// prefix (with a warning) and refuses other schemes.
    const text = entry.trim().replace(/^https?:\/\//i, '');
    if (/:\/\//.test(text) || (text.includes('/') && parseCidr(text) === undefined)) {
      ignored.push(entry);
    } else if (parseCidr(text) !== undefined) {
      insecure.cidrs.push(text);
    } else {
      insecure.names.push(text.toLowerCase());
    }
  }
  return { insecure, ignored };
}

export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const address = match[1] ?? '';
  const prefix = Number(match[2]);
  const version = isIP(address);
  if (version === 4 && prefix <= 32) return { address, prefix, family: 'ipv4' };
  if (version === 6 && prefix <= 128) return { address, prefix, family: 'ipv6' };
  return undefined;
}

export const LOOPBACK_CIDR = '127.0.0.0/8';

export type Transport = { insecure: false } | { insecure: true; why: string };

/**
 * Whether docker may use plain http for this registry. `addresses`: what its host name resolves to (an IP
 * literal is its own address).
 */
export function transportFor(target: RegistryTarget, insecure: InsecureRegistries, addresses: readonly string[], daemonJsonPath: string): Transport {
  if (target.hub) return { insecure: false };
  if (insecure.names.includes(target.indexName.toLowerCase())) {
    return { insecure: true, why: `"${target.indexName}" is in insecure-registries of ${daemonJsonPath}` };
  }
  const all = isIP(target.hostname) ? [target.hostname] : addresses;
  for (const cidr of [LOOPBACK_CIDR, ...insecure.cidrs]) {
    const parsed = parseCidr(cidr);
    if (!parsed) continue;
    const list = new BlockList();
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    const hit = all.find((address) => {
      const version = isIP(address);
      return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
    });
    if (hit !== undefined) {
      return { insecure: true, why: cidr === LOOPBACK_CIDR ? `${hit} is a loopback address` : `${hit} is in ${cidr} of insecure-registries in ${daemonJsonPath}` };
    }
  }
  return { insecure: false };
}

export interface Endpoint {
  /** `https://host[:port]` or `http://host[:port]`, without a trailing slash. */
  base: string;
  /** Verify the certificate (docker skips it for insecure registries). */
  verifyTls: boolean;
}

/** The endpoints docker tries, in its order. */
export function endpointsFor(target: RegistryTarget, transport: Transport): Endpoint[] {
  const https = `https://${target.address}`;
  if (!transport.insecure) return [{ base: https, verifyTls: true }];
  return [
    { base: https, verifyTls: false },
    { base: `http://${target.address}`, verifyTls: false },
  ];
}
