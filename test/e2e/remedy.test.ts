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
 * The remedy on the complaint page, in Chromium against the local runtime: an agent proposes a
 * compensation (after fixing a negative amount), a supervisor approves it, the agent offers it and records
 * the customer's signed agreement; the open department actions block resolving: billing is marked done, and a
 * supervisor resolves over the field service action still open, with a reason, in the same Resolve form.
 */
describe('the remedy on the complaint page', () => {
  let system: PortalSystem;
  let browser: Browser;
  let page: Page;
  let id = '';

  /** A datetime-local value two days ahead (the browser runs in this machine's time zone). */
  function inTwoDays(): string {
    const d = new Date(system.runtime.clock.now().getTime() + 2 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  async function openComplaint(): Promise<void> {
    await page.goto(`${system.url}/complaints/${id}`);
    await page.getByRole('heading', { name: `Complaint ${id}` }).waitFor();
  }

  beforeAll(async () => {
    ({ system, browser, page } = await openPortalInBrowser());
    // A complaint the desk has already reached the customer about.
    const token = await system.runtime.token('bob', ['agent']);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${system.url}/api/tickets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        severity: 'very_dissatisfied',
        channel: 'phone',
        category: 'supply_interruption',
        description: 'Two days without water, food spoiled in the fridge',
        customer: { name: 'Ada Lovelace', phone: '+15551230099' },
      }),
    });
    const ticket = (await created.json()) as { id: string; version: number };
    id = ticket.id;
    const contacted = await fetch(`${system.url}/api/tickets/${id}/contacts`, {
      method: 'POST',
      headers: { ...headers, 'if-match': String(ticket.version) },
      body: JSON.stringify({ outcome: 'reached' }),
    });
    expect(contacted.status).toBe(200);
  });

  afterAll(async () => {
    await closePortalInBrowser({ system, browser });
  });

  it('an agent proposes a compensation; a negative amount is refused on the field', async () => {
    await signIn(page, system.url, 'alice', 'agent');
    await openComplaint();
    await page.getByLabel('Kind of remedy').selectOption('compensation');
    await page.getByLabel('Amount').fill('-5');
    await page.getByLabel('What the customer is offered').fill('Compensation for the spoiled food');
    await page.getByRole('button', { name: 'Add a department action' }).click();
    await page.getByLabel('Action 1: department').selectOption('billing');
    await page.getByLabel('Action 1: task').fill('Credit 40 USD to the account');
    await page.getByLabel('Action 1: due').fill(inTwoDays());
    await page.getByRole('button', { name: 'Add a department action' }).click();
    await page.getByLabel('Action 2: department').selectOption('field_service');
    await page.getByLabel('Action 2: task').fill('Replace the damaged meter cover');
    await page.getByLabel('Action 2: due').fill(inTwoDays());
    await page.getByRole('button', { name: 'Propose a remedy' }).click();

    const amountError = page.locator('#remedy-amount-error');
    await amountError.waitFor();
    expect(await amountError.textContent()).toMatch(/above 0/);
    expect(await page.getByLabel('Amount').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Amount').fill('40');
    await page.getByRole('button', { name: 'Propose a remedy' }).click();
    const status = page.getByTestId('remedy-status');
    await status.waitFor();
    expect(await status.textContent()).toBe('Waiting for approval');
    // A money remedy is not offered before approval, and the agent cannot approve.
    expect(await page.getByRole('button', { name: 'Offer to the customer' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Approve the remedy' }).count()).toBe(0);
    await screenshot(page, 'remedy-01-proposed');
    await signOut(page);
  });

  it('a supervisor approves it', async () => {
    await signIn(page, system.url, 'sam', 'supervisor');
    await openComplaint();
    await page.getByRole('button', { name: 'Approve the remedy' }).click();
    await expect.poll(() => page.getByTestId('remedy-status').textContent()).toBe('Approved');
    await signOut(page);
  });

  it('the agent offers it, records the signed agreement, and the open actions block resolving', async () => {
    await signIn(page, system.url, 'alice', 'agent');
    await openComplaint();
    await page.getByRole('button', { name: 'Offer to the customer' }).click();
    await expect.poll(() => page.getByTestId('remedy-status').textContent()).toBe('Offered');

    await page.getByLabel('Answer', { exact: true }).selectOption('agreed');
    await page.getByLabel('How the customer answered').selectOption('signed_form');
    await page.getByRole('button', { name: "Record the customer's answer" }).click();
    await expect.poll(() => page.getByTestId('remedy-status').textContent()).toBe('Agreed by the customer');
    expect(await page.getByTestId('remedy-answer').textContent()).toMatch(
      /Agreed \(Signed agreement form, .*\), recorded by alice/,
    );

    await page.getByLabel('Resolution', { exact: true }).fill('Compensation paid');
    await page.getByLabel('What the customer agreed to').fill('Signed the agreement form');
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'remedy actions are still open' });
    await refused.waitFor();
    expect(await refused.textContent()).toContain('billing: Credit 40 USD to the account');
    // An agent has no override field.
    expect(await page.getByLabel('Reason for resolving with open actions').count()).toBe(0);
    await screenshot(page, 'remedy-02-resolve-blocked');

    await page.getByRole('button', { name: 'Mark done (billing)' }).click();
    await expect.poll(() => page.locator('.remedy tbody').textContent()).toContain('Done');
    await page.getByLabel('Resolution', { exact: true }).fill('Compensation paid');
    await page.getByLabel('What the customer agreed to').fill('Signed the agreement form');
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    const stillRefused = page.getByRole('alert').filter({ hasText: 'remedy actions are still open' });
    await stillRefused.waitFor();
    expect(await stillRefused.textContent()).toContain('field_service: Replace the damaged meter cover');
    expect(await stillRefused.textContent()).not.toContain('billing');
    await signOut(page);
  });

  it('a supervisor resolves over the open action with a reason in the Resolve form', async () => {
    await signIn(page, system.url, 'sam', 'supervisor');
    await openComplaint();
    await page.getByLabel('Resolution', { exact: true }).fill('Compensation paid');
    await page.getByLabel('What the customer agreed to').fill('Signed the agreement form');
    await page
      .getByLabel('Reason for resolving with open actions')
      .fill('The cover is replaced at the next scheduled visit');
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Resolved/);
    // The reason is kept on the resolved event (the timeline reloads after the change).
    await expect
      .poll(() => page.locator('.timeline').textContent())
      .toContain('The cover is replaced at the next scheduled visit');

    const timeline = await page.locator('.timeline').textContent();
    for (const step of [
      'Remedy proposed',
      'Remedy decided',
      'Remedy offered',
      "Customer's answer to the remedy",
      'Remedy action done',
    ]) {
      expect(timeline).toContain(step);
    }
    await screenshot(page, 'remedy-03-resolved');
  });
});
