import { describe, expect, it } from 'vitest';

import type { Catalog } from '../src/api';
import {
  type Downloads,
  type PullEvent,
  applyPull,
  downloadOffer,
  formatBytes,
  formatEta,
  formatRate,
  missingRoles,
  modelRows,
  newDownloads,
  offlineAdvice,
  parseProgress,
  planEngineBanner,
  progressLine,
  splitFix,
  totals,
} from '../src/model-downloads';
import { LLM, llmModel } from './fixtures/catalog';

const VAD = 'silero:v5';

function catalog(over: Partial<Catalog> = {}): Catalog {
  return {
    profile: 'small',
    offline: false,
    models: [
      llmModel,
      {
        name: VAD,
        role: 'vad',
        description: 'Silero VAD',
        license: 'MIT',
        sizeBytes: 2_000_000,
        installed: false,
        recommended: true,
      },
      {
        name: 'whisper:base.en',
        role: 'stt',
        description: '',
        license: 'MIT',
        sizeBytes: 1,
        installed: true,
        recommended: true,
      },
    ],
    missing: [LLM, VAD],
    missingBytes: 1_002_000_000,
    ...over,
  };
}

const progress = (model: string, have: number, total: number, rate = 0, eta: number | null = null, done = false) =>
  ({
    type: 'progress',
    progress: { model, file: `${model}.bin`, haveBytes: have, totalBytes: total, bytesPerS: rate, etaS: eta, done },
  }) as PullEvent;

const play = (events: PullEvent[], from: Downloads = newDownloads()) => events.reduce(applyPull, from);

describe('formatting', () => {
  it('says sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(2327524)).toBe('2.3 MB');
    expect(formatBytes(77704715)).toBe('78 MB');
    expect(formatBytes(1117320736)).toBe('1.1 GB');
    expect(formatBytes(454944)).toBe('455 kB');
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(-1)).toBe('');
    expect(formatBytes(Number.NaN)).toBe('');
  });

  it('says rates per second, and nothing before there is one', () => {
    expect(formatRate(12_400_000)).toBe('12 MB/s');
    expect(formatRate(0)).toBe('');
    expect(formatRate(Number.POSITIVE_INFINITY)).toBe('');
  });

  it('says the time left coarser as it grows', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(-3)).toBe('');
    expect(formatEta(0.4)).toBe('less than a second');
    expect(formatEta(41.2)).toBe('42 s');
    expect(formatEta(200)).toBe('3 min 20 s');
    expect(formatEta(180)).toBe('3 min');
    expect(formatEta(1500)).toBe('25 min');
    expect(formatEta(7500)).toBe('2 h 5 min');
    expect(formatEta(7200)).toBe('2 h');
  });

  it('puts a progress line together', () => {
    expect(progressLine(34_000_000, 1_100_000_000, 12_000_000, 90, false)).toBe(
      '34 MB of 1.1 GB · 12 MB/s · 1 min 30 s left',
    );
    expect(progressLine(0, 1_100_000_000, 0, null, false)).toBe('0 B of 1.1 GB');
    expect(progressLine(5, 1_100_000_000, 0, 0, true)).toBe('1.1 GB — done');
  });
});

describe('parsing the progress stream', () => {
  it('reads a progress event and refuses one without a model', () => {
    expect(
      parseProgress({
        model: LLM,
        file: 'q.gguf',
        have_bytes: 10,
        total_bytes: 20,
        bytes_per_s: 5,
        eta_s: 2,
        done: false,
      }),
    ).toEqual({ model: LLM, file: 'q.gguf', haveBytes: 10, totalBytes: 20, bytesPerS: 5, etaS: 2, done: false });
    expect(parseProgress({ model: LLM, have_bytes: 'x', eta_s: -1 })).toMatchObject({
      haveBytes: 0,
      etaS: null,
      file: '',
    });
    expect(parseProgress({ file: 'x' })).toBeNull();
    expect(parseProgress(null)).toBeNull();
  });

  it('takes the fix out of the last parentheses of a server message', () => {
    expect(
      splitFix(
        'cannot download llama:x: the machine appears to be offline (connect timed out) (connect to the network and retry)',
      ),
    ).toEqual({
      problem: 'cannot download llama:x: the machine appears to be offline (connect timed out)',
      fix: 'connect to the network and retry',
    });
    expect(splitFix('disk full')).toEqual({ problem: 'disk full', fix: '' });
    expect(splitFix('(only a fix)')).toEqual({ problem: '(only a fix)', fix: '' });
    expect(splitFix('broken)')).toEqual({ problem: 'broken)', fix: '' });
  });
});

describe('the download reducer', () => {
  it('follows a download from the request to done', () => {
    let state = play([{ type: 'requested', profile: 'small', missing: [LLM, VAD] }]);
    expect(state.phase).toBe('starting');
    expect(state.models).toEqual([LLM, VAD]);
    state = play([{ type: 'idle' }], state);
    expect(state.phase).toBe('starting'); // the server had not begun yet
    state = play([progress(VAD, 1_000_000, 2_000_000, 500_000, 2), progress(LLM, 0, 1_000_000_000)], state);
    expect(state.phase).toBe('pulling');
    expect(state.files.map((f) => f.model)).toEqual([VAD, LLM]);
    state = play(
      [progress(VAD, 2_000_000, 2_000_000, 0, 0, true), progress(LLM, 250_000_000, 1_000_000_000, 10_000_000)],
      state,
    );
    expect(state.files.map((f) => f.model)).toEqual([VAD, LLM]); // updated in place
    expect(state.files[0].done).toBe(true);
    state = play([{ type: 'done', profile: 'small' }], state);
    expect(state.phase).toBe('done');
    expect(state.files.every((f) => f.done && f.haveBytes === f.totalBytes)).toBe(true);
  });

  it('adds models it hears of from the stream (a download the server started by itself)', () => {
    const state = play([progress(LLM, 5, 10)]);
    expect(state.phase).toBe('pulling');
    expect(state.models).toEqual([LLM]);
  });

  it('keeps the error in plain words with its fix, and starts afresh on a new request', () => {
    let state = play([
      { type: 'requested', missing: [LLM] },
      progress(LLM, 5, 10),
      { type: 'error', message: 'cannot download llama:x: HTTP 404 (check HF_ENDPOINT)' },
    ]);
    expect(state.phase).toBe('error');
    expect(state.error).toEqual({ problem: 'cannot download llama:x: HTTP 404', fix: 'check HF_ENDPOINT' });
    state = play([{ type: 'error', message: 'offline', fix: 'start LocalVoice without --offline' }], state);
    expect(state.error).toEqual({ problem: 'offline', fix: 'start LocalVoice without --offline' });
    state = play([{ type: 'requested', missing: [VAD] }], state);
    expect(state).toMatchObject({ phase: 'starting', models: [VAD], files: [], error: null });
  });

  it('an idle stream without a request changes nothing', () => {
    expect(play([{ type: 'idle' }]).phase).toBe('idle');
  });
});

describe('rows and totals', () => {
  it('sums each model with its size and licence from the catalog', () => {
    const state = play([
      { type: 'requested', missing: [LLM, VAD] },
      progress(VAD, 2_000_000, 2_000_000, 0, 0, true),
      progress(LLM, 250_000_000, 1_000_000_000, 10_000_000),
    ]);
    const rows = modelRows(state, catalog().models);
    expect(rows[0]).toMatchObject({
      name: LLM,
      license: 'Apache-2.0',
      sizeBytes: 1_000_000_000,
      haveBytes: 250_000_000,
    });
    expect(rows[0].etaS).toBe(75); // 750 MB at 10 MB/s, the server sent no estimate
    expect(rows[0].done).toBe(false);
    expect(rows[1]).toMatchObject({ name: VAD, license: 'MIT', done: true, etaS: 0, bytesPerS: 0 });
    const sum = totals(rows);
    expect(sum.sizeBytes).toBe(1_002_000_000);
    expect(sum.haveBytes).toBe(252_000_000);
    expect(sum.bytesPerS).toBe(10_000_000);
    expect(sum.etaS).toBe(75);
    expect(sum.fraction).toBeCloseTo(252 / 1002);
  });

  it('prefers the server estimate and waits for models not started', () => {
    const state = play([{ type: 'requested', missing: [LLM, VAD] }, progress(LLM, 10, 1_000_000_000, 5, 42)]);
    const rows = modelRows(state, catalog().models);
    expect(rows[0].etaS).toBe(42);
    expect(rows[1]).toMatchObject({ started: false, haveBytes: 0, sizeBytes: 2_000_000 });
    expect(totals([]).fraction).toBe(0);
  });

  it('shows no rate or time left once the download stopped', () => {
    const state = play([
      { type: 'requested', missing: [LLM] },
      progress(LLM, 10, 1_000_000_000, 5, 42),
      { type: 'error', message: 'disk full (free some space)' },
    ]);
    const [row] = modelRows(state, catalog().models);
    expect(row).toMatchObject({ haveBytes: 10, bytesPerS: 0, etaS: null, done: false });
    expect(totals([row]).etaS).toBeNull();
  });

  it('is complete when done', () => {
    const state = play([{ type: 'requested', missing: [LLM] }, { type: 'done' }]);
    const sum = totals(modelRows(state, catalog().models));
    expect(sum).toMatchObject({ fraction: 1, etaS: 0, haveBytes: 1_000_000_000 });
  });
});

describe('when to offer the Download button', () => {
  it('offers it when recommended models are missing and the server may download', () => {
    expect(downloadOffer(catalog(), newDownloads())).toBe('button');
    expect(downloadOffer(catalog({ missing: [], missingBytes: 0 }), newDownloads())).toBe('none');
    expect(downloadOffer(null, newDownloads())).toBe('none');
  });

  it('gives advice instead when the server is offline', () => {
    const offline = catalog({ offline: true });
    expect(downloadOffer(offline, newDownloads())).toBe('offline');
    expect(offlineAdvice(offline)).toMatch(/start LocalVoice without --offline/);
    expect(offlineAdvice(offline)).toMatch(/1\.0 GB/);
  });

  it('says downloading while it runs, offers it again after an error, and not after done', () => {
    const running = play([{ type: 'requested', missing: [LLM] }]);
    expect(downloadOffer(catalog(), running)).toBe('downloading');
    expect(downloadOffer(catalog(), play([{ type: 'error', message: 'x' }], running))).toBe('button');
    expect(downloadOffer(catalog(), play([{ type: 'done' }], running))).toBe('none');
  });

  it('knows the engines the missing models are for', () => {
    expect([...missingRoles(catalog())].sort()).toEqual(['llm', 'vad']);
    expect(missingRoles(null).size).toBe(0);
  });

  it('puts the button on the lines the download fixes', () => {
    const lines = [
      { kind: 'vad', text: 'Voice detection: basic (the Silero model is not installed)' },
      { kind: 'llm', text: 'Language model: not installed — answers come from your documents only' },
      { kind: 'tts', text: 'Spoken replies: failed' },
    ];
    expect(planEngineBanner(lines, catalog(), newDownloads())).toEqual([
      { text: lines[0].text, download: 'button' },
      { text: lines[1].text, download: 'button' },
      { text: lines[2].text, download: null },
    ]);
    const running = play([{ type: 'requested', missing: [LLM] }]);
    expect(planEngineBanner(lines, catalog(), running).map((l) => l.download)).toEqual([
      'downloading',
      'downloading',
      null,
    ]);
    expect(planEngineBanner([], catalog(), newDownloads())).toEqual([]);
  });

  it('adds a line of its own when no line is about a missing model, and advice when offline', () => {
    const lines = [{ kind: 'tts', text: 'Spoken replies: failed' }];
    const planned = planEngineBanner(lines, catalog(), newDownloads());
    expect(planned).toHaveLength(2);
    expect(planned[1]).toEqual({ text: 'Recommended models are not installed (1.0 GB)', download: 'button' });
    const offline = planEngineBanner(
      [{ kind: 'llm', text: 'Language model: not installed' }],
      catalog({ offline: true }),
      newDownloads(),
    );
    expect(offline.map((l) => l.download)).toEqual([null, null]);
    expect(offline[1].text).toMatch(/without --offline/);
    expect(planEngineBanner(lines, null, newDownloads())).toEqual([{ text: lines[0].text, download: null }]);
  });
});
