/**
 * certs-d's verdict on one registry, as a pure function: its folder's files (files.ts), the chain it
 * presents against the roots docker would use (chain.ts), and the name used against the certificate's
 * subjectAltName. Each finding quotes the error docker prints and carries the commands that fix it. For a
 * registry docker treats as insecure (loopback, insecure-registries) dockerd neither verifies the
 * certificate nor reads the folder: the files are judged all the same (a wrong file is wrong wherever it
 * is), the chain and the name only as notes. A registry that demands a client certificate is judged
 * with the pair docker presents (client-pair.ts), and a refusal is named with the files docker expects.
 */
import type { X509Certificate } from 'node:crypto';
import type { PresentedChain } from '../../registry/presented-chain.js';
import { shellQuote } from '../../text/shell-quote.js';
import { type Anchor, type ChainVerdict, allowsServerAuth, judgeName, verifyChain } from './chain.js';
import { isIP } from 'node:net';
import { type Finding, OUT_OF_DATE_ERROR, judgeFiles, outOfDateText, viewCommand } from './files.js';
import { certificateTime, issuerOf, oneLine, showTime, subjectOf } from './pem.js';
import type { FolderListing } from './read-folder.js';

export type DockerVerifies = { verifies: true } | { verifies: false; why: string };

export interface RegistryTls {
  /** `host[:port]`: the folder's name under certs.d. */
  indexName: string;
  /** The host name or IP docker connects to and checks the certificate for. */
  hostname: string;
  /** `host:port` for openssl s_client. */
  connectTo: string;
  /** Docker Hub: dockerd reads no certs.d folder for it. */
  hub: boolean;
  certsD: string;
  listing: FolderListing;
  /** The other names in certs.d. */
  siblings: readonly string[];
  presented: PresentedChain;
  systemAnchors: () => readonly Anchor[];
  nowMs: number;
  docker: DockerVerifies;
  /** The client certificate presented, as docker presents it: `certName` in the folder. */
  clientPair?: { certName: string; certificate: X509Certificate };
}

export interface RegistryVerdict {
  findings: Finding[];
  /** Something was judged: a chain or a folder's files. */
  judged: boolean;
}

export function judgeRegistryTls(input: RegistryTls): RegistryVerdict {
  const name = input.indexName;
  if (input.presented.kind === 'no-tls') {
    return { findings: [note(`${name}: answers without TLS (plain HTTP), so there is no certificate to judge (insecure-registries: see daemon-json)`)], judged: false };
  }
  const folder = `${input.certsD}/${input.indexName}`;
  const findings: Finding[] = [];
  if (!input.docker.verifies) {
    findings.push(note(`${name}: docker itself does not verify this registry's certificate and does not read ${folder} (${input.docker.why}); the files are judged all the same`));
  }
  const leaf = input.presented.kind === 'chain' ? input.presented.certificates[0] : undefined;
  const files = input.hub ? { anchors: [], ignored: [], findings: [] } : judgeListing(input, folder, leaf);
  findings.push(...files.findings.map((finding) => ({ ...finding, line: `${name}: ${finding.line}` })));
  let judged = !input.hub && input.listing.kind === 'entries';
  if (input.presented.kind === 'unreachable') {
    findings.push(note(`${name}: its certificate is not checked: no TLS answer from ${input.connectTo} (${input.presented.reason})`));
    return { findings, judged };
  }
  const presented = input.presented.certificates;
  let verdict = verifyChain(presented, files.anchors, input.nowMs);
  if (verdict.kind === 'unknown-authority') verdict = verifyChain(presented, [...files.anchors, ...input.systemAnchors()], input.nowMs);
  judged = true;
  const before = findings.length;
  findings.push(...chainFindings(input, folder, verdict, presented, files.ignored));
  if (leaf) findings.push(...nameFindings(input, leaf));
  const client = clientCertificateFindings(input, folder);
  const problems = [...findings, ...client].some((finding) => finding.problem);
  if (verdict.kind === 'verified' && leaf && findings.slice(before).length === 0 && !problems) {
    const by = verdict.anchor.file ?? "the system's CAs";
    const until = showTime(certificateTime(leaf.validTo));
    const tail = input.docker.verifies ? '' : ', though docker does not check it here';
    findings.push({ problem: false, line: `${name}: the registry's certificate (${subjectOf(leaf)}, valid until ${until}) verifies with ${by} for ${input.hostname}${tail}`, commands: [] });
  }
  findings.push(...client);
  return { findings, judged };
}

/** What the registry made of the client certificate docker presents, or of none. */
function clientCertificateFindings(input: RegistryTls, folder: string): Finding[] {
  if (input.presented.kind !== 'chain') return [];
  const name = input.indexName;
  const answer = input.presented.client;
  const pair = input.clientPair;
  const file = pair ? `${folder}/${pair.certName}` : undefined;
  if (answer?.kind !== 'refused') {
    return pair && file && answer?.kind === 'answered' ? [note(`${name}: the registry takes the client certificate ${file} (${subjectOf(pair.certificate)}) that docker presents`)] : [];
  }
  const error = `remote error: tls: ${answer.alert}`;
  if (!input.docker.verifies) {
    // Seen with dockerd 20.10 on loopback: the HTTPS attempt is refused, then plain HTTP gets the TLS port's 400.
    return [{
      problem: true,
      line: `${name}: the registry refuses connections without a client certificate ("${error}"), and docker presents none to a registry it does not verify (${input.docker.why}): it reads ${folder} only for registries it verifies; docker login then tries plain HTTP and fails ("failed with status: 400 Bad Request")`,
      commands: [],
    }];
  }
  if (pair && file) {
    return [{
      problem: true,
      line: `${name}: docker login fails with "${error}": the registry refuses the client certificate ${file} (${subjectOf(pair.certificate)}, issued by ${issuerOf(pair.certificate)}); it takes only certificates of the CAs it trusts for clients: ask whoever runs it for one`,
      commands: [`openssl x509 -noout -subject -issuer -dates -in ${shellQuote(file)}`],
    }];
  }
  const missing = input.listing.kind === 'missing' ? [`sudo mkdir -p ${shellQuote(folder)}`] : [];
  return [{
    problem: true,
    line: `${name}: docker login fails with "${error}": the registry demands a client certificate, and ${folder} holds no pair docker can present; docker presents NAME.cert with its key NAME.key from there (client.cert and client.key below: the certificate and key issued to you for this registry)`,
    commands: [...missing, `sudo cp client.cert ${shellQuote(`${folder}/client.cert`)}`, `sudo cp client.key ${shellQuote(`${folder}/client.key`)}`],
  }];
}

function note(line: string): Finding {
  return { problem: false, line, commands: [] };
}

function judgeListing(input: RegistryTls, folder: string, leaf: X509Certificate | undefined): ReturnType<typeof judgeFiles> {
  const empty = { anchors: [], ignored: [], findings: [] };
  switch (input.listing.kind) {
    case 'missing':
      return empty;
    case 'not-a-folder':
      return { ...empty, findings: [{ problem: true, line: `${folder} is not a folder: docker fails every request to this registry while it cannot read it`, commands: [`ls -ld ${shellQuote(folder)}`] }] };
    case 'unreadable': {
      const denied = input.listing.code === 'EACCES' || input.listing.code === 'EPERM';
      const line = denied
        ? `cannot read ${folder} (${input.listing.reason}), so its files are not judged; dockerd runs as root and may read it`
        : `${folder} cannot be read (${input.listing.reason}): docker fails every request to this registry`;
      return { ...empty, findings: [{ problem: !denied, line, commands: denied ? [] : [`ls -ld ${shellQuote(folder)}`] }] };
    }
    case 'entries': {
      const judged = judgeFiles(folder, input.listing.entries, input.nowMs, leaf);
      if (input.listing.truncated) judged.findings.push(note(`${folder} holds more names than doctor reads; only the first ones are judged`));
      return judged;
    }
  }
}

/** What docker does with a chain that does not verify, said for an insecure registry as a conditional. */
function fails(input: RegistryTls, error: string): string {
  return input.docker.verifies ? `docker login fails with "${error}"` : `docker would fail with "${error}" if it verified this registry`;
}

function chainFindings(input: RegistryTls, folder: string, verdict: ChainVerdict, presented: readonly X509Certificate[], ignored: ReturnType<typeof judgeFiles>['ignored']): Finding[] {
  const name = input.indexName;
  const problem = input.docker.verifies;
  const leaf = presented[0];
  switch (verdict.kind) {
    case 'verified':
      return [];
    case 'nothing-presented':
      return [note(`${name}: the registry presented no certificate`)];
    case 'out-of-date': {
      const what = outOfDateText(verdict.certificate, verdict.time);
      const file = verdict.anchor?.file;
      if (file) {
        return [{ problem, line: `${name}: ${fails(input, OUT_OF_DATE_ERROR)}: the CA that signed the registry's certificate, in ${file}, ${what.replace(subjectOf(verdict.certificate), `(${subjectOf(verdict.certificate)})`)}; put its current certificate there`, commands: [viewCommand(file), `sudo cp ca.crt ${shellQuote(file)}`] }];
      }
      const which = verdict.anchor ? "a CA of the system's bundle" : verdict.certificate === leaf ? "the registry's certificate" : 'an intermediate certificate the registry presents';
      const fix = verdict.anchor ? 'update the system CAs' : 'renew it on the registry';
      return [{ problem, line: `${name}: ${fails(input, OUT_OF_DATE_ERROR)}: ${which}, ${what}; ${fix}`, commands: verdict.anchor ? ['sudo update-ca-certificates'] : [showServerCommand(input)] }];
    }
    case 'unknown-authority':
      return unknownAuthority(input, folder, verdict.issuer, presented, ignored);
  }
}

function unknownAuthority(input: RegistryTls, folder: string, issuer: string, presented: readonly X509Certificate[], ignored: ReturnType<typeof judgeFiles>['ignored']): Finding[] {
  const name = input.indexName;
  const problem = input.docker.verifies;
  const signer = oneLine(issuer);
  const start = `${name}: ${fails(input, 'x509: certificate signed by unknown authority')}: the registry's certificate is signed by ${signer}`;
  // The right CA under a name docker does not read.
  for (const file of ignored) {
    const anchors = file.certificates.map((certificate) => ({ certificate, file: `${folder}/${file.name}` }));
    if (verifyChain(presented, anchors, input.nowMs).kind !== 'verified') continue;
    const target = crtNameFor(file.name, input.listing);
    return [{ problem, line: `${start}, whose certificate is in ${folder}/${file.name}; docker reads CA certificates only from files ending in .crt`, commands: [`sudo cp ${shellQuote(`${folder}/${file.name}`)} ${shellQuote(`${folder}/${target}`)}`] }];
  }
  if (input.hub) return [{ problem, line: `${start}, which the system's CAs do not include; docker reads no certs.d folder for Docker Hub (a proxy that intercepts TLS?)`, commands: [] }];
  const copy = `sudo cp ca.crt ${shellQuote(`${folder}/ca.crt`)}`;
  const where = '(ca.crt below: that CA\'s certificate, from whoever runs the registry)';
  if (input.listing.kind !== 'entries') {
    const findings: Finding[] = [{ problem: input.docker.verifies, line: `${start}, and ${folder} does not exist: put that CA's certificate there as ca.crt ${where}`, commands: [`sudo mkdir -p ${shellQuote(folder)}`, copy] }];
    if (!input.docker.verifies) findings[0] = note(`${name}: no CA for it in ${folder} (it does not exist): not needed while docker does not verify this registry`);
    findings.push(...siblingHints(input, folder));
    return findings;
  }
  if (!input.docker.verifies) return [note(`${name}: the *.crt files in ${folder} do not verify the registry's certificate (signed by ${signer}): not needed while docker does not verify this registry`)];
  return [{ problem: true, line: `${start}, and no *.crt file in ${folder} is that CA: put its certificate there as ca.crt ${where}`, commands: [copy] }];
}

/** `ca.pem` → `ca.crt`, unless that name is taken. */
function crtNameFor(name: string, listing: FolderListing): string {
  const base = name.replace(/\.[^.]*$/, '');
  const taken = new Set(listing.kind === 'entries' ? listing.entries.map((entry) => entry.name) : []);
  const first = `${base === '' ? name : base}.crt`;
  return taken.has(first) ? `${name}.crt` : first;
}

/** Folders named almost like the one docker reads: another port, no port, other letter case. */
function siblingHints(input: RegistryTls, folder: string): Finding[] {
  const wanted = input.indexName.toLowerCase();
  const host = input.hostname.toLowerCase();
  const near = (sibling: string) => {
    const lower = sibling.toLowerCase();
    return lower === wanted || lower === host || lower.startsWith(`${host}:`);
  };
  return input.siblings
    .filter((sibling) => sibling !== input.indexName && near(sibling))
    .slice(0, 5)
    .map((sibling) => ({
      problem: false,
      line: `${input.indexName}: ${input.certsD}/${sibling} is not read for this registry: docker reads exactly ${folder}`,
      commands: [`sudo cp -r ${shellQuote(`${input.certsD}/${sibling}`)} ${shellQuote(folder)}`],
    }));
}

function nameFindings(input: RegistryTls, leaf: X509Certificate): Finding[] {
  const name = input.indexName;
  const problem = input.docker.verifies;
  const used = input.hostname;
  const verdict = judgeName(leaf, used);
  const findings: Finding[] = [];
  if (verdict.kind !== 'covered') {
    const listed = verdict.names.length > 0 ? verdict.names.join(', ') : 'no name';
    const bare = verdict.names.map((entry) => entry.replace(/^(DNS|IP Address):/, ''));
    const error =
      verdict.kind === 'no-ip-sans'
        ? `x509: cannot validate certificate for ${used} because it doesn't contain any IP SANs`
        : verdict.kind === 'no-dns-sans'
          ? 'x509: certificate relies on legacy Common Name field, use SANs instead'
          : `x509: certificate is valid for ${bare.join(', ')}, not ${used}`;
    const reissue = `subjectAltName = ${isIP(used) !== 0 ? 'IP' : 'DNS'}:${used}`;
    findings.push({
      problem,
      line: `${name}: ${fails(input, error)}: the registry's certificate (${subjectOf(leaf)}) lists ${listed} in its subjectAltName, not ${used}; use a name it lists, or have it reissued with ${reissue}`,
      commands: [showServerCommand(input)],
    });
  }
  if (!allowsServerAuth(leaf)) {
    findings.push({ problem, line: `${name}: ${fails(input, 'x509: certificate specifies an incompatible key usage')}: the registry's certificate (${subjectOf(leaf)}) does not allow serverAuth`, commands: [showServerCommand(input)] });
  }
  return findings;
}

/** The registry's own certificate, as openssl prints it. */
export function showServerCommand(input: Pick<RegistryTls, 'connectTo' | 'hostname'>): string {
  const sni = isIP(input.hostname) !== 0 ? '' : ` -servername ${shellQuote(input.hostname)}`;
  return `openssl s_client -connect ${shellQuote(input.connectTo)}${sni} </dev/null 2>/dev/null | openssl x509 -noout -text`;
}
