/**
 * Looks for secrets where other local users could see them: every process's argv (/proc/PID/cmdline) and
 * environment (/proc/PID/environ), and the bytes of files under a folder. Each secret is searched in the
 * forms a careless program would leave it: UTF-8, UTF-16LE, hex and base64 (at every alignment).
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** The byte strings that betray `secret` when found anywhere. */
export function secretForms(secret: string): Buffer[] {
  const utf8 = Buffer.from(secret, 'utf8');
  const forms = [utf8, Buffer.from(secret, 'utf16le'), Buffer.from(utf8.toString('hex'))];
  // base64 of the secret inside a longer text depends on where it starts: try the three alignments and
  // keep only the characters that depend on the secret alone.
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), utf8]).toString('base64');
    const start = shift === 0 ? 0 : Math.ceil((shift * 4) / 3) + 1;
    const end = encoded.length - 4;
    if (end - start >= 8) forms.push(Buffer.from(encoded.slice(start, end)));
  }
  return forms;
}

export interface Leak {
  secret: string;
  where: string;
}

export function findSecrets(haystack: Buffer, secrets: ReadonlyMap<string, Buffer[]>, where: string): Leak[] {
  const leaks: Leak[] = [];
  for (const [secret, forms] of secrets) {
    if (forms.some((form) => haystack.includes(form))) leaks.push({ secret, where });
  }
  return leaks;
}

export interface ProcessSample {
  pid: number;
  ppid: number;
  argv: string[];
}

export interface ProcessWatch {
  /** Stops scanning and reports every leak and every process seen (by pid). */
  stop(): Promise<{ passes: number; leaks: Leak[]; seen: Map<number, ProcessSample> }>;
}

/**
 * The scanner runs in a worker thread with synchronous reads, so that it passes over /proc many times a
 * second whatever the test's own event loop is doing. It stops when the shared flag is set.
 */
const SCANNER = `
const { readFileSync, readdirSync } = require('node:fs');
const { workerData, parentPort } = require('node:worker_threads');
const stop = new Int32Array(workerData.flag);
const secrets = workerData.secrets.map(([secret, forms]) => [secret, forms.map((form) => Buffer.from(form, 'hex'))]);
const leaks = new Map();
const seen = new Map();
let passes = 0;
const check = (bytes, where) => {
  for (const [secret, forms] of secrets) {
    if (forms.some((form) => bytes.includes(form))) leaks.set(secret + '\\u0000' + where, { secret, where });
  }
};
while (Atomics.load(stop, 0) === 0) {
  for (const pid of readdirSync('/proc')) {
    if (!/^\\d+$/.test(pid)) continue;
    let cmdline, stat;
    try {
      cmdline = readFileSync('/proc/' + pid + '/cmdline');
      stat = readFileSync('/proc/' + pid + '/stat', 'utf8');
    } catch {
      continue;
    }
    const argv = cmdline.toString('utf8').split('\\u0000');
    if (argv[argv.length - 1] === '') argv.pop();
    const ppid = Number((/\\) \\S (\\d+)/.exec(stat) || [])[1] || 0);
    const key = pid + ' ' + argv.join(' ');
    if (argv.length > 0 && !seen.has(key)) seen.set(key, { pid: Number(pid), ppid, argv });
    const name = argv.join(' ').slice(0, 120);
    check(cmdline, 'argv of pid ' + pid + ' (' + name + ')');
    try {
      check(readFileSync('/proc/' + pid + '/environ'), 'environment of pid ' + pid + ' (' + name + ')');
    } catch {}
  }
  passes++;
}
parentPort.postMessage({ passes, leaks: [...leaks.values()], seen: [...seen.values()] });
`;

/** Scans /proc again and again until stopped, while the caller's operations run. */
export function watchProcesses(secrets: ReadonlyMap<string, Buffer[]>): ProcessWatch {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(SCANNER, {
    eval: true,
    workerData: { flag, secrets: [...secrets].map(([secret, forms]) => [secret, forms.map((form) => form.toString('hex'))]) },
  });
  const done = new Promise<{ passes: number; leaks: Leak[]; seen: ProcessSample[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      Atomics.store(new Int32Array(flag), 0, 1);
      const { passes, leaks, seen } = await done;
      await worker.terminate();
      // A pid may be seen with several argvs (a fork before its exec): keep them all, keyed by pid and order.
      const byPid = new Map<number, ProcessSample>();
      for (const sample of seen) if (!byPid.has(sample.pid) || sample.argv[0]?.endsWith('docker-credential-tsstore')) byPid.set(sample.pid, sample);
      return { passes, leaks, seen: byPid };
    },
  };
}

/** Every regular file under `root` that holds one of the secrets, in any of its forms. */
export function scanTreeForSecrets(root: string, secrets: ReadonlyMap<string, Buffer[]>): Leak[] {
  const leaks: Leak[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) leaks.push(...findSecrets(readFileSync(path), secrets, path));
    }
  };
  walk(root);
  return leaks;
}

/** Every path under `root` (folders end with '/') with its permission bits. */
export function modesUnder(root: string): Map<string, number> {
  const modes = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        modes.set(`${path}/`, stat.mode & 0o7777);
        walk(path);
      } else {
        modes.set(path, stat.mode & 0o7777);
      }
    }
  };
  walk(root);
  return modes;
}
