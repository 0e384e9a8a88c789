import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  closePortalInBrowser,
  openPortalInBrowser,
  type PortalSystem,
  screenshot,
  signIn,
  signOut,
} from './support';

/**
 * The scenario in Debian's Chromium against the local runtime: an agent registers,
 * dispatches, contacts and resolves a complaint; a supervisor sees a breach and the reports;
 * an agent cannot open the audit view, an admin can.
 */
describe('staff portal in a real browser', () => {
  let system: PortalSystem;
  let browser: Browser;
  let page: Page;
  let number = '';

  beforeAll(async () => {
    ({ system, browser, page } = await openPortalInBrowser());
  });
  afterAll(async () => {
    await closePortalInBrowser({ system, browser });
  });

  it('an agent signs in, registers a complaint after fixing a wrong phone number', async () => {
    await signIn(page, system.url, 'alice', 'agent');
    await page.getByRole('link', { name: 'Register a complaint' }).click();
    await page.getByLabel('Customer name').fill('Grace Hopper');
    await page.getByLabel('Phone number').fill('555-01');
    await page.getByLabel('Address (optional)').fill('7 Harbour Road');
    await page.getByLabel('Channel').selectOption('letter');
    await page.getByLabel('Category').selectOption('water_quality');
    await page.getByLabel('Severity').selectOption('very_dissatisfied');
    await page.getByLabel('What the customer says').fill('Brown water from the kitchen tap since Monday');
    await page.getByRole('button', { name: 'Register complaint' }).click();

    const phoneError = page.locator('#intake-phone-error');
    await phoneError.waitFor();
    expect(await phoneError.textContent()).toMatch(/not a phone number/);
    expect(await page.getByLabel('Phone number').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '01-intake-phone-error');

    await page.getByLabel('Phone number').fill('+1 555 123 0042');
    await page.getByRole('button', { name: 'Register complaint' }).click();
    const done = page.getByRole('status').filter({ hasText: 'registered' });
    await done.waitFor();
    number = /Complaint (\d+) registered/.exec((await done.textContent()) ?? '')?.[1] ?? '';
    expect(number).toMatch(/^\d{7,}$/);
    expect(await page.locator('#intake-phone-error').count()).toBe(0);
  });

  it('finds it in the queue with its countdown, then dispatches, contacts and resolves it', async () => {
    await page.getByRole('link', { name: 'Queue' }).click();
    const row = page.locator(`tr[data-ticket="${number}"]`);
    await row.waitFor();
    const countdown = await row.getByTestId('countdown').textContent();
    expect(countdown).toMatch(/due in \d+ min/);
    await screenshot(page, '02-queue');

    await row.getByRole('link', { name: number }).click();
    await page.getByRole('heading', { name: `Complaint ${number}` }).waitFor();
    await page.getByLabel('Department', { exact: true }).selectOption('network');
    await page.getByRole('button', { name: 'Dispatch to a department' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Dispatched/);

    await page.getByLabel('Outcome').selectOption('reached');
    await page.getByRole('button', { name: 'Record a contact attempt' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Contacted/);

    await page.getByLabel('Resolution', { exact: true }).fill('Flushed the service pipe; water tested clear');
    await page.getByLabel('What the customer agreed to').fill('Accepted, will call if it recurs');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Resolved/);
    await expect.poll(() => page.locator('.timeline').textContent()).toContain('Resolved');
    const timeline = await page.locator('.timeline').textContent();
    for (const step of ['Registered', 'Dispatched', 'Contact attempt', 'Personal data read'])
      expect(timeline).toContain(step);
    await screenshot(page, '03-complaint-resolved');
  });

  it('an agent cannot open the audit view', async () => {
    expect(await page.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await page.goto(`${system.url}/audit`);
    await page.getByText('Only admins may open the audit view.').waitFor();
    expect(await page.getByRole('button', { name: 'Show trail' }).count()).toBe(0);
    await screenshot(page, '04-audit-refused-agent');
    await signOut(page);
  });

  it('a supervisor sees a breach once a deadline has passed', async () => {
    const agent = await system.runtime.token('bob', ['agent']);
    const res = await fetch(`${system.url}/api/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        severity: 'major',
        channel: 'phone',
        category: 'gas_smell',
        description: 'Smell of gas near the meter',
        customer: { name: 'Alan Turing', phone: '+15551230077' },
      }),
    });
    expect(res.status).toBe(201);
    const late = ((await res.json()) as { number: string }).number;
    await fetch(`${system.url}/local/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceSeconds: 3600 }),
    });

    await signIn(page, system.url, 'sam', 'supervisor');
    await page.getByLabel('Overdue only').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    const row = page.locator(`tr[data-ticket="${late}"]`);
    await row.waitFor();
    expect(await row.locator('.badge-breach').textContent()).toBe('Breach');
    expect(await row.getByTestId('countdown').textContent()).toMatch(/overdue by/);
    expect(await page.locator(`tr[data-ticket="${number}"]`).count()).toBe(0);
    await screenshot(page, '05-queue-breach-supervisor');
  });

  it('the report page shows the complaint in its numbers', async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByTestId('fig-registered').waitFor();
    expect(await page.getByTestId('fig-registered').textContent()).toMatch(/^2/);
    expect(await page.getByTestId('fig-resolved').textContent()).toMatch(/^1/);
    const channels = await page.getByTestId('by-channel').textContent();
    expect(channels).toContain('Letter1');
    expect(await page.getByTestId('by-department').textContent()).toContain('network1');
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, '06-reports');

    // Tablet width: the same page stays usable (no horizontal scrolling of the page itself).
    await page.setViewportSize({ width: 820, height: 1180 });
    // Charts resize on the next frames; then nothing may stick out sideways.
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth))
      .toBeLessThanOrEqual(0);
    await screenshot(page, '07-reports-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });
    await signOut(page);
  });

  it('an admin sees who read the personal data of the complaint', async () => {
    await signIn(page, system.url, 'ada', 'admin');
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Complaint number').fill(number);
    await page.getByRole('button', { name: 'Show trail' }).click();
    const reads = page.locator('tr.audit-read');
    await reads.first().waitFor();
    expect(await reads.count()).toBeGreaterThanOrEqual(1);
    expect(await reads.first().textContent()).toContain('alice');
    await screenshot(page, '08-audit-admin');
  });
});
