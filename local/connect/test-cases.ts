/**
 * Amazon Connect's flow test cases, locally, on the REST paths and shapes of the SDK model
 * (@aws-sdk/client-connect): CreateTestCase, DescribeTestCase, ListTestCases, UpdateTestCase,
 * DeleteTestCase, StartTestCaseExecution, StopTestCaseExecution, GetTestCaseExecutionSummary,
 * ListTestCaseExecutions and ListTestCaseExecutionRecords. A PUBLISHED test is checked when it is
 * saved (InvalidTestCaseException lists every problem); a SAVED one is kept as it is and cannot run.
 * Executions run in the background against the emulator's contacts (the `TestContacts` port), on the
 * emulator's clock: StartTestCaseExecution answers at once, IN_PROGRESS.
 *
 * The Testing language itself is in ./testing-language/ (document.ts reads it, run.ts executes it).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '#shared/ports/clock';
import { ConnectApiError, duplicate, invalidParameter, invalidRequest, notFound } from './api-error.ts';
import type { TestContacts } from './testing-language/contacts.ts';
import { readTestContent, type TestDocument } from './testing-language/document.ts';
import { type ExecutionStatus, TestRun } from './testing-language/run.ts';

export * from './testing-language/contacts.ts';

export interface TestCasesOptions {
  readonly clock: Clock;
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly region: string;
  readonly accountId: string;
  readonly contacts: TestContacts;
  /** Emulator seconds an execution may take before what it still expects fails; default 600. */
  readonly timeLimitSeconds?: number;
  /** The caller's number when a test names none; default +15550100999. */
  readonly defaultSourceNumber?: string;
  readonly log?: (message: string) => void;
}

const ENTRY_POINT_TYPES = ['VOICE_CALL', 'CHAT'] as const;
const E164 = /^\+[1-9]\d{1,14}$/;

interface VoiceCallEntryPoint {
  readonly SourcePhoneNumber?: string;
  readonly DestinationPhoneNumber?: string;
  readonly FlowId?: string;
}

interface EntryPoint {
  readonly Type?: (typeof ENTRY_POINT_TYPES)[number];
  readonly VoiceCallEntryPointParameters?: VoiceCallEntryPoint;
  readonly ChatEntryPointParameters?: { readonly FlowId?: string };
}

/** One version of a test case: the published one (checked, runnable) or a saved draft. */
interface TestCaseVersion {
  readonly Content: string;
  readonly EntryPoint?: EntryPoint;
  readonly InitializationData?: string;
  readonly LastModifiedTime: Date;
  /** Only a published version has one. */
  readonly document?: TestDocument;
  readonly attributes?: Readonly<Record<string, string>>;
}

interface StoredTestCase {
  readonly Id: string;
  readonly Arn: string;
  Name: string;
  Description?: string;
  readonly Tags: Record<string, string>;
  published?: TestCaseVersion;
  saved?: TestCaseVersion;
}

interface StoredExecution {
  readonly id: string;
  readonly testCaseId: string;
  readonly clientToken?: string;
  readonly run: TestRun;
}

type Status = 'PUBLISHED' | 'SAVED';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${key} must be a string`);
  return value;
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined || value.length === 0) throw invalidParameter(`${key} is required`);
  return value;
}

function statusOf(value: unknown, key = 'Status'): Status | undefined {
  if (value === undefined || value === null) return undefined;
  if (value !== 'PUBLISHED' && value !== 'SAVED') throw invalidParameter(`${key} must be PUBLISHED or SAVED`);
  return value;
}

function entryPointOf(value: unknown): EntryPoint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidParameter('EntryPoint must be an object');
  if (value.Type !== undefined && !(ENTRY_POINT_TYPES as readonly unknown[]).includes(value.Type)) {
    throw invalidParameter(`EntryPoint.Type must be one of ${ENTRY_POINT_TYPES.join(', ')}`);
  }
  for (const key of ['VoiceCallEntryPointParameters', 'ChatEntryPointParameters']) {
    const parameters = value[key];
    if (parameters === undefined) continue;
    if (!isRecord(parameters) || Object.values(parameters).some((v) => typeof v !== 'string')) {
      throw invalidParameter(`EntryPoint.${key} must be an object of strings`);
    }
  }
  return structuredClone(value) as EntryPoint;
}

function tagsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalidParameter('Tags must be a map of strings');
  }
  if (Object.keys(value).length > 50) throw invalidParameter('Tags may hold at most 50 tags');
  return { ...(value as Record<string, string>) };
}

const epochSeconds = (date: Date) => date.getTime() / 1000;

/** `maxResults` and `nextToken` paging, as Connect's list operations do. */
function page<T>(items: readonly T[], query: URLSearchParams, max = 100) {
  const maxResults = query.get('maxResults');
  const size = maxResults === null || maxResults === '' ? max : Number(maxResults);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw invalidParameter(`MaxResults must be an integer from 1 to ${max}`);
  }
  const nextToken = query.get('nextToken');
  let start = 0;
  if (nextToken !== null && nextToken !== '') {
    start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('NextToken is not valid');
  }
  const next =
    start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { slice: items.slice(start, start + size), ...(next ? { NextToken: next } : {}) };
}

/** A time filter of ListTestCaseExecutions: epoch seconds, or milliseconds when that large. */
function instantOf(value: string | null, key: string): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw invalidParameter(`${key} must be a time`);
  return n < 1e11 ? n * 1000 : n;
}

export type TestCases = ReturnType<typeof createTestCases>;

export function createTestCases(options: TestCasesOptions) {
  const { clock, instanceId, instanceArn, region, contacts } = options;
  const log = options.log ?? (() => undefined);
  const timeLimitSeconds = options.timeLimitSeconds ?? 600;
  const testCases = new Map<string, StoredTestCase>();
  const executions = new Map<string, StoredExecution>();
  const pending = new Set<Promise<unknown>>();
  const support = { ...contacts.capabilities, utterances: contacts.utter !== undefined };

  function track(work: Promise<void>, what: string): void {
    const tracked = work.catch((error: unknown) => {
      log(
        `test case execution ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  }

  function checkInstance(value: string | undefined): void {
    if (value !== instanceId && value !== instanceArn) throw notFound(`Instance ${value} not found`);
  }

  function needTestCase(idOrArn: string): StoredTestCase {
    const prefix = `${instanceArn}/test-case/`;
    const id = idOrArn.startsWith(prefix) ? idOrArn.slice(prefix.length) : idOrArn;
    const found = testCases.get(id);
    if (!found) throw notFound(`Test case ${idOrArn} not found`);
    return found;
  }

  function needExecution(testCase: StoredTestCase, executionId: string): StoredExecution {
    const found = executions.get(executionId);
    if (!found || found.testCaseId !== testCase.Id) {
      throw notFound(`Test case execution ${executionId} of test case ${testCase.Id} not found`);
    }
    return found;
  }

  function checkNameFree(name: string, except?: StoredTestCase): void {
    if ([...testCases.values()].some((t) => t !== except && t.Name === name)) {
      throw duplicate(`A test case named ${name} exists already`);
    }
  }

  /** The attributes InitializationData gives the contact: `{ "Attributes": {...} }` or a flat object. */
  function initialAttributes(data: string | undefined, problems: string[]): Record<string, string> {
    if (data === undefined || data.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (error) {
      problems.push(`InitializationData: is not valid JSON: ${(error as Error).message}`);
      return {};
    }
    if (!isRecord(parsed)) {
      problems.push('InitializationData: must be a JSON object of attributes');
      return {};
    }
    const attributes = isRecord(parsed.Attributes) ? parsed.Attributes : parsed;
    const bad = Object.entries(attributes).filter(([, v]) => typeof v !== 'string');
    for (const [key] of bad) problems.push(`InitializationData: attribute ${key} must be text`);
    if (Object.keys(attributes).length > 0 && !support.initialAttributes) {
      problems.push('InitializationData: the local emulator cannot start a contact with attributes');
    }
    return bad.length > 0 ? {} : (attributes as Record<string, string>);
  }

  function entryPointProblems(entryPoint: EntryPoint | undefined): string[] {
    if (!entryPoint) return ['EntryPoint: is required to publish a test (Type VOICE_CALL and its FlowId)'];
    if (entryPoint.Type === 'CHAT')
      return ['EntryPoint.Type: CHAT tests are not supported by the local emulator'];
    if (entryPoint.Type !== 'VOICE_CALL') return ['EntryPoint.Type: must be VOICE_CALL or CHAT'];
    const voice = entryPoint.VoiceCallEntryPointParameters;
    const problems: string[] = [];
    if (!voice?.FlowId) problems.push('EntryPoint.VoiceCallEntryPointParameters.FlowId: is required');
    else if (!contacts.hasFlow(voice.FlowId)) {
      problems.push(`EntryPoint.VoiceCallEntryPointParameters.FlowId: no published flow ${voice.FlowId}`);
    }
    for (const key of ['SourcePhoneNumber', 'DestinationPhoneNumber'] as const) {
      const number = voice?.[key];
      if (number !== undefined && !E164.test(number)) {
        problems.push(
          `EntryPoint.VoiceCallEntryPointParameters.${key}: must be an E.164 number, got ${number}`,
        );
      }
    }
    return problems;
  }

  /** A version as given; a published one checked, with every problem in InvalidTestCaseException. */
  function version(
    status: Status,
    fields: { Content: string; EntryPoint?: EntryPoint; InitializationData?: string },
  ): TestCaseVersion {
    const base = {
      Content: fields.Content,
      ...(fields.EntryPoint ? { EntryPoint: fields.EntryPoint } : {}),
      ...(fields.InitializationData !== undefined ? { InitializationData: fields.InitializationData } : {}),
      LastModifiedTime: clock.now(),
    };
    if (status === 'SAVED') return base;
    const read = readTestContent(fields.Content, support);
    const problems = [...entryPointProblems(fields.EntryPoint), ...read.problems];
    const attributes = initialAttributes(fields.InitializationData, problems);
    if (problems.length > 0 || !read.document) {
      throw new ConnectApiError(
        'InvalidTestCaseException',
        400,
        `The test case is not valid: ${problems.length} problem(s)`,
        { Problems: problems.map((message) => ({ message })) },
      );
    }
    return { ...base, document: read.document, attributes };
  }

  function currentVersion(
    testCase: StoredTestCase,
    status?: Status,
  ): { status: Status; version: TestCaseVersion } {
    if (status === 'PUBLISHED' || (status === undefined && testCase.published)) {
      if (!testCase.published) throw notFound(`Test case ${testCase.Id} has no published version`);
      return { status: 'PUBLISHED', version: testCase.published };
    }
    if (!testCase.saved) throw notFound(`Test case ${testCase.Id} has no saved version`);
    return { status: 'SAVED', version: testCase.saved };
  }

  // --- operations (the SDK's input and output shapes) -------------------------------------------

  function createTestCase(body: Record<string, unknown>) {
    const name = requiredString(body, 'Name');
    const content = requiredString(body, 'Content');
    const description = optionalString(body, 'Description');
    const initializationData = optionalString(body, 'InitializationData');
    const entryPoint = entryPointOf(body.EntryPoint);
    const status = statusOf(body.Status) ?? 'PUBLISHED';
    const tags = tagsOf(body.Tags);
    checkNameFree(name);
    const made = version(status, {
      Content: content,
      ...(entryPoint ? { EntryPoint: entryPoint } : {}),
      ...(initializationData !== undefined ? { InitializationData: initializationData } : {}),
    });
    const id = randomUUID();
    const testCase: StoredTestCase = {
      Id: id,
      Arn: `${instanceArn}/test-case/${id}`,
      Name: name,
      ...(description !== undefined ? { Description: description } : {}),
      Tags: tags,
      ...(status === 'PUBLISHED' ? { published: made } : { saved: made }),
    };
    testCases.set(id, testCase);
    return { TestCaseId: testCase.Id, TestCaseArn: testCase.Arn };
  }

  function describeTestCase(testCase: StoredTestCase, status?: Status) {
    const current = currentVersion(testCase, status);
    const { version: v } = current;
    return {
      TestCase: {
        Arn: testCase.Arn,
        Id: testCase.Id,
        Name: testCase.Name,
        Content: v.Content,
        ...(v.EntryPoint ? { EntryPoint: v.EntryPoint } : {}),
        ...(v.InitializationData !== undefined ? { InitializationData: v.InitializationData } : {}),
        ...(testCase.Description !== undefined ? { Description: testCase.Description } : {}),
        Status: current.status,
        LastModifiedTime: epochSeconds(v.LastModifiedTime),
        LastModifiedRegion: region,
        Tags: testCase.Tags,
        TestCaseSha256: createHash('sha256').update(v.Content).digest('hex'),
      },
    };
  }

  /**
   * SAVED keeps the published version and replaces the draft; PUBLISHED checks and publishes the
   * draft with the changes. Without Status, a test case keeps the status it shows.
   */
  function updateTestCase(testCase: StoredTestCase, body: Record<string, unknown>) {
    const name = optionalString(body, 'Name');
    const description = optionalString(body, 'Description');
    const content = optionalString(body, 'Content');
    const initializationData = optionalString(body, 'InitializationData');
    const entryPoint = entryPointOf(body.EntryPoint);
    const status = statusOf(body.Status) ?? (testCase.published ? 'PUBLISHED' : 'SAVED');
    if (name !== undefined) {
      if (name.length === 0) throw invalidParameter('Name must not be empty');
      checkNameFree(name, testCase);
    }
    const base = testCase.saved ?? testCase.published;
    if (!base) throw invalidRequest(`Test case ${testCase.Id} has no content`);
    const contentNow = content ?? base.Content;
    const entryPointNow = entryPoint ?? base.EntryPoint;
    const dataNow = initializationData ?? base.InitializationData;
    const made = version(status, {
      Content: contentNow,
      ...(entryPointNow ? { EntryPoint: entryPointNow } : {}),
      ...(dataNow !== undefined ? { InitializationData: dataNow } : {}),
    });
    if (status === 'PUBLISHED') {
      testCase.published = made;
      delete testCase.saved;
    } else testCase.saved = made;
    if (name !== undefined) testCase.Name = name;
    if (description !== undefined) testCase.Description = description;
    return {};
  }

  function deleteTestCase(testCase: StoredTestCase) {
    for (const execution of executions.values()) {
      if (execution.testCaseId !== testCase.Id) continue;
      track(execution.run.stop(), execution.id);
      executions.delete(execution.id);
    }
    testCases.delete(testCase.Id);
    return {};
  }

  function startExecution(testCase: StoredTestCase, body: Record<string, unknown>) {
    const clientToken = optionalString(body, 'ClientToken');
    if (clientToken !== undefined) {
      const earlier = [...executions.values()].find(
        (e) => e.testCaseId === testCase.Id && e.clientToken === clientToken,
      );
      if (earlier) {
        return { TestCaseExecutionId: earlier.id, TestCaseId: testCase.Id, Status: earlier.run.status };
      }
    }
    const published = testCase.published;
    if (!published?.document) {
      throw invalidRequest(`Test case ${testCase.Id} is not published: only published test cases run`);
    }
    const voice = published.EntryPoint?.VoiceCallEntryPointParameters ?? {};
    const run = new TestRun({
      document: published.document,
      contacts,
      clock,
      instanceArn,
      timeLimitSeconds,
      entry: {
        flowId: voice.FlowId ?? '',
        from: voice.SourcePhoneNumber ?? options.defaultSourceNumber ?? '+15550100999',
        ...(voice.DestinationPhoneNumber ? { to: voice.DestinationPhoneNumber } : {}),
        attributes: published.attributes ?? {},
      },
    });
    const execution: StoredExecution = {
      id: randomUUID(),
      testCaseId: testCase.Id,
      ...(clientToken !== undefined ? { clientToken } : {}),
      run,
    };
    executions.set(execution.id, execution);
    track(run.begin(), execution.id);
    return { TestCaseExecutionId: execution.id, TestCaseId: testCase.Id, Status: run.status };
  }

  function executionSummary(run: TestRun) {
    const counts = run.summary();
    return {
      StartTime: epochSeconds(run.startedAt),
      ...(run.endedAt ? { EndTime: epochSeconds(run.endedAt) } : {}),
      Status: run.status,
      ObservationSummary: {
        TotalObservations: counts.total,
        ObservationsPassed: counts.passed,
        ObservationsFailed: counts.failed,
      },
    };
  }

  function executionRecords(run: TestRun, query: URLSearchParams) {
    const wanted = query.get('status');
    const records = run
      .reports()
      .map((report) => ({
        ObservationId: report.observationId,
        Status: report.status,
        Timestamp: epochSeconds(report.updatedAt),
        Record: JSON.stringify({
          Matched: report.matched,
          Actions: report.actions,
          ...(report.reasons.length > 0 ? { Reasons: report.reasons } : {}),
        }),
      }))
      .filter((record) => wanted === null || record.Status === wanted);
    const { slice, NextToken } = page(records, query);
    return { ExecutionRecords: slice, ...(NextToken ? { NextToken } : {}) };
  }

  function listExecutions(query: URLSearchParams) {
    const testCaseId = query.get('testCaseId');
    const testCaseName = query.get('testCaseName');
    const status = query.get('status');
    const after = instantOf(query.get('startTime'), 'StartTime');
    const before = instantOf(query.get('endTime'), 'EndTime');
    const list = [...executions.values()]
      .filter((e) => {
        const testCase = testCases.get(e.testCaseId);
        const started = e.run.startedAt.getTime();
        return (
          (testCaseId === null || e.testCaseId === testCaseId || testCase?.Arn === testCaseId) &&
          (testCaseName === null || testCase?.Name === testCaseName) &&
          (status === null || e.run.status === status) &&
          (after === undefined || started >= after) &&
          (before === undefined || started <= before)
        );
      })
      .map((e) => ({
        StartTime: epochSeconds(e.run.startedAt),
        ...(e.run.endedAt ? { EndTime: epochSeconds(e.run.endedAt) } : {}),
        TestCaseExecutionId: e.id,
        TestCaseId: e.testCaseId,
        TestCaseExecutionStatus: e.run.status satisfies ExecutionStatus,
        Tags: {},
      }));
    const { slice, NextToken } = page(list, query);
    return { TestCaseExecutions: slice, ...(NextToken ? { NextToken } : {}) };
  }

  // --- HTTP routes ---------------------------------------------------------------------------------

  type Params = readonly string[];
  type Handler = (params: Params, query: URLSearchParams, body: Record<string, unknown>) => unknown;
  const routes: [method: string, pattern: RegExp, handler: Handler][] = [];
  const route = (method: string, path: string, handler: Handler) =>
    routes.push([method, new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}$`), handler]);
  /** The test case a path names (after checking its instance). */
  const testCaseIn = (params: Params) => {
    checkInstance(params[0]);
    return needTestCase(params[1] ?? '');
  };

  route('PUT', '/test-cases/{InstanceId}', (p, _q, body) => {
    checkInstance(p[0]);
    return createTestCase(body);
  });
  route('GET', '/test-cases/{InstanceId}/{TestCaseId}', (p, q) =>
    describeTestCase(testCaseIn(p), statusOf(q.get('status') ?? undefined)),
  );
  route('POST', '/test-cases/{InstanceId}/{TestCaseId}', (p, _q, body) =>
    updateTestCase(testCaseIn(p), body),
  );
  route('DELETE', '/test-cases/{InstanceId}/{TestCaseId}', (p) => deleteTestCase(testCaseIn(p)));
  route('GET', '/test-cases-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const list = [...testCases.values()].map((testCase) => {
      const { status, version: v } = currentVersion(testCase);
      return {
        Id: testCase.Id,
        Arn: testCase.Arn,
        Name: testCase.Name,
        Status: status,
        LastModifiedTime: epochSeconds(v.LastModifiedTime),
        LastModifiedRegion: region,
      };
    });
    const { slice, NextToken } = page(list, q);
    return { TestCaseSummaryList: slice, ...(NextToken ? { NextToken } : {}) };
  });
  route('PUT', '/test-cases/{InstanceId}/{TestCaseId}/start-execution', (p, _q, body) =>
    startExecution(testCaseIn(p), body),
  );
  route('POST', '/test-cases/{InstanceId}/{TestCaseId}/{TestCaseExecutionId}/stop-execution', (p) => {
    const execution = needExecution(testCaseIn(p), p[2] ?? '');
    track(execution.run.stop(), execution.id);
    return {};
  });
  route('GET', '/test-cases/{InstanceId}/{TestCaseId}/{TestCaseExecutionId}/summary', (p) =>
    executionSummary(needExecution(testCaseIn(p), p[2] ?? '').run),
  );
  route('GET', '/test-cases/{InstanceId}/{TestCaseId}/{TestCaseExecutionId}/records', (p, q) =>
    executionRecords(needExecution(testCaseIn(p), p[2] ?? '').run, q),
  );
  route('GET', '/test-case-executions/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    return listExecutions(q);
  });

  /** Answers a test-case request, or undefined when the path is not one of these operations. */
  function handle(
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown,
  ): { result: unknown } | undefined {
    for (const [m, pattern, handler] of routes) {
      if (m !== method) continue;
      const match = pattern.exec(pathname);
      if (!match) continue;
      const params = match.slice(1).map((p) => decodeURIComponent(p));
      if (body !== undefined && !isRecord(body))
        throw invalidRequest('The request body must be a JSON object');
      return { result: handler(params, query, (body ?? {}) as Record<string, unknown>) };
    }
    return undefined;
  }

  const running = () => [...executions.values()].filter((e) => !e.run.finished);

  return {
    handle,
    /** Looks at running executions again (the emulator's clock moved); call it from the emulator's tick. */
    tick(): Promise<void> {
      for (const execution of running()) track(execution.run.advance(), execution.id);
      return whenIdle();
    },
    /** The next instant an execution must be looked at (its time limit), for a virtual clock. */
    nextDueAt(): number | undefined {
      const due = running()
        .map((e) => e.run.dueAt)
        .filter((at): at is number => at !== undefined);
      return due.length > 0 ? Math.min(...due) : undefined;
    },
    /** Resolves once every execution has done what it can without time passing. */
    whenIdle,
  };

  async function whenIdle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }
}
