#!/usr/bin/env node
// npm run bench: our single file against the reference helpers, side by side in one run.
//
// For each store size, ours (pgp backend) and docker-credential-pass (GnuPG key without passphrase,
// gpg-agent warm) run alternately, run by run, on the same inputs. Prints medians, the median of the
// pair-by-pair ratios (ours / reference) and peak RSS, as Markdown.
//
// Large stores are filled in-process, not by 10,000 process starts: ours through the pgp backend code
// (build/src, from `npm run build`), pass's by writing the same files `pass insert` writes
// (docker-credential-helpers/<base64url(server)>/<username>.gpg), encrypted with openpgp.js to the
// pass store's GnuPG key.
//
// Options (environment): BENCH_SIZES=1,1000,10000  BENCH_RUNS=15  BENCH_VERBS=get,store,erase,list,version
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const ours = join(root, 'dist', 'docker-credential-tsstore');
const sizes = (process.env.BENCH_SIZES ?? '1,1000,10000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 15);
const verbs = (process.env.BENCH_VERBS ?? 'get,store,erase,list,version').split(',');

function which(program) {
  const result = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

for (const [path, hint] of [[ours, 'run npm run build'], [join(root, 'build', 'src', 'backends', 'pgp', 'pgp-backend.js'), 'run npm run build']]) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
}
const reference = which('docker-credential-pass');
if (!reference || !which('pass') || !which('gpg')) throw new Error('docker-credential-pass, pass and gpg are needed (apt-get install pass golang-docker-credential-helpers)');

const { PgpBackend } = await import(join(root, 'build', 'src', 'backends', 'pgp', 'pgp-backend.js'));
const openpgp = await import('openpgp');

const work = mkdtempSync(join(tmpdir(), 'tsstore-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function timeRun(command, args, env, input) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, input, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
  return elapsed;
}

/** Peak RSS in KiB of one run, from wait4's rusage (python's os.wait4; no timing taken here). */
function peakRss(command, args, env, input) {
  const script = 'import os,sys\npid=os.fork()\nif pid==0:\n os.execvpe(sys.argv[1],sys.argv[1:],os.environ)\n_,status,usage=os.wait4(pid,0)\nprint(usage.ru_maxrss)';
  const result = spawnSync('python3', ['-c', script, command, ...args], { env, input, encoding: 'utf8' });
  return Number(result.stdout.trim().split('\n').pop());
}

async function setUpOurs(size) {
  const home = join(work, `ours-${size}`);
  const env = { PATH: process.env.PATH, HOME: home, TSSTORE_HOME: join(home, 'tsstore') };
  mkdirSync(home, { recursive: true });
  const backend = new PgpBackend(join(home, 'tsstore', 'pgp'));
  await backend.initialize();
  writeFileSync(join(home, 'tsstore', 'settings.json'), '{"backend":"pgp"}\n', { mode: 0o600 });
  for (let i = 0; i < size; i++) await backend.add(`registry-${i}.example:5000`, { username: `user${i}`, secret: `secret-${i}` });
  return env;
}

async function setUpPass(size) {
  const home = join(work, `pass-${size}`);
  const gnupg = join(home, 'g');
  mkdirSync(gnupg, { recursive: true, mode: 0o700 });
  const env = { PATH: process.env.PATH, HOME: home, GNUPGHOME: gnupg };
  execFileSync('gpg', ['--batch', '--quiet', '--passphrase', '', '--quick-gen-key', 'bench <bench@example>', 'default', 'default', 'never'], { env, stdio: 'ignore' });
  const fingerprint = execFileSync('gpg', ['--list-keys', '--with-colons'], { env, encoding: 'utf8' }).split('\n').find((l) => l.startsWith('fpr')).split(':')[9];
  execFileSync('pass', ['init', fingerprint], { env, stdio: 'ignore' });
  const publicKey = await openpgp.readKey({ armoredKey: execFileSync('gpg', ['--armor', '--export', fingerprint], { env, encoding: 'utf8' }) });
  const base = join(home, '.password-store', 'docker-credential-helpers');
  for (let i = 0; i < size; i++) {
    const dir = join(base, Buffer.from(`registry-${i}.example:5000`).toString('base64url').padEnd(Math.ceil(`registry-${i}.example:5000`.length / 3) * 4, '='));
    mkdirSync(dir, { recursive: true });
    const message = await openpgp.createMessage({ binary: Buffer.from(`secret-${i}`) });
    writeFileSync(join(dir, `user${i}.gpg`), await openpgp.encrypt({ message, encryptionKeys: publicKey, format: 'binary' }));
  }
  timeRun(reference, ['get'], env, 'registry-0.example:5000'); // warm gpg-agent
  return { env, gnupg };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function inputFor(verb, run) {
  if (verb === 'get') return 'registry-0.example:5000';
  if (verb === 'store') return JSON.stringify({ ServerURL: `bench-store-${run}.example`, Username: 'bench', Secret: 'bench-secret' });
  if (verb === 'erase') return `bench-erase-${run}.example`;
  return 'unused';
}

const rows = [];
for (const size of sizes) {
  process.stderr.write(`filling stores with ${size} credential(s)...\n`);
  const oursEnv = await setUpOurs(size);
  const pass = await setUpPass(size);
  for (const verb of verbs) {
    const times = { ours: [], pass: [] };
    for (let run = 0; run < runs; run++) {
      const input = inputFor(verb, run);
      if (verb === 'erase') {
        const creds = JSON.stringify({ ServerURL: input, Username: 'bench', Secret: 'x' });
        timeRun(ours, ['store'], oursEnv, creds);
        timeRun(reference, ['store'], pass.env, creds);
      }
      // Alternate which one goes first, so drift on the machine hits both alike.
      const order = run % 2 ? ['pass', 'ours'] : ['ours', 'pass'];
      for (const who of order) {
        times[who].push(who === 'ours' ? timeRun(ours, [verb], oursEnv, input) : timeRun(reference, [verb], pass.env, input));
      }
      if (verb === 'store') {
        timeRun(ours, ['erase'], oursEnv, `bench-store-${run}.example`);
        timeRun(reference, ['erase'], pass.env, `bench-store-${run}.example`);
      }
    }
    const ratios = times.ours.map((t, i) => t / times.pass[i]);
    const input = inputFor(verb === 'store' || verb === 'erase' ? 'get' : verb, 0);
    const rssVerb = verb === 'store' || verb === 'erase' ? 'get' : verb;
    rows.push({
      size,
      verb,
      ours: median(times.ours),
      pass: median(times.pass),
      ratio: median(ratios),
      oursRss: peakRss(ours, [rssVerb], oursEnv, input),
      passRss: peakRss(reference, [rssVerb], pass.env, input),
    });
  }
  spawnSync('gpgconf', ['--kill', 'all'], { env: pass.env });
}

const fmt = (n) => n.toFixed(1);
const lines = [
  `tsstore benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  `single file: ${(statSync(ours).size / 2 ** 20).toFixed(1)} MiB; ${runs} runs per cell, alternating; times in ms (median), ratio = median of ours/reference per pair`,
  '',
  '| stored | verb | tsstore pgp | docker-credential-pass | ratio | peak RSS tsstore / pass (MiB) |',
  '|---:|---|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.size} | ${r.verb} | ${fmt(r.ours)} | ${fmt(r.pass)} | ${r.ratio.toFixed(2)} | ${(r.oursRss / 1024).toFixed(0)} / ${(r.passRss / 1024).toFixed(0)} |`),
  '',
  '(peak RSS of store and erase rows is measured on get)',
];
process.stdout.write(`${lines.join('\n')}\n`);
