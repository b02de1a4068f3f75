// Model downloads from the page, end to end in headless Chromium against the real `localvoice serve`: with
// no language model installed the banner says so in one short line with a Download button; the button starts
// the download of the recommended profile (one tiny model, served by a local stand-in for the model hub);
// the downloads view shows the model's size, licence and progress, then says the models are ready; the
// server swaps the model in, tells the open conversation (engines.updated), and the page reconnects by itself
// so the next typed question is answered by the language model. A second server started with --offline gets
// no Download button but the advice to start without --offline. Screenshots go to $LV_ARTIFACTS_DIR.
//
// usage: node tests/e2e/downloads.test.mjs [path/to/localvoice]

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

import {
  buildUi,
  launchBrowser,
  makeTempDir,
  makeTinyModel,
  missingPrerequisites,
  sourceDir,
  startServer,
  waitInPage,
  writeWav,
} from './harness.mjs';

const program = process.argv[2] || process.env.LV_PROGRAM || path.join(sourceDir, 'build', 'localvoice');
const artifacts = process.env.LV_ARTIFACTS_DIR || path.join(path.dirname(program), 'e2e-artifacts');
const started = Date.now();
const step = (text) => console.log(`[e2e.downloads ${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

const missing = missingPrerequisites();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(0);
}

const MODEL = 'llama:tiny-e2e';
const REPO = 'localvoice-e2e/tiny-llm';
const REVISION = 'main';
const FILE = 'tiny-e2e.gguf';
const LICENSE = 'MIT';

const temp = makeTempDir('lv-e2e-downloads-');
fs.mkdirSync(artifacts, { recursive: true });
let server = null;
let browser = null;
let hub = null;

async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file });
  step(`screenshot ${file}`);
}

// A free loopback port, released again: the model hub stand-in listens there only later, so the server's
// own start-up download finds nobody there.
function reservePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Serves `file` at /<repo>/resolve/<revision>/<path> like the Hugging Face hub: HEAD, GET, and
// "Range: bytes=N-" resumes (206). The body goes out in small timed pieces so the page can watch it arrive.
function startHub(port, file, { chunkBytes = 8192, everyMs = 30 } = {}) {
  const body = fs.readFileSync(file);
  const route = `/${REPO}/resolve/${REVISION}/${FILE}`;
  const requests = [];
  const server = http.createServer((request, response) => {
    requests.push({
      method: request.method,
      url: request.url,
      range: request.headers.range ?? null,
    });
    if (request.url.split('?')[0] !== route) {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('Entry not found');
      return;
    }
    const common = {
      'Accept-Ranges': 'bytes',
      ETag: '"tiny-e2e"',
      'Content-Type': 'application/octet-stream',
    };
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (start >= body.length) {
        response.writeHead(416, {
          ...common,
          'Content-Range': `bytes */${body.length}`,
        });
        response.end();
        return;
      }
      status = 206;
      common['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    response.writeHead(status, {
      ...common,
      'Content-Length': String(body.length - start),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    let at = start;
    const timer = setInterval(() => {
      if (response.destroyed) {
        clearInterval(timer);
        return;
      }
      const piece = body.subarray(at, Math.min(body.length, at + chunkBytes));
      at += piece.length;
      if (at >= body.length) {
        clearInterval(timer);
        response.end(piece);
      } else {
        response.write(piece);
      }
    }, everyMs);
    response.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        requests,
        close: () => new Promise((done) => server.close(() => done())),
        closeAll: () => server.closeAllConnections?.(),
      }),
    );
  });
}

// A catalog in the shape of src/models/catalog.json whose "small" profile is the tiny model alone.
function writeCatalog(dir, model) {
  const bytes = fs.readFileSync(model);
  const catalog = {
    schema_version: 1,
    models: [
      {
        name: MODEL,
        role: 'llm',
        description: 'Tiny random-weight model for the end-to-end test',
        license: LICENSE,
        ram_bytes: 20000000,
        verified: true,
        files: [
          {
            name: FILE,
            source: {
              huggingface: { repo: REPO, revision: REVISION, path: FILE },
            },
            size_bytes: bytes.length,
            sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
          },
        ],
      },
    ],
    profiles: {
      small: {
        description: 'The tiny test model',
        ram_bytes: 20000000,
        models: [MODEL],
      },
      quality: {
        description: 'The tiny test model again',
        ram_bytes: 20000000,
        models: [MODEL],
      },
    },
  };
  const file = path.join(dir, 'catalog.json');
  fs.writeFileSync(file, JSON.stringify(catalog, null, 2));
  return { file, sizeBytes: bytes.length };
}

// The environment of a server that must neither see nor touch the real model caches.
function isolatedEnv(name, catalogFile, hubPort) {
  const root = path.join(temp, name);
  return {
    LOCALVOICE_PATHS_CATALOG_FILE: catalogFile,
    LOCALVOICE_PATHS_MODELS_DIR: path.join(root, 'models'),
    HF_HUB_CACHE: path.join(root, 'hf-cache'),
    HF_HOME: path.join(root, 'hf-home'),
    XDG_CACHE_HOME: path.join(root, 'cache'),
    HF_ENDPOINT: hubPort ? `http://127.0.0.1:${hubPort}` : undefined,
    HF_HUB_OFFLINE: undefined,
    HF_TOKEN: undefined,
  };
}

// The newest typed turn with this text once its reply is finished.
const typedReply = (page, text, timeoutMs) =>
  waitInPage(
    page,
    `the reply to "${text}"`,
    (wanted) => {
      const turn = window.__localvoice.conversation.turns.find((t) => t.typed && t.userFinal === wanted);
      return turn && turn.status !== null ? turn : null;
    },
    text,
    timeoutMs,
  );

const replyText = (turn) => (turn.heardText || turn.sentences.map((s) => s.text).join(' ') || turn.replyText).trim();

try {
  step('making fixtures');
  const model = makeTinyModel(temp);
  const catalog = writeCatalog(temp, model);
  assert.ok(catalog.sizeBytes > 10000 && catalog.sizeBytes < 999000, 'the tiny model is shown in kB');
  const sizeLabel = `${Math.round(catalog.sizeBytes / 1000)} kB`; // as the page formats it
  const silence = path.join(temp, 'silence.wav');
  writeWav(silence, 16000, new Int16Array(16000));
  const webRoot = buildUi(path.join(temp, 'web'));
  const hubPort = await reservePort();

  step('starting localvoice without a language model (the model hub is not up yet)');
  server = await startServer({
    program,
    dataDir: path.join(temp, 'data'),
    webRoot,
    logFile: path.join(artifacts, 'server-downloads.log'),
    env: isolatedEnv('online', catalog.file, hubPort),
    online: true,
  });
  await server.waitReady();

  browser = await launchBrowser(silence);
  const context = await browser.newContext({
    viewport: { width: 1100, height: 800 },
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(server.url);

  step('asking something before any model is installed');
  await page.fill('#message', 'what can you do');
  await page.press('#message', 'Enter');
  const banner = await waitInPage(
    page,
    'one short banner line for the missing language model, with a Download button',
    () => {
      const root = document.querySelector('#banners [data-key="engines"]');
      const line = [...(root?.querySelectorAll('p') ?? [])].find((p) =>
        /^Language model: not installed/.test(p.textContent),
      );
      return line && line.querySelector('button.download-models') ? root.textContent : null;
    },
    null,
    20000,
  );
  step(`banner: ${banner.replace(/\s+/g, ' ')}`);
  assert.match(banner, /answers come from your documents only/, 'the banner says what is lost');
  assert.doesNotMatch(banner, /\/[\w.-]+\/|\.cache|models pull/, 'no paths or commands in the banner');
  const before = await typedReply(page, 'what can you do', 30000);
  const beforeText = replyText(before);
  step(`answer without a model: "${beforeText.slice(0, 120)}"`);
  await shot(page, 'downloads-01-missing');

  step('starting the model hub and clicking Download');
  hub = await startHub(hubPort, model);
  await page.click('#banners button.download-models');
  const shown = await waitInPage(
    page,
    'the downloads view with the model, its size, licence and a progress bar',
    (m) => {
      const view = document.querySelector('#downloads');
      const row = view?.querySelector(`[data-model="${m}"]`);
      return view && !view.hidden && row?.querySelector('progress') ? row.textContent : null;
    },
    MODEL,
    20000,
  );
  step(`downloads view: ${shown.replace(/\s+/g, ' ')}`);
  assert.ok(shown.includes(sizeLabel), `the model's size (${sizeLabel}) is shown`);
  assert.ok(shown.includes(LICENSE), 'the licence is shown');
  await shot(page, 'downloads-02-progress');

  const ready = await waitInPage(
    page,
    'the downloads view saying the models are ready',
    () => {
      const view = document.querySelector('#downloads');
      return view?.dataset.phase === 'done' && /ready/i.test(view.textContent) ? view.textContent : null;
    },
    null,
    60000,
  );
  step(`done: ${ready.replace(/\s+/g, ' ')}`);
  assert.match(ready, /Total: 100%/, 'the total is complete');
  const gets = hub.requests.filter((r) => r.method === 'GET' && r.url.includes(FILE));
  assert.ok(gets.length >= 1, 'the server fetched the model from the hub');
  await shot(page, 'downloads-03-ready');

  step('waiting for engines.updated and the reconnection');
  await waitInPage(
    page,
    'engines.updated, then a new session',
    () => {
      const events = window.__localvoice.events;
      const updated = events.findIndex((e) => / engines\.updated/.test(e));
      return (
        updated >= 0 &&
        events.slice(updated).some((e) => / session\.created/.test(e)) &&
        window.__localvoice.restarts > 0
      );
    },
    null,
    60000,
  );
  // Only the language model was missing: its line goes (other engines of this machine may still be limited).
  await waitInPage(
    page,
    'the language model line gone from the banner',
    () => !/Language model/.test(document.querySelector('#banners').textContent),
    null,
    10000,
  );
  const left = await page.evaluate(() => document.querySelector('#banners [data-key="engines"]')?.textContent ?? '');
  step(left ? `banner left: ${left.replace(/\s+/g, ' ')}` : 'banner cleared');
  assert.equal(await page.locator('#banners button.download-models').count(), 0, 'no Download button any more');

  step('asking again: the language model answers');
  await page.fill('#message', 'hello there');
  await page.press('#message', 'Enter');
  const after = await typedReply(page, 'hello there', 60000);
  const afterText = replyText(after);
  step(`answer with the model: "${afterText.slice(0, 120)}"`);
  assert.notEqual(after.status, 'failed', 'the reply did not fail');
  // The random-weight model may sample end-of-text first: that it was asked is what shows it answered.
  assert.ok((after.metrics?.prompt_tokens ?? 0) > 0, `the language model was asked: ${JSON.stringify(after.metrics)}`);
  assert.notEqual(afterText, beforeText, 'the reply differs from the answer without a model');
  assert.doesNotMatch(afterText, /models pull|not installed|no language model/i, 'not the install message');
  await page.waitForTimeout(300);
  await shot(page, 'downloads-04-answered');
  assert.deepEqual(pageErrors, [], 'no errors in the page');
  await context.close();
  await server.stop();
  server = null;

  step('starting localvoice with --offline');
  server = await startServer({
    program,
    dataDir: path.join(temp, 'data-offline'),
    webRoot,
    extraArgs: ['--offline'],
    logFile: path.join(artifacts, 'server-offline.log'),
    env: isolatedEnv('offline', catalog.file, hubPort),
  });
  await server.waitReady();
  const offlineContext = await browser.newContext({
    viewport: { width: 1100, height: 700 },
  });
  const page2 = await offlineContext.newPage();
  await page2.goto(server.url);
  const advice = await waitInPage(
    page2,
    'the banner with the advice to start without --offline',
    () => {
      const text = document.querySelector('#banners')?.textContent ?? '';
      return /Language model/.test(text) && /start LocalVoice without --offline/.test(text) ? text : null;
    },
    null,
    20000,
  );
  step(`offline banner: ${advice.replace(/\s+/g, ' ')}`);
  assert.equal(await page2.locator('button.download-models').count(), 0, 'no Download button when offline');
  const refused = await fetch(`${server.url}/v1/models/pull`, {
    method: 'POST',
    body: '{}',
  });
  assert.equal(refused.status, 409, 'the server refuses to download when offline');
  assert.equal((await refused.json()).error?.code, 'offline');
  await shot(page2, 'downloads-05-offline');
  step('passed');
} catch (error) {
  console.error(`FAILED: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  hub?.closeAll();
  await hub?.close();
  fs.rmSync(temp, { recursive: true, force: true });
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
