import * as path from 'node:path';
import { readSettings } from '../../src/config';

const cwd = path.resolve('/work/project');

describe('BOOTSTRAP_CONFIRM_DESTROY', () => {
  test('unset, empty or blank, it confirms no destroy and every bucket keeps prevent_destroy', () => {
    expect(readSettings({}, cwd)).not.toHaveProperty('confirmDestroy');
    expect(readSettings({ BOOTSTRAP_CONFIRM_DESTROY: '' }, cwd)).not.toHaveProperty('confirmDestroy');
    expect(readSettings({ BOOTSTRAP_CONFIRM_DESTROY: '   ' }, cwd)).not.toHaveProperty('confirmDestroy');
  });

  test('set, it names the bucket to destroy, without surrounding spaces', () => {
    expect(readSettings({ BOOTSTRAP_CONFIRM_DESTROY: 'acme-dev-state' }, cwd).confirmDestroy).toBe('acme-dev-state');
    expect(readSettings({ BOOTSTRAP_CONFIRM_DESTROY: ' acme-dev-state\n' }, cwd).confirmDestroy).toBe('acme-dev-state');
  });

  test('its value is kept as typed, so a name in the wrong case confirms nothing later', () => {
    expect(readSettings({ BOOTSTRAP_CONFIRM_DESTROY: 'ACME-dev-state' }, cwd).confirmDestroy).toBe('ACME-dev-state');
  });
});
