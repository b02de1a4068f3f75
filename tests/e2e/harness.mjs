// Shared by the browser end-to-end test and the browser benchmark: makes the fixtures (tiny language model,
// spoken WAV files), starts `localvoice serve` on a free port, builds the UI, and launches headless Chromium
// with a WAV file as its microphone.

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const webDir = path.join(sourceDir, 'web');

// Reasons the test cannot run on this machine at all (printed with "skipped:"), or null.
export function missingPrerequisites() {
  const chromium = process.env.LV_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromium))
    return `Chromium is not installed at ${chromium} (scripts/setup installs the Debian package chromium)`;
  return null;
}

export function playwright() {
  const require = createRequire(path.join(webDir, 'package.json'));
  try {
    return require('playwright-core');
  } catch {
    throw new Error('playwright-core is missing from web/node_modules: run scripts/setup (npm ci in web/)');
  }
}

export function makeTempDir(prefix = 'lv-e2e-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result;
}

export function makeTinyModel(dir) {
  const out = path.join(dir, 'tiny.gguf');
  run('/usr/bin/python3', [path.join(sourceDir, 'tests', 'llm', 'make_tiny_gguf.py'), out]);
  return out;
}

// Mono PCM16 WAV reading and writing (flite writes 16 kHz mono PCM16).
export function readWav(file) {
  const data = fs.readFileSync(file);
  if (data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${file} is not a WAV file`);
  let offset = 12;
  let rateHz = 0;
  while (offset + 8 <= data.length) {
    const id = data.toString('ascii', offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      const channels = data.readUInt16LE(offset + 10);
      rateHz = data.readUInt32LE(offset + 12);
      const bits = data.readUInt16LE(offset + 22);
      if (channels !== 1 || bits !== 16) throw new Error(`${file}: expected mono 16-bit PCM`);
    } else if (id === 'data') {
      const bytes = data.subarray(offset + 8, offset + 8 + size);
      const samples = new Int16Array(bytes.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      return { rateHz, samples };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

export function writeWav(file, rateHz, samples) {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples.length * 2, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rateHz, 24);
  header.writeUInt32LE(rateHz * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples.length * 2, 40);
  const body = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => body.writeInt16LE(s, i * 2));
  fs.writeFileSync(file, Buffer.concat([header, body]));
}

export function speak(dir, name, text) {
  const out = path.join(dir, `${name}.wav`);
  run('flite', ['-voice', 'slt', '-t', text, '-o', out]);
  return readWav(out);
}

// A microphone recording: silence and utterances in sequence; numbers are seconds of silence.
export function composeMicrophone(dir, parts) {
  const rateHz = parts.find((p) => typeof p !== 'number').rateHz;
  const chunks = parts.map((p) => (typeof p === 'number' ? new Int16Array(Math.round(p * rateHz)) : p.samples));
  const all = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  const starts = [];
  for (const chunk of chunks) {
    starts.push(at / rateHz);
    all.set(chunk, at);
    at += chunk.length;
  }
  const file = path.join(dir, 'microphone.wav');
  writeWav(file, rateHz, all);
  return { file, starts, durationS: at / rateHz };
}

// Builds the UI from the current sources into `outDir` (the checked-in web/dist is not assumed fresh).
export function buildUi(outDir) {
  run(
    process.execPath,
    [
      path.join(webDir, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    {
      cwd: webDir,
    },
  );
  return outDir;
}

// Starts `localvoice serve` on port 0 and resolves once its "listening" log line names the port.
// `env`: variables added to (or, when undefined, removed from) the server's environment. The server starts
// with --offline unless `online` (it would otherwise fetch the recommended models in the background).
export async function startServer({
  program,
  dataDir,
  webRoot,
  llm,
  vad = 'energy:',
  extraArgs = [],
  logFile,
  env: extraEnv = {},
  online = false,
}) {
  if (!fs.existsSync(program)) throw new Error(`${program} does not exist: build the localvoice target first`);
  const args = [
    'serve',
    '--port',
    '0',
    '--log-format',
    'json',
    '--data-dir',
    dataDir,
    '--web-root',
    webRoot,
    '--vad',
    vad,
    '--stt',
    'pocketsphinx:en-us',
    '--tts',
    'flite:slt',
    ...(llm ? ['--llm', `llama:${llm}`] : []),
    ...(online || extraArgs.includes('--offline') ? [] : ['--offline']),
    ...extraArgs,
  ];
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(dataDir, 'config') };
  for (const [name, value] of Object.entries(extraEnv)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = logFile ? fs.createWriteStream(logFile) : null;
  const lines = [];
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" log line within 20 s:\n${lines.join('\n')}`)),
      20000,
    );
    const onData = (chunk) => {
      log?.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        try {
          const entry = JSON.parse(line);
          if ((entry.msg ?? entry.message) === 'listening' && entry.port) {
            clearTimeout(timer);
            resolve(Number(entry.port));
          }
        } catch {
          // not a JSON line
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`localvoice serve exited with ${code}:\n${lines.join('\n')}`));
    });
  });
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.on('data', (chunk) => log?.write(chunk));
  child.stderr.on('data', (chunk) => log?.write(chunk));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    async waitReady(timeoutMs = 60000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        try {
          const response = await fetch(`${url}/ready`);
          if (response.ok) return response.json();
        } catch {
          // not up yet
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${url}/ready did not answer 200 within ${timeoutMs} ms`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 8000);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      log?.end();
    },
  };
}

// Headless Chromium with `wavFile` as the microphone (played once, from when the page opens the device).
export async function launchBrowser(wavFile) {
  const { chromium } = playwright();
  return chromium.launch({
    executablePath: process.env.LV_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavFile}%noloop`,
      '--autoplay-policy=no-user-gesture-required',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

// Polls `probe` in the page until it returns a truthy value; throws with `what` on timeout.
export async function waitInPage(page, what, probe, arg, timeoutMs = 30000) {
  try {
    const handle = await page.waitForFunction(probe, arg, { timeout: timeoutMs, polling: 50 });
    return await handle.jsonValue();
  } catch (error) {
    const state = await page.evaluate(() => {
      const lv = window.__localvoice;
      if (!lv) return null;
      const turns = lv.conversation.turns.map((t) => ({
        ...t,
        replyText: t.replyText.length,
        sentences: t.sentences.length,
        heardText: t.heardText?.length,
      }));
      return {
        events: lv.events.slice(-60),
        agentState: lv.conversation.agentState,
        turns,
        errors: lv.conversation.errors,
        playback: lv.playback,
      };
    });
    throw new Error(
      `timed out waiting for ${what} (${timeoutMs} ms). Page state: ${JSON.stringify(state, null, 1).slice(0, 8000)}\n${error.message}`,
    );
  }
}
