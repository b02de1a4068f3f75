// STT parity through the browser (run by hand; results go to docs/benchmarks.md, "Speech-to-text parity"):
// the clips that bench_stt_parity exports (48 kHz mono WAV files with their references) are played, one set
// at a time, as headless Chromium's microphone into the web UI, which captures them in its worklet, resamples
// them to the wire rate and streams them to /v1/realtime on `localvoice serve` (pocketsphinx, the default
// VAD). The word error rate is taken over each set's transcripts joined in order against its references
// joined the same way, since a turn need not line up with a clip (a long pause splits one, a short gap may
// merge two). Table on stderr, JSON on stdout.
//
// usage:
//   build/bench/stt/bench_stt_parity --export /tmp/clips      # all sets, or name one: flite
//   node bench/web/stt_parity_browser.mjs /tmp/clips [path/to/localvoice] [--gap-s 3] [--raw-mic]

import fs from 'node:fs';
import path from 'node:path';

import { buildUi, composeMicrophone, launchBrowser, makeTempDir, missingPrerequisites, readWav, sourceDir, startServer, waitInPage,} from '../../tests/e2e/harness.mjs';

const args = process.argv.slice(2);
const gapArg = args.indexOf('--gap-s');
const gapS = gapArg >= 0 ? Number(args[gapArg + 1]) : 3;
const positional = args.filter((a, i) => !a.startsWith('--') && (gapArg < 0 || i !== gapArg + 1));
// --raw-mic: the page's microphone without the browser's noise suppression and automatic gain control.
const rawMic = args.includes('--raw-mic');
const clipsDir = positional[0];
const program = positional[1] || path.join(sourceDir, 'build', 'localvoice');
if (!clipsDir || !fs.existsSync(path.join(clipsDir, 'manifest.json'))) {
  console.error('usage: node bench/web/stt_parity_browser.mjs CLIPS_DIR [localvoice] [--gap-s 3] [--raw-mic]');
  console.error('make CLIPS_DIR first: build/bench/stt/bench_stt_parity --export CLIPS_DIR');
  process.exit(2);
}
const missing = missingPrerequisites();
if (missing) {
  console.error(missing);
  process.exit(2);
}
const log = (text) => console.error(`[stt-parity-browser] ${text}`);

// The same normalization as src/stt/wer.cpp: lower case, punctuation to spaces, apostrophes kept inside words.
function words(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9'\u0080-\uffff]+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

// Minimum word edit distance (substitutions + deletions + insertions).
function wordErrors(reference, hypothesis) {
  const ref = words(reference);
  const hyp = words(hypothesis);
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; ++i) {
    const current = [i];
    for (let j = 1; j <= hyp.length; ++j) {
      const substitution = previous[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j] + 1, current[j - 1] + 1));
    }
    previous = current;
  }
  return { errors: previous[hyp.length], words: ref.length };
}

// Plays one set's clips as the microphone of a fresh page and returns the user transcripts in order.
async function runSet(server, clips, temp) {
  const parts = [1.0];
  for (const clip of clips) parts.push(readWav(path.join(clipsDir, clip.file)), gapS);
  const mic = composeMicrophone(temp, parts);
  const browser = await launchBrowser(mic.file);
  try {
    const context = await browser.newContext();
    if (rawMic) {
      await context.addInitScript(() => {
        const settings = { noiseSuppression: false, autoGainControl: false };
        localStorage.setItem('localvoice.settings.v1', JSON.stringify(settings));
      });
    }
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#start');
    await page.click('#start');
    await waitInPage(page, 'session.created', () => window.__localvoice.conversation.session !== null, null, 15000);
    log(`playing ${clips.length} clips (${mic.durationS.toFixed(0)} s of microphone audio)`);
    // Until the microphone has played out and every turn it started has its final transcript.
    await page.waitForTimeout(mic.durationS * 1000);
    await waitInPage(
      page,
      'the last final transcript',
      () => window.__localvoice.conversation.turns.filter((t) => !t.typed).every((t) => t.userFinal !== null),
      null,
      30000,
    );
    return await page.evaluate(() =>
      window.__localvoice.conversation.turns.filter((t) => !t.typed && t.userFinal).map((t) => t.userFinal),
    );
  } finally {
    await browser.close();
  }
}

const manifest = JSON.parse(fs.readFileSync(path.join(clipsDir, 'manifest.json'), 'utf8'));
const sets = [...new Set(manifest.map((clip) => clip.set))];
const temp = makeTempDir('lv-stt-parity-');
const server = await startServer({
  program,
  dataDir: path.join(temp, 'data'),
  webRoot: buildUi(path.join(temp, 'web')),
  vad: 'silero:',
  logFile: path.join(temp, 'server.log'),
});
const results = {};
try {
  await server.waitReady();
  for (const set of sets) {
    const clips = manifest.filter((clip) => clip.set === set);
    const transcripts = await runSet(server, clips, temp);
    const reference = clips.map((clip) => clip.reference).join(' ');
    const hypothesis = transcripts.join(' ');
    const { errors, words: count } = wordErrors(reference, hypothesis);
    results[set] = { clips: clips.length, turns: transcripts.length, words: count, errors, wer: errors / count };
    log(`${set}: ${errors}/${count} = ${((100 * errors) / count).toFixed(1)}% over ${transcripts.length} turns`);
  }
} finally {
  await server.stop();
  fs.rmSync(temp, { recursive: true, force: true });
}

console.error('\n| set | clips | turns | browser → /v1/realtime |\n|---|---|---|---|');
for (const [set, r] of Object.entries(results)) {
  console.error(`| ${set} | ${r.clips} | ${r.turns} | ${(100 * r.wer).toFixed(1)}% (${r.errors}/${r.words}) |`);
}
console.log(JSON.stringify({ benchmark: 'stt_parity_browser', gap_s: gapS, raw_mic: rawMic, sets: results }, null, 2));
