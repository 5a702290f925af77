/**
 * The controlling terminal, opened directly: docker runs helpers with stdin and stdout as pipes and
 * stderr captured, so /dev/tty is the only way to reach the person, and it needs no GPG_TTY.
 */
import { closeSync, constants, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { TsstoreError } from '../errors.js';
import { LineEditor } from './line-editor.js';
import { terminalSafe } from '../text/safe-text.js';
import { type TerminalVerdict, parseProcStat, terminalVerdict } from './proc-stat.js';

/** Somebody who walked away should not leave a helper waiting for ever. */
export const PROMPT_TIMEOUT_MS = 120_000;

export interface Terminal {
  /** Asks without echo; throws TsstoreError 'locked' when cancelled (Ctrl-C, Ctrl-D) or left unanswered. */
  ask(prompt: string): Promise<string>;
  /** One line for the person, on the terminal. */
  say(line: string): void;
  close(): void;
}

export function currentTerminalVerdict(): TerminalVerdict {
  try {
    return terminalVerdict(parseProcStat(readFileSync('/proc/self/stat', 'utf8')));
  } catch {
    return terminalVerdict(undefined);
  }
}

/** The terminal when this process has one in the foreground, else undefined (never blocks). */
export function openTerminal(verdict: TerminalVerdict = currentTerminalVerdict()): Terminal | undefined {
  if (verdict === 'none' || verdict === 'background') return undefined;
  let fd: number;
  try {
    // ENXIO without a controlling terminal. Non-blocking: a prompt polls, so it can always give up.
    fd = openSync('/dev/tty', constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
  return new TtySession(fd);
}

/** How often a prompt looks for typed bytes: unnoticeable for a person, nothing for the CPU. */
const POLL_MS = 25;

/**
 * Reads with non-blocking polls instead of a tty.ReadStream: under bun a stream that stopped reading
 * keeps a read pending, and the process cannot exit until one more key is pressed. A ReadStream on a
 * second descriptor is used only to switch raw mode (no echo) on and off; it never reads.
 */
class TtySession implements Terminal {
  private readonly fd: number;

  constructor(fd: number) {
    this.fd = fd;
  }

  say(line: string): void {
    this.write(`${terminalSafe(line)}\n`);
  }

  private write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    for (let offset = 0, tries = 0; offset < bytes.length && tries < 100; tries++) {
      try {
        offset += writeSync(this.fd, bytes, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return; // the terminal went away
      }
    }
  }

  async ask(prompt: string): Promise<string> {
    this.drain(); // type-ahead from before the prompt is not the answer
    this.write(terminalSafe(prompt)); // a prompt names the registry, which comes from outside
    const modeFd = openSync('/dev/tty', 'r');
    const modeStream = new ReadStream(modeFd);
    const restore = () => {
      try {
        modeStream.setRawMode(false);
      } catch {
        // already restored or gone
      }
    };
    // Killed while echo is off: put the terminal back first, or the person's shell stays blind.
    const onSignal = (signal: NodeJS.Signals) => {
      restore();
      this.say('');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    modeStream.setRawMode(true);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
    try {
      return await this.readLine();
    } finally {
      restore();
      modeStream.destroy();
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
      this.say(''); // the Enter was not echoed either
    }
  }

  private readLine(): Promise<string> {
    const editor = new LineEditor();
    const deadline = Date.now() + PROMPT_TIMEOUT_MS;
    const chunk = Buffer.alloc(256);
    return new Promise<string>((resolve, reject) => {
      const poll = () => {
        for (;;) {
          let count: number;
          try {
            count = readSync(this.fd, chunk, 0, chunk.length, null);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
            reject(new TsstoreError('locked', `cannot read the terminal: ${(error as Error).message}`));
            return;
          }
          const result = count === 0 ? ({ kind: 'eof' } as const) : editor.feed(chunk.subarray(0, count));
          chunk.fill(0);
          if (result.kind === 'done') return resolve(result.line);
          if (result.kind !== 'more') return reject(new TsstoreError('locked', 'passphrase entry cancelled: the store key stays locked'));
        }
        if (Date.now() > deadline) {
          reject(new TsstoreError('locked', `no passphrase typed within ${PROMPT_TIMEOUT_MS / 60_000} minutes: the store key stays locked`));
          return;
        }
        setTimeout(poll, POLL_MS);
      };
      poll();
    });
  }

  /** Discards whatever was typed before the question. */
  private drain(): void {
    const scratch = Buffer.alloc(256);
    try {
      while (readSync(this.fd, scratch, 0, scratch.length, null) > 0) scratch.fill(0);
    } catch {
      // EAGAIN: nothing (more) waiting
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
