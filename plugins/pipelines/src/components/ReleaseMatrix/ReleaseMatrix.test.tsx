import { fireEvent, screen, within } from '@testing-library/react';
import { mockPipelinesApi } from '../../__testUtils__/mockPipelinesApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { matrixRows } from './matrixModel';
import { component, summary } from '../../__testUtils__/matrixFixtures';
import { ReleaseMatrix, shortVersion } from './ReleaseMatrix';

const lane = (
  name: string,
  version: string,
  health: 'ready' | 'failing' = 'ready',
) => ({ name, versions: [{ version, count: 1 }], health });

describe('<ReleaseMatrix />', () => {
  it('shows versions and health per environment, highlights drift, links the entities and filters by owner', async () => {
    const rows = matrixRows(
      [
        summary('podinfo', [
          lane('dev', '6.2.0'),
          lane('test', '6.1.0', 'failing'),
          lane('prod', '6.1.0'),
        ]),
        summary('shop', [lane('dev', '1.0.0'), lane('prod', '1.0.0')]),
      ],
      [
        component('podinfo', 'podinfo', { owner: 'team-a' }),
        component('shop', 'shop', { owner: 'team-b' }),
      ],
      'management',
    );
    await renderWithApis(<ReleaseMatrix rows={rows} />, {
      api: mockPipelinesApi(),
    });
    const table = screen.getByRole('table', { name: 'Release matrix' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Pipeline', 'dev', 'test', 'prod']);
    const [podinfo] = screen.getAllByTestId('matrix-row');
    const cells = within(podinfo).getAllByTestId('matrix-cell');
    expect(
      cells.map(c => [c.textContent, c.getAttribute('data-drift')]),
    ).toEqual([
      ['6.2.0Ready', ''],
      ['6.1.0Not ready', 'behind'],
      ['6.1.0Ready', ''],
    ]);
    expect(
      within(podinfo).getByRole('link', { name: 'podinfo' }),
    ).toHaveAttribute('href', '/catalog/default/component/podinfo/pipelines');

    fireEvent.mouseDown(screen.getByRole('button', { name: 'Owner' }));
    fireEvent.click(await screen.findByRole('option', { name: 'team-b' }));
    expect(screen.getAllByTestId('matrix-row')).toHaveLength(1);
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(
      ['Pipeline', 'dev', 'prod'],
    );
  });

  it('shortens Git revisions to 7 digits, as Git shows them', () => {
    expect(
      shortVersion('main@sha1:0731acdcb06ed1335a3bc18bfa85087bb7a6765b'),
    ).toBe('main@sha1:0731acd');
    expect(shortVersion('6.1.0')).toBe('6.1.0');
  });
});
