/** The `credential-helpers` podman, skopeo and buildah use here, read from the files they read. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { type Environment, userHome } from '../config/paths.js';
import { effectiveCredentialHelpers, registriesConfFiles } from './registries-conf.js';

export function readCredentialHelpers(env: Environment): { helpers: string[]; from?: string } {
  const listDir = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  const files = registriesConfFiles(userHome(env), existsSync, listDir, env).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return effectiveCredentialHelpers(files);
}
