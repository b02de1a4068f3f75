// The HTTP endpoints the page reads besides the realtime socket (/ready, /v1/history, /v1/audio/voices,
// /v1/models/catalog, POST /v1/models/pull), read defensively: fields may be missing while the server grows.

export interface EngineState {
  kind: string;
  url: string;
  state: string;
  detail: string;
  summary: string; // short and human ("not installed"); empty from servers that do not send it
}

export interface CatalogModel {
  name: string;
  role: string;
  description: string;
  license: string;
  sizeBytes: number;
  installed: boolean;
  recommended: boolean;
}

export interface Catalog {
  profile: string;
  offline: boolean; // started with --offline or HF_HUB_OFFLINE=1: the server downloads nothing
  models: CatalogModel[];
  missing: string[]; // recommended models that are not installed
  missingBytes: number;
}

// What POST /v1/models/pull answered: the download runs ("pulling"), nothing was missing ("done"), or it was
// refused (offline, or any other error) with the server's words.
export type PullStart =
  | { state: 'pulling' | 'done'; profile: string; missing: string[] }
  | { state: 'refused'; code: string; message: string };

export interface Readiness {
  ready: boolean;
  engines: EngineState[];
}

export interface HistorySummary {
  id: string;
  startedAtMs: number;
  turnCount: number;
  title: string;
}

export interface HistoryTurn {
  turn: number;
  userText: string;
  assistantText: string;
  interrupted: boolean;
  status: string;
  endToEndMs: number | null;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function asEngines(value: unknown): EngineState[] {
  // Either a list of {kind, ...} or an object keyed by kind.
  const list: unknown[] = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? Object.entries(value).map(([kind, v]) => ({
          kind,
          ...(typeof v === 'object' && v !== null ? v : { state: v }),
        }))
      : [];
  return list
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      kind: str(e.kind),
      url: str(e.url),
      state: str(e.state, 'unknown'),
      detail: str(e.detail),
      summary: str(e.summary),
    }));
}

export async function fetchReadiness(fetchImpl: typeof fetch = fetch): Promise<Readiness> {
  const response = await fetchImpl('/ready', { cache: 'no-store' });
  const body: unknown = await response.json().catch(() => ({}));
  const engines = asEngines((body as { engines?: unknown }).engines);
  return { ready: response.ok, engines };
}

export function parseHistoryList(body: unknown): HistorySummary[] {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data)) return [];
  return data
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      id: String(e.id ?? ''),
      startedAtMs: num(e.started_at_ms) ?? 0,
      turnCount: num(e.turn_count) ?? 0,
      title: str(e.title),
    }))
    .filter((e) => e.id !== '');
}

export function parseHistoryTurns(body: unknown): HistoryTurn[] {
  const turns = (body as { turns?: unknown })?.turns;
  if (!Array.isArray(turns)) return [];
  return turns
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e, i) => ({
      turn: num(e.turn) ?? i + 1,
      userText: str(e.user_text),
      assistantText: str(e.assistant_text),
      interrupted: e.interrupted === true,
      status: str(e.status),
      endToEndMs: num(e.end_to_end_ms),
    }));
}

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`${path} answered ${response.status}`);
  }
  return response.json();
}

export async function fetchHistory(): Promise<HistorySummary[]> {
  return parseHistoryList(await getJson('/v1/history'));
}

export async function fetchConversation(id: string): Promise<HistoryTurn[]> {
  return parseHistoryTurns(await getJson(`/v1/history/${encodeURIComponent(id)}`));
}

export async function fetchVoices(): Promise<string[]> {
  const body = (await getJson('/v1/audio/voices')) as { data?: unknown; voices?: unknown };
  const list = Array.isArray(body?.data) ? body.data : Array.isArray(body?.voices) ? body.voices : [];
  return list
    .map((v: unknown) =>
      typeof v === 'string' ? v : str((v as { id?: unknown; name?: unknown })?.id ?? (v as { name?: unknown })?.name),
    )
    .filter((v: string) => v !== '');
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function parseCatalog(body: unknown): Catalog {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const models = (Array.isArray(b.models) ? b.models : [])
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null)
    .map((m) => ({
      name: str(m.name),
      role: str(m.role),
      description: str(m.description),
      license: str(m.license),
      sizeBytes: num(m.size_bytes) ?? 0,
      installed: m.installed === true,
      recommended: m.recommended === true,
    }))
    .filter((m) => m.name !== '');
  const missing = Array.isArray(b.missing)
    ? strings(b.missing)
    : models.filter((m) => m.recommended && !m.installed).map((m) => m.name);
  const missingBytes =
    num(b.missing_bytes) ?? models.filter((m) => missing.includes(m.name)).reduce((sum, m) => sum + m.sizeBytes, 0);
  return { profile: str(b.profile), offline: b.offline === true, models, missing, missingBytes };
}

export async function fetchCatalog(fetchImpl: typeof fetch = fetch): Promise<Catalog> {
  const response = await fetchImpl('/v1/models/catalog', { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`/v1/models/catalog answered ${response.status}`);
  }
  return parseCatalog(await response.json());
}

// The answer of POST /v1/models/pull, whatever its status.
export function parsePullStart(status: number, body: unknown): PullStart {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const state = str(b.state);
  if (status < 300 && (state === 'pulling' || state === 'done')) {
    return { state, profile: str(b.profile), missing: strings(b.missing) };
  }
  const error = (typeof b.error === 'object' && b.error !== null ? b.error : {}) as Record<string, unknown>;
  return {
    state: 'refused',
    code: str(error.code, status === 409 ? 'offline' : `http_${status}`),
    message: str(error.message, `the server answered ${status}`),
  };
}

export async function startPull(profile?: string, fetchImpl: typeof fetch = fetch): Promise<PullStart> {
  const response = await fetchImpl('/v1/models/pull', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(profile ? { profile } : {}),
  });
  return parsePullStart(response.status, await response.json().catch(() => ({})));
}
