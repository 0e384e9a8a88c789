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
 * Assigning and promising an answer on the complaint page, in Chromium against the local runtime: a supervisor
 * assigns a complaint to an agent (after a refused username), an agent takes an unassigned one with "Take it",
 * and "Promise an answer within half an hour" books a call; a second promise is refused with the API's 409.
 */
describe('assign and promise an answer on the complaint page', () => {
  let system: PortalSystem;
  let browser: Browser;
  let page: Page;
  let forSupervisor = '';
  let forAgent = '';

  async function register(description: string): Promise<string> {
    const token = await system.runtime.token('bob', ['agent']);
    const created = await fetch(`${system.url}/api/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        severity: 'dissatisfied',
        channel: 'phone',
        category: 'supply_interruption',
        description,
        customer: { name: 'Grace Hopper', phone: '+15551230042' },
      }),
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { id: string }).id;
  }

  async function openComplaint(id: string): Promise<void> {
    await page.goto(`${system.url}/complaints/${id}`);
    await page.getByRole('heading', { name: `Complaint ${id}` }).waitFor();
  }

  async function assigneeOnServer(id: string): Promise<string | undefined> {
    const token = await system.runtime.token('sam', ['supervisor']);
    const res = await fetch(`${system.url}/api/tickets/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await res.json()) as { assignee?: string }).assignee;
  }

  beforeAll(async () => {
    ({ system, browser, page } = await openPortalInBrowser());
    forSupervisor = await register('Low pressure since the works on the street');
    forAgent = await register('Brown water from the kitchen tap');
  });

  afterAll(async () => {
    await closePortalInBrowser({ system, browser });
  });

  it('a supervisor assigns a complaint to an agent; a bad username is refused on the field', async () => {
    await signIn(page, system.url, 'sam', 'supervisor');
    await openComplaint(forSupervisor);
    expect(await page.getByTestId('assignee').textContent()).toBe('Nobody yet');
    // A supervisor gets the username field, not "Take it".
    expect(await page.getByRole('button', { name: 'Take it' }).count()).toBe(0);

    await page.getByLabel('Assign to (username)').fill('not a user!');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    const fieldError = page.locator('#assign-assignee-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/staff username/);
    expect(await page.getByLabel('Assign to (username)').getAttribute('aria-invalid')).toBe('true');
    expect(await assigneeOnServer(forSupervisor)).toBeUndefined();

    await page.getByLabel('Assign to (username)').fill('alice');
    await page.locator('#assign-note').fill('Alice knows the street');
    // Keyboard: submit the form with Enter from the username field.
    await page.getByLabel('Assign to (username)').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('assignee').textContent()).toBe('alice');
    await expect.poll(() => page.locator('.timeline').textContent()).toContain('Assigned');
    expect(await page.locator('.timeline').textContent()).toContain('Alice knows the street');
    expect(await page.locator('#assign-assignee-error').count()).toBe(0);
    expect(await assigneeOnServer(forSupervisor)).toBe('alice');
    await screenshot(page, 'complaint-actions-01-assigned');
    await signOut(page);
  });

  it('an agent takes an unassigned complaint', async () => {
    await signIn(page, system.url, 'alice', 'agent');
    await openComplaint(forAgent);
    expect(await page.getByTestId('assignee').textContent()).toBe('Nobody yet');
    // An agent has no username field: only themselves.
    expect(await page.getByLabel('Assign to (username)').count()).toBe(0);
    await page.getByRole('button', { name: 'Take it' }).click();
    await expect.poll(() => page.getByTestId('assignee').textContent()).toBe('alice');
    await page.getByText('This complaint is assigned to you.').waitFor();
    expect(await page.getByRole('button', { name: 'Take it' }).count()).toBe(0);
    expect(await assigneeOnServer(forAgent)).toBe('alice');
    await screenshot(page, 'complaint-actions-02-taken');
  });

  it('the promise button books a call; a second promise shows the 409 message', async () => {
    await openComplaint(forAgent);
    const button = page.getByRole('button', { name: 'Promise an answer within half an hour' });
    await button.click();
    const booked = page.getByTestId('promise-booked');
    await booked.waitFor();
    expect(await booked.textContent()).toMatch(/^Answer promised\. The call is booked for .+\d/);
    await expect
      .poll(() => page.locator('.timeline').textContent())
      .toContain('Answer promised within half an hour');

    // The promise is really open on the server: the API refuses another one.
    const token = await system.runtime.token('sam', ['supervisor']);
    const again = await fetch(`${system.url}/api/tickets/${forAgent}/promise`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(409);

    await button.click();
    const refused = page.getByRole('alert').filter({ hasText: 'already promised' });
    await refused.waitFor();
    expect(await refused.textContent()).toContain(`An answer on complaint ${forAgent} is already promised`);
    expect(await page.getByTestId('promise-booked').count()).toBe(0);
    await screenshot(page, 'complaint-actions-03-promise-refused');
  });
});
