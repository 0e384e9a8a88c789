import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  closePortalInBrowser,
  openPortalInBrowser,
  type PortalSystem,
  signIn,
} from './support';

/**
 * Issue 17 line 9, in Chromium: a number that rang the hotline four times within the hour files a complaint; the
 * agent sees "Repeat caller" on it in the queue and on the complaint page, and the queue's "Repeat callers only"
 * filter keeps it while leaving out a complaint from a first-time caller.
 */
describe('the repeat-caller flag in the portal', () => {
  let system: PortalSystem;
  let browser: Browser;
  let page: Page;

  async function phone(path: string, body?: unknown): Promise<Record<string, any>> {
    const res = await fetch(`${system.runtime.url}/local/phone/calls${path}`, {
      method: body === undefined && !path.endsWith('hangup') ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as Record<string, any>;
  }

  async function fileByKeypad(from: string): Promise<string> {
    const { callId } = await phone('', { from });
    for (const digits of ['1', '3', '1']) await phone(`/${callId}/keys`, { digits });
    const call = await phone(`/${callId}`);
    await phone(`/${callId}/hangup`, {});
    expect(call.attributes?.ticketNumber).toMatch(/^\d+$/);
    return call.attributes.ticketNumber as string;
  }

  let repeated = '';
  let firstTime = '';

  beforeAll(async () => {
    ({ system, browser, page } = await openPortalInBrowser());
    for (let i = 0; i < 3; i++) {
      const { callId } = await phone('', { from: '+12025550177' });
      await phone(`/${callId}/hangup`, {});
    }
    repeated = await fileByKeypad('+12025550177');
    firstTime = await fileByKeypad('+12025550188');
    await system.runtime.settled();
  });
  afterAll(() => closePortalInBrowser({ system, browser }));

  it('shows the flag in the queue and on the complaint, and filters by it', async () => {
    await signIn(page, system.url, 'alice', 'agent');
    const row = page.locator(`tr[data-ticket="${repeated}"]`);
    await row.waitFor();
    await expect(row.getByTestId('repeat-caller').textContent()).resolves.toBe('Repeat caller');
    await expect(
      page.locator(`tr[data-ticket="${firstTime}"]`).getByTestId('repeat-caller').count(),
    ).resolves.toBe(0);

    await page.getByLabel('Repeat callers only').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator(`tr[data-ticket="${firstTime}"]`).waitFor({ state: 'detached' });
    await expect(page.locator(`tr[data-ticket="${repeated}"]`).count()).resolves.toBe(1);
    expect(new URL(page.url()).searchParams.get('repeatCaller')).toBe('true');

    await page.goto(`${system.url}/complaints/${repeated}`);
    await page.getByRole('heading', { name: `Complaint ${repeated}` }).waitFor();
    await expect(page.getByTestId('repeat-caller').textContent()).resolves.toBe('Repeat caller');
  });
});
