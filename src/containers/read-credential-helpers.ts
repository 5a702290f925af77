/** The `credential-helpers` podman, skopeo and buildah use here, read from the files they read. */
import { existsSync, readdirSync } from 'node:fs';
import { type Environment, userHome } from '../config/paths.js';
import { isTsstoreError } from '../errors.js';
import { readRegularText } from '../fs/read-regular-file.js';
import { effectiveCredentialHelpers, registriesConfFiles } from './registries-conf.js';

/** registries.conf and its drop-ins are TOML of a few KB (Debian's, nearly all comments, is 4 KB): 1 MiB. */
const MAX_REGISTRIES_CONF_BYTES = 1024 * 1024;

/**
 * `unreadable`: one line for each file that is there but refused (a FIFO, a device, over the cap), which
 * is left out of the answer; the doctor shows them as a problem instead of crashing on the first one.
 */
export function readCredentialHelpers(env: Environment): { helpers: string[]; from?: string; unreadable: string[] } {
  const listDir = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  // Only regular files are read (a FIFO there would block for good); one gone since it was listed is skipped.
  const unreadable: string[] = [];
  const files = registriesConfFiles(userHome(env), existsSync, listDir, env).flatMap((path) => {
    try {
      const text = readRegularText(path, { maxBytes: MAX_REGISTRIES_CONF_BYTES });
      return text === undefined ? [] : [{ path, text }];
    } catch (error) {
      if (!isTsstoreError(error)) throw error;
      unreadable.push(error.message);
      return [];
    }
  });
  return { ...effectiveCredentialHelpers(files), unreadable };
}
