// Model downloads started from the page: the progress stream of GET /v1/models/pull (server-sent events) as
// a pure reducer, the numbers the downloads view shows (sizes, rates, time left), and when to offer the
// Download button.

import type { Catalog, CatalogModel } from './api';

export interface FileProgress {
  model: string;
  file: string;
  haveBytes: number;
  totalBytes: number;
  bytesPerS: number;
  etaS: number | null;
  done: boolean;
}

// idle: nothing asked or running; starting: asked, the server has not reported yet; pulling: files arrive;
// done: every model is in place; error: the download stopped (see `error`).
export type PullPhase = 'idle' | 'starting' | 'pulling' | 'done' | 'error';

export interface Downloads {
  phase: PullPhase;
  profile: string;
  models: string[]; // in the order they were named or started
  files: FileProgress[];
  error: { problem: string; fix: string } | null;
}

export type PullEvent =
  | { type: 'requested'; profile?: string; missing?: string[] } // POST /v1/models/pull answered 202
  | { type: 'progress'; progress: FileProgress }
  | { type: 'idle' }
  | { type: 'done'; profile?: string }
  | { type: 'error'; message: string; fix?: string };

export function newDownloads(): Downloads {
  return { phase: 'idle', profile: '', models: [], files: [], error: null };
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// One `progress` event's data, read defensively.
export function parseProgress(data: unknown): FileProgress | null {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof d.model !== 'string' || d.model === '') return null;
  const eta = finite(d.eta_s);
  return {
    model: d.model,
    file: typeof d.file === 'string' ? d.file : '',
    haveBytes: Math.max(0, finite(d.have_bytes) ?? 0),
    totalBytes: Math.max(0, finite(d.total_bytes) ?? 0),
    bytesPerS: Math.max(0, finite(d.bytes_per_s) ?? 0),
    etaS: eta !== null && eta >= 0 ? eta : null,
    done: d.done === true,
  };
}

// "cannot download x: offline (connect to the network and retry)" -> the problem and the fix apart: the
// server's Error::full_message puts the fix in the last parentheses.
export function splitFix(message: string): { problem: string; fix: string } {
  const text = message.trim();
  if (!text.endsWith(')')) return { problem: text, fix: '' };
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) {
      const problem = text.slice(0, i).trim();
      return problem ? { problem, fix: text.slice(i + 1, -1).trim() } : { problem: text, fix: '' };
    }
  }
  return { problem: text, fix: '' };
}

export function applyPull(state: Downloads, event: PullEvent): Downloads {
  switch (event.type) {
    case 'requested': {
      const models = [...state.models];
      for (const name of event.missing ?? []) if (!models.includes(name)) models.push(name);
      // A new request after a finished or failed one starts a fresh list of files.
      const fresh = state.phase === 'done' || state.phase === 'error' || state.phase === 'idle';
      return {
        phase: state.phase === 'pulling' ? 'pulling' : 'starting',
        profile: event.profile ?? state.profile,
        models: fresh ? [...(event.missing ?? [])] : models,
        files: fresh ? [] : state.files,
        error: null,
      };
    }
    case 'progress': {
      const p = event.progress;
      const files = state.files.filter((f) => !(f.model === p.model && f.file === p.file));
      const at = state.files.findIndex((f) => f.model === p.model && f.file === p.file);
      if (at >= 0) files.splice(at, 0, p);
      else files.push(p);
      const models = state.models.includes(p.model) ? state.models : [...state.models, p.model];
      return { ...state, phase: 'pulling', models, files, error: null };
    }
    case 'idle':
      // Nothing runs on the server. After a request that only means it has not begun yet.
      return state.phase === 'starting' ? state : { ...state, phase: state.phase === 'pulling' ? 'idle' : state.phase };
    case 'done':
      return {
        ...state,
        phase: 'done',
        profile: event.profile ?? state.profile,
        files: state.files.map((f) => ({ ...f, haveBytes: Math.max(f.haveBytes, f.totalBytes), done: true, etaS: 0 })),
        error: null,
      };
    case 'error': {
      const split = event.fix !== undefined ? { problem: event.message, fix: event.fix } : splitFix(event.message);
      return { ...state, phase: 'error', error: split };
    }
  }
}

export function downloading(state: Downloads): boolean {
  return state.phase === 'starting' || state.phase === 'pulling';
}

export interface ModelRow {
  name: string;
  description: string;
  license: string;
  sizeBytes: number; // the catalog's, else what the files announce
  haveBytes: number;
  bytesPerS: number;
  etaS: number | null;
  done: boolean;
  started: boolean;
}

// One row per model of the download, its files summed, with what the catalog says of it.
export function modelRows(state: Downloads, catalog: CatalogModel[]): ModelRow[] {
  return state.models.map((name) => {
    const info = catalog.find((m) => m.name === name);
    const files = state.files.filter((f) => f.model === name);
    const announced = files.reduce((sum, f) => sum + f.totalBytes, 0);
    const sizeBytes = Math.max(info?.sizeBytes ?? 0, announced);
    const haveBytes = Math.min(
      files.reduce((sum, f) => sum + f.haveBytes, 0),
      sizeBytes || Number.MAX_SAFE_INTEGER,
    );
    const active = files.filter((f) => !f.done);
    const stopped = state.phase === 'error' || state.phase === 'idle'; // no rate, no time left
    const bytesPerS = stopped ? 0 : active.reduce((sum, f) => sum + f.bytesPerS, 0);
    const done = state.phase === 'done' || (files.length > 0 && active.length === 0 && haveBytes >= sizeBytes);
    return {
      name,
      description: info?.description ?? '',
      license: info?.license ?? '',
      sizeBytes,
      haveBytes: done ? sizeBytes : haveBytes,
      bytesPerS: done ? 0 : bytesPerS,
      etaS: done
        ? 0
        : stopped
          ? null
          : timeLeft(
              sizeBytes - haveBytes,
              bytesPerS,
              active.map((f) => f.etaS),
            ),
      done,
      started: files.length > 0,
    };
  });
}

export interface Totals {
  sizeBytes: number;
  haveBytes: number;
  bytesPerS: number;
  etaS: number | null;
  fraction: number; // 0..1
}

export function totals(rows: ModelRow[]): Totals {
  const sizeBytes = rows.reduce((sum, r) => sum + r.sizeBytes, 0);
  const haveBytes = rows.reduce((sum, r) => sum + r.haveBytes, 0);
  const bytesPerS = rows.reduce((sum, r) => sum + r.bytesPerS, 0);
  const allDone = rows.length > 0 && rows.every((r) => r.done);
  return {
    sizeBytes,
    haveBytes,
    bytesPerS,
    etaS: allDone ? 0 : timeLeft(sizeBytes - haveBytes, bytesPerS, []),
    fraction: allDone ? 1 : sizeBytes > 0 ? Math.min(1, haveBytes / sizeBytes) : 0,
  };
}

// Seconds until `remaining` bytes arrive at `rate`; the server's own estimates win when it sent them.
function timeLeft(remaining: number, rate: number, serverEtas: (number | null)[]): number | null {
  const known = serverEtas.filter((e): e is number => e !== null);
  if (known.length > 0) return Math.max(...known);
  if (remaining <= 0) return 0;
  return rate > 0 ? remaining / rate : null;
}

// What the page offers for the recommended models: nothing (all installed), the Download button, advice to
// start without --offline, or the download under way.
export type DownloadOffer = 'none' | 'button' | 'offline' | 'downloading';

export function downloadOffer(catalog: Catalog | null, state: Downloads): DownloadOffer {
  if (downloading(state)) return 'downloading';
  if (!catalog || catalog.missing.length === 0) return 'none';
  if (state.phase === 'done') return 'none'; // the catalog read before the download finished is stale
  return catalog.offline ? 'offline' : 'button';
}

// The roles (engine kinds) of the recommended models that are missing: their banner lines get the button.
export function missingRoles(catalog: Catalog | null): Set<string> {
  const roles = new Set<string>();
  for (const name of catalog?.missing ?? []) {
    const role = catalog?.models.find((m) => m.name === name)?.role;
    if (role) roles.add(role);
  }
  return roles;
}

export function offlineAdvice(catalog: Catalog): string {
  const size = catalog.missingBytes > 0 ? ` (${formatBytes(catalog.missingBytes)})` : '';
  return `Downloads are off: to get the recommended models${size}, start LocalVoice without --offline (and without HF_HUB_OFFLINE=1).`;
}

// 1117320736 -> "1.1 GB"; decimal units, as download sites show them.
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  // Rounding can carry into the next unit: 999.96 kB is 1.0 MB.
  if (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatRate(bytesPerS: number): string {
  return Number.isFinite(bytesPerS) && bytesPerS > 0 ? `${formatBytes(bytesPerS)}/s` : '';
}

// Time left, coarser as it grows: "less than a second", "40 s", "3 min 20 s", "25 min", "2 h 5 min".
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'less than a second';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 600) {
    const rest = s % 60;
    return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${s / 60} min`;
  }
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const min = Math.round((s % 3600) / 60);
  return min ? `${h} h ${min} min` : `${h} h`;
}

// "34 MB of 1.1 GB · 12 MB/s · 1 min 30 s left"
export function progressLine(have: number, size: number, rate: number, eta: number | null, done: boolean): string {
  if (done) return `${formatBytes(size)} — done`;
  const parts = [size > 0 ? `${formatBytes(have)} of ${formatBytes(size)}` : formatBytes(have)];
  const speed = formatRate(rate);
  if (speed) parts.push(speed);
  const left = formatEta(eta);
  if (left && eta !== 0) parts.push(`${left} left`);
  return parts.join(' · ');
}

// Follows GET /v1/models/pull until its terminal event (idle, done or error), then closes it: the stream
// ends there and EventSource would reconnect by itself. `lost` is called when it broke off before that.
export function watchPull(onEvent: (event: PullEvent) => void, lost: () => void = () => undefined): () => void {
  if (typeof EventSource === 'undefined') return () => undefined;
  const source = new EventSource('/v1/models/pull');
  let finished = false;
  const end = (event: PullEvent): void => {
    finished = true;
    source.close();
    onEvent(event);
  };
  const data = (event: Event): unknown => {
    try {
      return JSON.parse((event as MessageEvent<string>).data);
    } catch {
      return {};
    }
  };
  source.addEventListener('progress', (event) => {
    const progress = parseProgress(data(event));
    if (progress) onEvent({ type: 'progress', progress });
  });
  source.addEventListener('idle', () => end({ type: 'idle' }));
  source.addEventListener('done', (event) => {
    const profile = (data(event) as { profile?: unknown }).profile;
    end({ type: 'done', ...(typeof profile === 'string' ? { profile } : {}) });
  });
  // A server-sent `error` event carries data; the EventSource's own error (connection lost) does not.
  source.addEventListener('error', (event) => {
    const message = (event as MessageEvent<string>).data;
    if (typeof message === 'string' && message) {
      const body = data(event) as { message?: unknown };
      end({ type: 'error', message: typeof body.message === 'string' ? body.message : 'the download failed' });
    } else if (!finished) {
      finished = true;
      source.close();
      lost();
    }
  });
  return () => {
    finished = true;
    source.close();
  };
}

export interface PlannedLine {
  text: string;
  download: 'button' | 'downloading' | null; // what follows the text: the Download button, or "downloading…"
}

// The engines banner: one line per degraded engine, the Download button on the lines a recommended model
// would fix, and a closing line when the button found no line to sit on or downloads are off.
export function planEngineBanner(
  lines: { kind: string | null; text: string }[],
  catalog: Catalog | null,
  state: Downloads,
): PlannedLine[] {
  if (lines.length === 0) return [];
  const offer = downloadOffer(catalog, state);
  const roles = missingRoles(catalog);
  const planned: PlannedLine[] = lines.map((line) => ({
    text: line.text,
    download:
      line.kind !== null && roles.has(line.kind) && (offer === 'button' || offer === 'downloading') ? offer : null,
  }));
  const placed = planned.some((line) => line.download !== null);
  if (!placed && (offer === 'button' || offer === 'downloading') && catalog) {
    planned.push({
      text: `Recommended models are not installed (${formatBytes(catalog.missingBytes)})`,
      download: offer,
    });
  }
  if (offer === 'offline' && catalog) planned.push({ text: offlineAdvice(catalog), download: null });
  return planned;
}
