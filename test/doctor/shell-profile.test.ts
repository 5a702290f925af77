import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_COMMENT,
  appendExport,
  decodeForReading,
  exportLine,
  findExport,
  lineEnding,
  manualInstruction,
  refreshCommand,
  shellFromPath,
  startupFiles,
} from '../../src/doctor/shell-profile.js';

describe('shellFromPath', () => {
  it.each([
    ['/bin/bash', 'bash'],
    ['/usr/bin/zsh', 'zsh'],
    ['/usr/local/bin/fish', 'fish'],
    ['/opt/homebrew/bin/bash5', 'bash'],
    ['zsh-5.9', 'zsh'],
    [' /bin/zsh ', 'zsh'],
  ])('%s is %s', (path, kind) => {
    expect(shellFromPath(path).kind).toBe(kind);
  });
  it.each([
    ['/bin/sh', 'sh'],
    ['/bin/dash', 'dash'],
    ['/bin/tcsh', 'tcsh'],
    ['/usr/bin/nu', 'nu'],
    ['/bin/bashful', 'bashful'],
    [undefined, ''],
    ['', ''],
  ])('%s is unknown (%s)', (path, name) => {
    expect(shellFromPath(path)).toEqual({ kind: 'unknown', name });
  });
});

describe('startupFiles', () => {
  it('bash: ~/.bashrc, the file every interactive bash reads', () => {
    expect(startupFiles('bash', { home: '/h' })).toEqual({ target: '/h/.bashrc', read: ['/h/.bashrc'] });
  });
  it('zsh: ${ZDOTDIR:-~}/.zshrc, and an export in either .zshenv counts', () => {
    expect(startupFiles('zsh', { home: '/h' })).toEqual({ target: '/h/.zshrc', read: ['/h/.zshenv', '/h/.zshrc'] });
    expect(startupFiles('zsh', { home: '/h', zdotdir: '/h/.config/zsh' })).toEqual({
      target: '/h/.config/zsh/.zshrc',
      read: ['/h/.zshenv', '/h/.config/zsh/.zshenv', '/h/.config/zsh/.zshrc'],
    });
  });
  it('zsh ignores a relative or empty ZDOTDIR', () => {
    expect(startupFiles('zsh', { home: '/h', zdotdir: 'zsh' }).target).toBe('/h/.zshrc');
    expect(startupFiles('zsh', { home: '/h', zdotdir: '' }).target).toBe('/h/.zshrc');
  });
  it('fish: config.fish under XDG_CONFIG_HOME (absolute only), default ~/.config', () => {
    expect(startupFiles('fish', { home: '/h' }).target).toBe('/h/.config/fish/config.fish');
    expect(startupFiles('fish', { home: '/h', xdgConfigHome: '/x' }).target).toBe('/x/fish/config.fish');
    expect(startupFiles('fish', { home: '/h', xdgConfigHome: 'rel' }).target).toBe('/h/.config/fish/config.fish');
  });
});

describe('findExport', () => {
  it.each([
    ['export GPG_TTY=$(tty)', 1],
    ['  export GPG_TTY="$(tty)"', 1],
    ['\texport GPG_TTY=`tty`', 1],
    ['GPG_TTY=$(tty)\nexport GPG_TTY', 2],
    ['declare -x GPG_TTY=$(tty)', 1],
    ['typeset -gx GPG_TTY=$(tty)', 1],
    ['[ -t 0 ] && export GPG_TTY=$(tty)', 1],
    ['if [ -n "$PS1" ]; then export GPG_TTY=$(tty); fi', 1],
    ['export EDITOR=vim GPG_TTY=$(tty)', 1],
    ['export GPG_TTY=$(tty) # for pinentry', 1],
    ['# comment\n\nalias ll="ls -l"\nexport GPG_TTY=$(tty)\n', 4],
    ['export GPG_TTY=$(tty)\r\n', 1],
    ['#export GPG_TTY=$(tty)\nexport GPG_TTY=$(tty)', 2],
  ])('bash finds %j on line %i', (text, line) => {
    expect(findExport(text, 'bash')).toBe(line);
    expect(findExport(text, 'zsh')).toBe(line);
  });

  it.each([
    '',
    '# export GPG_TTY=$(tty)',
    '#export GPG_TTY=$(tty)',
    '    # export GPG_TTY=$(tty)',
    'GPG_TTY=$(tty)',
    'export GPG_TTY_OLD=1',
    'export MY_GPG_TTY=1',
    'export -n GPG_TTY',
    'echo hi # export GPG_TTY=$(tty)',
    'unset GPG_TTY',
    'plugins=(git gpg-agent)',
  ])('bash does not count %j', (text) => {
    expect(findExport(text, 'bash')).toBeUndefined();
  });

  it("zsh counts oh-my-zsh's gpg-agent plugin, which exports GPG_TTY=$TTY", () => {
    expect(findExport('export ZSH=~/.oh-my-zsh\nplugins=(git gpg-agent docker)\n', 'zsh')).toBe(2);
    expect(findExport('# plugins=(gpg-agent)\n', 'zsh')).toBeUndefined();
    expect(findExport('plugins=(git gpg)\n', 'zsh')).toBeUndefined();
  });

  it.each([
    ['set -gx GPG_TTY (tty)', 1],
    ['set -x GPG_TTY (tty)', 1],
    ['set -xg GPG_TTY (tty)', 1],
    ['set -Ux GPG_TTY (tty)', 1],
    ['set --global --export GPG_TTY (tty)', 1],
    ['if status is-interactive\n    set -gx GPG_TTY (tty)\nend\n', 2],
    ['export GPG_TTY=(tty)', 1],
  ])('fish finds %j on line %i', (text, line) => {
    expect(findExport(text, 'fish')).toBe(line);
  });

  it.each(['# set -gx GPG_TTY (tty)', 'set -g GPG_TTY (tty)', 'set -e GPG_TTY', 'set --unexport GPG_TTY', 'set -gx GPG_TTY_X (tty)'])(
    'fish does not count %j',
    (text) => {
      expect(findExport(text, 'fish')).toBeUndefined();
    },
  );
});

describe('lineEnding', () => {
  it.each([
    ['', '\n'],
    ['a', '\n'],
    ['a\nb\n', '\n'],
    ['a\r\nb\r\n', '\r\n'],
    ['a\r\nb', '\r\n'],
    ['a\r\nb\nc\r\nd\r\n', '\r\n'],
    ['a\r\nb\nc\nd\n', '\n'],
    ['\n\r', '\n'],
  ])('%j uses %j', (text, eol) => {
    expect(lineEnding(Buffer.from(text, 'latin1'))).toBe(eol);
  });

  it('is decided from bytes, whatever they encode', () => {
    expect(lineEnding(Buffer.from([0xe9, 0x0d, 0x0a, 0xff, 0x0d, 0x0a, 0xc3]))).toBe('\r\n');
    expect(lineEnding(Buffer.from([0xff, 0x0a, 0xfe, 0x0a]))).toBe('\n');
  });
});

describe('decodeForReading', () => {
  it('keeps UTF-8, turns other bytes into U+FFFD, and keeps every line end', () => {
    const bytes = Buffer.concat([Buffer.from('caf\u00e9\n# '), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from('\nexport GPG_TTY=$(tty)\n')]);
    const text = decodeForReading(bytes);
    expect(text.split('\n')).toEqual(['caf\u00e9', '# \ufffd\ufffd\ufffd', 'export GPG_TTY=$(tty)', '']);
    expect(findExport(text, 'bash')).toBe(3);
  });
});

describe('appendExport', () => {
  const block = (kind: 'bash' | 'fish', eol = '\n') => `${EXPORT_COMMENT}${eol}${exportLine(kind)}${eol}`;
  const append = (text: string, kind: 'bash' | 'fish' = 'bash') => appendExport(Buffer.from(text, 'latin1'), kind).toString('latin1');

  it.each([
    ['an empty file', '', `${block('bash')}`],
    ['a file ending in a newline', 'alias ll="ls -l"\n', `alias ll="ls -l"\n${block('bash')}`],
    ['a file without a final newline', 'alias ll="ls -l"', `alias ll="ls -l"\n${block('bash')}`],
    ['a file ending in a blank line', 'a\n\n', `a\n\n${block('bash')}`],
    ['a CRLF file', 'a\r\nb\r\n', `a\r\nb\r\n${block('bash', '\r\n')}`],
    ['a CRLF file without a final line end', 'a\r\nb', `a\r\nb\r\n${block('bash', '\r\n')}`],
    ['a file with a commented-out export', '# export GPG_TTY=$(tty)\n', `# export GPG_TTY=$(tty)\n${block('bash')}`],
    ['a Latin-1 file ending in a byte that is not UTF-8', 'caf\u00e9\r\n\u00ff', `caf\u00e9\r\n\u00ff\r\n${block('bash', '\r\n')}`],
  ])('%s: every byte kept, the export appended', (_name, before, after) => {
    expect(append(before)).toBe(after);
  });

  it('writes fish syntax for fish', () => {
    expect(append('set -g fish_greeting\n', 'fish')).toBe(`set -g fish_greeting\n${block('fish')}`);
  });

  it('for any bytes: the original is a prefix, the export is found afterwards, and exactly one export line was added', () => {
    const interesting = fc.constantFrom(0x0a, 0x0d, 0x20, 0x23, 0x3d, 0x22, 0x09, 0x65, 0x78, 0xe9, 0xff, 0xc3, 0x80, 0xef, 0xbb, 0xbf);
    fc.assert(
      fc.property(fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 }))), fc.constantFrom('bash', 'zsh', 'fish' as const), (byteList, kind) => {
        const before = Buffer.from(byteList);
        const after = appendExport(before, kind);
        expect(after.subarray(0, before.length).equals(before)).toBe(true);
        const text = decodeForReading(after);
        expect(findExport(text, kind)).toBeDefined();
        const count = (value: string) => value.split(exportLine(kind)).length - 1;
        expect(count(text)).toBe(count(decodeForReading(before)) + 1);
        // The export sits on a line of its own.
        expect(text.split(/\r?\n/)).toContain(exportLine(kind));
      }),
    );
  });
});

describe('instructions', () => {
  it('refreshes open terminals with updatestartuptty in the shell’s own syntax', () => {
    expect(refreshCommand('bash')).toBe('export GPG_TTY=$(tty); gpg-connect-agent updatestartuptty /bye');
    expect(refreshCommand('fish')).toBe('set -gx GPG_TTY (tty); gpg-connect-agent updatestartuptty /bye');
  });
  it('gives the line for shells doctor does not edit', () => {
    expect(manualInstruction('tcsh')).toEqual({ line: 'setenv GPG_TTY `tty`', file: '~/.tcshrc' });
    expect(manualInstruction('ksh').line).toBe('export GPG_TTY=$(tty)');
    expect(manualInstruction('').line).toBe('export GPG_TTY=$(tty)');
  });
});
