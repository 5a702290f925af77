/**
 * daemon-json: the docker daemon's daemon.json parses (dockerd refuses to start otherwise), every
 * registry with a login that answers only plain HTTP is in its `insecure-registries`, and the running
 * daemon (when one answers `docker info` in time) uses what the file says, else it was not restarted.
 * `--fix daemon-json`, only when named, adds the missing entries by inserting text (every other byte
 * kept); a file that does not parse or gives a key twice is never rewritten. Parts: ../daemon-json/
 * (judgement and commands), src/docker/daemon-json-*.ts (the file), src/docker/daemon-info.ts.
 */
import { isIP } from 'node:net';
import type { DaemonInfoRead } from '../../docker/daemon-info.js';
import type { DaemonJsonFile } from '../../docker/daemon-json-file.js';
import { addToDaemonJson, daemonJsonWritable, refusalToEdit } from '../../docker/daemon-json-write.js';
import { isLocalEndpoint } from '../../docker/docker-endpoint.js';
import { type InsecureRegistries, type RegistryTarget, transportFor } from '../../registry/endpoints.js';
import type { HttpOutcome } from '../../registry/http-request.js';
import type { Check, Diagnosis } from '../check.js';
import { gatherRegistries } from '../clock/registries.js';
import type { DoctorContext } from '../context.js';
import { editCommand, reloadAdvice, reloadCommand, restartCommand, sudoAddCommand } from '../daemon-json/commands.js';
import { type FileJudgement, judgeFileValue } from '../daemon-json/file-settings.js';
import { type RegistryFinding, classifyProbe, describeFinding, missingEntries } from '../daemon-json/registries.js';
import { type Remedy, compareWithRunning, insecureFromElsewhere } from '../daemon-json/running.js';
import { REGISTRY_TIMEOUT_MS, inParallel } from '../registry-login/probe-logins.js';

const PARALLEL_REGISTRIES = 4;
const EMPTY_FILE: FileJudgement = {
  insecure: { names: [], cidrs: [] },
  settings: { insecureNames: [], insecureCidrs: [], mirrors: [], proxies: {}, sets: { insecureRegistries: false, registryMirrors: false } },
  problems: [],
  editable: true,
};

/** What the fix needs from diagnose: kept beside the diagnosis, not printed. */
const plans = new WeakMap<Diagnosis, { path: string; entries: string[] }>();

export const daemonJson: Check = {
  id: 'daemon-json',
  title: "The docker daemon's daemon.json parses and lets plain-HTTP registries in",
  fixOnlyWhenNamed: true,
  // It edits the daemon's file only: a person with a broken config.json still gets it.
  fixLeavesDockerConfig: true,
  async diagnose(context): Promise<Diagnosis> {
    const running = await context.daemonInfo();
    // The file as the other checks read it, at the path the running daemon's rootless hint gives.
    const { settings: paths, file, endpoint } = await context.daemonSettings();
    const path = paths.daemonJson;
    const details: string[] = [paths.rootless ? `${path} (rootless: ${paths.rootless})` : path];
    const commands: string[] = [];
    let problem = false;

    const broken = describeBrokenFile(file);
    const judged = file.kind === 'parsed' ? judgeFileValue(file.value, path) : file.kind === 'missing' ? EMPTY_FILE : undefined;
    // Asked once: the edit command of a broken file and the fix of a missing entry both depend on it.
    const writable = daemonJsonWritable(path);
    const refusal = judged ? refusalToEdit(file) : undefined;
    if (broken) {
      problem = true;
      details.push(...broken);
      commands.push(editCommand(path, writable.writable));
    } else if (judged) {
      details.push(file.kind === 'missing' ? 'it does not exist: dockerd uses its defaults (plain HTTP only for 127.0.0.0/8)' : listed(judged.insecure));
      if (file.kind === 'parsed' && file.link !== undefined) details.push(`it is a symbolic link to ${file.link}; dockerd reads the file it points to`);
      if (judged.problems.length > 0) {
        problem = true;
        details.push(...judged.problems);
      }
      if (refusal) details.push(refusal);
      // Keys given twice (dockerd keeps the last, which may not be the one the person edited) or misspelled.
      if (refusal && file.kind === 'parsed') problem = true;
    }

    const compared = running.answered && isLocalEndpoint(endpoint.host) ? running.info : undefined;
    let entries: string[] = [];
    if (judged) {
      const daemonAllows = compared ? { names: compared.insecureNames, cidrs: compared.insecureCidrs } : undefined;
      const notes: string[] = [];
      const registries = (await gatherRegistries(context, notes)).filter((target) => !target.hub);
      const findings = await inParallel(registries, PARALLEL_REGISTRIES, (target) => judgeRegistry(context, target, judged.insecure, daemonAllows, path));
      details.push(...notes, ...findings.map((finding) => describeFinding(finding, path)));
      entries = missingEntries(findings);
    } else {
      details.push('registries are not judged until the file parses');
    }

    let fixable = false;
    if (entries.length > 0) {
      problem = true;
      const list = entries.map((entry) => JSON.stringify(entry)).join(', ');
      details.push(`add ${list} to "insecure-registries" in ${path}, then reload the daemon (it rereads insecure-registries on SIGHUP, and keeps its containers running)`);
      const elsewhere = judged && compared ? insecureFromElsewhere(judged.settings, compared) : [];
      if (elsewhere.length > 0) {
        details.push(
          `the running daemon allows plain HTTP for ${elsewhere.map((entry) => JSON.stringify(entry)).join(', ')}, though ${path} has no "insecure-registries": ` +
            `if dockerd has --insecure-registry flags (systemctl cat docker), add ${list} there instead; dockerd refuses a setting given both as a flag and in the file ` +
            `("the following directives are specified both as a flag and in the configuration file"), so doctor does not add the key`,
        );
      } else if (judged?.editable && refusal === undefined) {
        if (writable.writable) fixable = true;
        else {
          details.push(`${path} is not yours to write (${writable.why}): run the edit with sudo`);
          commands.push(sudoAddCommand(path, entries));
        }
      }
    }

    const rootless = paths.rootless !== undefined;
    const against = compareRunning(running, endpoint, file, judged, path, rootless);
    details.push(...against.details);
    if (against.remedy !== undefined) {
      problem = true;
      commands.push(against.remedy === 'reload' ? reloadCommand(rootless) : restartCommand(rootless));
    }

    const diagnosis: Diagnosis = problem ? { status: 'problem', details, commands, fixable } : { status: 'ok', details };
    if (fixable) plans.set(diagnosis, { path, entries });
    return diagnosis;
  },
  async fix(_context, diagnosis) {
    const plan = plans.get(diagnosis);
    if (!plan) return [];
    const added = addToDaemonJson(plan.path, plan.entries);
    return [`added ${added.map((entry) => JSON.stringify(entry)).join(', ')} to "insecure-registries" in ${plan.path}, keeping every other line`];
  },
};

function listed(insecure: InsecureRegistries): string {
  const all = [...insecure.names, ...insecure.cidrs];
  return all.length === 0 ? 'it lists no insecure-registries' : `insecure-registries: ${all.map((entry) => JSON.stringify(entry)).join(', ')}`;
}

/** Lines for a file dockerd cannot use at all, or undefined when it can. */
function describeBrokenFile(file: DaemonJsonFile): string[] | undefined {
  const never = 'doctor never rewrites it: fix it by hand';
  switch (file.kind) {
    case 'syntax':
      return [
        `not valid JSON at line ${file.line}, column ${file.column}${file.why ? `: ${file.why}` : ''}; dockerd refuses to start with it ("unable to configure the Docker daemon with file ${file.path}"); ${never}`,
        ...(file.why ? [] : [`line ${file.line}: ${file.lineText}`]),
      ];
    case 'not-object':
      return [`it holds ${file.found}, not a JSON object: dockerd refuses to start with it; ${never}`];
    case 'too-large':
      return [`it is ${file.bytes} bytes, too large to be a daemon configuration: not read`];
    case 'unreadable':
      return [`cannot read it: ${file.message}`];
    default:
      return undefined;
  }
}

async function judgeRegistry(
  context: DoctorContext,
  target: RegistryTarget,
  insecure: InsecureRegistries,
  daemonAllows: InsecureRegistries | undefined,
  path: string,
): Promise<RegistryFinding> {
  const name = target.indexName;
  const addresses = isIP(target.hostname) !== 0 ? [] : await context.resolveHost(target.hostname);
  const transport = transportFor(target, insecure, addresses, path);
  if (transport.insecure) return { kind: 'allowed', name, why: transport.why };
  if (daemonAllows && transportFor(target, daemonAllows, addresses, path).insecure) return { kind: 'allowed-by-daemon', name };
  const ask = (base: string): Promise<HttpOutcome> => context.httpRequest({ url: `${base}/v2/`, timeoutMs: REGISTRY_TIMEOUT_MS, verifyTls: false });
  const https = await ask(`https://${target.address}`);
  const http = https.kind === 'response' ? undefined : await ask(`http://${target.address}`);
  return classifyProbe(name, https, http);
}

function compareRunning(
  running: DaemonInfoRead,
  endpoint: { host: string; source: string },
  file: DaemonJsonFile,
  judged: FileJudgement | undefined,
  path: string,
  rootless: boolean,
): { remedy?: Remedy; details: string[] } {
  if (!running.answered) return { details: [`no daemon answered (${running.reason}): the running daemon is not compared with the file`] };
  const version = `dockerd ${running.info.serverVersion}`;
  if (!isLocalEndpoint(endpoint.host)) {
    return { details: [`docker talks to ${endpoint.host} (${endpoint.source}), ${version}: its daemon.json is on that machine; not compared`] };
  }
  if (!judged) return { details: [`a daemon answers (${version}): it started before ${path} broke, and neither a restart nor a reload works until the file is fixed`] };
  const compared = compareWithRunning(judged.settings, running.info, path);
  if (compared.remedy === undefined) return { details: [`the running daemon (${version}) uses what ${path} says`] };
  const missingFile = file.kind === 'missing' ? ` (${path} does not exist: the daemon may read another file, --config-file)` : '';
  const why =
    compared.remedy === 'reload'
      ? `dockerd rereads insecure-registries and registry-mirrors of ${path} when it is reloaded (SIGHUP: ${reloadAdvice(rootless)}), which keeps its containers running: the running daemon (${version}) was not reloaded since the file changed${missingFile}`
      : `a reload does not change this (dockerd takes its proxies only when it starts, and a reload leaves a setting the file no longer has as it is): the running daemon (${version}) was not restarted since the file changed${missingFile}`;
  return { remedy: compared.remedy, details: [...compared.lines, why] };
}
