// The engines banner and the model download behind its Download button: which engines are missing or limited
// (from /ready, the session's notes or engines.updated), the recommended models' catalog, and the download
// the page asked for, followed until it ends.

import { type Catalog, type EngineState, fetchCatalog, fetchReadiness, startPull } from '../api';
import { type BannerLine, linesFromEngines, linesFromNotes } from '../degraded';
import {
  type Downloads,
  type PullEvent,
  applyPull,
  downloadOffer,
  downloading,
  formatBytes,
  newDownloads,
  offlineAdvice,
  planEngineBanner,
  watchPull,
} from '../model-downloads';
import type { Banners } from './banner';
import { el } from './dom';
import { DownloadsView, downloadButton } from './downloads-view';
import type { SettingsDrawer } from './settings-drawer';

// What the banner needs from the page around it; the session itself stays the page's.
export interface EngineBannerHost {
  // Once a session is up, its own notes (and engines.updated) say which engines it has, not /ready.
  sessionReady(): boolean;
  connected(): boolean; // a session is open or opening
  restarted(): boolean; // the page reconnected at least once to use new engines
  announce(text: string): void;
}

// What the downloads view says once the models are in place: how they come into use from here.
export function readyNote(restarted: boolean, connected: boolean): string {
  if (restarted) return 'This conversation uses them now.';
  return connected ? 'They come into use as soon as the server has loaded them.' : 'Press Start to use them.';
}

export class EngineBanner {
  private engineLines: BannerLine[] = []; // what the banner says, before its Download buttons
  private catalogNow: Catalog | null = null;
  private downloadsNow: Downloads = newDownloads();
  private stopWatchingPull: (() => void) | null = null;
  private pullRetries = 0;
  private readonly downloadsView = new DownloadsView(() => void this.requestDownload());

  constructor(
    private readonly banners: Pick<Banners, 'set'>,
    private readonly drawer: Pick<SettingsDrawer, 'showEngines' | 'showDownloadOffer'>,
    private readonly host: EngineBannerHost,
  ) {}

  // Read-only, for the page's test hook.
  get catalog(): Catalog | null {
    return this.catalogNow;
  }

  get downloads(): Downloads {
    return this.downloadsNow;
  }

  // Starts watching the server: its readiness, and a download that may already run (the server starts one by
  // itself when recommended models are missing).
  start(): void {
    void this.watchReadiness();
    void this.refreshCatalog().then(() => {
      if (this.catalogNow && this.catalogNow.missing.length > 0 && !this.catalogNow.offline) this.followPull();
    });
  }

  // Polls /ready until the engines are loaded; shows what is missing meanwhile.
  private async watchReadiness(): Promise<void> {
    for (;;) {
      try {
        const readiness = await fetchReadiness();
        this.drawer.showEngines(readiness.engines, '');
        if (!this.host.sessionReady() && readiness.ready) {
          this.showEngineLines(linesFromEngines(readiness.engines));
        } else if (!this.host.sessionReady()) {
          this.banners.set('engines', 'info', ['The speech engines are still loading; Start will work in a moment.']);
        }
        if (readiness.ready) return;
      } catch {
        this.banners.set('engines', 'error', [
          'The LocalVoice server is not reachable. Is `localvoice serve` running?',
        ]);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  // Missing or failed engines, one short line each; optional ones that are simply not configured show in
  // Settings only.
  showDegraded(notes: string[]): void {
    this.showEngineLines(linesFromNotes(notes));
  }

  // The server swapped downloaded engines in: show what it has now. Reconnecting is the page's part.
  showUpdatedEngines(engines: EngineState[]): void {
    this.drawer.showEngines(engines, '');
    this.showEngineLines(linesFromEngines(engines));
    void this.refreshCatalog();
  }

  private showEngineLines(lines: BannerLine[]): void {
    this.engineLines = lines;
    this.render();
  }

  // The degraded banner and the settings drawer's offer, from the engine lines, the catalog and the download.
  private render(): void {
    const catalog = this.catalogNow;
    const size = catalog && catalog.missingBytes > 0 ? ` (${formatBytes(catalog.missingBytes)})` : '';
    const title = `Download recommended models${size}`;
    const planned = planEngineBanner(this.engineLines, catalog, this.downloadsNow);
    const lines = planned.map((line) => {
      const p = el('p', { class: 'engine-line' }, line.text);
      if (line.download === 'button') {
        p.append(
          ' — ',
          downloadButton(
            this.engineLines.length === planned.length ? 'Download' : title,
            title,
            () => void this.requestDownload(),
          ),
        );
      } else if (line.download === 'downloading') {
        p.append(' — ', el('span', { class: 'muted' }, 'downloading…'));
      }
      return p;
    });
    this.banners.set('engines', 'warning', lines.length > 0 ? ['Running with fewer features:', ...lines] : []);
    const offer = downloadOffer(catalog, this.downloadsNow);
    this.drawer.showDownloadOffer(
      offer === 'button'
        ? downloadButton(title, title, () => void this.requestDownload())
        : offer === 'offline' && catalog
          ? el('p', { class: 'muted' }, offlineAdvice(catalog))
          : offer === 'downloading'
            ? el('p', { class: 'muted' }, 'Downloading the recommended models…')
            : null,
    );
  }

  private async refreshCatalog(): Promise<void> {
    try {
      this.catalogNow = await fetchCatalog();
    } catch {
      return; // a server without the catalog endpoint: no Download button
    }
    this.render();
  }

  // The Download button: ask the server to fetch the recommended profile, then follow its progress.
  private async requestDownload(): Promise<void> {
    if (downloading(this.downloadsNow)) return;
    this.onPull({ type: 'requested', profile: this.catalogNow?.profile, missing: this.catalogNow?.missing ?? [] });
    let answer;
    try {
      answer = await startPull(this.catalogNow?.profile || undefined);
    } catch (error) {
      this.onPull({
        type: 'error',
        message: `The server could not be asked to download (${(error as Error).message}).`,
        fix: 'check that `localvoice serve` is running, then try again',
      });
      return;
    }
    if (answer.state === 'refused') {
      const offline = answer.code === 'offline';
      this.onPull({
        type: 'error',
        message: offline ? 'This server does not download models (it runs offline).' : answer.message,
        fix: offline ? 'start LocalVoice without --offline (and without HF_HUB_OFFLINE=1)' : undefined,
      });
      return;
    }
    if (answer.state === 'done') {
      this.onPull({ type: 'done', profile: answer.profile });
      return;
    }
    this.onPull({ type: 'requested', profile: answer.profile, missing: answer.missing });
    this.pullRetries = 0;
    this.followPull();
  }

  private followPull(): void {
    if (this.stopWatchingPull) return;
    this.stopWatchingPull = watchPull(
      (event) => {
        if (event.type === 'idle' || event.type === 'done' || event.type === 'error') this.stopWatchingPull = null;
        this.onPull(event);
        // Asked, but the server had not begun when the stream opened: look again shortly.
        if (event.type === 'idle' && this.downloadsNow.phase === 'starting') this.retryFollow();
      },
      () => {
        this.stopWatchingPull = null;
        if (downloading(this.downloadsNow)) this.retryFollow();
      },
    );
  }

  private retryFollow(): void {
    if (this.pullRetries++ > 30) {
      this.onPull({ type: 'error', message: 'Lost track of the download.', fix: 'reload the page to see how it went' });
      return;
    }
    setTimeout(() => this.followPull(), 1000);
  }

  private onPull(event: PullEvent): void {
    this.downloadsNow = applyPull(this.downloadsNow, event);
    this.showDownloads();
    this.render();
    if (event.type === 'done') {
      this.host.announce('The recommended models are ready.');
      // The server swaps the new engines in after the download: read what it has now, and again shortly.
      for (const delayMs of [0, 1500, 5000]) setTimeout(() => void this.refreshEngines(), delayMs);
    }
  }

  // The downloads view; shown again after a reconnection, whose note changes then.
  showDownloads(): void {
    const note = readyNote(this.host.restarted(), this.host.connected());
    this.downloadsView.show(this.downloadsNow, this.catalogNow?.models ?? [], note);
  }

  private async refreshEngines(): Promise<void> {
    await this.refreshCatalog();
    if (this.host.sessionReady()) return; // the session's own notes (and engines.updated) speak for it
    try {
      const readiness = await fetchReadiness();
      this.drawer.showEngines(readiness.engines, '');
      if (readiness.ready) this.showEngineLines(linesFromEngines(readiness.engines));
    } catch {
      // the server went away; watchReadiness said so at start-up, the connection banner does later
    }
  }
}
