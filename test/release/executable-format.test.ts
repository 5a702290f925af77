/** The header reader the release tests judge executables by, on headers made here and on real files. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executableFormat } from './support/executable-format.js';

function bytes(length: number, fields: Array<[offset: number, value: number, size: 1 | 2 | 4]>): Uint8Array {
  const buffer = Buffer.alloc(length);
  for (const [offset, value, size] of fields) {
    if (size === 1) buffer.writeUInt8(value, offset);
    else if (size === 2) buffer.writeUInt16LE(value, offset);
    else buffer.writeUInt32LE(value, offset);
  }
  return buffer;
}

const elf = (machine: number) => bytes(64, [[0, 0x464c457f, 4], [4, 2, 1], [5, 1, 1], [0x12, machine, 2]]);
const macho = (cpu: number, fileType = 2) => bytes(32, [[0, 0xfeedfacf, 4], [4, cpu, 4], [12, fileType, 4]]);
const pe = (machine: number, magic: number) => bytes(0x100, [[0, 0x5a4d, 2], [0x3c, 0x80, 4], [0x80, 0x4550, 4], [0x84, machine, 2], [0x98, magic, 2]]);

describe('executableFormat', () => {
  it('names ELF, Mach-O and PE32+ executables by machine', () => {
    expect(executableFormat(elf(62))).toBe('ELF x86-64');
    expect(executableFormat(elf(183))).toBe('ELF aarch64');
    expect(executableFormat(macho(0x01000007))).toBe('Mach-O x86-64');
    expect(executableFormat(macho(0x0100000c))).toBe('Mach-O arm64');
    expect(executableFormat(pe(0x8664, 0x20b))).toBe('PE32+ x86-64');
  });

  it('says unknown for other machines, 32-bit PE, Mach-O objects and short or foreign files', () => {
    expect(executableFormat(elf(40))).toBe('unknown');
    expect(executableFormat(pe(0x8664, 0x10b))).toBe('unknown');
    expect(executableFormat(pe(0xaa64, 0x20b))).toBe('unknown');
    expect(executableFormat(macho(0x0100000c, 1))).toBe('unknown');
    expect(executableFormat(bytes(2, [[0, 0x5a4d, 2]]))).toBe('unknown');
    expect(executableFormat(Buffer.from('#!/bin/sh\necho hi\n'))).toBe('unknown');
  });

  it('reads this machine\'s node as ELF x86-64', () => {
    expect(executableFormat(readFileSync(process.execPath).subarray(0, 4096))).toBe(process.arch === 'x64' ? 'ELF x86-64' : 'ELF aarch64');
  });
});
