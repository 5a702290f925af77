/**
 * The one setting of containers-registries.conf(5) that matters to us, `credential-helpers`, read from
 * the files podman, skopeo and buildah read, in their order. Pure parsing; no TOML library for one key.
 */
import { join } from 'node:path';
import type { Environment } from '../config/paths.js';

/** Files in the order containers/image reads them; a later `credential-helpers` replaces an earlier one. */
export function registriesConfFiles(home: string, exists: (path: string) => boolean, listDir: (dir: string) => string[], env: Environment = {}): string[] {
  if (env.CONTAINERS_REGISTRIES_CONF) return [env.CONTAINERS_REGISTRIES_CONF];
  const userMain = join(home, '.config', 'containers', 'registries.conf');
  const files = [exists(userMain) ? userMain : '/etc/containers/registries.conf'];
  for (const dir of ['/etc/containers/registries.conf.d', join(home, '.config', 'containers', 'registries.conf.d')]) {
    files.push(...listDir(dir).filter((name) => name.endsWith('.conf')).sort().map((name) => join(dir, name)));
  }
  return files.filter(exists);
}

/**
 * The value of a top-level `credential-helpers = [...]` (which may span lines), or undefined when the
 * file does not set it. Keys after the first [table] header belong to that table, not the top level.
 */
export function parseCredentialHelpers(toml: string): string[] | undefined {
  const lines = toml.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = stripComment(lines[index] ?? '').trim();
    if (/^\[/.test(line)) return undefined;
    const match = /^("credential-helpers"|'credential-helpers'|credential-helpers)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? '';
    while (!balanced(value) && index + 1 < lines.length) value += ` ${stripComment(lines[++index] ?? '').trim()}`;
    return [...value.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((item) => item[1] ?? item[2] ?? '');
  }
  return undefined;
}

function stripComment(line: string): string {
  // A '#' inside a quoted string is not a comment.
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quote) {
      if (char === '\\' && quote === '"') index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#') return line.slice(0, index);
  }
  return line;
}

function balanced(value: string): boolean {
  return !value.trimStart().startsWith('[') || value.includes(']');
}

/** The effective helpers: the last file that sets them wins; containers/image's default otherwise. */
export function effectiveCredentialHelpers(files: ReadonlyArray<{ path: string; text: string }>): { helpers: string[]; from?: string } {
  let result: { helpers: string[]; from?: string } = { helpers: ['containers-auth.json'] };
  for (const file of files) {
    const helpers = parseCredentialHelpers(file.text);
    if (helpers !== undefined) result = { helpers, from: file.path };
  }
  return result;
}

export const DROP_IN_NAME = '50-tsstore.conf';
export const DROP_IN_TEXT =
  '# Written by docker-credential-tsstore doctor: podman, skopeo and buildah keep registry logins in tsstore.\n' +
  'credential-helpers = ["tsstore"]\n';

/** Auth files containers/image reads, most specific first. */
export function containersAuthFiles(home: string, env: Environment): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  files.push(join(home, '.config', 'containers', 'auth.json'));
  return [...new Set(files)];
}
