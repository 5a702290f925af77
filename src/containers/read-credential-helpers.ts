/** The `credential-helpers` podman, skopeo and buildah use here, read from the files they read. */
import { existsSync, readdirSync } from 'node:fs';
import { type Environment, userHome } from '../config/paths.js';
import { readRegularText } from '../fs/read-regular-file.js';
import { effectiveCredentialHelpers, registriesConfFiles } from './registries-conf.js';

/** registries.conf and its drop-ins are TOML of a few KB (Debian's, nearly all comments, is 4 KB): 1 MiB. */
const MAX_REGISTRIES_CONF_BYTES = 1024 * 1024;

export function readCredentialHelpers(env: Environment): { helpers: string[]; from?: string } {
  const listDir = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  // Only regular files are read (a FIFO there would block for good); one gone since it was listed is skipped.
  const files = registriesConfFiles(userHome(env), existsSync, listDir, env).flatMap((path) => {
    const text = readRegularText(path, { maxBytes: MAX_REGISTRIES_CONF_BYTES });
    return text === undefined ? [] : [{ path, text }];
  });
  return effectiveCredentialHelpers(files);
}
