/**
 * Whether this process may read its terminal, from /proc/self/stat. A process outside the terminal's
 * foreground process group (`docker pull &`) that reads it is stopped by SIGTTIN: it would hang, so
 * it must not prompt. Pure parsing and judgement; the read is in terminal.ts.
 */
export interface ProcStat {
  pgrp: number;
  session: number;
  /** 0 when the process has no controlling terminal. */
  ttyNr: number;
  /** The terminal's foreground process group, -1 without a terminal. */
  tpgid: number;
}

/** Fields after the command name, which is in parentheses and may itself hold spaces and ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const end = text.lastIndexOf(')');
  if (end === -1) return undefined;
  const fields = text.slice(end + 1).trim().split(/\s+/);
  // state ppid pgrp session tty_nr tpgid
  const [pgrp, session, ttyNr, tpgid] = [fields[2], fields[3], fields[4], fields[5]].map((field) => Number(field));
  if ([pgrp, session, ttyNr, tpgid].some((value) => value === undefined || !Number.isInteger(value))) return undefined;
  return { pgrp: pgrp as number, session: session as number, ttyNr: ttyNr as number, tpgid: tpgid as number };
}

export type TerminalVerdict = 'foreground' | 'background' | 'none' | 'unknown';

export function terminalVerdict(stat: ProcStat | undefined): TerminalVerdict {
  if (!stat) return 'unknown'; // no /proc (macOS): opening /dev/tty decides
  if (stat.ttyNr === 0) return 'none';
  return stat.tpgid === stat.pgrp ? 'foreground' : 'background';
}
