/**
 * The certificate authorities docker trusts for a registry on Linux: the system's bundle, and the
 * `*.crt` files of the registry's folder under the daemon's certs.d.
 */
import type { Environment } from '../config/paths.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { readRegularFile } from '../fs/read-regular-file.js';

/**
 * Debian's bundle is about 220 KB (150 authorities): 8 MiB is room for any distribution's. One
 * certificate file in certs.d is a few KB; 1 MiB as doctor's certs-d check (src/doctor/certs-d/read-folder.ts).
 * Only regular files are read (a FIFO named ca.crt would block the doctor for good, /dev/zero fill memory):
 * what is refused is skipped here, and doctor's certs-d check names it.
 */
const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;
const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;

function readTextOrUndefined(path: string, maxBytes: number): string | undefined {
  const outcome = readRegularFile(path, { maxBytes });
  return outcome.kind === 'read' ? outcome.bytes.toString('utf8') : undefined;
}

/**
 * What docker trusts on Linux: the system's CA bundle (Go reads it), plus Node's own list so that a
 * machine without a bundle still verifies public registries. Read once per run.
 */
export function systemCertificateAuthorities(env: Environment): string[] {
  const files = [env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];
  for (const file of files) {
    if (!file) continue;
    const bundle = readTextOrUndefined(file, MAX_BUNDLE_BYTES);
    if (bundle !== undefined) return [...rootCertificates, bundle];
    // else try the next place
  }
  return [...rootCertificates];
}

/** docker reads every *.crt in certs.d/HOST:PORT/ as an extra authority for that registry. */
export function registryCertificateAuthorities(certsD: string, indexName: string): string[] {
  const dir = join(certsD, indexName);
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.crt'))
      .sort()
      .flatMap((name) => {
        const text = readTextOrUndefined(join(dir, name), MAX_CERTIFICATE_FILE_BYTES);
        return text === undefined ? [] : [text];
      });
  } catch {
    return [];
  }
}
