import { Browser, expect, Page, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { signInAsGuest } from './signIn';

const kubeconfig = path.resolve(__dirname, '..', '.sandbox', 'kubeconfig');
const kubectl = (...args: string[]) =>
  execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
  });

/** A new browser context signed in as one of the demo identities (reviewer, approver, outsider). */
async function signInAs(browser: Browser, identity: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  await page.goto('/');
  await page
    .getByRole('button', { name: new RegExp(`^Sign in as ${identity}`) })
    .click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible({ timeout: 60_000 });
  return page;
}

/** The Backstage token of a signed-in demo identity, as the frontend gets it. */
async function identityToken(page: Page, provider: string): Promise<string> {
  const res = await page.request.get(
    `http://localhost:7007/api/auth/${provider}/refresh?env=development`,
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  return (await res.json()).backstageIdentity.token;
}

test('the Pipeline tab shows the seed pipeline live from the sandbox clusters', async ({
  page,
}) => {
  await signInAsGuest(page);

  await page.goto('/catalog/default/component/podinfo');
  await expect(
    page.getByRole('heading', { name: 'podinfo' }).first(),
  ).toBeVisible();

  const tabs = page.getByRole('navigation', { name: 'Content navigation' });
  const tab = tabs.getByRole('link', { name: 'Pipeline', exact: true });
  await expect(tab).toBeVisible();
  // The Kubernetes plugin's tab is installed side by side.
  await expect(
    tabs.getByRole('link', { name: 'Kubernetes', exact: true }),
  ).toBeVisible();
  await tab.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/podinfo\/pipelines$/,
  );

  await expect(page.getByText('Pipeline flux-system/podinfo-02')).toBeVisible();
  await expect(
    page.getByText(
      /on management cluster management · app HelmRelease podinfo/,
    ),
  ).toBeVisible();
  const lanes = page.getByTestId('pipeline-environment');
  await expect(lanes).toHaveCount(3);
  await expect(page.getByTestId('pipeline-target')).toHaveCount(4);
  await expect(lanes.nth(0)).toContainText('dev');
  // The demo releases 6.2.0 into dev once the backend is up (6.1.0 before).
  await expect(lanes.nth(0)).toContainText('1 of 1 targets at 6.2.0', {
    timeout: 60_000,
  });
  await expect(lanes.nth(1)).toContainText('2 of 2 targets at 6.0.1');
  await expect(lanes.nth(2)).toContainText('1 of 1 targets at 6.0.0');
  // helm-controller's event went through the Alert and the generic-hmac Provider to the webhook,
  // which asked for 6.2.0 in test: the lane says so.
  await expect(lanes.nth(1)).toContainText(
    /6\.2\.0(: queued|: writing the change|: PR #\d+ awaiting merge)/,
    { timeout: 30_000 },
  );
  await expect(
    page.getByText('Live: updates as the clusters change'),
  ).toBeVisible();
  await page.screenshot({
    path: 'test-results/pipeline-tab.png',
    fullPage: true,
  });

  // Flux (the sandbox's stand-in) rolls prod forward: the tab follows without a reload.
  kubectl(
    '--context',
    'prod',
    'patch',
    'helmrelease',
    'podinfo',
    '-n',
    'podinfo-02-prod',
    '--type',
    'merge',
    '-p',
    '{"spec":{"chart":{"spec":{"version":"6.0.1"}}}}',
  );
  const started = Date.now();
  await expect(lanes.nth(2)).toContainText('1 of 1 targets at 6.0.1', {
    timeout: 5000,
  });
  test.info().annotations.push({
    type: 'prod update visible after (ms, incl. Flux stand-in delay)',
    description: String(Date.now() - started),
  });
  await expect(lanes.nth(2)).not.toContainText('waiting to be promoted');
  await page.screenshot({
    path: 'test-results/pipeline-tab-after-update.png',
    fullPage: true,
  });
});

test('a promotion requested from the tab opens a pull request on the forge, linked in the history', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/podinfo/pipelines');
  await expect(page.getByTestId('pipeline-environment')).toHaveCount(3);
  // The first promotion out of dev came from Flux: helm-controller's event → Alert → generic-hmac
  // Provider → the signed webhook (podinfo-02's level trigger is off in the demo).
  const fromFlux = page
    .getByTestId('promotion-row')
    .filter({ hasText: 'webhook:flux-system/podinfo-02' })
    .first();
  await expect(fromFlux).toContainText('dev → test', { timeout: 60_000 });
  await expect(fromFlux).toContainText('6.2.0');
  await expect(
    page
      .getByTestId('promotion-row')
      .filter({ hasText: 'pipelines:level-trigger' }),
  ).toHaveCount(0);
  await page.getByRole('button', { name: 'Promote' }).click();
  await expect(page.getByTestId('promote-version')).toHaveValue('6.2.0');
  await expect(page.getByTestId('promote-description')).toContainText(
    /Opens \(or updates\) a pull request on github in http:\/\/127\.0\.0\.1:6480\/my-org\/my-app-repo against main/,
  );
  await page.getByRole('dialog').locator('[aria-haspopup="listbox"]').click();
  await page.getByRole('option', { name: 'prod' }).click();
  await expect(page.getByTestId('promote-description')).toContainText(
    'editing the fields marked for prod',
  );
  await page.getByTestId('promote-version').fill('6.1.0');
  await page.getByRole('button', { name: 'Request promotion' }).click();
  const row = page
    .getByTestId('promotion-row')
    .filter({ hasText: 'user:development/guest' });
  await expect(row).toContainText('test → prod');
  await expect(row).toContainText('6.1.0');
  await expect(row).toContainText('user:development/guest');
  await expect(row).toContainText('awaiting-merge');
  const link = row.getByRole('link', { name: 'Pull request' });
  await expect(link).toHaveAttribute(
    'href',
    /^http:\/\/127\.0\.0\.1:6480\/my-org\/my-app-repo\/pull\/\d+$/,
  );
  const prodLane = page.getByTestId('pipeline-environment').nth(2);
  await expect(
    prodLane
      .getByTestId('active-promotion')
      .filter({ hasText: /6\.1\.0: PR #\d+ awaiting merge/ }),
  ).toBeVisible();
  await page.screenshot({
    path: 'test-results/pipeline-tab-promotion.png',
    fullPage: true,
  });

  // Someone merges the pull request on the forge: the row follows it to deployed, without a reload.
  const forge = JSON.parse(
    fs.readFileSync(
      path.resolve(__dirname, '..', '.sandbox', 'endpoints.json'),
      'utf8',
    ),
  ).forge;
  const mergeOnForge = async (pullRequestLink: string | null) => {
    const merged = await fetch(
      `${forge.githubApi}/repos/my-org/my-app-repo/pulls/${pullRequestLink!
        .split('/')
        .pop()}/merge`,
      {
        method: 'PUT',
        headers: {
          Authorization: `token ${forge.token}`,
          'Content-Type': 'application/json',
        },
        body: '{}',
      },
    );
    expect(merged.status).toBe(200);
  };
  await mergeOnForge(await link.getAttribute('href'));
  await expect(row).toContainText('deployed', { timeout: 90_000 });
  await row.click();
  await expect(page.getByTestId('promotion-timeline')).toContainText(
    'pull-request-merged',
  );
  await expect(page.getByTestId('promotion-timeline')).toContainText(
    'deployed',
  );
  await page.screenshot({
    path: 'test-results/pipeline-tab-deployed.png',
    fullPage: true,
  });

  // A version the Helm repository has no chart for: merged, then Flux cannot roll it out — the promotion fails with Flux's message.
  await page.getByRole('button', { name: 'Promote' }).click();
  await page.getByRole('dialog').locator('[aria-haspopup="listbox"]').click();
  await page.getByRole('option', { name: 'prod' }).click();
  await page.getByTestId('promote-version').fill('6.9.9-missing');
  await page.getByRole('button', { name: 'Request promotion' }).click();
  const bad = page
    .getByTestId('promotion-row')
    .filter({ hasText: '6.9.9-missing' })
    .first();
  await expect(bad.getByRole('link', { name: 'Pull request' })).toBeVisible();
  await mergeOnForge(
    await bad.getByRole('link', { name: 'Pull request' }).getAttribute('href'),
  );
  await expect(bad).toContainText('failed', { timeout: 90_000 });
  await expect(bad).toContainText(
    "no 'podinfo' chart with version matching '6.9.9-missing' found",
  );

  // Roll prod back from the history to the version deployed before: the hold shows; its pull request is merged; the hold is released.
  page.once('dialog', dialog => void dialog.accept());
  const earlier = page
    .getByTestId('promotion-row')
    .filter({ hasText: 'test → prod' })
    .filter({ hasText: 'deployed' })
    .first();
  await earlier.getByRole('button', { name: 'Roll back to this' }).click();
  await expect(prodLane.getByTestId('hold')).toContainText(
    'Held by user:development/guest',
  );
  await page.screenshot({
    path: 'test-results/pipeline-tab-hold.png',
    fullPage: true,
  });
  const rollback = page
    .getByTestId('promotion-row')
    .filter({ hasText: 'rollback' })
    .first();
  await expect(
    rollback.getByRole('link', { name: 'Pull request' }),
  ).toBeVisible();
  await mergeOnForge(
    await rollback
      .getByRole('link', { name: 'Pull request' })
      .getAttribute('href'),
  );
  await expect(rollback).toContainText('deployed', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Release' }).click();
  await expect(page.getByTestId('hold')).toHaveCount(0);

  // The Delivery section counts the series from the ledger: two deployments into prod, one failure, one rollback.
  const prodMetrics = page
    .getByRole('table', { name: 'Delivery metrics' })
    .getByRole('row')
    .filter({ hasText: /^prod/ });
  await expect(prodMetrics).toContainText(
    /^prod2 \(0\.5 per week\).*100 % \(1 failed, 1 rolled back\)/,
  );
  const chart = page.getByRole('img', {
    name: /^Deployments per day over 30d: \d+ deployments, 1 failures$/,
  });
  await chart.scrollIntoViewIfNeeded();
  await expect(
    chart.locator('.recharts-bar-rectangle path').first(),
  ).toBeVisible(); // a drawn bar (days without events have none)
  await page.screenshot({
    path: 'test-results/pipeline-tab-delivery.png',
    fullPage: true,
  });
});

test('a prod promotion waits for two owners: the requester and a non-owner are refused, two owners approve', async ({
  page,
  browser,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/podinfo-gated/pipelines');
  await expect(page.getByTestId('pipeline-environment')).toHaveCount(3);
  await page.getByRole('button', { name: 'Promote' }).click();
  await page.getByRole('dialog').locator('[aria-haspopup="listbox"]').click();
  await page.getByRole('option', { name: 'prod' }).click();
  await expect(page.getByTestId('promote-description')).toContainText(
    'Someone other than you must approve it first.',
  );
  // Newer than prod runs (6.1.0, promoted there by podinfo-02, whose prod target this is): a
  // person's request for what every target already runs changes nothing and is refused.
  await page.getByTestId('promote-version').fill('6.3.0');
  await page.getByRole('button', { name: 'Request promotion' }).click();
  const mine = page
    .getByTestId('promotion-row')
    .filter({ hasText: 'user:development/guest' });
  await expect(mine).toContainText('waiting-approval');
  // podinfo-gated asks for two approvers in prod (pipelines.weave.works/required-approvals: prod=2).
  await expect(mine.getByTestId('approval-count')).toHaveText(
    '0 of 2 approvals',
  );
  // The requester (the guest, who does not own podinfo-gated either) is refused: the buttons are disabled, with the reason.
  await expect(mine.getByRole('button', { name: 'Approve' })).toBeDisabled();
  await expect(
    mine.locator(
      '[title="You do not have permission to approve promotions of this entity"]',
    ),
  ).toHaveCount(1);
  await page.screenshot({
    path: 'test-results/approval-requester.png',
    fullPage: true,
  });

  // Someone who does not own podinfo-gated is refused, on the tab and by the backend.
  const outsider = await signInAs(browser, 'outsider');
  await outsider.goto('/catalog/default/component/podinfo-gated/pipelines');
  const seenByOutsider = outsider
    .getByTestId('promotion-row')
    .filter({ hasText: 'user:development/guest' });
  await expect(
    seenByOutsider.locator(
      '[title="You do not have permission to approve promotions of this entity"]',
    ),
  ).toHaveCount(1);
  await expect(
    seenByOutsider.getByRole('button', { name: 'Approve' }),
  ).toBeDisabled();
  await outsider.screenshot({
    path: 'test-results/approval-outsider.png',
    fullPage: true,
  });
  const token = await identityToken(outsider, 'outsider');
  const id = await mine.getAttribute('data-promotion-id');
  const refused = await outsider.request.post(
    `http://localhost:7007/api/pipelines/v1/promotions/${id}/approve`,
    {
      headers: { Authorization: `Bearer ${token}` },
      // Decided on podinfo-gated's own entity, which outsider does not own.
      data: {},
    },
  );
  expect(refused.status()).toBe(403);
  await outsider.context().close();

  // Two owners approve; the promotion proceeds after the second. The first hears of it on
  // Backstage's Notifications page, with a link to the tab.
  const reviewer = await signInAs(browser, 'reviewer');
  await reviewer.goto('/notifications');
  const notification = reviewer.getByText(
    'Approval needed: 6.3.0 into prod (flux-system/podinfo-gated)',
  );
  await expect(notification).toBeVisible({ timeout: 30_000 });
  await reviewer.screenshot({
    path: 'test-results/notification-approval.png',
    fullPage: true,
  });
  await notification.click();
  await expect(reviewer).toHaveURL(
    /\/catalog\/default\/component\/podinfo-gated\/pipelines$/,
  );
  const row = reviewer
    .getByTestId('promotion-row')
    .filter({ hasText: 'user:development/guest' });
  await expect(row.getByRole('button', { name: 'Approve' })).toBeEnabled();
  await row.getByRole('button', { name: 'Approve' }).click();
  await expect(row).toContainText('approved by user:default/reviewer');
  await expect(row.getByTestId('approval-count')).toHaveText(
    '1 of 2 approvals',
  );
  await expect(row).toContainText('waiting-approval');
  await reviewer.screenshot({
    path: 'test-results/approval-reviewer.png',
    fullPage: true,
  });
  await reviewer.context().close();

  const approver = await signInAs(browser, 'approver');
  await approver.goto('/catalog/default/component/podinfo-gated/pipelines');
  const last = approver
    .getByTestId('promotion-row')
    .filter({ hasText: 'user:development/guest' });
  await last.getByRole('button', { name: 'Approve' }).click();
  await expect(last).toContainText('approved by user:default/approver');
  await expect(last).toContainText('awaiting-merge');
  await expect(
    last.getByRole('link', { name: 'Pull request' }),
  ).toHaveAttribute('href', /\/my-org\/my-app-repo\/pull\/\d+$/);
  await approver.screenshot({
    path: 'test-results/approval-approver.png',
    fullPage: true,
  });
  await approver.context().close();
});

test('a Kustomization pipeline promotes Git revisions through Flux notifications to a receiver that deploys them', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/podinfo-kustomize/pipelines');
  await expect(page.getByText(/app Kustomization podinfo/)).toBeVisible();
  const lanes = page.getByTestId('pipeline-environment');
  await expect(lanes).toHaveCount(2);
  // dev's revision soaks there for 20 s (pipelines.weave.works/soak) before the level trigger promotes it.
  await expect(lanes.nth(0).getByTestId('soak')).toHaveText(
    /^(Soaking: \d+ s left of 20 s|Soaked 20 s: may move on)$/,
  );
  // dev follows main; its new revision is promoted into prod by a Promote event that the demo receiver deploys.
  const row = page
    .getByTestId('promotion-row')
    .filter({ hasText: 'dev → prod' })
    .first();
  await expect(row).toContainText('deployed', { timeout: 60_000 });
  const version = (await row.getAttribute('data-version')) ?? '';
  expect(version).toMatch(/^main@sha1:[0-9a-f]{40}$/);
  await expect(lanes.nth(1)).toContainText(`1 of 1 targets at ${version}`);
  const endpoints = JSON.parse(
    fs.readFileSync(
      path.resolve(__dirname, '..', '.sandbox', 'endpoints.json'),
      'utf8',
    ),
  );
  const received: Array<{
    reason: string;
    involvedObject: { name: string };
    metadata: Record<string, string>;
  }> = await (await fetch(endpoints.demoReceiver)).json();
  expect(received).toContainEqual(
    expect.objectContaining({
      reason: 'Promote',
      involvedObject: expect.objectContaining({
        kind: 'Pipeline',
        name: 'podinfo-kustomize',
      }),
      metadata: expect.objectContaining({ environment: 'prod', version }),
    }),
  );
  await page.screenshot({
    path: 'test-results/pipeline-tab-kustomize.png',
    fullPage: true,
  });
});

test('entities without the annotation get no Pipeline tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/example-website');
  await expect(
    page.getByRole('heading', { name: 'example-website' }).first(),
  ).toBeVisible();
  const tabs = page.getByRole('navigation', { name: 'Content navigation' });
  await expect(
    tabs.getByRole('link', { name: 'Overview', exact: true }),
  ).toBeVisible();
  await expect(
    tabs.getByRole('link', { name: 'Pipeline', exact: true }),
  ).toHaveCount(0);
});

test('the pipelines API needs a Backstage token', async ({ request }) => {
  const anonymous = await request.get(
    'http://localhost:7007/api/pipelines/v1/pipelines',
  );
  expect(anonymous.status()).toBe(401);

  const refresh = await request.get(
    'http://localhost:7007/api/auth/guest/refresh?env=development',
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  expect(refresh.ok()).toBe(true);
  const token = (await refresh.json()).backstageIdentity.token;
  const list = await request.get(
    'http://localhost:7007/api/pipelines/v1/pipelines',
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  );
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(
    body.items.map((p: any) => `${p.cluster}/${p.namespace}/${p.name}`),
  ).toEqual([
    'management/flux-system/podinfo-02',
    'management/flux-system/podinfo-gated',
    'management/flux-system/podinfo-kustomize',
  ]);
  expect(body.clusters).toEqual([{ name: 'management', connected: true }]);
});
