import { ConfigReader } from '@backstage/config';
import {
  SHARED_ACCOUNT_WARNING,
  managementClusterWarnings,
  readManagementClusters,
} from './readManagementClusters';

const kubernetes = {
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'management',
          url: 'https://127.0.0.1:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 't',
          caData: 'Y2E=',
        },
        {
          name: 'other',
          url: 'https://127.0.0.1:6444',
          authProvider: 'serviceAccount',
          skipTLSVerify: true,
        },
      ],
    },
    { type: 'catalog' },
  ],
};

describe('readManagementClusters', () => {
  it('defaults to the config clusters of the kubernetes plugin', () => {
    const result = readManagementClusters(new ConfigReader({ kubernetes }));
    expect(result.source).toBe('kubernetes.clusterLocatorMethods');
    expect(result.clusters.map(c => c.name)).toEqual(['management', 'other']);
    expect(result.clusters[0]).toMatchObject({
      serviceAccountToken: 't',
      caData: 'Y2E=',
      skipTLSVerify: false,
    });
    expect(result.clusters[1].skipTLSVerify).toBe(true);
    expect(result.defaultCluster).toBe('management');
  });

  it('prefers pipelines.managementClusters and its default', () => {
    const result = readManagementClusters(
      new ConfigReader({
        kubernetes,
        pipelines: {
          managementClusters: [
            { name: 'a', url: 'https://a' },
            { name: 'b', url: 'https://b' },
          ],
          defaultManagementCluster: 'b',
        },
      }),
    );
    expect(result.source).toBe('pipelines.managementClusters');
    expect(result.clusters.map(c => c.name)).toEqual(['a', 'b']);
    expect(result.defaultCluster).toBe('b');
  });

  it('works with no clusters at all', () => {
    expect(readManagementClusters(new ConfigReader({}))).toEqual({
      clusters: [],
      defaultCluster: undefined,
      source: 'none',
      gitopsClusterMappings: new Map(),
    });
  });

  it('maps GitopsClusters to clusters configured in Backstage', () => {
    const result = readManagementClusters(
      new ConfigReader({
        kubernetes,
        pipelines: {
          gitopsClusterMappings: [
            { gitopsCluster: 'flux-system/prod', cluster: 'other' },
          ],
        },
      }),
    );
    expect(result.gitopsClusterMappings.get('flux-system/prod')).toMatchObject({
      name: 'other',
      url: 'https://127.0.0.1:6444',
    });
    expect(() =>
      readManagementClusters(
        new ConfigReader({
          kubernetes,
          pipelines: {
            gitopsClusterMappings: [
              { gitopsCluster: 'flux-system/prod', cluster: 'nope' },
            ],
          },
        }),
      ),
    ).toThrow(
      '"flux-system/prod" maps to "nope", which is not a cluster of kubernetes.clusterLocatorMethods (type config)',
    );
  });

  it('rejects duplicate names and an unknown default', () => {
    expect(() =>
      readManagementClusters(
        new ConfigReader({
          pipelines: {
            managementClusters: [
              { name: 'a', url: 'https://a' },
              { name: 'a', url: 'https://b' },
            ],
          },
        }),
      ),
    ).toThrow('Duplicate management cluster name "a"');
    expect(() =>
      readManagementClusters(
        new ConfigReader({
          pipelines: {
            managementClusters: [{ name: 'a', url: 'https://a' }],
            defaultManagementCluster: 'x',
          },
        }),
      ),
    ).toThrow(
      'pipelines.defaultManagementCluster "x" is not one of the management clusters (a)',
    );
  });

  it("warns at start when the pipelines backend borrows the Kubernetes plugin's tokens, and of skipTLSVerify", () => {
    const borrowed = managementClusterWarnings(
      readManagementClusters(new ConfigReader({ kubernetes })),
    );
    expect(borrowed).toEqual([
      SHARED_ACCOUNT_WARNING,
      expect.stringMatching(
        /^Management cluster "other" is configured with skipTLSVerify/,
      ),
    ]);
    expect(SHARED_ACCOUNT_WARNING).toMatch(/never share them/);
    const own = managementClusterWarnings(
      readManagementClusters(
        new ConfigReader({
          kubernetes,
          pipelines: {
            managementClusters: [
              {
                name: 'management',
                url: 'https://127.0.0.1:6443',
                serviceAccountToken: 'p',
              },
            ],
          },
        }),
      ),
    );
    expect(own).toEqual([]);
    expect(
      managementClusterWarnings(readManagementClusters(new ConfigReader({}))),
    ).toEqual([]);
  });
});
