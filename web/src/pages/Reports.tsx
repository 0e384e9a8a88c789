import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { AccountabilityReport, ManagementReport, OwnerBreaches } from '#shared/domain/reports';
import { useApp } from '../app-context';
import { hasRole } from '../auth';
import { saveFile } from '../confirm-dialog';
import { t } from '../i18n';
import { Alert, Field, PageTitle, RefusedPage } from '../ui';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  DoughnutController,
  ArcElement,
  Tooltip,
  Legend,
);

const palette = ['#1f6feb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];

/** One chart with its figures also as a table (the table is what assistive technology reads). */
function BreakdownChart(props: {
  id: string;
  title: string;
  values: Record<string, number>;
  labels?: Record<string, string>;
  kind?: 'bar' | 'doughnut';
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const entries = Object.entries(props.values).sort((a, b) => b[1] - a[1]);
  const label = (k: string) => props.labels?.[k] ?? k.replace(/_/g, ' ');
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: props.kind ?? 'bar',
      data: {
        labels: entries.map(([k]) => label(k)),
        datasets: [
          {
            label: props.title,
            data: entries.map(([, v]) => v),
            backgroundColor: entries.map((_, i) => palette[i % palette.length] as string),
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: props.kind === 'doughnut' } },
        ...(props.kind === 'doughnut'
          ? {}
          : { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
      },
    });
    return () => chart.destroy();
  });
  return (
    <section className="card chart" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={props.title} />
      </div>
      <table className="compact" data-testid={props.id}>
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{label(k)}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Figure({ id, label, value }: { id: string; label: string; value: string | number }) {
  return (
    <div className="figure" data-testid={id}>
      <span className="figure-value">{value}</span>
      <span className="figure-label">{label}</span>
    </div>
  );
}

/** The report's headline figures: test id, label, value. */
function headlineFigures(report: ManagementReport): [string, string, string | number][] {
  return [
    ['fig-registered', t.reports.registered, report.registered],
    ['fig-resolved', t.reports.resolved, report.resolution.count],
    ['fig-first-contact', t.reports.firstContactAvg, t.reports.minutes(report.firstContact.averageMinutes)],
    [
      'fig-first-contact-on-time',
      t.reports.firstContactOnTime,
      t.reports.percent(report.firstContact.onTimeRate),
    ],
    ['fig-resolution', t.reports.resolutionAvg, t.reports.minutes(report.resolution.averageMinutes)],
    [
      'fig-resolution-on-time',
      t.reports.resolutionOnTime,
      t.reports.percent(report.resolution.withinTargetRate),
    ],
    ['fig-breaches', t.reports.breaches, report.breaches.total],
    ['fig-breach-points', t.reports.breachPoints, report.breaches.points],
    ['fig-satisfaction', t.reports.satisfaction, report.satisfaction.average ?? t.common.none],
    ['fig-reopen', t.reports.reopenRate, t.reports.percent(report.reopenRate)],
  ];
}

/** Who an owner key names, in words: the desk, a staff member, or a department. */
function ownerLabel(o: Pick<OwnerBreaches, 'kind' | 'name' | 'owner'>): string {
  if (o.kind === 'desk') return t.reports.accountability.desk;
  if (o.kind === 'staff') return t.reports.accountability.staff(o.name ?? o.owner);
  return t.reports.accountability.department(o.name ?? o.owner);
}

/** One row of a breach table: who it counts, how many breaches and how many points. */
interface BreachRow {
  key: string;
  who: string;
  breaches: number;
  points: number;
  data?: Record<`data-${string}`, string>;
}

const ownerRow = (o: OwnerBreaches): BreachRow => ({
  key: o.owner,
  who: ownerLabel(o),
  breaches: o.breaches,
  points: o.points,
});

/**
 * Breaches and points by department or by owner; `none` stands in a row of its own when there are no rows.
 * `labelledBy`: the id of the heading that names the table, also its test id.
 */
function BreachTable(props: { labelledBy?: string; whoHeader: string; rows: BreachRow[]; none?: string }) {
  return (
    <table
      {...(props.labelledBy ? { 'aria-labelledby': props.labelledBy, 'data-testid': props.labelledBy } : {})}
    >
      <thead>
        <tr>
          <th scope="col">{props.whoHeader}</th>
          <th scope="col">{t.reports.count}</th>
          <th scope="col">{t.reports.points}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.length === 0 && props.none !== undefined ? (
          <tr>
            <td colSpan={3}>{props.none}</td>
          </tr>
        ) : (
          props.rows.map((row) => (
            <tr key={row.key} {...row.data}>
              <td>{row.who}</td>
              <td>{row.breaches}</td>
              <td>{row.points}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** Breaches and points per department and per owner, with its own CSV (the report e-mails link here). */
function AccountabilityTable(props: {
  accountability: AccountabilityReport;
  department?: string;
  onCsv: () => void;
}) {
  const { accountability, department } = props;
  const departments = accountability.byDepartment.filter((d) => !department || d.department === department);
  const owners = accountability.byOwner.filter(
    (o) => !department || (o.kind === 'department' && o.name === department),
  );
  return (
    <section className="card" aria-labelledby="accountability-title" data-testid="accountability">
      <h2 id="accountability-title">
        {department ? t.reports.accountability.titleFor(department) : t.reports.accountability.title}
      </h2>
      <p data-testid="accountability-totals">
        {department
          ? t.reports.accountability.totals(departments[0]?.breaches ?? 0, departments[0]?.points ?? 0)
          : t.reports.accountability.totals(accountability.breaches, accountability.points)}
      </p>
      <p>
        <button type="button" className="secondary" onClick={props.onCsv}>
          {t.reports.accountability.csv}
        </button>
      </p>
      <h3 id="accountability-departments">{t.reports.accountability.byDepartment}</h3>
      <BreachTable
        labelledBy="accountability-departments"
        whoHeader={t.reports.accountability.departmentColumn}
        rows={departments.map((d) => ({
          key: d.department,
          who: d.department.replace(/_/g, ' '),
          breaches: d.breaches,
          points: d.points,
          data: { 'data-department': d.department },
        }))}
        none={t.reports.accountability.none}
      />
      <h3 id="accountability-owners">{t.reports.accountability.byOwner}</h3>
      <BreachTable
        labelledBy="accountability-owners"
        whoHeader={t.reports.owner}
        rows={owners.map((o) => ({ ...ownerRow(o), data: { 'data-owner': o.owner } }))}
        none={t.reports.accountability.none}
      />
    </section>
  );
}

/** The report asked for in the address (the report e-mails link to `/reports?period=week&at=...`). */
function initialQuery(): { period: string; at: string; department: string } {
  const q = new URLSearchParams(location.search);
  const period = q.get('period') ?? '';
  const at = q.get('at') ?? '';
  return {
    period: ['week', 'month', 'year'].includes(period) ? period : 'week',
    at: /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : '',
    department: /^[a-z][a-z0-9_]{1,40}$/.test(q.get('department') ?? '') ? (q.get('department') ?? '') : '',
  };
}

export default function ReportsPage() {
  const { api, session } = useApp();
  const [initial] = useState(initialQuery);
  const [period, setPeriod] = useState(initial.period);
  // Empty: the period that holds the desk's current time (the API decides, in the desk's time zone).
  const [at, setAt] = useState(initial.at);
  const [report, setReport] = useState<ManagementReport>();
  const [accountability, setAccountability] = useState<AccountabilityReport>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    setError(undefined);
    const query = `period=${period}${at ? `&at=${at}` : ''}`;
    try {
      const [full, owners] = await Promise.all([
        api.get<ManagementReport>(`/api/reports?${query}`),
        api.get<AccountabilityReport>(`/api/reports/accountability?${query}`),
      ]);
      setReport(full);
      setAccountability(owners);
    } catch (err) {
      setError(err);
    }
  }, [api, period, at]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once on arrival; later loads are asked for
  useEffect(() => {
    if (hasRole(session, 'supervisor')) void load();
  }, []);

  if (!hasRole(session, 'supervisor')) {
    return <RefusedPage title={t.reports.title} reason={t.reports.supervisorsOnly} />;
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load();
  };

  const download = async (path: string, filename: string) => {
    try {
      saveFile(await api.download(`${path}?period=${period}${at ? `&at=${at}` : ''}&format=csv`), filename);
    } catch (err) {
      setError(err);
    }
  };
  const downloadCsv = () => download('/api/reports', `complaints-${report?.key ?? period}.csv`);
  const downloadAccountabilityCsv = () =>
    download('/api/reports/accountability', `accountability-${accountability?.key ?? period}.csv`);

  return (
    <>
      <PageTitle>{t.reports.title}</PageTitle>
      <form className="card inline-form" onSubmit={submit}>
        <Field id="report-period" label={t.fields.period}>
          {(aria) => (
            <select {...aria} value={period} onChange={(e) => setPeriod(e.target.value)}>
              {Object.entries(t.reports.periods).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="report-at" label={t.fields.at}>
          {(aria) => <input {...aria} type="date" value={at} onChange={(e) => setAt(e.target.value)} />}
        </Field>
        <button type="submit">{t.reports.show}</button>
        <button type="button" className="secondary" onClick={() => void downloadCsv()}>
          {t.reports.csv}
        </button>
      </form>
      <Alert error={error} />
      {report ? (
        <>
          <h2 className="report-key">
            {t.reports.periods[report.period]} {report.key}
          </h2>
          <div className="figures">
            {headlineFigures(report).map(([id, label, value]) => (
              <Figure key={id} id={id} label={label} value={value} />
            ))}
          </div>
          <div className="charts">
            <BreakdownChart id="by-category" title={t.reports.byCategory} values={report.byCategory} />
            <BreakdownChart
              id="by-channel"
              title={t.reports.byChannel}
              values={report.byChannel}
              labels={t.channels}
              kind="doughnut"
            />
            <BreakdownChart
              id="by-severity"
              title={t.reports.bySeverity}
              values={report.bySeverity}
              labels={t.severities}
            />
            <BreakdownChart id="by-department" title={t.reports.byDepartment} values={report.byDepartment} />
            <BreakdownChart
              id="breaches-by-deadline"
              title={t.reports.breaches}
              values={report.breaches.byDeadline}
              labels={t.deadlines}
            />
          </div>
          <section className="card" aria-labelledby="owners-title">
            <h2 id="owners-title">{t.reports.byOwner}</h2>
            <BreachTable whoHeader={t.reports.owner} rows={report.breaches.byOwner.map(ownerRow)} />
          </section>
          {accountability ? (
            <AccountabilityTable
              accountability={accountability}
              {...(initial.department ? { department: initial.department } : {})}
              onCsv={() => void downloadAccountabilityCsv()}
            />
          ) : null}
        </>
      ) : null}
    </>
  );
}
