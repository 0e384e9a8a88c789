import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneWhereHourIs } from '../support/time-zones';
import {
  type Browser,
  closePortalInBrowser,
  openPortalInBrowser,
  type PortalSystem,
  signIn,
} from './support';

/**
 * The portal's Callbacks page, in Chromium: a callback booked for tomorrow morning is listed with its number,
 * reason, state and attempts; the agent cancels it there and the desk's API shows it cancelled. The
 * customers' time zone is one where it is 23:00 now, so the callback waits for calling hours (08:00) and is
 * still waiting when the agent cancels it, whatever the time of day the suite runs at.
 */
describe('the callbacks page', () => {
  let system: PortalSystem;
  let browser: Browser;
  let page: Page;
  let jobId = '';

  beforeAll(async () => {
    ({ system, browser, page } = await openPortalInBrowser({
      env: { CUSTOMER_TIME_ZONE: zoneWhereHourIs(23, new Date()) },
    }));
    const token = await system.runtime.token('bob', ['agent']);
    const booked = await fetch(`${system.url}/api/callbacks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+12025550166' }),
    });
    expect(booked.status).toBe(201);
    jobId = ((await booked.json()) as { jobId: string }).jobId;
    await system.runtime.settled();
  });
  afterAll(() => closePortalInBrowser({ system, browser }));

  it('lists the callback and cancels it', async () => {
    await signIn(page, system.url, 'alice', 'agent');
    await page.goto(`${system.url}/callbacks`);
    const row = page.locator(`tr[data-job="${jobId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('+12025550166');
    await expect(row.textContent()).resolves.toMatch(/caller request/);
    // Waiting for tomorrow's calling hours: a waiting job offers Cancel.
    expect(await row.getAttribute('data-state')).toBe('pending');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await page.locator(`tr[data-job="${jobId}"][data-state="cancelled"]`).waitFor();
    const token = await system.runtime.token('bob', ['agent']);
    const job = await fetch(`${system.url}/api/call-jobs/${jobId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await job.json()) as { state: string }).state).toBe('cancelled');
  });
});
