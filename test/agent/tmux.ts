/**
 * A real pseudo-terminal for end-to-end tests: one tmux server per pane, on its own socket, with no
 * user configuration. What the test types goes through tmux's paste buffer, read from stdin, so a
 * passphrase never appears in any argv.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { findOnPath } from '../support/real-components.js';

/** How long a screen may take to show what a test waits for before the test fails (a hang guard). */
export const SCREEN_LIMIT_MS = 60_000;

const EXIT_MARKER = /\[exit (\d+)\]/;

export class TmuxPane {
  private constructor(
    private readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  /**
   * Runs `script` with /bin/sh in a new 200x50 terminal, in `cwd` (default: a scratch folder of the
   * pane's own); `[exit N]` is printed when it ends.
   */
  static async start(script: string, env: Record<string, string>, cwd?: string): Promise<TmuxPane> {
    // Short: the tmux socket path must fit in sun_path.
    const dir = mkdtempSync(join('/tmp', 'tsm-'));
    const pane = new TmuxPane(dir, { ...env, TERM: 'xterm-256color' });
    // A subshell, so the script may `exit N`; the pane then stays, for capture-pane, until stop().
    const sleep = findOnPath('sleep') ?? '/bin/sleep'; // the pane's PATH may not have it
    const wrapped = `(\n${script}\n)\necho "[exit $?]"\nexec '${sleep}' 3600\n`;
    await pane.tmux(['new-session', '-d', '-x', '200', '-y', '50', '-c', cwd ?? dir, '--', '/bin/sh', '-c', wrapped]);
    return pane;
  }

  private async tmux(args: readonly string[], input?: string): Promise<string> {
    // Found on the runner's PATH: the pane's own PATH may hold only the programs under test.
    const result = await execa(findOnPath('tmux') ?? 'tmux', ['-S', join(this.dir, 'S'), '-f', '/dev/null', ...args], {
      env: this.env,
      extendEnv: false,
      input: input ?? '',
      reject: false,
      timeout: 30_000,
    });
    if (result.exitCode !== 0) throw new Error(`tmux ${args[0]} failed (${result.exitCode}): ${String(result.stderr)}`);
    return String(result.stdout);
  }

  /** Everything the terminal shows and scrolled away, wrapped lines joined. */
  screen(): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-']);
  }

  /** Polls the screen until `pattern` shows (from `after` characters on); fails with the screen after the limit. */
  async waitFor(pattern: RegExp, after = 0, limitMs = SCREEN_LIMIT_MS): Promise<{ screen: string; match: RegExpExecArray; end: number }> {
    const deadline = Date.now() + limitMs;
    let screen = '';
    for (;;) {
      screen = await this.screen();
      const match = pattern.exec(screen.slice(after));
      if (match) return { screen, match, end: after + match.index + match[0].length };
      if (Date.now() > deadline) throw new Error(`the terminal did not show ${pattern} within ${limitMs / 1000} s; it shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits for the script to end and returns its exit code. */
  async exitCode(after = 0): Promise<number> {
    const { match } = await this.waitFor(EXIT_MARKER, after);
    return Number(match[1]);
  }

  /** Types `text` (through the paste buffer, never argv), then Enter. */
  async typeLine(text: string): Promise<void> {
    if (text !== '') {
      await this.tmux(['load-buffer', '-b', 'typed', '-'], text);
      await this.tmux(['paste-buffer', '-d', '-b', 'typed']);
    }
    await this.tmux(['send-keys', 'Enter']);
  }

  /** Keys by tmux name (`C-c`, `Enter`): never text. */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', ...keys]);
  }

  async stop(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

