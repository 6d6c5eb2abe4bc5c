import { ConfigReader } from '@backstage/config';
import os from 'os';
import path from 'path';
import { readPipelinesConfig } from './readPipelinesConfig';

describe('readPipelinesConfig', () => {
  it('gives the defaults for an empty pipelines block', () => {
    const c = readPipelinesConfig(new ConfigReader({}));
    expect(c.writeStatus).toBe(true);
    expect(c.repositoryCacheDir).toBe(
      path.join(os.tmpdir(), 'gitops-pipelines-repos'),
    );
    expect(c.notificationControllerUrl('management')).toBeUndefined();
    expect(c.promotion).toMatchObject({
      levelTriggers: false,
      requiredApprovals: 1,
      rolloutTimeoutMs: 3_600_000,
    });
    expect(c.clusters.clusters).toEqual([]);
  });

  it('reads every key, the per-cluster notification-controller address before the shared one', () => {
    const c = readPipelinesConfig(
      new ConfigReader({
        pipelines: {
          writeStatus: false,
          repositoryCacheDir: '/var/cache/pipelines',
          levelTriggers: true,
          notificationController: {
            url: 'http://nc.shared/',
            clusters: { east: { url: 'http://nc.east/' } },
          },
        },
      }),
    );
    expect(c.writeStatus).toBe(false);
    expect(c.repositoryCacheDir).toBe('/var/cache/pipelines');
    expect(c.promotion.levelTriggers).toBe(true);
    expect(c.notificationControllerUrl('east')).toBe('http://nc.east/');
    expect(c.notificationControllerUrl('west')).toBe('http://nc.shared/');
  });

  it('names the key of a wrong value', () => {
    expect(() =>
      readPipelinesConfig(
        new ConfigReader({ pipelines: { repositoryCacheDir: 42 } }),
      ),
    ).toThrow(/pipelines\.repositoryCacheDir/);
  });
});
