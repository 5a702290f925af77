/**
 * certs-d: for every registry with a login that answers TLS, the folder dockerd reads for it
 * (`certs.d/HOST:PORT/`, from the context's daemonSettings) against the chain the registry presents and the name
 * used: CA files that are not CAs, are out of date or do not verify the chain, client pairs without their
 * other half or with the wrong key, files named so that docker does not read them, a certificate that does
 * not name the host or IP used, a client certificate the registry demands and does not get (the pair in
 * the folder is presented as docker presents it). The registry's own server certificate saved as a CA is
 * a warning: docker works with it until the certificate is renewed. The judgement is ../certs-d/judge.ts;
 * here are the I/O and the report.
 * Never writes; no fix: the files are root's, and the commands to run are printed under each finding.
 */
import { isIP } from 'node:net';
import { join } from 'node:path';
import { type RegistryTarget, transportFor } from '../../registry/endpoints.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import type { Anchor } from '../certs-d/chain.js';
import type { Finding } from '../certs-d/files.js';
import { type RegistryVerdict, judgeRegistryTls } from '../certs-d/judge.js';
import { clientPairOf } from '../certs-d/client-pair.js';
import { readPem } from '../certs-d/pem.js';
import { type FolderListing, listCertsD, readRegistryFolder } from '../certs-d/read-folder.js';
import { gatherRegistries } from '../clock/registries.js';
import type { DaemonSettings } from '../../docker/daemon-settings.js';
import { REGISTRY_TIMEOUT_MS, inParallel } from '../registry-login/probe-logins.js';

const PARALLEL_REGISTRIES = 4;

export const certsD: Check = {
  id: 'certs-d',
  title: "docker's certs.d folders fit the registries' certificates",
  async diagnose(context): Promise<Diagnosis> {
    const notes: string[] = [];
    const registries = await gatherRegistries(context, notes);
    if (registries.length === 0) return { status: 'skipped', details: [...notes, 'no registries to judge certificates for (tsstore and config.json name none)'] };
    const { settings: daemon, notes: daemonNotes } = await context.daemonSettings();
    notes.push(...daemonNotes);
    const siblings = listCertsD(daemon.certsD);
    let system: Anchor[] | undefined;
    const systemAnchors = () => (system ??= parseSystemAnchors(daemon.systemCas));
    const verdicts = await inParallel(registries, PARALLEL_REGISTRIES, (target) => judgeOne(context, target, daemon, siblings, systemAnchors));
    const findings = verdicts.flatMap((verdict) => verdict.findings);
    const details = [...notes, ...findings.flatMap(lines)];
    if (findings.some((finding) => finding.problem)) return { status: 'problem', fixable: false, details };
    if (findings.some((finding) => finding.warning === true)) return { status: 'warning', details };
    if (verdicts.some((verdict) => verdict.judged)) return { status: 'ok', details };
    return { status: 'skipped', details: [...details, 'no registry presented a certificate to judge'] };
  },
};

async function judgeOne(context: DoctorContext, target: RegistryTarget, daemon: DaemonSettings, siblings: readonly string[], systemAnchors: () => Anchor[]): Promise<RegistryVerdict> {
  const addresses = target.hub || isIP(target.hostname) !== 0 ? [] : await context.resolveHost(target.hostname);
  const transport = transportFor(target, daemon.insecure, addresses, daemon.daemonJson);
  const port = Number(new URL(`https://${target.address}/`).port || '443');
  const listing: FolderListing = target.hub ? { kind: 'missing' } : folderOf(daemon.certsD, target.indexName);
  // docker reads the folder, and so presents a client certificate, only for a registry it verifies.
  const pair = transport.insecure ? undefined : clientPairOf(listing);
  const presented = await context.presentedChain({
    hostname: target.hostname,
    port,
    timeoutMs: REGISTRY_TIMEOUT_MS,
    ...(pair ? { clientCertificate: { cert: pair.cert, key: pair.key } } : {}),
  });
  return judgeRegistryTls({
    indexName: target.indexName,
    hostname: target.hostname,
    connectTo: `${target.address}${target.address.endsWith(`:${port}`) ? '' : `:${port}`}`,
    hub: target.hub,
    certsD: daemon.certsD,
    listing,
    siblings,
    presented,
    systemAnchors,
    nowMs: Date.now(),
    docker: transport.insecure ? { verifies: false, why: transport.why } : { verifies: true },
    ...(pair ? { clientPair: { certName: pair.certName, certificate: pair.certificate } } : {}),
  });
}

/** docker joins the name to certs.d as it is; a name that would climb out of it is not read. */
function folderOf(certsDir: string, indexName: string): FolderListing {
  if (indexName.includes('/') || indexName === '.' || indexName === '..') return { kind: 'missing' };
  return readRegistryFolder(join(certsDir, indexName));
}

function parseSystemAnchors(bundles: readonly string[]): Anchor[] {
  const seen = new Set<string>();
  const anchors: Anchor[] = [];
  for (const bundle of bundles) {
    for (const certificate of readPem(bundle).certificates) {
      if (seen.has(certificate.fingerprint256)) continue;
      seen.add(certificate.fingerprint256);
      anchors.push({ certificate });
    }
  }
  return anchors;
}

/**
 * A finding's line with its commands right under it: with several registries, each fix stays by its cause.
 * A warning's line says so first, as doctor --image's do: the check's mark alone does not tell which line.
 */
function lines(finding: Finding): string[] {
  return [finding.warning === true ? `warning: ${finding.line}` : finding.line, ...finding.commands.map((command) => `run: ${command}`)];
}
