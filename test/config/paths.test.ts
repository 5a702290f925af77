import { describe, expect, it } from 'vitest';
import { tsstorePaths } from '../../src/config/paths.js';
import { parseSettings } from '../../src/config/settings.js';

describe('tsstorePaths', () => {
  it('puts everything under TSSTORE_HOME when it is set', () => {
    expect(tsstorePaths({ TSSTORE_HOME: '/t', HOME: '/h', XDG_CONFIG_HOME: '/c' })).toEqual({
      configDir: '/t',
      dataDir: '/t',
      settingsFile: '/t/settings.json',
      pgpDir: '/t/pgp',
    });
  });
  it('uses the XDG folders, and their defaults under HOME', () => {
    expect(tsstorePaths({ HOME: '/h', XDG_CONFIG_HOME: '/c', XDG_DATA_HOME: '/d' }).pgpDir).toBe('/d/tsstore/pgp');
    expect(tsstorePaths({ HOME: '/h', XDG_CONFIG_HOME: '/c' }).settingsFile).toBe('/c/tsstore/settings.json');
    expect(tsstorePaths({ HOME: '/h' })).toMatchObject({ configDir: '/h/.config/tsstore', dataDir: '/h/.local/share/tsstore' });
  });
  it('ignores relative XDG values, as the XDG spec says', () => {
    expect(tsstorePaths({ HOME: '/h', XDG_DATA_HOME: 'relative' }).dataDir).toBe('/h/.local/share/tsstore');
  });
});

describe('parseSettings', () => {
  it('reads the backend', () => {
    expect(parseSettings('{"backend":"pgp"}', 's.json')).toEqual({ backend: 'pgp' });
  });
  it.each(['', '{', '[]', '{"backend":"vault"}', '{}'])('refuses %j with a message naming the file', (text) => {
    expect(() => parseSettings(text, '/x/s.json')).toThrow('/x/s.json');
  });
});
