import { expect, test } from '@playwright/test';
import { signInAsGuest } from './signIn';

test('the release matrix shows every pipeline by environment with drift, filters by owner, links the tabs, and a System shows its own', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Pipelines' })
    .click();
  await expect(page).toHaveURL(/\/pipelines$/);
  const table = page.getByRole('table', { name: 'Release matrix' });
  await expect(table.getByTestId('matrix-row')).toHaveCount(3);
  await expect(table.getByRole('columnheader')).toHaveText([
    'Pipeline',
    'dev',
    'test',
    'prod',
  ]);
  const podinfo = table
    .getByTestId('matrix-row')
    .filter({ hasText: 'flux-system/podinfo-02' });
  await expect(podinfo.getByTestId('matrix-cell')).toHaveCount(3);
  await expect(podinfo.getByTestId('matrix-cell').first()).toContainText(
    /\d+\.\d+\.\d+Ready/,
  );
  await page.screenshot({
    path: 'test-results/release-matrix.png',
    fullPage: true,
  });

  await page.getByRole('button', { name: 'Owner' }).click();
  await page.getByRole('option', { name: 'guests' }).click();
  await expect(table.getByTestId('matrix-row').first()).toBeVisible();

  await podinfo.getByRole('link', { name: 'podinfo', exact: true }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/podinfo\/pipelines$/,
  );

  await page.goto('/catalog/default/system/examples');
  const card = page.getByRole('table', { name: 'Release matrix' });
  await expect(
    card
      .getByTestId('matrix-row')
      .filter({ hasText: 'flux-system/podinfo-02' }),
  ).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: 'test-results/release-matrix-system.png',
    fullPage: true,
  });
});
