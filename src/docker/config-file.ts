/**
 * Docker's config.json: found through DOCKER_CONFIG like the docker CLI does, parsed with a precise
 * error, written the way docker writes it (tabs, 0600, atomic rename, through symlinks) but keeping
 * every key, including the ones docker itself would drop.
 */
import { dirname, join } from 'node:path';
import { type Environment, userHome } from '../config/paths.js';
import { TsstoreError } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../fs/private-files.js';
import { readRegularText } from '../fs/read-regular-file.js';
import { realPathOr } from '../fs/real-path.js';
import { type DuplicateKey, describeDuplicateKeys, findDuplicateKeys } from '../json/duplicate-keys.js';
import { findJsonError, positionOf } from '../json/position.js';

export type DockerConfig = Record<string, unknown>;

/**
 * docker reads config.json with no cap. A login in it is about 200 bytes, so 16 MiB is some 80,000 of
 * them; doctor and migrate hold the text, its parse and a rewrite at once, and a file of gigabytes (or
 * /dev/zero linked there) would take the machine's memory instead of ending in one clear line.
 */
export const MAX_CONFIG_JSON_BYTES = 16 * 1024 * 1024;

export interface DockerConfigFile {
  path: string;
  exists: boolean;
  config: DockerConfig;
  /** The file starts with a UTF-8 byte-order mark, which the docker CLI cannot parse. */
  bom?: boolean;
  /** The file uses CRLF line ends; a rewrite keeps them. */
  crlf?: boolean;
  /** The bytes as read, for fixes that change the text itself. */
  text?: string;
  /** Keys given twice in one object: docker merges them, JSON.parse does not, so no rewrite is allowed. */
  duplicates?: DuplicateKey[];
}

function dockerConfigDir(env: Environment = process.env): string {
  return env.DOCKER_CONFIG || join(userHome(env), '.docker');
}

export function dockerConfigPath(env: Environment = process.env): string {
  return join(dockerConfigDir(env), 'config.json');
}

// Numbers a double cannot hold exactly (1700000000000000001, 1e400, 0.1000000000000000000000001) would
// change in a JSON.parse/JSON.stringify round trip. They are carried through as marked strings instead,
// with a per-process nonce so that no string of the person's file can look like one.
const RAW_NUMBER = `\u0000tsstore-number-${Math.random().toString(16).slice(2)}:`;
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

function markInexactNumbers(json: string): string {
  return json.replace(TOKENS, (token) => {
    if (token.startsWith('"') || JSON.stringify(JSON.parse(token)) === token) return token;
    return JSON.stringify(`${RAW_NUMBER}${token}`);
  });
}

function restoreInexactNumbers(json: string): string {
  const marked = JSON.stringify(RAW_NUMBER).slice(1, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return json.replace(new RegExp(`"${marked}([^"]*)"`, 'g'), '$1');
}

/** Pure: text to config, or a 'config' error naming line and column. */
export function parseDockerConfig(text: string, path: string): DockerConfig {
  if (text.startsWith('\ufeff')) text = text.slice(1);
  if (text.trim() === '') return {}; // docker treats an empty file as an empty configuration
  let value: unknown;
  try {
    JSON.parse(text); // validates; the marked parse below cannot fail where this one did not
    value = JSON.parse(markInexactNumbers(text));
  } catch (cause) {
    const { line, column } = positionOf(text, findJsonError(text) ?? text.length);
    throw new TsstoreError('config', `${path} is not valid JSON (line ${line}, column ${column}); fix it by hand`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TsstoreError('config', `${path} must hold a JSON object; fix it by hand`);
  }
  return value as DockerConfig;
}

/** Pure: how docker writes the file (json.MarshalIndent with a tab, no trailing newline). */
export function serializeDockerConfig(config: DockerConfig, options: { crlf?: boolean } = {}): string {
  const text = restoreInexactNumbers(JSON.stringify(config, null, '\t'));
  return options.crlf ? text.replace(/\n/g, '\r\n') : text;
}

export function readDockerConfig(env: Environment = process.env): DockerConfigFile {
  return readConfigFile(dockerConfigPath(env));
}

/** config.json, or a file of the same shape (containers' auth.json): parsed, with its duplicate keys. */
export function readConfigFile(path: string): DockerConfigFile {
  // Followed when it is a symbolic link (docker follows it too); only a regular file is read.
  const text = readRegularText(path, { maxBytes: MAX_CONFIG_JSON_BYTES });
  if (text === undefined) return { path, exists: false, config: {} };
  return configFileFromText(path, text);
}

/** Pure: the file as read from `text` (throws the 'config' error of parseDockerConfig). */
export function configFileFromText(path: string, text: string): DockerConfigFile {
  const config = parseDockerConfig(text, path);
  return { path, exists: true, config, bom: text.startsWith('\ufeff'), crlf: text.includes('\r\n'), text, duplicates: findDuplicateKeys(text) };
}

/** Throws when rewriting `file` from its parsed value would lose what docker reads in it. */
export function assertRewritable(file: DockerConfigFile): void {
  const duplicates = file.duplicates ?? (file.text === undefined ? [] : findDuplicateKeys(file.text));
  if (duplicates.length > 0) throw new TsstoreError('config', describeDuplicateKeys(file.path, duplicates));
}

export function writeDockerConfig(file: DockerConfigFile): void {
  assertRewritable(file);
  // The file a symlink points at, not the link; a file not there yet gets its folder first.
  const target = realPathOr(file.path, '');
  if (target === '') ensurePrivateDir(dirname(file.path));
  writeFileAtomic(target || file.path, serializeDockerConfig(file.config, { crlf: file.crlf }));
}

/** Replaces an existing config.json with `text` as given (a fix that edits the text itself), through a symlink. */
export function writeDockerConfigText(file: DockerConfigFile, text: string): void {
  // Not there (any more): written where it was named.
  writeFileAtomic(realPathOr(file.path), text);
}
