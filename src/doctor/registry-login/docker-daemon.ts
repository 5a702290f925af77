/**
 * What the docker daemon's own settings change about talking to a registry: `insecure-registries` in
 * daemon.json (plain http allowed), extra authorities in certs.d, and the system's CA bundle. Read once
 * per run; what cannot be used becomes a note for the person.
 */
import { readFileSync } from 'node:fs';
import type { Environment } from '../../config/paths.js';
import { describeError } from '../../errors.js';
import { type InsecureRegistries, parseInsecureRegistries } from '../../registry/endpoints.js';
import { systemCertificateAuthorities } from '../../registry/trusted-authorities.js';

export const DEFAULT_DAEMON_JSON = '/etc/docker/daemon.json';
export const DEFAULT_CERTS_D = '/etc/docker/certs.d';

export interface DaemonSettings {
  insecure: InsecureRegistries;
  daemonJson: string;
  certsD: string;
  systemCas: string[];
}

/** TSSTORE_DOCKER_DAEMON_JSON and TSSTORE_DOCKER_CERTS_D replace the default paths (tests set them). */
export function readDaemonSettings(env: Environment, notes: string[]): DaemonSettings {
  const daemonJson = env.TSSTORE_DOCKER_DAEMON_JSON || DEFAULT_DAEMON_JSON;
  const certsD = env.TSSTORE_DOCKER_CERTS_D || DEFAULT_CERTS_D;
  let insecure: InsecureRegistries = { names: [], cidrs: [] };
  try {
    const parsed = parseInsecureRegistries(readFileSync(daemonJson, 'utf8'));
    insecure = parsed.insecure;
    if (parsed.ignored.length > 0) notes.push(`${daemonJson}: docker refuses these insecure-registries entries: ${parsed.ignored.join(', ')}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') notes.push(`cannot use ${daemonJson} (${describeError(error)}): assuming no insecure-registries`);
  }
  return { insecure, daemonJson, certsD, systemCas: systemCertificateAuthorities(env) };
}
