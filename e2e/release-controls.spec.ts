import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import path from 'path';
import { signInAsGuest } from './signIn';

/* Runs after pipeline-tab.spec.ts (files run in name order, one worker): podinfo-02's dev runs a version there. */

test('a version is blocked from its lane: its open promotion is cancelled, the tab says who and why, and it is unblocked', async ({
  page,
}) => {
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
  await expect(block).toContainText(
    `${version} is blocked by user:development/guest — crash loop in test`,
  );
  await expect(
    page.getByTestId('active-promotion').filter({ hasText: `${version}:` }),
  ).toHaveCount(0);
  await expect(dev.getByRole('button', { name: /^Block / })).toHaveCount(0);
  await block.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: 'test-results/version-blocked.png',
    fullPage: true,
  });

  await block.getByRole('button', { name: 'Unblock' }).click();
  await expect(block).toHaveCount(0);
  await expect(
    dev.getByRole('button', { name: `Block ${version}` }),
  ).toBeVisible();
});

test('a frozen environment holds a promotion queued with its countdown until someone overrides the freeze with a reason', async ({
  page,
}) => {
  const kubeconfig = path.resolve(__dirname, '..', '.sandbox', 'kubeconfig');
  const annotate = (value: string) =>
    execFileSync('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '--context',
      'management',
      '-n',
      'flux-system',
      'annotate',
      '--overwrite',
      'pipeline',
      'podinfo-02',
      value,
    ]);
  annotate('pipelines.weave.works/freeze=test=00:00-00:00 UTC');
  try {
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/podinfo/pipelines');
    const test = page.getByTestId('pipeline-environment').nth(1);
    await expect(test.getByTestId('freeze')).toHaveText(
      /^Frozen: .+ left \(until .+\)$/,
    );
    // The gate list says why dev's version cannot go on: the same gates its pull request would carry as a commit status.
    await expect(test.getByTestId('gate-reasons')).toHaveText(
      /^Not yet into test: test is frozen until \S+$/,
    );
    await page.screenshot({
      path: 'test-results/gate-list.png',
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByTestId('promote-version').fill('6.2.0');
    // Before requesting it: the exact change its pull request will make, dry-run on the backend's clone.
    const preview = page.getByTestId('promotion-preview');
    await expect(preview.getByTestId('preview-file')).toHaveCount(2);
    await expect(preview).toContainText(
      'Pull request “Promote flux-system/podinfo-02 in test to 6.2.0”',
    );
    await expect(preview.getByTestId('preview-file').first()).toContainText(
      '-      version: 6.0.1 # {"$promotion": "flux-system:podinfo-02:test"}',
    );
    await expect(preview.getByTestId('preview-file').first()).toContainText(
      '+      version: 6.2.0 # {"$promotion": "flux-system:podinfo-02:test"}',
    );
    await page
      .getByRole('dialog')
      .screenshot({ path: 'test-results/promote-preview.png' });
    await page.getByRole('button', { name: 'Request promotion' }).click();
    const queued = test
      .getByTestId('active-promotion')
      .filter({ hasText: '6.2.0: queued, frozen until' });
    await expect(queued).toBeVisible();
    await page.screenshot({
      path: 'test-results/environment-frozen.png',
      fullPage: true,
    });

    page.once('dialog', dialog => void dialog.accept('hotfix for INC-42'));
    await queued.getByRole('button', { name: 'Override freeze' }).click();
    await expect(
      test.getByTestId('active-promotion').filter({
        hasText: /^6\.2\.0: (writing the change|PR #\d+ awaiting merge)/,
      }),
    ).toBeVisible();
    const row = page
      .getByTestId('promotion-row')
      .filter({ hasText: 'user:development/guest' })
      .filter({ hasText: '6.2.0' })
      .first();
    await row.click();
    await expect(page.getByTestId('promotion-timeline')).toContainText(
      'freeze-overridden',
    );
    await expect(page.getByTestId('promotion-timeline')).toContainText(
      'hotfix for INC-42',
    );
  } finally {
    annotate('pipelines.weave.works/freeze-');
  }
});
