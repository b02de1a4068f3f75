// Browser latency benchmark (run by hand; results go to docs/benchmarks.md, "Browser"):
//   - microphone frame -> server receipt: capture->send delay in the page + half the WebSocket round trip
//     (the server echoes an unknown event's event_id in its error, which makes a ping)
//   - first reply frame -> playback start: frame handed to the playback worklet -> worklet says it plays
//   - flush on interruption: flush request -> worklet says its output is silent
//
// usage: node bench/web/browser_bench.mjs [path/to/localvoice] [--turns N]

import path from 'node:path';
import fs from 'node:fs';

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
} from '../../tests/e2e/harness.mjs';

const args = process.argv.slice(2);
const turnsArg = args.indexOf('--turns');
const turns = turnsArg >= 0 ? Number(args[turnsArg + 1]) : 8;
const program =
  args.find((a, i) => !a.startsWith('--') && (turnsArg < 0 || i !== turnsArg + 1)) ||
  path.join(sourceDir, 'build', 'localvoice');

const missing = missingPrerequisites();
if (missing) {
  console.error(missing);
  process.exit(2);
}

function summary(values) {
  if (values.length === 0) return 'n/a';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, min ${sorted[0].toFixed(2)}, max ${sorted[sorted.length - 1].toFixed(2)} (n=${values.length})`;
}

const temp = makeTempDir('lv-bench-web-');
let server;
let browser;
try {
  const model = makeTinyModel(temp);
  // A short utterance keeps the microphone busy so capture->send delays are measured on real frames.
  const mic = composeMicrophone(temp, [0.5, speak(temp, 'q', 'what time is it'), 10]);
  server = await startServer({
    program,
    dataDir: path.join(temp, 'data'),
    webRoot: buildUi(path.join(temp, 'web')),
    llm: model,
  });
  await server.waitReady();
  browser = await launchBrowser(mic.file);
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url);
  await page.click('#start');
  await waitInPage(page, 'frames sent', () => window.__localvoice.framesSent > 50, null, 15000);

  const rtts = [];
  for (let i = 0; i < 50; i++) {
    rtts.push(await page.evaluate(() => window.__localvoice.ping()));
    await page.waitForTimeout(20);
  }
  const sendDelays = await page.evaluate(() => window.__localvoice.sendDelayMs);

  // Typed turns: wait for the reply to play, then interrupt it from the page. A reply the random model
  // made unspeakable (no audio) is skipped.
  let interrupted = 0;
  for (let i = 0; i < turns; i++) {
    const before = await page.evaluate(() => ({
      starts: window.__localvoice.playback.starts,
      turns: window.__localvoice.conversation.turns.length,
    }));
    await page.fill('#message', `tell me a story number ${i}`);
    await page.press('#message', 'Enter');
    const outcome = await waitInPage(
      page,
      'reply playing or finished',
      (n) => {
        const lv = window.__localvoice;
        if (lv.playback.starts > n.starts) return 'playing';
        const last = lv.conversation.turns[lv.conversation.turns.length - 1];
        return lv.conversation.turns.length > n.turns && last.status !== null ? 'done' : null;
      },
      before,
      60000,
    );
    if (outcome !== 'playing') continue;
    await page.waitForTimeout(250);
    await page.click('#interrupt');
    interrupted++;
    await waitInPage(
      page,
      'the reply to end',
      () => window.__localvoice.conversation.turns.every((t) => t.status !== null || !t.replyStarted),
      null,
      30000,
    );
  }
  const playback = await page.evaluate(() => window.__localvoice.playback);
  const oneWay = rtts.map((r) => r / 2);
  const medianSend = [...sendDelays].sort((a, b) => a - b)[Math.floor(sendDelays.length / 2)] ?? 0;
  console.log(`WebSocket round trip (ping):              ${summary(rtts)}`);
  console.log(`capture -> ws.send in the page:           ${summary(sendDelays)}`);
  console.log(`mic frame -> server receipt (estimate):   ${summary(oneWay.map((v) => v + medianSend))}`);
  console.log(`first reply frame -> playback start:      ${summary(playback.firstFrameToStartMs)}`);
  console.log(`  of which in the worklet (audio clock):  ${summary(playback.startWaitMs)}`);
  console.log(`browser output latency (base + output):   ${playback.outputLatencyMs.toFixed(2)} ms`);
  console.log(`flush request -> worklet silent:          ${summary(playback.flushToSilentMs)}`);
  console.log(`flush request -> output quiet (analyser):  ${summary(playback.flushToQuietMs)}`);
  console.log(
    `underruns: ${playback.underruns}, frames queued: ${playback.framesQueued}, replies interrupted: ${interrupted} of ${turns}`,
  );
} finally {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  fs.rmSync(temp, { recursive: true, force: true });
}
