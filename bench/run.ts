import { type BenchRow, printTable } from './stats';
import { broadcastBench } from './suites/broadcast';
import { bundlesBench } from './suites/bundles';
import { coldStartBench } from './suites/cold-start';
import { dialerBench } from './suites/dialer';
import { incidentHotlineBench } from './suites/incident-hotline';
import { phoneBench } from './suites/phone';
import { registerBench } from './suites/register';
import { registerPersistentBench } from './suites/register-persistent';
import { reportsBench } from './suites/reports';
import { schedulerStateBench } from './suites/scheduler-state';

/** `npm run bench [suite...]`: every performance target of the hotline, printed as one table. */
const suites: Record<string, () => Promise<BenchRow[]>> = {
  broadcast: broadcastBench,
  bundles: bundlesBench,
  'cold-start': coldStartBench,
  dialer: dialerBench,
  'incident-hotline': incidentHotlineBench,
  phone: phoneBench,
  register: registerBench,
  'register-persistent': registerPersistentBench,
  reports: reportsBench,
  'scheduler-state': schedulerStateBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
const rows: BenchRow[] = [];
for (const name of names) {
  const suite = suites[name];
  if (!suite) throw new Error(`Unknown suite ${name}; choose from ${Object.keys(suites).join(', ')}`);
  process.stderr.write(`running ${name}...\n`);
  rows.push(...(await suite()));
}
printTable(rows);
process.exitCode = rows.some((r) => r.pass === false) ? 1 : 0;
process.exit();
