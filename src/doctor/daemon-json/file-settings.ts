/**
 * What a parsed daemon.json says about registries, and what in it would stop dockerd from starting:
 * `insecure-registries` that is not a list of strings, entries dockerd refuses (another scheme than
 * http/https, a path that is not a CIDR), `registry-mirrors` or `proxies` of the wrong shape; and what
 * it silently ignores (a flag's singular name as a key). Keys are matched exactly, as dockerd does;
 * another spelling of one is refusalToEdit's to name. Pure.
 */
import { ignoredKeys } from '../../docker/daemon-json-edit.js';
import { type InsecureRegistries, insecureRegistriesOf } from '../../registry/endpoints.js';
import type { FileSettings } from './running.js';

export interface FileJudgement {
  insecure: InsecureRegistries;
  settings: FileSettings;
  /** Lines for a person; each one stops dockerd from starting, or is a setting it ignores. */
  problems: string[];
  /** insecure-registries is absent or a list: an entry can be added. */
  editable: boolean;
}

const EMPTY: InsecureRegistries = { names: [], cidrs: [] };

export function judgeFileValue(value: Record<string, unknown>, path: string): FileJudgement {
  const problems: string[] = [];
  const get = (key: string): unknown => (Object.hasOwn(value, key) ? value[key] : undefined);
  for (const { key, meant } of ignoredKeys(value)) {
    problems.push(`"${key}" in ${path} is the name of dockerd's command-line flag: dockerd accepts it in the file and ignores it; the key is "${meant}"`);
  }
  const list = get('insecure-registries');
  let insecure = EMPTY;
  const editable = list === undefined || Array.isArray(list);
  if (list !== undefined && !Array.isArray(list)) problems.push(`"insecure-registries" in ${path} is ${JSON.stringify(list).slice(0, 80)}, not a list: dockerd refuses to start`);
  if (Array.isArray(list)) {
    const strange = list.filter((entry) => typeof entry !== 'string');
    if (strange.length > 0) problems.push(`"insecure-registries" in ${path} holds ${strange.map((entry) => JSON.stringify(entry).slice(0, 40)).join(', ')}, not strings: dockerd refuses to start`);
    const parsed = insecureRegistriesOf(list);
    insecure = parsed.insecure;
    if (parsed.ignored.length > 0) {
      problems.push(`dockerd refuses to start with these insecure-registries entries of ${path}: ${parsed.ignored.map((entry) => JSON.stringify(entry)).join(', ')} (give host:port or a CIDR)`);
    }
  }
  const mirrorsValue = get('registry-mirrors');
  const mirrors = Array.isArray(mirrorsValue) ? mirrorsValue.filter((item): item is string => typeof item === 'string') : [];
  if (mirrorsValue !== undefined && !Array.isArray(mirrorsValue)) problems.push(`"registry-mirrors" in ${path} is not a list: dockerd refuses to start`);
  const proxiesValue = get('proxies');
  const proxies: FileSettings['proxies'] = {};
  if (typeof proxiesValue === 'object' && proxiesValue !== null && !Array.isArray(proxiesValue)) {
    const record = proxiesValue as Record<string, unknown>;
    for (const [key, field] of [['http-proxy', 'http'], ['https-proxy', 'https'], ['no-proxy', 'no']] as const) {
      if (typeof record[key] === 'string') proxies[field] = record[key];
    }
  } else if (proxiesValue !== undefined) problems.push(`"proxies" in ${path} is not an object: dockerd refuses to start`);
  const sets = { insecureRegistries: list !== undefined, registryMirrors: mirrorsValue !== undefined };
  return { insecure, settings: { insecureNames: insecure.names, insecureCidrs: insecure.cidrs, mirrors, proxies, sets }, problems, editable };
}
