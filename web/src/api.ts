// The HTTP endpoints the page reads besides the realtime socket (/ready, /v1/history, /v1/audio/voices),
// read defensively: fields may be missing while the server side grows.

export interface EngineState {
  kind: string;
  url: string;
  state: string;
  detail: string;
}

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

function asEngines(value: unknown): EngineState[] {
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
    .map((e) => ({ kind: str(e.kind), url: str(e.url), state: str(e.state, 'unknown'), detail: str(e.detail) }));
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
