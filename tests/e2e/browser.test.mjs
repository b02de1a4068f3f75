// End to end in real headless Chromium against the real `localvoice serve`: a spoken question through the
// fake microphone, the transcript and a spoken reply (audio measured at the page's output), an interruption
// by a second utterance that stops playback, and a typed message that gets a reply. Screenshots of each
// state go to $LV_ARTIFACTS_DIR (default build/e2e-artifacts).
//
// usage: node tests/e2e/browser.test.mjs [path/to/localvoice]

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  buildUi,
  composeMicrophone,
  launchBrowser,
  makeTempDir,
  makeTinyModel,
  missingPrerequisites,
  sourceDir,
  speak,
  startServer,
  waitInPage,
} from './harness.mjs';

const program = process.argv[2] || process.env.LV_PROGRAM || path.join(sourceDir, 'build', 'localvoice');
const artifacts = process.env.LV_ARTIFACTS_DIR || path.join(path.dirname(program), 'e2e-artifacts');
const started = Date.now();
const step = (text) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

const missing = missingPrerequisites();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(0);
}

const temp = makeTempDir();
fs.mkdirSync(artifacts, { recursive: true });
let server = null;
let browser = null;

async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file });
  step(`screenshot ${file}`);
}

// Everything the page measured, in one read.
const snapshot = (page) =>
  page.evaluate(() => {
    const lv = window.__localvoice;
    return {
      turns: lv.conversation.turns,
      agentState: lv.conversation.agentState,
      playback: lv.playback,
      framesSent: lv.framesSent,
    };
  });

try {
  step('making fixtures');
  const model = makeTinyModel(temp);
  const question = speak(temp, 'question', 'what time is it');
  const interruption = speak(temp, 'interruption', 'stop and tell me about the weather instead');
  // How long the random model's reply takes to start varies from run to run, so the interruption is said
  // several times: the first one that lands while the agent speaks interrupts it (the others are turns of
  // their own, or interrupt later replies).
  const gapS = Number(process.env.LV_E2E_GAP_S || 2.5);
  const repeats = Array.from({ length: 7 }, () => [gapS, interruption]).flat();
  const mic = composeMicrophone(temp, [1.0, question, ...repeats, 3.0]);
  const webRoot = buildUi(path.join(temp, 'web'));

  step('starting localvoice');
  server = await startServer({
    program,
    dataDir: path.join(temp, 'data'),
    webRoot,
    llm: model,
    logFile: path.join(artifacts, 'server.log'),
  });
  await server.waitReady();

  browser = await launchBrowser(mic.file);
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  // Settings as a user would save them: they travel in session.update. A slower false-interruption timeout
  // keeps the barge-in decision independent of how fast speech-to-text runs on a busy machine.
  await context.addInitScript(() => {
    if (!localStorage.getItem('localvoice.settings.v1')) {
      localStorage.setItem(
        'localvoice.settings.v1',
        JSON.stringify({ turnDetection: { false_interruption_timeout_ms: 6000 } }),
      );
    }
  });
  const page = await context.newPage();
  const consoleErrors = [];
  // Optional endpoints the page reads defensively may be missing (404) without that being a page error.
  const optional = /\/v1\/(history|audio\/voices)/;
  page.on('console', (message) => {
    if (message.type() === 'error' && !optional.test(message.location()?.url ?? '')) consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(server.url);
  await page.waitForSelector('#start');
  await shot(page, '01-start');

  step('starting the conversation');
  await page.click('#start');
  await waitInPage(page, 'session.created', () => window.__localvoice.conversation.session !== null, null, 10000);
  await waitInPage(page, 'microphone frames being sent', () => window.__localvoice.framesSent > 10, null, 10000);

  step('waiting for the user transcript');
  const heard = await waitInPage(
    page,
    'the final transcript of the question',
    () => window.__localvoice.conversation.turns.find((t) => t.userFinal)?.userFinal,
    null,
    30000,
  );
  step(`transcript: "${heard}"`);
  assert.match(heard, /time|what|is/i, 'the transcript should contain words of the question');
  await shot(page, '02-transcript');

  step('waiting for the spoken reply');
  await waitInPage(
    page,
    'reply audio at the page output',
    () => {
      const p = window.__localvoice.playback;
      return p && p.samplesPlayed > 2400 && p.analyserPeak > 0.02;
    },
    null,
    30000,
  );
  let state = await snapshot(page);
  const firstTurn = state.turns.find((t) => t.userFinal);
  assert.ok(firstTurn.replyStarted, 'the reply started');
  step(`playing: ${state.playback.samplesPlayed} samples, output peak ${state.playback.analyserPeak.toFixed(3)}`);
  await shot(page, '03-speaking');

  step('waiting for an interruption while the agent speaks');
  const interrupted = await waitInPage(
    page,
    'a reply interrupted after some of it was heard',
    () =>
      window.__localvoice.conversation.turns.find((t) => t.status === 'interrupted' && t.sentences.some((s) => s.heard))
        ?.id,
    null,
    60000,
  );
  state = await snapshot(page);
  assert.ok(state.playback.flushToSilentMs.length > 0, 'playback was flushed');
  // After the flush the page's output must go quiet: an AnalyserNode after the playback node, polled every
  // 30 ms with a 43 ms window, reads silence (the next reply may start right after, so this is measured
  // in the page as it happens).
  const quietMs = await waitInPage(
    page,
    'silence at the output after the flush',
    () => window.__localvoice.playback.flushToQuietMs[0],
    null,
    2000,
  );
  assert.ok(quietMs <= 250, `the output went quiet ${quietMs.toFixed(0)} ms after the flush (at most 250 ms)`);
  const cut = state.turns.find((t) => t.id === interrupted);
  step(
    `turn ${interrupted} interrupted (heard ${cut.heardText?.length ?? 0} of ${cut.replyText.length} characters); ` +
      `worklet silent ${state.playback.flushToSilentMs[0].toFixed(1)} ms, output quiet ${quietMs.toFixed(0)} ms after the flush`,
  );
  await page.waitForTimeout(200); // let the transcript show the cut reply
  await shot(page, '04-interrupted');

  // Push-to-talk from the settings drawer: the rest of the recording is no longer sent while Space is up.
  await page.click('#settings-button');
  await page.check('#set-mode-ptt');
  await page.click('#settings-form button[type=submit]');
  const sentAfterSwitch = (await snapshot(page)).framesSent;
  await page.waitForTimeout(500);
  assert.equal((await snapshot(page)).framesSent, sentAfterSwitch, 'push-to-talk sends no audio while not held');

  step('typing a message');
  await page.fill('#message', 'hello from the keyboard');
  await page.press('#message', 'Enter');
  const typedTurn = await waitInPage(
    page,
    'a reply to the typed message',
    () => {
      const turn = window.__localvoice.conversation.turns.find(
        (t) => t.typed && t.userFinal === 'hello from the keyboard',
      );
      return turn && turn.status !== null ? turn : null;
    },
    null,
    40000,
  );
  assert.notEqual(typedTurn.status, 'failed', 'the typed turn got a reply');
  assert.ok(typedTurn.replyText.length > 0 || typedTurn.sentences.length > 0, 'the reply has text');
  await page.waitForTimeout(300);
  await shot(page, '05-typed-reply');

  const metrics = await page.evaluate(() => window.__localvoice.conversation.turns.filter((t) => t.metrics).length);
  assert.ok(metrics > 0, 'turn.metrics arrived and are charted');
  assert.ok((await page.locator('#latency-chart rect').count()) > 0, 'the latency chart has bars');

  // Push-to-talk: holding Space sends audio, releasing it stops (and commits the turn).
  await page.focus('#transcript');
  const beforeHold = (await snapshot(page)).framesSent;
  await page.keyboard.down('Space');
  await page.waitForTimeout(400);
  await page.keyboard.up('Space');
  const afterHold = (await snapshot(page)).framesSent;
  assert.ok(afterHold - beforeHold >= 10, `holding Space sent ${afterHold - beforeHold} frames (expected about 20)`);
  await page.waitForTimeout(300);
  assert.equal((await snapshot(page)).framesSent, afterHold, 'no audio is sent after Space is released');

  // The other views, for a look: history, settings drawer, dark mode, phone size.
  await page.click('#history-button');
  await waitInPage(
    page,
    'the history list',
    () => !document.querySelector('#history-list')?.textContent?.includes('Loading'),
    null,
    5000,
  );
  await shot(page, '06-history');
  await page.keyboard.press('Escape');
  await page.click('#settings-button');
  await shot(page, '07-settings');
  await page.keyboard.press('Escape');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, '08-dark');
  await page.setViewportSize({ width: 390, height: 800 });
  await shot(page, '09-phone');

  assert.deepEqual(consoleErrors, [], 'no errors in the page console');
  await context.close();
  await server.stop();

  // Degraded mode: no language model. The page says so and how to fix it, and a typed question still gets
  // an answer (the server explains how to install a model).
  step('starting localvoice without a language model');
  server = await startServer({
    program,
    dataDir: path.join(temp, 'data-degraded'),
    webRoot,
    logFile: path.join(artifacts, 'server-degraded.log'),
  });
  await server.waitReady();
  const degraded = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page2 = await degraded.newPage();
  await page2.goto(server.url);
  await page2.fill('#message', 'what can you do');
  await page2.press('#message', 'Enter');
  const banner = await waitInPage(
    page2,
    'the degraded-mode banner naming the missing language model',
    () => {
      const text = document.querySelector('#banners')?.textContent ?? '';
      return /language model/i.test(text) ? text : null;
    },
    null,
    10000,
  );
  step(`banner: ${banner.replace(/\s+/g, ' ').slice(0, 160)}`);
  const answer = await waitInPage(
    page2,
    'an answer without a language model',
    () => window.__localvoice.conversation.turns.find((t) => t.typed && t.status !== null),
    null,
    60000, // the reply is the spoken install advice, read out in full before response.done
  );
  assert.ok(answer.replyText || answer.sentences.length || answer.heardText, 'the degraded session still answers');
  assert.match(await page2.textContent('#transcript'), /models pull/, 'the page says how to install a model');
  await page2.waitForTimeout(300);
  await shot(page2, '10-degraded');
  step('passed');
} catch (error) {
  console.error(`FAILED: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  fs.rmSync(temp, { recursive: true, force: true });
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
