/**
 * Plain-text credentials in config.json's `auths`, as pure functions: what is there, what it means, and
 * the config without it.
 */
import type { DockerConfig } from './config-file.js';

const SECRET_FIELDS = ['auth', 'password', 'identitytoken', 'registrytoken'] as const;

export type PlaintextEntry =
  | { registry: string; kind: 'login'; username: string; secret: string }
  | { registry: string; kind: 'identity-token'; username: '<token>'; secret: string }
  /** A bearer token, or an `auth` we cannot decode: nothing a helper can hold; only a new login helps. */
  | { registry: string; kind: 'unusable'; reason: string };

function authsOf(config: DockerConfig): Record<string, unknown> {
  const auths = config.auths;
  return typeof auths === 'object' && auths !== null && !Array.isArray(auths) ? (auths as Record<string, unknown>) : {};
}

function text(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Every `auths` entry holding a secret, read the way the docker CLI reads it. */
export function plaintextEntries(config: DockerConfig): PlaintextEntry[] {
  const entries: PlaintextEntry[] = [];
  for (const [registry, value] of Object.entries(authsOf(config))) {
    const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (!SECRET_FIELDS.some((field) => text(record, field) !== undefined)) continue;
    const identityToken = text(record, 'identitytoken');
    if (identityToken !== undefined) {
      entries.push({ registry, kind: 'identity-token', username: '<token>', secret: identityToken });
      continue;
    }
    const auth = text(record, 'auth');
    if (auth !== undefined) {
      const decoded = decodeAuth(auth);
      entries.push(decoded ? { registry, kind: 'login', ...decoded } : { registry, kind: 'unusable', reason: 'its "auth" field is not base64 of user:password' });
      continue;
    }
    const username = text(record, 'username');
    const password = text(record, 'password');
    if (username !== undefined && password !== undefined) {
      entries.push({ registry, kind: 'login', username, secret: password });
    } else if (text(record, 'registrytoken') !== undefined) {
      entries.push({ registry, kind: 'unusable', reason: 'it holds a registry token, which no credential helper can keep' });
    } else {
      entries.push({ registry, kind: 'unusable', reason: 'it holds a password without a username' });
    }
  }
  return entries;
}

/** docker's `auth`: base64 of `user:password` (the password may hold ':'). */
export function decodeAuth(auth: string): { username: string; secret: string } | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(auth.trim())) return undefined;
  const decoded = Buffer.from(auth.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * The config with the secret fields (and the username that went with them) removed from the given
 * registries; each entry stays, as `{}` or with its other fields, as docker leaves it after a login.
 */
export function withoutSecrets(config: DockerConfig, registries: readonly string[]): DockerConfig {
  const auths = authsOf(config);
  const cleaned: Record<string, unknown> = {};
  for (const [registry, value] of Object.entries(auths)) {
    if (!registries.includes(registry) || typeof value !== 'object' || value === null) {
      setOwn(cleaned, registry, value);
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (!(SECRET_FIELDS as readonly string[]).includes(key) && key !== 'username') setOwn(kept, key, field);
    }
    setOwn(cleaned, registry, kept);
  }
  return { ...config, auths: cleaned };
}

/** Plain assignment would treat a key named "__proto__" as the prototype; JSON keys are data. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
