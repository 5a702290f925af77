/** cred-helpers: every helper named in credHelpers is installed. Reported with what to install or remove. */
import type { Check } from '../check.js';

/** Where the helpers people name most come from. */
const INSTALL_HINTS: Record<string, string> = {
  'ecr-login': 'apt-get install amazon-ecr-credential-helper',
  gcloud: 'install the Google Cloud CLI (it provides docker-credential-gcloud)',
  gcr: 'apt-get install docker-credential-gcr (or the Google Cloud CLI)',
  pass: 'apt-get install pass golang-docker-credential-helpers',
  secretservice: 'apt-get install golang-docker-credential-helpers',
  desktop: 'Docker Desktop provides it; without Docker Desktop, use "tsstore" instead',
  osxkeychain: 'it exists on macOS only; use "tsstore" on Linux',
  wincred: 'it exists on Windows only; use "tsstore" on Linux',
  'acr-env': 'install docker-credential-acr-env from github.com/chrismellard/docker-credential-acr-env',
};

export interface MissingHelper {
  registry: string;
  helper: string;
}

/** Pure judgement: credHelpers entries whose helper is not on PATH. */
export function missingCredHelpers(credHelpers: unknown, onPath: (helper: string) => boolean): MissingHelper[] {
  if (typeof credHelpers !== 'object' || credHelpers === null) return [];
  return Object.entries(credHelpers as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '' && !onPath(entry[1]))
    .map(([registry, helper]) => ({ registry, helper }));
}

export const credHelpers: Check = {
  id: 'cred-helpers',
  title: 'Helpers named in credHelpers are installed',
  async diagnose(context) {
    const read = context.readDockerConfig();
    if (!read.ok) return { status: 'skipped', details: ['config.json cannot be read (see config-json)'] };
    const missing = missingCredHelpers(read.file.config.credHelpers, (helper) => context.findHelper(helper) !== undefined);
    if (missing.length === 0) return { status: 'ok', details: [] };
    return {
      status: 'problem',
      fixable: false,
      details: missing.map(
        ({ registry, helper }) =>
          `${registry} uses docker-credential-${helper}, which is not on PATH: ${INSTALL_HINTS[helper] ?? `install docker-credential-${helper}`}, or remove "${registry}" from credHelpers in ${read.file.path} to use tsstore for it`,
      ),
    };
  },
};
