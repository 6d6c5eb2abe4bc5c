import { expect, test } from '@playwright/test';
import { signInAsGuest } from './signIn';

/* Runs after pipeline-tab.spec.ts (files run in name order, one worker): podinfo-02's dev runs a version there. */

test('a version is blocked from its lane: its open promotion is cancelled, the tab says who and why, and it is unblocked', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/podinfo/pipelines');
  const dev = page.getByTestId('pipeline-environment').nth(0);
  const button = dev.getByRole('button', { name: /^Block / });
  await expect(button).toBeEnabled();
  const version = ((await button.textContent()) ?? '').replace(/^Block /, '');
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  await button.click();
  await page.getByTestId('block-reason').fill('crash loop in test');
  await expect(page.getByRole('checkbox')).toHaveCount(0); // dev is fed by Flux: nothing to roll back there
  await page.getByRole('button', { name: 'Block', exact: true }).click();
  const block = page.getByTestId('version-block');
  await expect(block).toContainText(`${version} is blocked by user:development/guest — crash loop in test`);
  await expect(page.getByTestId('active-promotion').filter({ hasText: `${version}:` })).toHaveCount(0);
  await expect(dev.getByRole('button', { name: /^Block / })).toHaveCount(0);
  await block.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/version-blocked.png', fullPage: true });

  await block.getByRole('button', { name: 'Unblock' }).click();
  await expect(block).toHaveCount(0);
  await expect(dev.getByRole('button', { name: `Block ${version}` })).toBeVisible();
});
