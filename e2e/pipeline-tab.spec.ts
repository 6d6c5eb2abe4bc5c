import { expect, Page, test } from '@playwright/test';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible({ timeout: 90_000 });
  await enter.click();
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

test('the Pipeline tab shows the linked pipeline of podinfo', async ({ page }) => {
  await signInAsGuest(page);

  await page.goto('/catalog/default/component/podinfo');
  await expect(page.getByRole('heading', { name: 'podinfo' }).first()).toBeVisible();

  const tabs = page.getByRole('navigation', { name: 'Content navigation' });
  const tab = tabs.getByRole('link', { name: 'Pipeline', exact: true });
  await expect(tab).toBeVisible();
  // The Kubernetes plugin's tab is installed side by side.
  await expect(tabs.getByRole('link', { name: 'Kubernetes', exact: true })).toBeVisible();
  await tab.click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/podinfo\/pipelines$/);

  await expect(page.getByText('Pipeline flux-system/podinfo-02')).toBeVisible();
  await expect(page.getByText('on management cluster management')).toBeVisible();
  await expect(page.getByText('No cluster data yet')).toBeVisible();
  await page.screenshot({ path: 'test-results/pipeline-tab.png', fullPage: true });
});

test('entities without the annotation get no Pipeline tab', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/example-website');
  await expect(page.getByRole('heading', { name: 'example-website' }).first()).toBeVisible();
  const tabs = page.getByRole('navigation', { name: 'Content navigation' });
  await expect(tabs.getByRole('link', { name: 'Overview', exact: true })).toBeVisible();
  await expect(tabs.getByRole('link', { name: 'Pipeline', exact: true })).toHaveCount(0);
});

test('the pipelines API needs a Backstage token', async ({ request }) => {
  const anonymous = await request.get('http://localhost:7007/api/pipelines/v1/pipelines');
  expect(anonymous.status()).toBe(401);

  const refresh = await request.get('http://localhost:7007/api/auth/guest/refresh?env=development', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(refresh.ok()).toBe(true);
  const token = (await refresh.json()).backstageIdentity.token;
  const list = await request.get('http://localhost:7007/api/pipelines/v1/pipelines', {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.items).toEqual([]);
  expect(body.clusters).toEqual([{ name: 'management', connected: false, error: 'not connected' }]);
});
