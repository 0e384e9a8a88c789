/**
 * The Connect instance's resources and the control-plane API that manages them, as the AWS SDK and CLI
 * call it (REST-JSON): the instance, contact flows and flow modules (validated as Connect does, each
 * problem listed in InvalidContactFlowException), queues, hours of operation, prompts, claimed phone
 * numbers and the flow each one runs, routing profiles and users (agents). The emulator's contacts read
 * flows, queues and hours from here; `local/hotline.ts` creates the hotline's resources through these
 * same operations, as CDK creates them on AWS.
 *
 * Ids are derived from the instance and the resource's name (UUID-shaped), so a restart that creates
 * the same resources gets the same ids; Connect's are random, and nothing here depends on their form.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isPossiblePhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { FlowDocument } from '#infra/flows/lib/flow-language';
import type { Clock } from '#shared/ports/clock';
import {
  ConnectApiError,
  duplicate,
  inUse,
  invalidParameter,
  invalidRequest,
  notFound,
} from './api-error.ts';
import { checkHoursConfig, type HoursOfOperationConfig, type OpeningTimes, WEEKDAYS } from './hours.ts';

export const CONTACT_FLOW_TYPES = [
  'CONTACT_FLOW',
  'CUSTOMER_QUEUE',
  'CUSTOMER_HOLD',
  'CUSTOMER_WHISPER',
  'AGENT_HOLD',
  'AGENT_WHISPER',
  'OUTBOUND_WHISPER',
  'AGENT_TRANSFER',
  'QUEUE_TRANSFER',
  'CAMPAIGN',
] as const;
export type ContactFlowType = (typeof CONTACT_FLOW_TYPES)[number];

/** What the emulator's queue logic reads, besides what the API shows. */
export interface QueueConfig {
  readonly name: string;
  /** Most contacts waiting at once before TransferContactToQueue takes QueueAtCapacity; default unlimited. */
  readonly capacity?: number;
  /** Hours used by CheckHoursOfOperation when it names no hours of its own. */
  readonly hoursOfOperationId?: string;
  /** Closed regardless of hours (e.g. an emergency switch); local only. */
  readonly closed?: boolean;
  readonly outboundCallerId?: string;
}

export interface StoredFlow {
  readonly kind: 'flow' | 'module';
  readonly Id: string;
  readonly Arn: string;
  Name: string;
  readonly Type: ContactFlowType | 'MODULE';
  State: 'ACTIVE' | 'ARCHIVED';
  Status: 'PUBLISHED' | 'SAVED';
  Description?: string;
  Content: string;
  readonly Tags: Record<string, string>;
  Settings?: string;
  LastModifiedTime: Date;
  /** The parsed content when it is published (what contacts run); undefined for a saved draft. */
  doc?: FlowDocument;
}

export interface StoredQueue {
  readonly QueueId: string;
  readonly QueueArn: string;
  Name: string;
  Description?: string;
  HoursOfOperationId?: string;
  MaxContacts?: number;
  OutboundCallerConfig?: {
    OutboundCallerIdName?: string;
    OutboundCallerIdNumberId?: string;
    OutboundFlowId?: string;
  };
  Status: 'ENABLED' | 'DISABLED';
  readonly Tags: Record<string, string>;
  LastModifiedTime: Date;
  /** Local-only switches (tests, demos): closed regardless of hours. */
  closed?: boolean;
}

interface ConnectTime {
  readonly Hours: number;
  readonly Minutes: number;
}
interface HoursConfigEntry {
  readonly Day: string;
  readonly StartTime: ConnectTime;
  readonly EndTime: ConnectTime;
}

export interface StoredHours {
  readonly HoursOfOperationId: string;
  readonly HoursOfOperationArn: string;
  Name: string;
  Description?: string;
  TimeZone: string;
  Config: HoursConfigEntry[];
  readonly Tags: Record<string, string>;
  LastModifiedTime: Date;
  /** What CheckHoursOfOperation evaluates (the weekly times, plus local dated overrides). */
  config: HoursOfOperationConfig;
}

export interface StoredPhoneNumber {
  readonly PhoneNumberId: string;
  readonly PhoneNumberArn: string;
  readonly PhoneNumber: string;
  readonly PhoneNumberCountryCode: string;
  readonly PhoneNumberType: 'DID' | 'TOLL_FREE';
  readonly TargetArn: string;
  readonly InstanceId: string;
  PhoneNumberDescription?: string;
  readonly Tags: Record<string, string>;
  /** The flow that answers calls to this number. */
  contactFlowId?: string;
}

export interface StoredRoutingProfile {
  readonly RoutingProfileId: string;
  readonly RoutingProfileArn: string;
  Name: string;
  Description: string;
  DefaultOutboundQueueId: string;
  MediaConcurrencies: { Channel: string; Concurrency: number }[];
  QueueConfigs: { QueueId: string; Channel: string; Priority: number; Delay: number }[];
  readonly Tags: Record<string, string>;
  LastModifiedTime: Date;
}

export interface StoredUser {
  readonly Id: string;
  readonly Arn: string;
  readonly Username: string;
  RoutingProfileId: string;
  SecurityProfileIds: string[];
  IdentityInfo?: { FirstName?: string; LastName?: string; Email?: string };
  PhoneConfig: {
    PhoneType: 'SOFT_PHONE' | 'DESK_PHONE';
    AutoAccept?: boolean;
    AfterContactWorkTimeLimit?: number;
  };
  readonly Tags: Record<string, string>;
  LastModifiedTime: Date;
}

interface StoredPrompt {
  readonly PromptId: string;
  readonly PromptARN: string;
  readonly Name: string;
  readonly Description: string;
}

/** Connect's default prompts (every new instance has them), named as the console lists them. */
const DEFAULT_PROMPTS = [
  'Beep.wav',
  'CustomerHold.wav',
  'CustomerQueue.wav',
  'Music_Jazz_MyTimetoFly_Inst.wav',
  'Music_Pop_ThisAndThatIsLife_Inst.wav',
  'Music_Rock_EverywhereTheSunShines_Inst.wav',
];

/** What the emulator checks in a flow's content besides its references (the flow language itself). */
export type FlowContentCheck = (doc: unknown, kind: 'flow' | 'module', name: string) => readonly string[];

export interface ControlPlaneOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly instanceId: string;
  readonly instanceAlias?: string;
  readonly checkContent: FlowContentCheck;
  /** A JSON file the resources are kept in (and read back from at start); in memory when absent. */
  readonly stateFile?: string;
}

/** A security profile every instance has; CreateUser needs one. */
const AGENT_SECURITY_PROFILE = 'Agent';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(body: Record<string, unknown>, key: string, required: true): string;
function str(body: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(body: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw invalidParameter(`${key} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidParameter(`${key} must be a string`);
  if (required && value.length === 0) throw invalidParameter(`${key} must not be empty`);
  return value;
}

function tagsOf(body: Record<string, unknown>): Record<string, string> {
  const tags = body.Tags;
  if (tags === undefined) return {};
  if (!isRecord(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw invalidParameter('Tags must be a map of strings');
  }
  return { ...(tags as Record<string, string>) };
}

function nameOf(body: Record<string, unknown>, key = 'Name', max = 127): string {
  const name = str(body, key, true);
  if (name.length > max) throw invalidParameter(`${key} must be at most ${max} characters`);
  return name;
}

const epochSeconds = (date: Date) => date.getTime() / 1000;

/** `maxResults` / `MaxResults` and `nextToken` paging over a list, as Connect's list operations do. */
function page<T>(items: readonly T[], nextToken: string | undefined, maxResults: unknown, max = 1000) {
  const size = maxResults === undefined || maxResults === '' ? max : Number(maxResults);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw invalidParameter(`MaxResults must be an integer from 1 to ${max}`);
  }
  let start = 0;
  if (nextToken !== undefined && nextToken !== '') {
    start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('NextToken is not valid');
  }
  const slice = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { slice, next };
}

function hhmm(time: ConnectTime): string {
  return `${String(time.Hours).padStart(2, '0')}:${String(time.Minutes).padStart(2, '0')}`;
}

function readHoursConfig(value: unknown): HoursConfigEntry[] {
  if (!Array.isArray(value)) throw invalidParameter('Config must be a list of {Day, StartTime, EndTime}');
  return value.map((entry, i) => {
    const time = (t: unknown, what: string): ConnectTime => {
      if (!isRecord(t) || !Number.isInteger(t.Hours) || !Number.isInteger(t.Minutes)) {
        throw invalidParameter(`Config[${i}].${what} must be {Hours, Minutes}`);
      }
      const hours = t.Hours as number;
      const minutes = t.Minutes as number;
      if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
        throw invalidParameter(`Config[${i}].${what} must be a time of day (Hours 0-23, Minutes 0-59)`);
      }
      return { Hours: hours, Minutes: minutes };
    };
    if (!isRecord(entry) || !(WEEKDAYS as readonly unknown[]).includes(entry.Day)) {
      throw invalidParameter(`Config[${i}].Day must be one of ${WEEKDAYS.join(', ')}`);
    }
    return {
      Day: entry.Day as string,
      StartTime: time(entry.StartTime, 'StartTime'),
      EndTime: time(entry.EndTime, 'EndTime'),
    };
  });
}

function toLocalHours(timeZone: string, config: readonly HoursConfigEntry[]): HoursOfOperationConfig {
  const weekly: OpeningTimes[] = config.map((c) => ({
    day: c.Day as OpeningTimes['day'],
    start: hhmm(c.StartTime),
    // 00:00 as an end is midnight at the end of the day (what Connect means by 00:00-00:00: all day).
    end: hhmm(c.EndTime),
  }));
  return { timeZone, weekly };
}

function toConnectConfig(config: HoursOfOperationConfig): HoursConfigEntry[] {
  const time = (t: string): ConnectTime => {
    const [h, m] = t.split(':').map(Number);
    return { Hours: (h ?? 0) % 24, Minutes: m ?? 0 };
  };
  return config.weekly.map((o) => ({ Day: o.day, StartTime: time(o.start), EndTime: time(o.end) }));
}

interface SavedState {
  readonly flows: StoredFlow[];
  readonly queues: StoredQueue[];
  readonly hours: StoredHours[];
  readonly numbers: StoredPhoneNumber[];
  readonly routingProfiles: StoredRoutingProfile[];
  readonly users: StoredUser[];
}

/** A UUID-shaped id from the instance, the kind of resource and its name: stable across restarts. */
export function resourceId(instanceId: string, kind: string, name: string): string {
  const hex = createHash('sha256').update(`${instanceId}\0${kind}\0${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export type ControlPlane = ReturnType<typeof createControlPlane>;

export function createControlPlane(options: ControlPlaneOptions) {
  const { clock, region, accountId, instanceId } = options;
  const instanceArn = `arn:aws:connect:${region}:${accountId}:instance/${instanceId}`;
  const createdAt = clock.now();
  const flows = new Map<string, StoredFlow>();
  const queues = new Map<string, StoredQueue>();
  const hours = new Map<string, StoredHours>();
  const numbers = new Map<string, StoredPhoneNumber>();
  const routingProfiles = new Map<string, StoredRoutingProfile>();
  const users = new Map<string, StoredUser>();
  const prompts = new Map<string, StoredPrompt>();

  const idFor = (kind: string, name: string) => resourceId(instanceId, kind, name);

  for (const name of DEFAULT_PROMPTS) {
    const id = idFor('prompt', name);
    prompts.set(id, { PromptId: id, PromptARN: `${instanceArn}/prompt/${id}`, Name: name, Description: '' });
  }

  // --- persistence -------------------------------------------------------------------------------

  function save(): void {
    if (!options.stateFile) return;
    const state: SavedState = {
      flows: [...flows.values()].map(({ doc: _doc, ...rest }) => rest as StoredFlow),
      queues: [...queues.values()],
      hours: [...hours.values()],
      numbers: [...numbers.values()],
      routingProfiles: [...routingProfiles.values()],
      users: [...users.values()],
    };
    const temporary = `${options.stateFile}.tmp`;
    writeFileSync(temporary, JSON.stringify(state));
    renameSync(temporary, options.stateFile);
  }

  function load(): void {
    if (!options.stateFile) return;
    let text: string;
    try {
      text = readFileSync(options.stateFile, 'utf8');
    } catch {
      return;
    }
    const state = JSON.parse(text) as SavedState;
    const date = (value: unknown) => new Date(value as string);
    for (const h of state.hours)
      hours.set(h.HoursOfOperationId, { ...h, LastModifiedTime: date(h.LastModifiedTime) });
    for (const q of state.queues) queues.set(q.QueueId, { ...q, LastModifiedTime: date(q.LastModifiedTime) });
    for (const f of state.flows) {
      const flow: StoredFlow = { ...f, LastModifiedTime: date(f.LastModifiedTime) };
      if (flow.Status === 'PUBLISHED') flow.doc = JSON.parse(flow.Content) as FlowDocument;
      flows.set(flow.Id, flow);
    }
    for (const n of state.numbers) numbers.set(n.PhoneNumberId, { ...n });
    for (const r of state.routingProfiles) {
      routingProfiles.set(r.RoutingProfileId, { ...r, LastModifiedTime: date(r.LastModifiedTime) });
    }
    for (const u of state.users) users.set(u.Id, { ...u, LastModifiedTime: date(u.LastModifiedTime) });
  }

  // --- lookups -------------------------------------------------------------------------------------

  /** The id in an id or an ARN of this instance (`.../<segment>/<id>`); another instance's ARN is not found. */
  function idIn(idOrArn: string, segment: string): string | undefined {
    if (!idOrArn.startsWith('arn:')) return idOrArn;
    const prefix = `${instanceArn}/${segment}/`;
    return idOrArn.startsWith(prefix) ? idOrArn.slice(prefix.length) : undefined;
  }

  function checkInstance(value: unknown): void {
    if (typeof value !== 'string' || value.length === 0) throw invalidParameter('InstanceId is required');
    if (value !== instanceId && value !== instanceArn) throw notFound(`Instance ${value} not found`);
  }

  function flowById(idOrArn: string, kind: 'flow' | 'module'): StoredFlow | undefined {
    const id = idIn(idOrArn, kind === 'flow' ? 'contact-flow' : 'flow-module');
    const flow = id === undefined ? undefined : flows.get(id);
    return flow?.kind === kind ? flow : undefined;
  }

  function needFlow(idOrArn: string, kind: 'flow' | 'module'): StoredFlow {
    const flow = flowById(idOrArn, kind);
    if (!flow)
      throw notFound(`${kind === 'flow' ? 'Contact flow' : 'Contact flow module'} ${idOrArn} not found`);
    return flow;
  }

  function queueById(idOrArn: string): StoredQueue | undefined {
    const id = idIn(idOrArn, 'queue');
    return id === undefined ? undefined : queues.get(id);
  }

  function needQueue(idOrArn: string): StoredQueue {
    const queue = queueById(idOrArn);
    if (!queue) throw notFound(`Queue ${idOrArn} not found`);
    return queue;
  }

  function hoursById(idOrArn: string): StoredHours | undefined {
    const id = idIn(idOrArn, 'operating-hours');
    return id === undefined ? undefined : hours.get(id);
  }

  function needHours(idOrArn: string): StoredHours {
    const found = hoursById(idOrArn);
    if (!found) throw notFound(`Hours of operation ${idOrArn} not found`);
    return found;
  }

  function numberById(idOrArn: string): StoredPhoneNumber | undefined {
    const id = idOrArn.startsWith('arn:') ? idOrArn.split(':phone-number/')[1] : idOrArn;
    return id === undefined ? undefined : numbers.get(id);
  }

  function needNumber(idOrArn: string): StoredPhoneNumber {
    const found = numberById(idOrArn);
    if (!found) throw notFound(`Phone number ${idOrArn} not found`);
    return found;
  }

  // --- flow content --------------------------------------------------------------------------------

  /**
   * Resources a flow names by a fixed id or ARN must exist in this instance (Connect checks them when a
   * flow is published); values taken from flow data (`$.`) are checked when the contact runs.
   */
  function referenceProblems(doc: unknown): string[] {
    const problems: string[] = [];
    if (!isRecord(doc) || !Array.isArray(doc.Actions)) return problems;
    const arnPattern = /^arn:aws:connect:([^:]*):([^:]*):instance\/([^/]+)\/([a-z-]+)\/(.+)$/;
    const exists: Record<string, (id: string) => boolean> = {
      queue: (id) => queues.has(id),
      'operating-hours': (id) => hours.has(id),
      'contact-flow': (id) => flows.get(id)?.kind === 'flow',
      'flow-module': (id) => flows.get(id)?.kind === 'module',
      prompt: (id) => prompts.has(id),
    };
    const byParameter: Record<string, string> = {
      QueueId: 'queue',
      HoursOfOperationId: 'operating-hours',
      ContactFlowId: 'contact-flow',
      FlowModuleId: 'flow-module',
      PromptId: 'prompt',
    };
    const visit = (actionId: string, key: string, value: unknown) => {
      if (isRecord(value)) {
        for (const [k, v] of Object.entries(value)) visit(actionId, k, v);
        return;
      }
      if (Array.isArray(value)) {
        for (const v of value) visit(actionId, key, v);
        return;
      }
      if (typeof value !== 'string' || value.startsWith('$.')) return;
      const arn = arnPattern.exec(value);
      if (arn) {
        const [, arnRegion, arnAccount, arnInstance, segment = '', id = ''] = arn;
        if (arnRegion !== region || arnAccount !== accountId || arnInstance !== instanceId) {
          problems.push(`${actionId}: ${key} ${value} belongs to another instance (this is ${instanceArn})`);
          return;
        }
        const check = exists[segment];
        if (check && !check(id))
          problems.push(`${actionId}: ${key} ${value} does not exist in this instance`);
        return;
      }
      const segment = byParameter[key];
      if (segment && /^[0-9a-f-]{36}$/.test(value) && !exists[segment]?.(value)) {
        problems.push(`${actionId}: ${key} ${value} does not exist in this instance`);
      }
    };
    for (const action of doc.Actions) {
      if (!isRecord(action)) continue;
      const id = typeof action.Identifier === 'string' ? action.Identifier : '?';
      visit(id, 'Parameters', action.Parameters);
    }
    return problems;
  }

  /** The parsed document of publishable content, or InvalidContactFlowException with every problem. */
  function checkedContent(content: string, kind: 'flow' | 'module', name: string): FlowDocument {
    let doc: unknown;
    try {
      doc = JSON.parse(content);
    } catch (error) {
      throw new ConnectApiError('InvalidContactFlowException', 400, 'The content is not valid JSON', {
        problems: [{ message: `Content is not valid JSON: ${(error as Error).message}` }],
      });
    }
    const problems = [...options.checkContent(doc, kind, name), ...referenceProblems(doc)];
    if (problems.length > 0) {
      throw new ConnectApiError(
        kind === 'flow' ? 'InvalidContactFlowException' : 'InvalidContactFlowModuleException',
        400,
        `The ${kind === 'flow' ? 'flow' : 'flow module'} is not valid: ${problems.length} problem(s)`,
        { problems: problems.map((message) => ({ message })) },
      );
    }
    return doc as FlowDocument;
  }

  function contentOf(body: Record<string, unknown>): string {
    const content = str(body, 'Content', true);
    if (content.length > 256_000) throw invalidParameter('Content must be at most 256,000 characters');
    return content;
  }

  // --- operations (the SDK's input and output shapes) ------------------------------------------

  function instanceSummary() {
    return {
      Id: instanceId,
      Arn: instanceArn,
      IdentityManagementType: 'CONNECT_MANAGED',
      InstanceAlias: options.instanceAlias ?? 'complaint-hotline-local',
      CreatedTime: epochSeconds(createdAt),
      ServiceRole: `arn:aws:iam::${accountId}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
      InstanceStatus: 'ACTIVE',
      InboundCallsEnabled: true,
      OutboundCallsEnabled: true,
      InstanceAccessUrl: `https://${options.instanceAlias ?? 'complaint-hotline-local'}.my.connect.aws`,
    };
  }

  function createFlow(kind: 'flow' | 'module', body: Record<string, unknown>) {
    checkInstance(body.InstanceId);
    const name = nameOf(body);
    const content = contentOf(body);
    const type = kind === 'module' ? 'MODULE' : str(body, 'Type', true);
    if (kind === 'flow' && !(CONTACT_FLOW_TYPES as readonly string[]).includes(type)) {
      throw invalidParameter(`Type must be one of ${CONTACT_FLOW_TYPES.join(', ')}`);
    }
    const status = (str(body, 'Status') ?? 'PUBLISHED') as StoredFlow['Status'];
    if (status !== 'PUBLISHED' && status !== 'SAVED')
      throw invalidParameter('Status must be PUBLISHED or SAVED');
    if ([...flows.values()].some((f) => f.kind === kind && f.Name === name)) {
      throw duplicate(`A ${kind === 'flow' ? 'contact flow' : 'flow module'} named ${name} exists already`);
    }
    const doc = status === 'PUBLISHED' ? checkedContent(content, kind, name) : undefined;
    const id = idFor(kind, name);
    const description = str(body, 'Description');
    const flow: StoredFlow = {
      kind,
      Id: id,
      Arn: `${instanceArn}/${kind === 'flow' ? 'contact-flow' : 'flow-module'}/${id}`,
      Name: name,
      Type: type as StoredFlow['Type'],
      State: 'ACTIVE',
      Status: status,
      ...(description !== undefined ? { Description: description } : {}),
      Content: content,
      Tags: tagsOf(body),
      ...(kind === 'module' && str(body, 'Settings') !== undefined
        ? { Settings: str(body, 'Settings') }
        : {}),
      LastModifiedTime: clock.now(),
      ...(doc ? { doc } : {}),
    };
    flows.set(id, flow);
    save();
    return flow;
  }

  function sha256(content: string): string {
    return createHash('sha256').update(content).digest('hex');
  }

  function describeFlow(flow: StoredFlow) {
    const common = {
      Arn: flow.Arn,
      Id: flow.Id,
      Name: flow.Name,
      State: flow.State,
      Status: flow.Status,
      ...(flow.Description !== undefined ? { Description: flow.Description } : {}),
      Content: flow.Content,
      Tags: flow.Tags,
    };
    return flow.kind === 'flow'
      ? {
          ...common,
          Type: flow.Type,
          FlowContentSha256: sha256(flow.Content),
          LastModifiedTime: epochSeconds(flow.LastModifiedTime),
          LastModifiedRegion: region,
        }
      : {
          ...common,
          FlowModuleContentSha256: sha256(flow.Content),
          ...(flow.Settings ? { Settings: flow.Settings } : {}),
        };
  }

  function updateContent(flow: StoredFlow, content: string): void {
    const doc =
      flow.Status === 'PUBLISHED' || flow.kind === 'module'
        ? checkedContent(content, flow.kind, flow.Name)
        : undefined;
    flow.Content = content;
    if (doc) {
      flow.doc = doc;
      flow.Status = 'PUBLISHED';
    }
    flow.LastModifiedTime = clock.now();
    save();
  }

  function rename(flow: StoredFlow, name: string | undefined, description: string | undefined): void {
    if (name !== undefined) {
      if (name.length === 0 || name.length > 127) throw invalidParameter('Name must be 1 to 127 characters');
      if ([...flows.values()].some((f) => f !== flow && f.kind === flow.kind && f.Name === name)) {
        throw duplicate(
          `A ${flow.kind === 'flow' ? 'contact flow' : 'flow module'} named ${name} exists already`,
        );
      }
      flow.Name = name;
    }
    if (description !== undefined) flow.Description = description;
    flow.LastModifiedTime = clock.now();
  }

  function deleteFlow(flow: StoredFlow): void {
    if (flow.kind === 'flow') {
      const number = [...numbers.values()].find((n) => n.contactFlowId === flow.Id);
      if (number) throw inUse(`Contact flow ${flow.Id} answers ${number.PhoneNumber}: disassociate it first`);
    }
    flows.delete(flow.Id);
    save();
  }

  function createHoursOfOperation(body: Record<string, unknown>) {
    checkInstance(body.InstanceId);
    const name = nameOf(body);
    const timeZone = str(body, 'TimeZone', true);
    const config = readHoursConfig(body.Config);
    const local = toLocalHours(timeZone, config);
    try {
      checkHoursConfig(name, local);
    } catch (error) {
      throw invalidParameter((error as Error).message);
    }
    if ([...hours.values()].some((h) => h.Name === name))
      throw duplicate(`Hours named ${name} exist already`);
    const id = idFor('hours', name);
    const description = str(body, 'Description');
    const stored: StoredHours = {
      HoursOfOperationId: id,
      HoursOfOperationArn: `${instanceArn}/operating-hours/${id}`,
      Name: name,
      ...(description !== undefined ? { Description: description } : {}),
      TimeZone: timeZone,
      Config: config,
      Tags: tagsOf(body),
      LastModifiedTime: clock.now(),
      config: local,
    };
    hours.set(id, stored);
    save();
    return stored;
  }

  function createQueue(body: Record<string, unknown>) {
    checkInstance(body.InstanceId);
    const name = nameOf(body);
    const hoursId = str(body, 'HoursOfOperationId', true);
    const hoursFound = needHours(hoursId);
    const maxContacts = body.MaxContacts;
    if (maxContacts !== undefined && (!Number.isInteger(maxContacts) || (maxContacts as number) < 0)) {
      throw invalidParameter('MaxContacts must be a whole number of at least 0');
    }
    const caller = isRecord(body.OutboundCallerConfig) ? body.OutboundCallerConfig : undefined;
    if (caller?.OutboundCallerIdNumberId !== undefined) needNumber(String(caller.OutboundCallerIdNumberId));
    if ([...queues.values()].some((q) => q.Name === name))
      throw duplicate(`A queue named ${name} exists already`);
    const id = idFor('queue', name);
    const description = str(body, 'Description');
    const queue: StoredQueue = {
      QueueId: id,
      QueueArn: `${instanceArn}/queue/${id}`,
      Name: name,
      ...(description !== undefined ? { Description: description } : {}),
      HoursOfOperationId: hoursFound.HoursOfOperationId,
      ...(maxContacts !== undefined ? { MaxContacts: maxContacts as number } : {}),
      ...(caller ? { OutboundCallerConfig: caller as StoredQueue['OutboundCallerConfig'] & object } : {}),
      Status: 'ENABLED',
      Tags: tagsOf(body),
      LastModifiedTime: clock.now(),
    };
    queues.set(id, queue);
    save();
    return queue;
  }

  function describeQueue(queue: StoredQueue) {
    const { closed: _closed, LastModifiedTime, ...rest } = queue;
    return { ...rest, LastModifiedTime: epochSeconds(LastModifiedTime), LastModifiedRegion: region };
  }

  function describeHours(h: StoredHours) {
    const { config: _config, LastModifiedTime, ...rest } = h;
    return { ...rest, LastModifiedTime: epochSeconds(LastModifiedTime), LastModifiedRegion: region };
  }

  function claimPhoneNumber(body: Record<string, unknown>) {
    const phoneNumber = str(body, 'PhoneNumber', true);
    const target = str(body, 'TargetArn') ?? str(body, 'InstanceId');
    if (target === undefined) throw invalidParameter('TargetArn or InstanceId is required');
    checkInstance(target);
    const parsed = parsePhoneNumberFromString(phoneNumber);
    if (!/^\+\d+$/.test(phoneNumber) || !parsed || !isPossiblePhoneNumber(phoneNumber)) {
      throw invalidParameter(`PhoneNumber ${phoneNumber} is not a valid E.164 number`);
    }
    const existing = [...numbers.values()].find((n) => n.PhoneNumber === phoneNumber);
    if (existing) return existing;
    const id = idFor('phone-number', phoneNumber);
    const description = str(body, 'PhoneNumberDescription');
    const stored: StoredPhoneNumber = {
      PhoneNumberId: id,
      PhoneNumberArn: `arn:aws:connect:${region}:${accountId}:phone-number/${id}`,
      PhoneNumber: phoneNumber,
      PhoneNumberCountryCode: parsed.country ?? 'US',
      PhoneNumberType: /^\+1(800|8[345678]8)/.test(phoneNumber) ? 'TOLL_FREE' : 'DID',
      TargetArn: instanceArn,
      InstanceId: instanceId,
      ...(description !== undefined ? { PhoneNumberDescription: description } : {}),
      Tags: tagsOf(body),
    };
    numbers.set(id, stored);
    save();
    return stored;
  }

  function numberSummary(n: StoredPhoneNumber) {
    return {
      PhoneNumberId: n.PhoneNumberId,
      PhoneNumberArn: n.PhoneNumberArn,
      PhoneNumber: n.PhoneNumber,
      PhoneNumberCountryCode: n.PhoneNumberCountryCode,
      PhoneNumberType: n.PhoneNumberType,
      TargetArn: n.TargetArn,
      InstanceId: n.InstanceId,
      ...(n.PhoneNumberDescription !== undefined ? { PhoneNumberDescription: n.PhoneNumberDescription } : {}),
    };
  }

  function associateNumber(number: StoredPhoneNumber, body: Record<string, unknown>): void {
    checkInstance(body.InstanceId);
    const flow = needFlow(str(body, 'ContactFlowId', true), 'flow');
    if (flow.Type !== 'CONTACT_FLOW') {
      throw invalidParameter(`Flow ${flow.Id} is of type ${flow.Type}: a number runs a CONTACT_FLOW`);
    }
    number.contactFlowId = flow.Id;
    save();
  }

  function readQueueConfigs(value: unknown, field: string): StoredRoutingProfile['QueueConfigs'] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw invalidParameter(`${field} must be a list`);
    return value.map((entry, i) => {
      const ref = isRecord(entry) && isRecord(entry.QueueReference) ? entry.QueueReference : undefined;
      if (!ref || typeof ref.QueueId !== 'string' || typeof ref.Channel !== 'string') {
        throw invalidParameter(`${field}[${i}].QueueReference needs QueueId and Channel`);
      }
      const priority = (entry as Record<string, unknown>).Priority;
      const delay = (entry as Record<string, unknown>).Delay;
      if (!Number.isInteger(priority) || (priority as number) < 1 || (priority as number) > 99) {
        throw invalidParameter(`${field}[${i}].Priority must be 1 to 99`);
      }
      if (!Number.isInteger(delay) || (delay as number) < 0 || (delay as number) > 9999) {
        throw invalidParameter(`${field}[${i}].Delay must be 0 to 9999 seconds`);
      }
      return {
        QueueId: needQueue(ref.QueueId).QueueId,
        Channel: ref.Channel,
        Priority: priority as number,
        Delay: delay as number,
      };
    });
  }

  function createRoutingProfile(body: Record<string, unknown>) {
    checkInstance(body.InstanceId);
    const name = nameOf(body);
    const description = str(body, 'Description', true);
    const outbound = needQueue(str(body, 'DefaultOutboundQueueId', true));
    if (!Array.isArray(body.MediaConcurrencies) || body.MediaConcurrencies.length === 0) {
      throw invalidParameter('MediaConcurrencies is required (e.g. [{"Channel":"VOICE","Concurrency":1}])');
    }
    const media = body.MediaConcurrencies.map((m, i) => {
      if (!isRecord(m) || typeof m.Channel !== 'string' || !Number.isInteger(m.Concurrency)) {
        throw invalidParameter(`MediaConcurrencies[${i}] needs Channel and Concurrency`);
      }
      return { Channel: m.Channel, Concurrency: m.Concurrency as number };
    });
    const queueConfigs = readQueueConfigs(body.QueueConfigs, 'QueueConfigs');
    if ([...routingProfiles.values()].some((r) => r.Name === name)) {
      throw duplicate(`A routing profile named ${name} exists already`);
    }
    const id = idFor('routing-profile', name);
    const profile: StoredRoutingProfile = {
      RoutingProfileId: id,
      RoutingProfileArn: `${instanceArn}/routing-profile/${id}`,
      Name: name,
      Description: description,
      DefaultOutboundQueueId: outbound.QueueId,
      MediaConcurrencies: media,
      QueueConfigs: queueConfigs,
      Tags: tagsOf(body),
      LastModifiedTime: clock.now(),
    };
    routingProfiles.set(id, profile);
    save();
    return profile;
  }

  function needRoutingProfile(idOrArn: string): StoredRoutingProfile {
    const id = idIn(idOrArn, 'routing-profile');
    const profile = id === undefined ? undefined : routingProfiles.get(id);
    if (!profile) throw notFound(`Routing profile ${idOrArn} not found`);
    return profile;
  }

  function createUser(body: Record<string, unknown>) {
    checkInstance(body.InstanceId);
    const username = nameOf(body, 'Username', 64);
    const profile = needRoutingProfile(str(body, 'RoutingProfileId', true));
    const securityProfiles = body.SecurityProfileIds;
    if (!Array.isArray(securityProfiles) || securityProfiles.length === 0) {
      throw invalidParameter('SecurityProfileIds is required (at least one)');
    }
    const phone = isRecord(body.PhoneConfig) ? body.PhoneConfig : undefined;
    if (!phone || (phone.PhoneType !== 'SOFT_PHONE' && phone.PhoneType !== 'DESK_PHONE')) {
      throw invalidParameter('PhoneConfig.PhoneType must be SOFT_PHONE or DESK_PHONE');
    }
    if ([...users.values()].some((u) => u.Username === username)) {
      throw duplicate(`A user named ${username} exists already`);
    }
    const id = idFor('agent', username);
    const identity = isRecord(body.IdentityInfo)
      ? (body.IdentityInfo as StoredUser['IdentityInfo'])
      : undefined;
    const user: StoredUser = {
      Id: id,
      Arn: `${instanceArn}/agent/${id}`,
      Username: username,
      RoutingProfileId: profile.RoutingProfileId,
      SecurityProfileIds: securityProfiles.map(String),
      ...(identity ? { IdentityInfo: identity } : {}),
      PhoneConfig: phone as StoredUser['PhoneConfig'],
      Tags: tagsOf(body),
      LastModifiedTime: clock.now(),
    };
    users.set(id, user);
    save();
    return user;
  }

  const summary = <T extends { LastModifiedTime: Date }>(item: T, fields: Record<string, unknown>) => ({
    ...fields,
    LastModifiedTime: epochSeconds(item.LastModifiedTime),
    LastModifiedRegion: region,
  });

  // --- HTTP routes ---------------------------------------------------------------------------------

  type Params = readonly string[];
  type Handler = (params: Params, query: URLSearchParams, body: Record<string, unknown>) => unknown;
  const routes: [method: string, pattern: RegExp, handler: Handler][] = [];
  const route = (method: string, path: string, handler: Handler) =>
    routes.push([method, new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}$`), handler]);
  const withInstance = (params: Params) => {
    checkInstance(params[0]);
    return params[1] ?? '';
  };

  route('GET', '/instance', (_p, q) => {
    const { slice, next } = page(
      [instanceSummary()],
      q.get('nextToken') ?? undefined,
      q.get('maxResults') ?? undefined,
      10,
    );
    return { InstanceSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });
  route('GET', '/instance/{InstanceId}', (p) => {
    checkInstance(p[0]);
    return { Instance: instanceSummary() };
  });

  for (const kind of ['flow', 'module'] as const) {
    const base = kind === 'flow' ? '/contact-flows' : '/contact-flow-modules';
    route('PUT', `${base}/{InstanceId}`, (p, _q, body) => {
      const flow = createFlow(kind, { ...body, InstanceId: p[0] });
      return kind === 'flow'
        ? { ContactFlowId: flow.Id, ContactFlowArn: flow.Arn, FlowContentSha256: sha256(flow.Content) }
        : { Id: flow.Id, Arn: flow.Arn };
    });
    route('GET', `${base}/{InstanceId}/{Id}`, (p) => {
      const flow = needFlow(withInstance(p), kind);
      return kind === 'flow'
        ? { ContactFlow: describeFlow(flow) }
        : { ContactFlowModule: describeFlow(flow) };
    });
    route('POST', `${base}/{InstanceId}/{Id}/content`, (p, _q, body) => {
      updateContent(needFlow(withInstance(p), kind), contentOf(body));
      return {};
    });
    route('POST', `${base}/{InstanceId}/{Id}/metadata`, (p, _q, body) => {
      const flow = needFlow(withInstance(p), kind);
      rename(flow, str(body, 'Name'), str(body, 'Description'));
      const state = str(body, kind === 'flow' ? 'ContactFlowState' : 'State');
      if (state !== undefined) {
        if (state !== 'ACTIVE' && state !== 'ARCHIVED')
          throw invalidParameter('State must be ACTIVE or ARCHIVED');
        flow.State = state;
      }
      save();
      return {};
    });
    if (kind === 'flow') {
      route('POST', `${base}/{InstanceId}/{Id}/name`, (p, _q, body) => {
        rename(needFlow(withInstance(p), kind), str(body, 'Name'), str(body, 'Description'));
        save();
        return {};
      });
    }
    route('DELETE', `${base}/{InstanceId}/{Id}`, (p) => {
      deleteFlow(needFlow(withInstance(p), kind));
      return {};
    });
  }
  route('GET', '/contact-flows-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const types = q.getAll('contactFlowTypes');
    const list = [...flows.values()]
      .filter((f) => f.kind === 'flow' && (types.length === 0 || types.includes(f.Type)))
      .map((f) => ({
        Id: f.Id,
        Arn: f.Arn,
        Name: f.Name,
        ContactFlowType: f.Type,
        ContactFlowState: f.State,
        ContactFlowStatus: f.Status,
      }));
    const { slice, next } = page(list, q.get('nextToken') ?? undefined, q.get('maxResults') ?? undefined);
    return { ContactFlowSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });
  route('GET', '/contact-flow-modules-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const state = q.get('state');
    const list = [...flows.values()]
      .filter((f) => f.kind === 'module' && (state === null || f.State === state))
      .map((f) => ({ Id: f.Id, Arn: f.Arn, Name: f.Name, State: f.State, Status: f.Status }));
    const { slice, next } = page(list, q.get('nextToken') ?? undefined, q.get('maxResults') ?? undefined);
    return { ContactFlowModulesSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });

  route('PUT', '/hours-of-operations/{InstanceId}', (p, _q, body) => {
    const created = createHoursOfOperation({ ...body, InstanceId: p[0] });
    return {
      HoursOfOperationId: created.HoursOfOperationId,
      HoursOfOperationArn: created.HoursOfOperationArn,
    };
  });
  route('GET', '/hours-of-operations/{InstanceId}/{Id}', (p) => ({
    HoursOfOperation: describeHours(needHours(withInstance(p))),
  }));
  route('POST', '/hours-of-operations/{InstanceId}/{Id}', (p, _q, body) => {
    const found = needHours(withInstance(p));
    const timeZone = str(body, 'TimeZone') ?? found.TimeZone;
    const config = body.Config === undefined ? found.Config : readHoursConfig(body.Config);
    const local = toLocalHours(timeZone, config);
    try {
      checkHoursConfig(found.Name, local);
    } catch (error) {
      throw invalidParameter((error as Error).message);
    }
    const name = str(body, 'Name');
    if (name !== undefined && [...hours.values()].some((h) => h !== found && h.Name === name)) {
      throw duplicate(`Hours named ${name} exist already`);
    }
    if (name !== undefined) found.Name = name;
    const description = str(body, 'Description');
    if (description !== undefined) found.Description = description;
    found.TimeZone = timeZone;
    found.Config = config;
    found.config = { ...local, ...(found.config.overrides ? { overrides: found.config.overrides } : {}) };
    found.LastModifiedTime = clock.now();
    save();
    return {};
  });
  route('GET', '/hours-of-operations-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const list = [...hours.values()].map((h) =>
      summary(h, { Id: h.HoursOfOperationId, Arn: h.HoursOfOperationArn, Name: h.Name }),
    );
    const { slice, next } = page(list, q.get('nextToken') ?? undefined, q.get('maxResults') ?? undefined);
    return { HoursOfOperationSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });

  route('PUT', '/queues/{InstanceId}', (p, _q, body) => {
    const queue = createQueue({ ...body, InstanceId: p[0] });
    return { QueueArn: queue.QueueArn, QueueId: queue.QueueId };
  });
  route('GET', '/queues/{InstanceId}/{Id}', (p) => ({ Queue: describeQueue(needQueue(withInstance(p))) }));
  route('GET', '/queues-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const types = q.getAll('queueTypes');
    const list =
      types.length > 0 && !types.includes('STANDARD')
        ? []
        : [...queues.values()].map((queue) =>
            summary(queue, {
              Id: queue.QueueId,
              Arn: queue.QueueArn,
              Name: queue.Name,
              QueueType: 'STANDARD',
            }),
          );
    const { slice, next } = page(list, q.get('nextToken') ?? undefined, q.get('maxResults') ?? undefined);
    return { QueueSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });
  route('POST', '/queues/{InstanceId}/{Id}/status', (p, _q, body) => {
    const queue = needQueue(withInstance(p));
    const status = str(body, 'Status', true);
    if (status !== 'ENABLED' && status !== 'DISABLED')
      throw invalidParameter('Status must be ENABLED or DISABLED');
    queue.Status = status;
    queue.LastModifiedTime = clock.now();
    save();
    return {};
  });
  route('POST', '/queues/{InstanceId}/{Id}/max-contacts', (p, _q, body) => {
    const queue = needQueue(withInstance(p));
    const max = body.MaxContacts;
    if (max === undefined || max === null) delete queue.MaxContacts;
    else if (!Number.isInteger(max) || (max as number) < 0) {
      throw invalidParameter('MaxContacts must be a whole number of at least 0');
    } else queue.MaxContacts = max as number;
    queue.LastModifiedTime = clock.now();
    save();
    return {};
  });
  route('POST', '/queues/{InstanceId}/{Id}/hours-of-operation', (p, _q, body) => {
    const queue = needQueue(withInstance(p));
    queue.HoursOfOperationId = needHours(str(body, 'HoursOfOperationId', true)).HoursOfOperationId;
    queue.LastModifiedTime = clock.now();
    save();
    return {};
  });

  route('GET', '/prompts-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const list = [...prompts.values()].map((pr) => ({
      Id: pr.PromptId,
      Arn: pr.PromptARN,
      Name: pr.Name,
      LastModifiedTime: epochSeconds(createdAt),
      LastModifiedRegion: region,
    }));
    const { slice, next } = page(list, q.get('nextToken') ?? undefined, q.get('maxResults') ?? undefined);
    return { PromptSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });
  route('GET', '/prompts/{InstanceId}/{Id}', (p) => {
    const found = prompts.get(idIn(withInstance(p), 'prompt') ?? '');
    if (!found) throw notFound(`Prompt ${p[1]} not found`);
    return { Prompt: { ...found, Tags: {} } };
  });

  route('POST', '/phone-number/claim', (_p, _q, body) => {
    const claimed = claimPhoneNumber(body);
    return { PhoneNumberId: claimed.PhoneNumberId, PhoneNumberArn: claimed.PhoneNumberArn };
  });
  route('GET', '/phone-number/{Id}', (p) => ({
    ClaimedPhoneNumberSummary: {
      ...numberSummary(needNumber(p[0] ?? '')),
      Tags: needNumber(p[0] ?? '').Tags,
      PhoneNumberStatus: { Status: 'CLAIMED' },
    },
  }));
  route('POST', '/phone-number/list', (_p, _q, body) => {
    const target = str(body, 'TargetArn') ?? str(body, 'InstanceId');
    if (target !== undefined) checkInstance(target);
    const prefix = str(body, 'PhoneNumberPrefix');
    const types = Array.isArray(body.PhoneNumberTypes) ? body.PhoneNumberTypes : [];
    const countries = Array.isArray(body.PhoneNumberCountryCodes) ? body.PhoneNumberCountryCodes : [];
    const list = [...numbers.values()]
      .filter((n) => prefix === undefined || n.PhoneNumber.startsWith(prefix))
      .filter((n) => types.length === 0 || types.includes(n.PhoneNumberType))
      .filter((n) => countries.length === 0 || countries.includes(n.PhoneNumberCountryCode))
      .map(numberSummary);
    const { slice, next } = page(list, str(body, 'NextToken'), body.MaxResults, 1000);
    return { ListPhoneNumbersSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });
  route('PUT', '/phone-number/{Id}/contact-flow', (p, _q, body) => {
    associateNumber(needNumber(p[0] ?? ''), body);
    return {};
  });
  route('DELETE', '/phone-number/{Id}/contact-flow', (p, q) => {
    const number = needNumber(p[0] ?? '');
    checkInstance(q.get('instanceId') ?? undefined);
    delete number.contactFlowId;
    save();
    return {};
  });
  route('DELETE', '/phone-number/{Id}', (p) => {
    const number = needNumber(p[0] ?? '');
    numbers.delete(number.PhoneNumberId);
    save();
    return {};
  });

  route('PUT', '/routing-profiles/{InstanceId}', (p, _q, body) => {
    const profile = createRoutingProfile({ ...body, InstanceId: p[0] });
    return { RoutingProfileArn: profile.RoutingProfileArn, RoutingProfileId: profile.RoutingProfileId };
  });
  route('GET', '/routing-profiles/{InstanceId}/{Id}', (p) => {
    const profile = needRoutingProfile(withInstance(p));
    const { QueueConfigs, LastModifiedTime, ...rest } = profile;
    return {
      RoutingProfile: {
        ...rest,
        InstanceId: instanceId,
        NumberOfAssociatedQueues: QueueConfigs.length,
        NumberOfAssociatedUsers: [...users.values()].filter(
          (u) => u.RoutingProfileId === profile.RoutingProfileId,
        ).length,
        LastModifiedTime: epochSeconds(LastModifiedTime),
        LastModifiedRegion: region,
      },
    };
  });
  route('GET', '/routing-profiles/{InstanceId}/{Id}/queues', (p, q) => {
    const profile = needRoutingProfile(withInstance(p));
    const list = profile.QueueConfigs.map((c) => {
      const queue = queues.get(c.QueueId);
      return {
        QueueId: c.QueueId,
        QueueArn: queue?.QueueArn ?? '',
        QueueName: queue?.Name ?? '',
        Priority: c.Priority,
        Delay: c.Delay,
        Channel: c.Channel,
      };
    });
    const { slice, next } = page(
      list,
      q.get('nextToken') ?? undefined,
      q.get('maxResults') ?? undefined,
      100,
    );
    return { RoutingProfileQueueConfigSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });
  route('POST', '/routing-profiles/{InstanceId}/{Id}/queues', (p, _q, body) => {
    const profile = needRoutingProfile(withInstance(p));
    const configs = readQueueConfigs(body.QueueConfigs, 'QueueConfigs');
    if (configs.length === 0) throw invalidParameter('QueueConfigs must name at least one queue');
    for (const config of configs) {
      const i = profile.QueueConfigs.findIndex(
        (c) => c.QueueId === config.QueueId && c.Channel === config.Channel,
      );
      if (i >= 0) profile.QueueConfigs[i] = config;
      else profile.QueueConfigs.push(config);
    }
    profile.LastModifiedTime = clock.now();
    save();
    return {};
  });
  route('GET', '/routing-profiles-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const list = [...routingProfiles.values()].map((r) =>
      summary(r, { Id: r.RoutingProfileId, Arn: r.RoutingProfileArn, Name: r.Name }),
    );
    const { slice, next } = page(list, q.get('nextToken') ?? undefined, q.get('maxResults') ?? undefined);
    return { RoutingProfileSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });

  route('PUT', '/users/{InstanceId}', (p, _q, body) => {
    const user = createUser({ ...body, InstanceId: p[0] });
    return { UserId: user.Id, UserArn: user.Arn };
  });
  route('GET', '/users/{InstanceId}/{Id}', (p) => {
    const user = users.get(idIn(withInstance(p), 'agent') ?? '');
    if (!user) throw notFound(`User ${p[1]} not found`);
    const { LastModifiedTime, ...rest } = user;
    return {
      User: { ...rest, LastModifiedTime: epochSeconds(LastModifiedTime), LastModifiedRegion: region },
    };
  });
  route('GET', '/users-summary/{InstanceId}', (p, q) => {
    checkInstance(p[0]);
    const list = [...users.values()].map((u) => summary(u, { Id: u.Id, Arn: u.Arn, Username: u.Username }));
    const { slice, next } = page(list, q.get('nextToken') ?? undefined, q.get('maxResults') ?? undefined);
    return { UserSummaryList: slice, ...(next ? { NextToken: next } : {}) };
  });

  /** Answers a control-plane request, or undefined when the path is not one of these operations. */
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

  load();

  return {
    instanceArn,
    handle,
    idFor,
    /** A published contact flow (id or this instance's ARN). */
    findFlow: (idOrArn: string) => {
      const flow = flowById(idOrArn, 'flow');
      return flow?.doc && flow.State === 'ACTIVE' ? flow : undefined;
    },
    findModule: (idOrArn: string) => {
      const flow = flowById(idOrArn, 'module');
      return flow?.doc && flow.State === 'ACTIVE' ? flow : undefined;
    },
    /** By id, this instance's ARN, or (in-process only, for tests and demos) by name. */
    findQueue: (key: string) => queueById(key) ?? [...queues.values()].find((q) => q.Name === key),
    findHours: (key: string) => hoursById(key) ?? [...hours.values()].find((h) => h.Name === key),
    flowByName: (name: string) => [...flows.values()].find((f) => f.kind === 'flow' && f.Name === name),
    /** The flow that answers calls to a claimed number, if one is associated. */
    flowForNumber: (e164: string) => {
      const number = [...numbers.values()].find((n) => n.PhoneNumber === e164);
      return number?.contactFlowId ? flowById(number.contactFlowId, 'flow') : undefined;
    },
    isClaimed: (e164: string) => [...numbers.values()].some((n) => n.PhoneNumber === e164),
    numbers: () => [...numbers.values()],
    queues: () => [...queues.values()],
    routingProfiles: () => [...routingProfiles.values()],
    users: () => [...users.values()],
    // In-process operations with the SDK's input shapes (the same checks as over HTTP).
    createContactFlow: (input: Record<string, unknown>) => createFlow('flow', input),
    createContactFlowModule: (input: Record<string, unknown>) => createFlow('module', input),
    createHoursOfOperation,
    createQueue,
    claimPhoneNumber,
    associatePhoneNumberContactFlow: (phoneNumberId: string, input: Record<string, unknown>) =>
      associateNumber(needNumber(phoneNumberId), input),
    createRoutingProfile,
    createUser,
    /**
     * In-process seeding, used by tests and demos: a published flow under a given id (not derived from a
     * name), replacing one of that id, checked as CreateContactFlow checks it.
     */
    putFlow(id: string, doc: FlowDocument | string, kind: 'flow' | 'module' = 'flow'): StoredFlow {
      const content = typeof doc === 'string' ? doc : JSON.stringify(doc);
      const parsed = checkedContent(content, kind, id);
      const existing = flows.get(id);
      const flow: StoredFlow = {
        kind,
        Id: id,
        Arn: `${instanceArn}/${kind === 'flow' ? 'contact-flow' : 'flow-module'}/${id}`,
        Name: existing?.Name ?? id,
        Type: kind === 'flow' ? 'CONTACT_FLOW' : 'MODULE',
        State: 'ACTIVE',
        Status: 'PUBLISHED',
        Content: content,
        Tags: {},
        LastModifiedTime: clock.now(),
        doc: parsed,
      };
      flows.set(id, flow);
      save();
      return flow;
    },
    /** In-process: a queue under a given id, or new settings for one (tests: a tiny capacity, closed). */
    putQueue(id: string, config: QueueConfig): StoredQueue {
      const existing = queueById(id) ?? [...queues.values()].find((q) => q.Name === id);
      const queue: StoredQueue = existing ?? {
        QueueId: id,
        QueueArn: `${instanceArn}/queue/${id}`,
        Name: config.name,
        Status: 'ENABLED',
        Tags: {},
        LastModifiedTime: clock.now(),
      };
      queue.Name = config.name;
      if (config.capacity === undefined) delete queue.MaxContacts;
      else queue.MaxContacts = config.capacity;
      if (config.hoursOfOperationId === undefined) delete queue.HoursOfOperationId;
      else {
        const found =
          hoursById(config.hoursOfOperationId) ??
          [...hours.values()].find((h) => h.Name === config.hoursOfOperationId);
        queue.HoursOfOperationId = found?.HoursOfOperationId ?? config.hoursOfOperationId;
      }
      if (config.closed) queue.closed = true;
      else delete queue.closed;
      if (config.outboundCallerId)
        queue.OutboundCallerConfig = { OutboundCallerIdName: config.outboundCallerId };
      queues.set(queue.QueueId, queue);
      save();
      return queue;
    },
    /** In-process: hours under a given id or name (with the local dated overrides Connect keeps apart). */
    putHours(key: string, config: HoursOfOperationConfig): StoredHours {
      checkHoursConfig(key, config);
      const existing = hoursById(key) ?? [...hours.values()].find((h) => h.Name === key);
      const stored: StoredHours = existing ?? {
        HoursOfOperationId: key,
        HoursOfOperationArn: `${instanceArn}/operating-hours/${key}`,
        Name: key,
        TimeZone: config.timeZone,
        Config: [],
        Tags: {},
        LastModifiedTime: clock.now(),
        config,
      };
      stored.TimeZone = config.timeZone;
      stored.Config = toConnectConfig(config);
      stored.config = config;
      stored.LastModifiedTime = clock.now();
      hours.set(stored.HoursOfOperationId, stored);
      save();
      return stored;
    },
    /** In-process: claim a number (if needed) and let a flow answer it. */
    routeNumber(e164: string, flowId: string): void {
      const flow = flowById(flowId, 'flow');
      if (!flow) throw new Error(`Register flow ${flowId} before binding it to ${e164}`);
      const number = claimPhoneNumber({ PhoneNumber: e164, TargetArn: instanceArn });
      number.contactFlowId = flow.Id;
      save();
    },
    /** The queues of routing profiles, for routing a queued contact to an agent. */
    profilesContaining: (queueId: string) =>
      [...routingProfiles.values()].filter((r) => r.QueueConfigs.some((c) => c.QueueId === queueId)),
    AGENT_SECURITY_PROFILE,
  };
}
