import { describe, expect, it } from 'vitest';
import { parseProcStat, terminalVerdict } from '../../src/passphrase/proc-stat.js';

// Real lines: `cat /proc/self/stat` in a tmux pane, under `setsid`, and with a name holding ") (".
const FOREGROUND = '8704 (docker-credential-tsstore) R 8700 8700 8700 34816 8700 4194304 1386 0 0 0 3 3 0 0 20 0 4 0 273515';
const NO_TTY = '8437 (t) R 8267 8267 25907 0 -1 4194304 1379 0 0 0 4 2 0 0 20 0 4 0 273159';
const BACKGROUND = '9001 (a) (b) S 8700 9001 8700 34816 8700 4194304 1386 0 0 0 3 3 0 0 20 0 4 0 273515';

describe('terminal verdict from /proc/self/stat', () => {
  it('reads pgrp, session, tty and the foreground group', () => {
    expect(parseProcStat(FOREGROUND)).toEqual({ pgrp: 8700, session: 8700, ttyNr: 34816, tpgid: 8700 });
    expect(parseProcStat(BACKGROUND)).toEqual({ pgrp: 9001, session: 8700, ttyNr: 34816, tpgid: 8700 });
  });

  it('prompts only in the foreground process group of a terminal', () => {
    expect(terminalVerdict(parseProcStat(FOREGROUND))).toBe('foreground');
    expect(terminalVerdict(parseProcStat(BACKGROUND))).toBe('background');
    expect(terminalVerdict(parseProcStat(NO_TTY))).toBe('none');
  });

  it('says unknown (and lets /dev/tty decide) when there is no /proc or it cannot be parsed', () => {
    expect(parseProcStat('garbage')).toBeUndefined();
    expect(parseProcStat('1 (x) R 1')).toBeUndefined();
    expect(terminalVerdict(undefined)).toBe('unknown');
  });
});
