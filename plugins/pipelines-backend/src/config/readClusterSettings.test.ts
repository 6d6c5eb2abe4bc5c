import { ConfigReader } from '@backstage/config';
import {
  clusterSettingsWarnings,
  readClusterSettings,
} from './readClusterSettings';

const read = (clusters?: object) =>
  readClusterSettings(new ConfigReader({ pipelines: { clusters } }));

describe('readClusterSettings', () => {
  it('defaults to the safe settings, with no warning', () => {
    const settings = read();
    expect(settings).toEqual({
      allowCrossNamespaceRefs: false,
      allowInsecureSkipTlsVerify: false,
      allowedServers: undefined,
    });
    expect(clusterSettingsWarnings(settings)).toEqual([]);
  });

  it('reads allowedServers as patterns', () => {
    expect(
      read({ allowedServers: ['*.clusters.example.com:6443', '10.0.0.1'] })
        .allowedServers,
    ).toEqual([
      {
        source: '*.clusters.example.com:6443',
        host: 'clusters.example.com',
        wildcard: true,
        port: 6443,
      },
      {
        source: '10.0.0.1',
        host: '10.0.0.1',
        wildcard: false,
        port: undefined,
      },
    ]);
  });

  it('names the key of a pattern it cannot parse', () => {
    expect(() =>
      read({ allowedServers: ['ok.example.com', 'https://bad.example.com'] }),
    ).toThrow(
      'pipelines.clusters.allowedServers[1]: "https://bad.example.com" is not a server pattern',
    );
  });

  it('refuses a setting of the wrong type', () => {
    expect(() => read({ allowCrossNamespaceRefs: 42 })).toThrow(
      /pipelines\.clusters\.allowCrossNamespaceRefs/,
    );
  });

  it('warns about every widening setting', () => {
    const warnings = clusterSettingsWarnings(
      read({
        allowCrossNamespaceRefs: true,
        allowInsecureSkipTlsVerify: true,
        allowedServers: [],
      }),
    );
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(
      /^pipelines\.clusters\.allowCrossNamespaceRefs is true: a Pipeline may use the GitopsClusters/,
    );
    expect(warnings[1]).toMatch(
      /^pipelines\.clusters\.allowInsecureSkipTlsVerify is true/,
    );
    expect(warnings[2]).toMatch(/allowedServers is an empty list/);
  });
});
