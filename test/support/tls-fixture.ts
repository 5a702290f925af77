/**
 * Throwaway TLS material made with the real openssl: a certificate authority and a server certificate it
 * signs for the given IPs and names. Test keys only; nothing secret.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface TlsFixture {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  const result = await execa('openssl', [...args], { cwd, reject: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, extendEnv: false });
  if (result.exitCode !== 0) throw new Error(`openssl ${args[0]} failed (${result.exitCode}): ${String(result.stderr)}`);
}

export async function makeTlsFixture(names: { ips?: string[]; dns?: string[] }): Promise<TlsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tsstore-tls-'));
  const san = [...(names.ips ?? []).map((ip) => `IP:${ip}`), ...(names.dns ?? []).map((name) => `DNS:${name}`)].join(',');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=tsstore test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  await openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=tsstore test registry'], dir);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  await openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf'], dir);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const fixture = { caCert: read('ca.crt'), serverCert: read('server.crt'), serverKey: read('server.key') };
  rmSync(dir, { recursive: true, force: true });
  return fixture;
}
