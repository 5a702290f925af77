/** Every check, in the order they run: a later check may rely on an earlier one's fix. */
import type { Check } from '../check.js';
import { backend } from './backend.js';
import { certsD } from './certs-d.js';
import { clock } from './clock.js';
import { configJson } from './config-json.js';
import { configKeys } from './config-keys.js';
import { containers } from './containers.js';
import { credHelpers } from './cred-helpers.js';
import { credsStore } from './creds-store.js';
import { daemonJson } from './daemon-json.js';
import { dockerContext } from './docker-context.js';
import { duplicateLogins } from './duplicate-logins.js';
import { filePermissions } from './file-permissions.js';
import { gpgTty } from './gpg-tty.js';
import { plaintextCredentials } from './plaintext-credentials.js';
import { registryLogin } from './registry-login.js';

export const CHECKS: readonly Check[] = [
  configJson,
  configKeys,
  dockerContext,
  filePermissions,
  credsStore,
  plaintextCredentials,
  credHelpers,
  containers,
  // After every fix that moves logins into tsstore (plain text, the old helper, podman's auth files), so
  // the spellings they bring are judged in the same run; before registry-login, which then probes one key.
  duplicateLogins,
  backend,
  gpgTty,
  daemonJson,
  // The daemon's own files before the logins that depend on them: certs-d explains what registry-login
  // would only see as an unknown authority.
  certsD,
  registryLogin,
  clock,
];
