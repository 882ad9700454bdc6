import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { repoRoot } from './inspector-server.js';

export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

/** Page objects per area of the UI; tests speak in user terms through these. */
export class InspectorPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByText('WebSocket Inspector')).toBeVisible();
  }

  async screenshot(name: string, target?: Locator): Promise<void> {
    mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${name}.png`);
    await (target ? target.screenshot({ path: file }) : this.page.screenshot({ path: file }));
  }

  readonly connect = {
    url: () => this.page.getByTestId('connect-url'),
    submit: () => this.page.getByTestId('connect-button'),
    to: async (url: string) => {
      await this.connect.url().fill(url);
      await this.connect.submit().click();
    },
  };

  readonly connections = {
    items: () => this.page.getByTestId('connection-item'),
    selected: () => this.page.locator('[data-testid="connection-item"][aria-pressed="true"]'),
    list: () => this.page.getByRole('navigation', { name: 'Connections' }),
  };

  readonly connection = {
    header: () => this.page.getByTestId('connection-header'),
    closeSummary: () => this.page.getByTestId('close-summary'),
    tabTraffic: () => this.page.getByTestId('tab-traffic'),
    tabHandshake: () => this.page.getByTestId('tab-handshake'),
  };

  readonly traffic = {
    table: () => this.page.getByRole('grid'),
    rows: () => this.page.getByTestId('frame-row'),
    rowsByDir: (dir: 'c2s' | 's2c') => this.page.locator(`[data-testid="frame-row"][data-dir="${dir}"]`),
    framesMode: () => this.page.getByTestId('mode-frames'),
    messagesMode: () => this.page.getByTestId('mode-messages'),
    showControl: () => this.page.getByTestId('show-control'),
    detail: () => this.page.getByTestId('detail-pane'),
  };

  readonly handshake = {
    panel: () => this.page.getByTestId('handshake-panel'),
    statusLine: () => this.page.getByTestId('status-line'),
    requestLine: () => this.page.getByTestId('request-line'),
    requestHeaders: () => this.page.getByRole('table', { name: 'Request headers' }),
    responseHeaders: () => this.page.getByRole('table', { name: 'Response headers' }),
    accept: () => this.page.getByTestId('accept-check'),
  };

  readonly composer = {
    root: () => this.page.getByRole('form', { name: 'Composer' }),
    input: () => this.page.getByTestId('composer-input'),
    send: () => this.page.getByTestId('send-button'),
    ping: () => this.page.getByTestId('ping-button'),
    closeCode: () => this.page.getByTestId('close-code'),
    closeReason: () => this.page.getByTestId('close-reason'),
    close: () => this.page.getByTestId('close-button'),
    sendText: async (text: string) => {
      await this.composer.input().fill(text);
      await this.composer.send().click();
    },
  };
}
