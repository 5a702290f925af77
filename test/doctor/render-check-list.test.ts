import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/doctor/checks/index.js';
import { renderCheckList } from '../../src/doctor/render.js';

describe('doctor --list-checks', () => {
  it('prints each id and title, one per line, ids aligned', () => {
    expect(renderCheckList([{ id: 'a', title: 'First' }, { id: 'longer-id', title: 'Second' }], { json: false })).toBe('a          First\nlonger-id  Second\n');
  });

  it('lists every check in the order they run, as JSON too', () => {
    const listed = JSON.parse(renderCheckList(CHECKS, { json: true })) as Array<{ id: string; title: string }>;
    expect(listed).toEqual(CHECKS.map(({ id, title }) => ({ id, title })));
    expect(renderCheckList(CHECKS, { json: false }).trimEnd().split('\n').map((line) => line.split(' ')[0])).toEqual(CHECKS.map((check) => check.id));
  });
});
