/**
 * Which registries with a login need an `insecure-registries` entry: those that answer only plain HTTP
 * (an HTTPS attempt fails, HTTP answers `/v2/` like a registry) and that dockerd does not already allow
 * over HTTP (loopback, an entry by name, a CIDR). Pure: the probing is the check's.
 */
import type { HttpOutcome } from '../../registry/http-request.js';

export type RegistryFinding =
  | { kind: 'allowed'; name: string; why: string }
  /** The running daemon allows it (a --insecure-registry flag?) though the file does not list it. */
  | { kind: 'allowed-by-daemon'; name: string }
  | { kind: 'tls'; name: string }
  | { kind: 'plain-http-only'; name: string }
  | { kind: 'unreachable'; name: string; why: string };

/** A registry's answer to `GET /v2/`: 200, or 401 with a challenge; the API header says so in any case. */
function answersLikeRegistry(outcome: HttpOutcome): boolean {
  if (outcome.kind !== 'response') return false;
  return outcome.status === 200 || outcome.status === 401 || outcome.headers['docker-distribution-api-version'] !== undefined;
}

/** `http` is undefined when it was not tried (HTTPS answered). */
export function classifyProbe(name: string, https: HttpOutcome, http: HttpOutcome | undefined): RegistryFinding {
  if (https.kind === 'response') return { kind: 'tls', name };
  if (http !== undefined && answersLikeRegistry(http)) return { kind: 'plain-http-only', name };
  const why = http === undefined ? `https: ${https.message}` : http.kind === 'error' ? `https: ${https.message}; http: ${http.message}` : `https: ${https.message}; http: HTTP ${http.status}, not a registry's answer`;
  return { kind: 'unreachable', name, why };
}

export function describeFinding(finding: RegistryFinding, daemonJson: string): string {
  const name = JSON.stringify(finding.name);
  switch (finding.kind) {
    case 'allowed':
      return `${name}: docker may use plain HTTP (${finding.why})`;
    case 'allowed-by-daemon':
      return `${name}: the running daemon allows plain HTTP for it, but ${daemonJson} does not list it (a --insecure-registry flag?)`;
    case 'tls':
      return `${name}: answers HTTPS; no insecure-registries entry needed (certificates: see certs-d)`;
    case 'plain-http-only':
      return `${name}: answers only plain HTTP and is not in insecure-registries of ${daemonJson}: docker login, push and pull fail with "server gave HTTP response to HTTPS client"`;
    case 'unreachable':
      return `${name}: skipped, no answer over HTTPS or HTTP (${finding.why})`;
  }
}

/** The entries to add, in the order the registries were found. */
export function missingEntries(findings: readonly RegistryFinding[]): string[] {
  return findings.filter((finding) => finding.kind === 'plain-http-only').map((finding) => finding.name);
}
