import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { type Catalog, type EngineState, fetchCatalog, fetchReadiness, startPull } from '../../src/api';
import { EngineBanner, readyNote } from '../../src/ui/engine-banner';
import { LLM, llmModel } from '../fixtures/catalog';

// The banner talks to the server only through these three; the tests answer for it.
vi.mock('../../src/api', () => ({ fetchCatalog: vi.fn(), fetchReadiness: vi.fn(), startPull: vi.fn() }));

// Just enough of the DOM for el(), byId() and the views: the tests run in node, without a browser.
class FakeElement {
  className = '';
  hidden = false;
  dataset: Record<string, string> = {};
  children: (FakeElement | string)[] = [];
  readonly attributes = new Map<string, string>();
  private readonly listeners: (() => void)[] = [];
  constructor(readonly tag: string) {}
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  append(...children: (FakeElement | string)[]): void {
    this.children.push(...children);
  }
  replaceChildren(...children: (FakeElement | string)[]): void {
    this.children = children;
  }
  addEventListener(_type: string, listener: () => void): void {
    this.listeners.push(listener);
  }
  click(): void {
    for (const listener of this.listeners) listener();
  }
  get text(): string {
    return this.children.map((child) => (typeof child === 'string' ? child : child.text)).join('');
  }
  find(tag: string): FakeElement | undefined {
    for (const child of this.children) {
      if (typeof child === 'string') continue;
      if (child.tag === tag) return child;
      const inner = child.find(tag);
      if (inner) return inner;
    }
    return undefined;
  }
}


const catalog: Catalog = {
  profile: 'small',
  offline: false,
  models: [
    llmModel,
  ],
  missing: [LLM],
  missingBytes: 1_000_000_000,
};

const llmAbsent: EngineState = { kind: 'llm', url: '', state: 'absent', detail: '', summary: 'not installed' };
const llmReady: EngineState = { ...llmAbsent, state: 'ready', summary: '' };

function setUp(sessionReady = false) {
  const banners = new Map<string, (string | FakeElement)[]>();
  const announced: string[] = [];
  const offers: (FakeElement | null)[] = [];
  const downloadsRoot = new FakeElement('section');
  vi.stubGlobal('document', {
    createElement: (tag: string) => new FakeElement(tag),
    getElementById: (id: string) => (id === 'downloads' ? downloadsRoot : null),
  });
  const banner = new EngineBanner(
    { set: (key, _kind, lines) => banners.set(key, lines as (string | FakeElement)[]) },
    {
      showEngines: () => undefined,
      showDownloadOffer: (content) => offers.push(content as FakeElement | null),
    },
    {
      sessionReady: () => sessionReady,
      connected: () => true,
      restarted: () => false,
      announce: (text) => announced.push(text),
    },
  );
  const engineLines = () => (banners.get('engines') ?? []).slice(1) as FakeElement[];
  return { banner, banners, announced, offers, downloadsRoot, engineLines };
}

// Lets the mocked fetches answer and the banner act on them.
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.mocked(fetchCatalog).mockResolvedValue(catalog);
  vi.mocked(fetchReadiness).mockResolvedValue({ ready: true, engines: [llmReady] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.resetAllMocks();
});

describe('readyNote', () => {
  it('says how the downloaded models come into use', () => {
    expect(readyNote(true, true)).toBe('This conversation uses them now.');
    expect(readyNote(false, true)).toBe('They come into use as soon as the server has loaded them.');
    expect(readyNote(false, false)).toBe('Press Start to use them.');
  });
});

describe('EngineBanner', () => {
  it('puts the Download button on the line a recommended model fixes', async () => {
    const { banner, banners, engineLines, offers } = setUp();
    banner.showUpdatedEngines([llmAbsent]);
    await settle();
    expect((banners.get('engines') ?? [])[0]).toBe('Running with fewer features:');
    const [line] = engineLines();
    expect(line.text).toBe('Language model: not installed — answers come from your documents only — Download');
    expect(line.find('button')?.attributes.get('title')).toBe('Download recommended models (1.0 GB)');
    expect(offers.at(-1)?.tag).toBe('button');
  });

  it('shows why the server refused to download, and how to fix it', async () => {
    vi.mocked(startPull).mockResolvedValue({ state: 'refused', code: 'offline', message: 'offline' });
    const { banner, engineLines, downloadsRoot } = setUp();
    banner.showUpdatedEngines([llmAbsent]);
    await settle();
    engineLines()[0].find('button')?.click();
    await settle();
    expect(startPull).toHaveBeenCalledWith('small');
    expect(banner.downloads.phase).toBe('error');
    expect(banner.downloads.error).toEqual({
      problem: 'This server does not download models (it runs offline).',
      fix: 'start LocalVoice without --offline (and without HF_HUB_OFFLINE=1)',
    });
    expect(downloadsRoot.hidden).toBe(false);
    expect(downloadsRoot.dataset.phase).toBe('error');
  });

  it('announces finished models and reads the engines again while no session speaks for them', async () => {
    vi.mocked(startPull).mockResolvedValue({ state: 'done', profile: 'small', missing: [] });
    const { banner, announced, engineLines } = setUp();
    banner.showUpdatedEngines([llmAbsent]);
    await settle();
    engineLines()[0].find('button')?.click();
    await settle();
    expect(announced).toEqual(['The recommended models are ready.']);
    expect(banner.downloads.phase).toBe('done');
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetchReadiness).toHaveBeenCalledTimes(3); // now, and twice more while the server swaps them in
    expect(engineLines()).toEqual([]); // the language model is ready now
  });

  it("shows the session's notes, leaving out optional engines that are simply not configured", () => {
    const { banner, engineLines } = setUp(true);
    banner.showDegraded(['llm: absent - none configured', 'embeddings: absent - none configured']);
    expect(engineLines().map((line) => line.text)).toEqual(['Language model: not installed (none configured)']);
  });

  it('leaves the engines to the session once it is up', async () => {
    vi.mocked(startPull).mockResolvedValue({ state: 'done', profile: 'small', missing: [] });
    const { banner, engineLines } = setUp(true);
    banner.showUpdatedEngines([llmAbsent]);
    await settle();
    engineLines()[0].find('button')?.click();
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetchReadiness).not.toHaveBeenCalled();
  });
});
