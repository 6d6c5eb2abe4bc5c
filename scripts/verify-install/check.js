/*
 * `npm run verify:install`'s last step (run through helper.js check FRONTEND BACKEND OUT_DIR): the
 * stock app, running with the READMEs' lines against the sandbox, serves the pipeline to a guest
 * over the REST API, and Chromium shows its lanes on the annotated entity's Pipeline tab.
 * The browser is Debian's Chromium through playwright-core, as in e2e/ (`playwright install`
 * cannot download browsers on these machines).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ENTITY = {
  kind: 'component',
  namespace: 'default',
  name: 'example-website',
};
const sleep = ms => new Promise(r => setTimeout(r, ms));

// Polls `probe` until it returns something truthy; the backend's caches and the catalog fill
// in the seconds after start.
async function until(probe, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last ? ` (${last.message})` : ''}`,
      );
    await sleep(1000);
  }
}

async function api(backend) {
  // A guest's token, as the app's sign-in page gets it.
  const refresh = await fetch(
    `${backend}/api/auth/guest/refresh?env=development`,
    {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    },
  );
  const token = (await refresh.json())?.backstageIdentity?.token;
  if (!token) throw new Error(`no guest token (HTTP ${refresh.status})`);
  const get = async p => {
    const res = await fetch(backend + p, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}`);
    return res.json();
  };

  // The entity as the README's annotations made it, read back from the catalog.
  const entityPath = `/api/catalog/entities/by-name/${ENTITY.kind}/${ENTITY.namespace}/${ENTITY.name}`;
  const ref = await until(
    async () =>
      (
        await get(entityPath)
      ).metadata.annotations?.['pipelines.weave.works/pipeline'],
    `the catalog to hold ${ENTITY.name} with the annotation pipelines.weave.works/pipeline`,
  );
  const [namespace, name] = ref.split(',')[0].trim().split('/');
  const pipeline = await until(async () => {
    const { items } = await get('/api/pipelines/v1/pipelines');
    return items.find(
      p =>
        p.namespace === namespace && p.name === name && p.environments?.length,
    );
  }, `GET /api/pipelines/v1/pipelines to list ${namespace}/${name} with its environments`);
  const environments = pipeline.environments.join(', ');
  console.log(
    `api: GET /api/pipelines/v1/pipelines lists ${namespace}/${name} on cluster ${pipeline.cluster}: ${environments}`,
  );

  // The scaffolder README's template location, read by the catalog.
  await until(
    () =>
      get('/api/catalog/entities/by-name/template/default/promote-a-version'),
    "the catalog to hold the template promote-a-version (the scaffolder README's location)",
  );
  console.log('api: the catalog holds the "Promote a version" template');
  return pipeline;
}

async function browser(frontend, pipeline, outDir) {
  const { chromium } = require('playwright-core');
  const b = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // The flags of e2e/playwright.config.ts: as root, headless, no network of its own.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = await b.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(60_000);
  try {
    await page.goto(frontend);
    // The stock app offers guest sign-in, then opens on the catalog. The dev server's first
    // page is slow (it compiles on demand).
    const enter = page.getByRole('button', { name: 'Enter' });
    const entityLink = page.getByRole('link', {
      name: ENTITY.name,
      exact: true,
    });
    await enter.or(entityLink).first().waitFor({ timeout: 180_000 });
    if (await enter.isVisible()) await enter.click();
    await entityLink.click();
    // A new user clicks the entity's tab, which feature discovery added.
    await page.getByRole('link', { name: 'Pipeline', exact: true }).click();
    await page
      .getByText(`Pipeline ${pipeline.namespace}/${pipeline.name}`)
      .first()
      .waitFor();
    const lanes = page.getByTestId('pipeline-environment');
    await until(
      async () => (await lanes.count()) === pipeline.environments.length,
      `${pipeline.environments.length} lanes on the Pipeline tab`,
      60_000,
    );
    for (const [i, env] of pipeline.environments.entries()) {
      const text = await lanes.nth(i).innerText();
      if (!text.includes(env))
        throw new Error(
          `lane ${i + 1} does not name ${env}: ${text.slice(0, 200)}`,
        );
    }
    const shot = path.join(outDir, 'pipeline-tab.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(
      `browser: ${page.url()} shows the lanes ${pipeline.environments.join(
        ', ',
      )}; screenshot ${shot}`,
    );
  } catch (e) {
    const shot = path.join(outDir, 'failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    throw new Error(
      `browser: ${
        e.message.split('\n')[0]
      } (at ${page.url()}; screenshot ${shot})`,
    );
  } finally {
    await b.close();
  }
}

async function check(frontend, backend, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const pipeline = await api(backend);
  await browser(frontend, pipeline, outDir);
}

module.exports = { check };
