/**
 * The files of one registry's certs.d folder judged the way dockerd uses them (moby registry
 * ReadCertsDirectory, Go's crypto/tls): every `*.crt` is read as CA certificates (a file with none in it is
 * skipped without a word); every `*.cert` needs `*.key` of the same base name and the other way round, and
 * the pair must load (tls.LoadX509KeyPair), or dockerd fails every request to the registry; anything else
 * is not read at all (the suffixes are matched exactly: `CA.CRT` and `ca.pem` are ignored). Pure: the
 * entries come from read-folder.ts; keys are loaded once (client-pair.ts) to compare them, never shown.
 */
import type { X509Certificate } from 'node:crypto';
import { shellQuote } from '../../text/shell-quote.js';
import { type Anchor, type TimeVerdict, judgeTime } from './chain.js';
import { loadPairs } from './client-pair.js';
import { issuerOf, readPem, showTime, subjectOf } from './pem.js';
import type { FolderEntry } from './read-folder.js';

export interface Finding {
  /** false: a note (nothing docker would trip over), or a warning. */
  problem: boolean;
  /** Not a problem, a caveat: docker works with this today, and will not after something foreseeable. */
  warning?: boolean;
  line: string;
  commands: string[];
}

export interface FolderFiles {
  /** Every certificate of the `*.crt` files, each a root for Go, CA or not. */
  anchors: Anchor[];
  /** Files docker does not read that hold certificates (a CA saved as `ca.pem`). */
  ignored: Array<{ name: string; certificates: X509Certificate[] }>;
  findings: Finding[];
}

export function viewCommand(path: string): string {
  return `openssl x509 -noout -text -in ${shellQuote(path)}`;
}

const isCa = (name: string) => name.endsWith('.crt');
const isClientCert = (name: string) => name.endsWith('.cert');
const isClientKey = (name: string) => name.endsWith('.key');

export function judgeFiles(folder: string, entries: readonly FolderEntry[], nowMs: number, presentedLeaf?: X509Certificate): FolderFiles {
  const result: FolderFiles = { anchors: [], ignored: [], findings: [] };
  const at = (name: string) => `${folder}/${name}`;
  const names = new Set(entries.map((entry) => entry.name));
  for (const entry of entries) {
    const read = isCa(entry.name) || isClientCert(entry.name) || isClientKey(entry.name);
    if (entry.kind !== 'file') {
      if (read) result.findings.push(notAFile(at(entry.name), entry));
      continue;
    }
    if (isCa(entry.name)) judgeCaFile(at(entry.name), entry.text, nowMs, presentedLeaf, result);
    else if (isClientCert(entry.name)) judgePair(folder, entry.name, entries, nowMs, result.findings);
    else if (isClientKey(entry.name)) {
      const certName = `${entry.name.slice(0, -'.key'.length)}.cert`;
      if (!names.has(certName)) {
        result.findings.push({
          problem: true,
          line: `${at(entry.name)} has no ${certName} next to it: docker fails every request to this registry with "Missing client certificate ${certName} for key ${entry.name}"`,
          commands: [`sudo cp client.cert ${shellQuote(at(certName))}`],
        });
      }
    } else {
      const certificates = readPem(entry.text).certificates;
      if (certificates.length > 0) result.ignored.push({ name: entry.name, certificates });
    }
  }
  return result;
}

function notAFile(path: string, entry: FolderEntry): Finding {
  if (entry.kind === 'unreadable' && (entry.code === 'EACCES' || entry.code === 'EPERM')) {
    return { problem: false, line: `${path}: cannot read it (${entry.reason}), so it is not judged; dockerd runs as root and may read it`, commands: [] };
  }
  const what =
    entry.kind === 'folder' ? 'is a folder' : entry.kind === 'other' ? 'is not a regular file' : entry.kind === 'too-large' ? `is ${entry.bytes} bytes, too large for a certificate file` : `cannot be read (${entry.kind === 'unreadable' ? entry.reason : ''})`;
  return { problem: true, line: `${path} ${what}: docker reads every *.crt, *.cert and *.key here, and fails every request to this registry when one cannot be read`, commands: [`ls -l ${shellQuote(path)}`] };
}

function judgeCaFile(path: string, text: string, nowMs: number, presentedLeaf: X509Certificate | undefined, result: FolderFiles): void {
  const pem = readPem(text);
  if (pem.certificates.length === 0) {
    const holds = pem.otherLabels.some((label) => label.endsWith('PRIVATE KEY'))
      ? 'holds a private key, not a certificate (a client key is NAME.key next to its NAME.cert)'
      : pem.otherLabels.length > 0
        ? `holds no certificate (only ${[...new Set(pem.otherLabels)].join(', ')})`
        : pem.brokenCertificates > 0
          ? 'holds a certificate that cannot be parsed'
          : 'holds no PEM certificate (a DER file must be converted: openssl x509 -inform der)';
    result.findings.push({ problem: true, line: `${path} ${holds}: docker skips it without a word`, commands: [viewCommand(path)] });
    return;
  }
  for (const certificate of pem.certificates) {
    result.anchors.push({ certificate, file: path });
    const subject = subjectOf(certificate);
    if (!certificate.ca) {
      const own = presentedLeaf !== undefined && presentedLeaf.fingerprint256 === certificate.fingerprint256;
      const why = own
        ? "it is the registry's own server certificate: docker accepts it only while the registry presents this very certificate, and fails with \"x509: certificate signed by unknown authority\" once it is renewed"
        : 'docker cannot use it to verify anything the registry presents';
      // Go takes the very leaf presented as a root: docker works until the registry renews it, a warning.
      result.findings.push({
        problem: !own,
        ...(own ? { warning: true } : {}),
        line: `${path}: ${subject} is not a CA certificate (no basicConstraints CA:TRUE); ${why}; put the certificate of the CA that signed it (${issuerOf(certificate)}) there instead`,
        commands: [viewCommand(path), `sudo cp ca.crt ${shellQuote(path)}`],
      });
    }
    const time = judgeTime(certificate, nowMs);
    if (time.kind !== 'valid') result.findings.push(outOfDate(path, certificate, time));
  }
}

/** `CN=x expired on 2026-12-01 00:00:00 UTC` */
export function outOfDateText(certificate: X509Certificate, time: Exclude<TimeVerdict, { kind: 'valid' }>): string {
  const when =
    time.kind === 'expired' ? `expired on ${showTime(time.atMs)}` : time.kind === 'not-yet-valid' ? `is valid only from ${showTime(time.fromMs)} (check the clock too)` : 'has dates that cannot be read';
  return `${subjectOf(certificate)} ${when}`;
}

export const OUT_OF_DATE_ERROR = 'x509: certificate has expired or is not yet valid';

export function outOfDate(path: string, certificate: X509Certificate, time: Exclude<TimeVerdict, { kind: 'valid' }>): Finding {
  return { problem: true, line: `${path}: ${outOfDateText(certificate, time)}: Go refuses it ("${OUT_OF_DATE_ERROR}")`, commands: [viewCommand(path)] };
}

function judgePair(folder: string, certName: string, entries: readonly FolderEntry[], nowMs: number, findings: Finding[]): void {
  const at = (name: string) => `${folder}/${name}`;
  const pair = loadPairs(entries).get(certName);
  if (pair === undefined) return;
  const { keyName, leaf, key } = pair;
  if (key.kind === 'absent') {
    const aCa = leaf?.ca === true;
    findings.push({
      problem: true,
      line:
        `${at(certName)} has no ${keyName} next to it: docker fails every request to this registry with "missing key ${keyName} for client certificate ${certName}. ` +
        `Note that CA certificates should use the extension .crt"${aCa ? `; it holds a CA certificate (${subjectOf(leaf)}): rename it to .crt` : '; put the key of this client certificate there'}`,
      commands: aCa ? [`sudo mv ${shellQuote(at(certName))} ${shellQuote(at(`${certName.slice(0, -'.cert'.length)}.crt`))}`] : [`sudo cp client.key ${shellQuote(at(keyName))}`],
    });
    return;
  }
  if (!leaf) {
    findings.push({ problem: true, line: `${at(certName)} holds no PEM certificate: docker fails every request to this registry ("tls: failed to find any PEM data in certificate input")`, commands: [viewCommand(at(certName))] });
    return;
  }
  const time = judgeTime(leaf, nowMs);
  if (time.kind !== 'valid') findings.push(outOfDate(at(certName), leaf, time));
  if (key.kind !== 'file') return; // named by judgeFiles already
  // Go's LoadX509KeyPair reads no encrypted key either.
  if (key.matches === undefined) {
    findings.push({
      problem: true,
      line: `${at(keyName)} is not a private key docker can load (encrypted, or not PEM): docker fails every request to this registry ("tls: failed to parse private key")`,
      commands: [`sudo openssl pkey -noout -in ${shellQuote(at(keyName))}`],
    });
    return;
  }
  if (!key.matches) {
    findings.push({
      problem: true,
      line: `${at(keyName)} is not the key of ${at(certName)} (${subjectOf(leaf)}): docker fails every request to this registry with "tls: private key does not match public key"; the two commands below print different public keys`,
      commands: [`openssl x509 -noout -pubkey -in ${shellQuote(at(certName))}`, `sudo openssl pkey -pubout -in ${shellQuote(at(keyName))}`],
    });
  }
}
