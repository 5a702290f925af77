/**
 * Throwaway TLS material made with the real openssl: a certificate authority and a server certificate it
 * signs for the given IPs and names, client certificate pairs, spare keys. Test keys only; nothing secret.
 *
 * Certificates are signed with `openssl ca`, whose -startdate/-enddate give any validity window (Debian
 * 12's openssl 3.0 `x509 -req` has no -not_before): expired and not-yet-valid certificates are real ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface TlsFixture {
  caCert: string;
  /** The CA's key, to sign more certificates with (signedBy). */
  caKey: string;
  serverCert: string;
  serverKey: string;
}

/** A validity window; default from a day ago to two days ahead. */
export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

export interface TlsFixtureOptions {
  ips?: string[];
  dns?: string[];
  /** The CA's own validity (an expired CA, a CA not valid yet). */
  ca?: Validity;
  /** The server certificate's validity. */
  server?: Validity;
}

export interface KeyPair {
  cert: string;
  key: string;
}

const DAY_MS = 86_400_000;
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  const result = await execa('openssl', [...args], { cwd, reject: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, extendEnv: false });
  if (result.exitCode !== 0) throw new Error(`openssl ${args[0]} failed (${result.exitCode}): ${String(result.stderr)}`);
}

/** openssl ca's date: YYYYMMDDHHMMSSZ (GeneralizedTime), UTC. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** The smallest `openssl ca` set-up: any subject, no text dump, serials and index in the folder. */
function writeCaConfig(dir: string): void {
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), `${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}01\n`);
  const config = [
    '[ca]',
    'default_ca = fixture',
    '[fixture]',
    'database = index.txt',
    'new_certs_dir = .',
    'serial = serial',
    'default_md = sha256',
    'policy = any_subject',
    'unique_subject = no',
    'email_in_dn = no',
    '[any_subject]',
    'commonName = supplied',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'ca.cnf'), config);
}

/** Signs `csr` (a file in dir) with the extensions given; `selfSign` makes the CA itself. */
async function sign(dir: string, options: { csr: string; out: string; extensions: string; validity: Validity | undefined; caCert: string; caKey: string; selfSign?: boolean }): Promise<void> {
  const now = Date.now();
  const notBefore = options.validity?.notBefore ?? new Date(now - DAY_MS);
  const notAfter = options.validity?.notAfter ?? new Date(now + 2 * DAY_MS);
  const extFile = `${options.out}.ext`;
  writeFileSync(join(dir, extFile), `${options.extensions}\n`);
  await openssl(
    [
      'ca', '-batch', '-notext', '-config', 'ca.cnf',
      ...(options.selfSign ? ['-selfsign'] : ['-cert', options.caCert]),
      '-keyfile', options.caKey,
      '-in', options.csr, '-out', options.out,
      '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter),
      '-extfile', extFile,
    ],
    dir,
  );
}

function san(names: { ips?: string[]; dns?: string[] }): string {
  return [...(names.ips ?? []).map((ip) => `IP:${ip}`), ...(names.dns ?? []).map((name) => `DNS:${name}`)].join(',');
}

async function inTemporaryFolder<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tsstore-tls-'));
  try {
    writeCaConfig(dir);
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CA and a server certificate it signed with subjectAltName = the given IPs and DNS names. */
export async function makeTlsFixture(options: TlsFixtureOptions): Promise<TlsFixture> {
  return inTemporaryFolder(async (dir) => {
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    await openssl(['req', ...EC, '-keyout', 'ca.key', '-out', 'ca.csr', '-subj', '/CN=tsstore test CA'], dir);
    await sign(dir, {
      csr: 'ca.csr', out: 'ca.crt', caCert: 'ca.crt', caKey: 'ca.key', selfSign: true, validity: options.ca,
      extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash',
    });
    await openssl(['req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=tsstore test registry'], dir);
    await sign(dir, {
      csr: 'server.csr', out: 'server.crt', caCert: 'ca.crt', caKey: 'ca.key', validity: options.server,
      extensions: `subjectAltName=${san(options)}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid`,
    });
    return { caCert: read('ca.crt'), caKey: read('ca.key'), serverCert: read('server.crt'), serverKey: read('server.key') };
  });
}

/** A client certificate (extendedKeyUsage clientAuth) and its key, signed by the fixture's CA. */
export async function makeClientPair(fixture: TlsFixture, validity?: Validity): Promise<KeyPair> {
  return inTemporaryFolder(async (dir) => {
    writeFileSync(join(dir, 'ca.crt'), fixture.caCert);
    writeFileSync(join(dir, 'ca.key'), fixture.caKey, { mode: 0o600 });
    await openssl(['req', ...EC, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=tsstore test client'], dir);
    await sign(dir, {
      csr: 'client.csr', out: 'client.crt', caCert: 'ca.crt', caKey: 'ca.key', validity,
      extensions: 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth',
    });
    return { cert: readFileSync(join(dir, 'client.crt'), 'utf8'), key: readFileSync(join(dir, 'client.key'), 'utf8') };
  });
}

/** A fresh private key (PEM) that matches no certificate: the "wrong key" of a pair. */
export async function makeSpareKey(): Promise<string> {
  return inTemporaryFolder(async (dir) => {
    await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'spare.key'], dir);
    return readFileSync(join(dir, 'spare.key'), 'utf8');
  });
}
