/**
 * duplicate-logins: one registry stored under several spellings (`reg:5000`, `http://reg:5000`,
 * `https://reg:5000/`), Docker Desktop's `.../v1//access-token` and `//refresh-token` left behind, and
 * `auths` entries no store holds a login for. The logins come from registry-login's gathering (tsstore,
 * then config.json's `auths` from where docker reads each); the judgement is ../duplicate-logins/judge.ts.
 * --fix erases from tsstore only a spelling docker never reads whose login equals the one answering in
 * its place, and Desktop's tokens; then removes `auths` entries with no login anywhere. Everything else
 * is reported with the commands that settle it.
 */
import type { StoredLogin } from '../../backends/backend.js';
import { dockerConfigPath } from '../../docker/config-file.js';
import { TsstoreError } from '../../errors.js';
import { showRegistry } from '../../migrate/wording.js';
import type { Check, Diagnosis } from '../check.js';
import type { DoctorContext } from '../context.js';
import { type Judgement, erasable, hasProblem, judge, withoutEntries } from '../duplicate-logins/judge.js';
import { describeJudgement, erasedLine, removedEntriesLine } from '../duplicate-logins/wording.js';
import { gatherLogins } from '../registry-login/logins.js';

interface Looked {
  judgement: Judgement;
  logins: ReadonlyMap<string, StoredLogin>;
  notes: string[];
  configPath: string;
  tsstoreListed: boolean;
}

async function look(context: DoctorContext): Promise<Looked> {
  const gathered = await gatherLogins(context);
  const read = context.readDockerConfig();
  const configPath = read.ok ? read.file.path : dockerConfigPath(context.env);
  const logins = new Map(gathered.logins.filter((login) => login.store === 'tsstore').map((login) => [login.key, { username: login.username, secret: login.secret }]));
  const judgement = judge({
    tsstoreKeys: gathered.tsstoreKeys === undefined ? undefined : [...gathered.tsstoreKeys.keys()].sort(),
    tsstoreLogins: logins,
    otherLogins: gathered.logins.filter((login) => login.store !== 'tsstore'),
    config: read.ok ? read.file.config : {},
    unheld: new Set(gathered.unheld),
  });
  const notes = [...gathered.notes];
  if (gathered.tsstoreKeys === undefined) notes.push('cannot list the logins in tsstore (see backend): only config.json is judged');
  return { judgement, logins, notes, configPath, tsstoreListed: gathered.tsstoreKeys !== undefined };
}

/** What diagnose found, for the fix: kept beside the diagnosis (the logins hold secrets), not printed. */
const looked = new WeakMap<Diagnosis, Looked>();

export const duplicateLogins: Check = {
  id: 'duplicate-logins',
  title: 'Each registry is stored once, under the key docker reads',
  async diagnose(context): Promise<Diagnosis> {
    const found = await look(context);
    const { judgement, notes, configPath, tsstoreListed } = found;
    if (!hasProblem(judgement)) {
      if (!tsstoreListed) return { status: 'skipped', details: notes };
      return { status: 'ok', details: [...notes, 'every registry is stored under one spelling; no Docker Desktop token entry and no empty auths entry is left'] };
    }
    const { details, commands } = describeJudgement(judgement, configPath);
    const fixable = erasable(judgement).length > 0 || judgement.emptyEntries.length > 0;
    const diagnosis: Diagnosis = { status: 'problem', details: [...notes, ...details], commands, fixable };
    looked.set(diagnosis, found);
    return diagnosis;
  },
  async fix(context, diagnosis) {
    const found = looked.get(diagnosis);
    if (found === undefined) return [];
    const { judgement, logins } = found;
    const done: string[] = [];
    const keys = erasable(judgement);
    if (keys.length > 0) {
      const store = await context.store({ forWrite: true });
      const sameAs = new Map(judgement.groups.flatMap((group) => group.spellings.flatMap((spelling) => (spelling.kind === 'erase' ? [[spelling.key, spelling.sameAs] as const] : []))));
      for (const key of keys) {
        const kept = sameAs.get(key);
        if (kept !== undefined) {
          // A login stored since the look (a docker login) is judged again next time, never erased blind.
          const [now, answering] = await Promise.all([store.get(key), store.get(kept)]);
          const judged = logins.get(key);
          if (judged === undefined || !equal(now, judged) || !equal(answering, judged)) {
            done.push(`left ${showRegistry(key)} in tsstore: its login changed while doctor ran`);
            continue;
          }
        }
        await store.delete(key);
        done.push(erasedLine(key, kept === undefined ? 'leftover' : 'spelling', kept));
      }
    }
    // Entries are judged again after the erases: an entry goes only once nothing holds a login for it.
    const after = (await look(context)).judgement;
    const entries = after.emptyEntries.map((entry) => entry.key);
    if (entries.length > 0) {
      const read = context.readDockerConfig();
      if (!read.ok) throw new TsstoreError('config', 'config.json cannot be read');
      await context.writeDockerConfig(read.file, withoutEntries(read.file.config, entries));
      done.push(removedEntriesLine(entries, read.file.path));
    }
    return done;
  },
};

function equal(a: StoredLogin, b: StoredLogin): boolean {
  return a.username === b.username && a.secret === b.secret;
}
