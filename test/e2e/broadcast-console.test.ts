import { readFileSync } from 'node:fs';
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

/** Sending fans out and the console reads the counts every few seconds: wait up to this long. */
const LIVE = { timeout: 20_000, interval: 250 };

const HEADER = 'account,name,phone,email,address,district,street,segment,language,no_contact';
const CUSTOMERS = [
  HEADER,
  'E-1,Ann Archer,(201) 555-0601,ann@example.com,1 Elm St,North,Elm St,S1,en,no',
  'E-2,Ben Baker,201-555-0602,,2 Elm St,North,Elm St,S1,en,no',
  'E-3,Cleo Cole,,,3 Elm St,North,Elm St,S1,en,no',
  'E-4,Dev Dale,call me,,4 Elm St,North,Elm St,S1,en,no',
  'E-5,Eli East,2015550605,,5 Oak Ave,South,Oak Ave,S2,en,no',
].join('\n');

/**
 * The supervisor's side of an emergency in Debian's Chromium against the local runtime: import the
 * registry (a broken row is named), record an incident for a street, preview, send, watch the
 * confirmations come in as the emulated phones answer, download the report; keep the block list.
 */
describe('customer registry, broadcast console and block list in a real browser', () => {
  let system: PortalSystem;
  let browser: Browser;
  let page: Page;

  const advanceClock = (seconds: number) =>
    fetch(`${system.url}/local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
  const count = (state: string) => page.locator(`[data-count="${state}"]`).textContent();

  beforeAll(async () => {
    ({ system, browser, page } = await openPortalInBrowser());
  });
  afterAll(async () => {
    await closePortalInBrowser({ system, browser });
  });

  it('a supervisor imports a CSV of customers and sees why the broken row was rejected', async () => {
    await signIn(page, system.url, 'sam', 'supervisor');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('#import-file-error').waitFor();
    expect(await page.locator('#import-file-error').textContent()).toBe('Choose the CSV file to import.');

    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CUSTOMERS, 'utf8') });
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.locator('[data-total="rows"]').textContent()).toBe('5');
    expect(await report.locator('[data-total="created"]').textContent()).toBe('4');
    expect(await report.locator('[data-total="rejected"]').textContent()).toBe('1');
    const broken = report.locator('tr[data-line="5"]');
    expect(await broken.textContent()).toContain('E-4');
    expect(await broken.textContent()).toContain('Rejected');
    expect(await broken.textContent()).toContain('"call me" is not a phone number');
    await page.locator('tr[data-account="E-1"]').waitFor();
    expect(await page.locator('tbody tr[data-account]').count()).toBe(4);
    await screenshot(page, '10-customers-import-report');

    await page.getByLabel('Filter the list shown').fill('oak');
    await expect.poll(() => page.locator('tbody tr[data-account]').count(), LIVE).toBe(1);
    await page.locator('tr[data-account="E-5"]').getByRole('link', { name: 'E-5' }).click();
    await page.getByRole('heading', { name: 'Customer E-5' }).waitFor();
    await page.getByText('+12015550605').waitFor();
    await screenshot(page, '11-customer-details');
  });

  let broadcastUrl = '';

  it('records an incident for a street and previews who it reaches, the field-staff cases apart', async () => {
    await page.getByRole('link', { name: 'Broadcasts', exact: true }).click();
    await page.getByRole('heading', { name: 'Broadcasts', exact: true }).waitFor();

    await page.getByLabel('What happened').fill('Gas leak');
    await page.getByLabel('Where').fill('Elm Street between 1st and 5th');
    await page
      .getByLabel('Message the call plays')
      .fill('A gas leak has been reported on Elm Street. Do not use open flames.');
    await page.getByLabel('E-mail subject').fill('Gas leak on Elm Street');
    await page
      .getByLabel('E-mail text')
      .fill('A gas leak has been reported on Elm Street. Do not use open flames.');
    await page.getByRole('button', { name: 'Save the incident' }).click();
    // The same schema as the API: no area selected is refused before anything is sent.
    await page.getByText('Select at least one district, street or segment.').waitFor();
    await screenshot(page, '12-broadcast-new-incident');

    await page.getByLabel('Streets').fill('Elm St');
    await page.getByRole('button', { name: 'Save the incident' }).click();
    await page.getByRole('heading', { name: 'Broadcast: Gas leak' }).waitFor();
    broadcastUrl = page.url();
    const preview = page.getByTestId('preview');
    await expect.poll(() => preview.locator('[data-preview="customers"]').textContent(), LIVE).toBe('3');
    expect(await preview.locator('[data-preview="toCall"]').textContent()).toBe('2');
    expect(await preview.locator('[data-preview="noContact"]').textContent()).toBe('1');
    expect(await page.getByTestId('broadcast-state').textContent()).toBe('Draft');
    // How long the calls take at the desk's Connect limits (no past broadcast calls yet: a typical mix).
    expect(await page.getByTestId('estimate').textContent()).toMatch(
      /^The calls take about \d+ (s|min): 2 calls at \d+ per second, \d+ at once, each attempt about \d+ s \(a typical mix/,
    );
    await screenshot(page, '13-broadcast-preview');
  });

  it('sends it after confirming, and the confirmations come in as the phones answer', async () => {
    system.runtime.connect.setNumberBehaviour('+12015550601', {
      answer: 'answer',
      keys: '1',
      ringSeconds: 2,
    });
    system.runtime.connect.setNumberBehaviour('+12015550602', {
      answer: 'answer',
      keys: '1',
      ringSeconds: 30,
    });

    // Keyboard: the send button opens the question, Escape closes it without sending.
    await page.getByRole('button', { name: 'Send the broadcast' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Send this broadcast now?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('2 customers will be called at once');
    await screenshot(page, '14-broadcast-confirm-send');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('broadcast-state').textContent()).toBe('Draft');

    await page.getByRole('button', { name: 'Send the broadcast' }).click();
    await dialog.getByRole('button', { name: 'Send now' }).click();
    await expect.poll(() => page.getByTestId('broadcast-state').textContent(), LIVE).toBe('Sending');
    expect(await page.getByTestId('expected-end').textContent()).toMatch(/\d{1,2}:\d{2}/);
    expect(await count('total')).toBe('3');
    expect(await count('confirmed')).toBe('0');
    await expect.poll(() => count('no_contact'), LIVE).toBe('1');
    await page.locator('section', { hasText: 'For field staff' }).getByText('Cleo Cole').waitFor();

    // Ann answers after 2 s and presses 1; Ben's phone is still ringing.
    await advanceClock(15);
    await expect.poll(() => count('confirmed'), LIVE).toBe('1');
    expect(await count('calling')).toBe('1');
    await expect
      .poll(() => page.locator('tr[data-recipient="E-1"]').textContent(), LIVE)
      .toContain('Confirmed');
    expect(await page.locator('tr[data-recipient="E-2"]').textContent()).toContain('Calling');
    await screenshot(page, '15-broadcast-progress');

    await advanceClock(60);
    await expect.poll(() => count('confirmed'), LIVE).toBe('2');
    await expect.poll(() => page.getByTestId('broadcast-state').textContent(), LIVE).toBe('Completed');
    await page.getByLabel('State', { exact: true }).selectOption('confirmed');
    await page.locator('tr[data-recipient="E-2"]').waitFor();
    expect(await page.locator('tr[data-recipient="E-1"]').textContent()).toContain('Confirmed');
    await screenshot(page, '16-broadcast-completed');
  });

  it('downloads the report as CSV and JSON', async () => {
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download report (CSV)' }).click(),
    ]);
    const csvText = readFileSync(await csv.path(), 'utf8');
    expect(csv.suggestedFilename()).toMatch(/^broadcast-[a-z0-9]+\.csv$/);
    expect(csvText).toMatch(/E-1.*confirmed/);
    expect(csvText).toMatch(/E-3.*no_contact/);

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download report (JSON)' }).click(),
    ]);
    const body = JSON.parse(readFileSync(await json.path(), 'utf8')) as {
      counts: Record<string, number>;
      recipients: { account: string; state: string }[];
    };
    expect(body.counts).toMatchObject({ total: 3, confirmed: 2, no_contact: 1 });
    expect(body.recipients.map((r) => r.account).sort()).toEqual(['E-1', 'E-2', 'E-3']);
  });

  it('pauses, resumes and cancels a broadcast; cancel asks first and stops every further call', async () => {
    const supervisor = await system.runtime.token('sam', ['supervisor']);
    const res = await fetch(`${system.url}/api/broadcasts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        what: 'Water main burst',
        where: 'North district',
        since: new Date(Date.now() - 600_000).toISOString(),
        severity: 'major',
        message: 'A water main has burst in the North district. Boil water before drinking.',
        emailSubject: 'Water main burst',
        emailText: 'Boil water before drinking.',
        selection: { districts: ['North'] },
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    system.runtime.connect.setNumberBehaviour('+12015550601', { answer: 'no-answer' });
    system.runtime.connect.setNumberBehaviour('+12015550602', { answer: 'no-answer' });

    await page.getByRole('link', { name: 'Broadcasts', exact: true }).click();
    await page.locator(`tr[data-broadcast="${id}"]`).getByRole('link', { name: 'Water main burst' }).click();
    await expect.poll(() => page.locator('[data-preview="customers"]').textContent(), LIVE).toBe('3');
    await page.getByRole('button', { name: 'Send the broadcast' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send now' }).click();
    await expect.poll(() => page.getByTestId('broadcast-state').textContent(), LIVE).toBe('Sending');

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('broadcast-state').textContent(), LIVE).toBe('Paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByTestId('broadcast-state').textContent(), LIVE).toBe('Sending');

    await page.getByRole('button', { name: 'Cancel the broadcast' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this broadcast?' });
    await dialog.getByRole('button', { name: 'Keep it running' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('broadcast-state').textContent()).toBe('Sending');
    await page.getByRole('button', { name: 'Cancel the broadcast' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel the broadcast' }).click();
    await expect.poll(() => page.getByTestId('broadcast-state').textContent(), LIVE).toBe('Cancelled');
    await expect.poll(() => count('calling'), LIVE).toBe('0');
    expect(await count('cancelled')).toBe('2');
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await screenshot(page, '17-broadcast-cancelled');
  });

  it('a supervisor blocks a number (a bad number is named), an agent can only read the list', async () => {
    await page.getByRole('link', { name: 'Block list' }).click();
    await page.getByRole('heading', { name: 'Block list', exact: true }).waitFor();
    await page.getByLabel('Phone number').fill('call me');
    await page.getByLabel('Reason').fill('Abusive calls every night');
    await page.getByRole('button', { name: 'Block number' }).click();
    await page.locator('#block-phone-error').waitFor();
    expect(await page.locator('#block-phone-error').textContent()).toContain('is not a phone number');
    expect(await page.getByLabel('Phone number').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Phone number').fill('(201) 555-0666');
    await page.getByRole('button', { name: 'Block number' }).click();
    await page.getByRole('status').filter({ hasText: '+12015550666 is on the block list.' }).waitFor();
    expect(await page.locator('tr[data-phone="+12015550666"]').textContent()).toContain(
      'Abusive calls every night',
    );
    await page.getByLabel('Phone number').fill('+1 201 555 0667');
    await page.getByLabel('Reason').fill('Prank calls');
    await page.getByRole('button', { name: 'Block number' }).click();
    await page.locator('tr[data-phone="+12015550667"]').waitFor();
    await page.getByRole('button', { name: 'Unblock +12015550667' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: '+12015550667 was taken off the block list.' })
      .waitFor();
    expect(await page.locator('tr[data-phone="+12015550667"]').count()).toBe(0);
    await screenshot(page, '18-block-list-supervisor');
    await signOut(page);

    await signIn(page, system.url, 'alice', 'agent');
    expect(await page.getByRole('link', { name: 'Broadcasts', exact: true }).count()).toBe(0);
    await page.getByRole('link', { name: 'Block list' }).click();
    await page.locator('tr[data-phone="+12015550666"]').waitFor();
    await page.getByText('Only supervisors may block or unblock numbers.').waitFor();
    expect(await page.getByRole('button', { name: 'Block number' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Unblock/ }).count()).toBe(0);
    await screenshot(page, '19-block-list-agent');
    const agent = await system.runtime.token('alice', ['agent']);
    const refused = await fetch(`${system.url}/api/block-list/+12015550666`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(refused.status).toBe(403);

    await page.goto(`${system.url}/broadcasts`);
    await page.getByText('The broadcast console is for supervisors and admins.').waitFor();
    await signOut(page);

    // Every change is kept: the admin's audit view lists who blocked and unblocked which number.
    await signIn(page, system.url, 'root', 'admin');
    await page.getByRole('link', { name: 'Audit' }).click();
    const log = page.getByTestId('customer-access-log');
    await log.waitFor();
    const rows = await log.locator('tbody tr').allTextContents();
    expect(
      rows.some((r) => r.includes('sam') && r.includes('Blocked a number') && r.includes('+12015550666')),
    ).toBe(true);
    expect(rows.some((r) => r.includes('Unblocked a number') && r.includes('+12015550667'))).toBe(true);
    expect(rows.some((r) => r.includes('sam') && r.includes('Imported customers'))).toBe(true);
    await screenshot(page, '20-audit-customer-access');
    await signOut(page);
  });

  it('the new pages read on a tablet', async () => {
    const tablet = await browser.newPage(820, 1180);
    await signIn(tablet, system.url, 'sam', 'supervisor');
    await tablet.goto(broadcastUrl);
    await tablet.getByRole('heading', { name: 'Broadcast: Gas leak' }).waitFor();
    await expect.poll(() => tablet.locator('[data-count="confirmed"]').textContent(), LIVE).toBe('2');
    const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(tablet, '21-broadcast-tablet');
    await tablet.goto(`${system.url}/customers`);
    await tablet.locator('tr[data-account="E-1"]').waitFor();
    await screenshot(tablet, '22-customers-tablet');
    await tablet.close();
  });
});
