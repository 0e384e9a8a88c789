/**
 * A phone for the local runtime's hotline, in the terminal.
 *
 *   tsx local/phone/cli.ts [--url http://127.0.0.1:3000] [--from +15551230001] [--speak]
 *   tsx local/phone/cli.ts --answer +15551239001        (wait for an outbound call to that number)
 *
 * Type a line of keys (e.g. `1` or `4711#`) to press them, `s [seconds]` to stay silent
 * (advances the simulated clock), `h` to hang up; when a call rings: `a` answers, `d` declines;
 * `say WORDS` speaks to a flow's Lex bot; `agents` lists the simulated agents, `agent dana available` (or `offline`) staffs the floor.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

interface TranscriptLine {
  readonly at: string;
  readonly speaker: 'system' | 'caller';
  readonly text: string;
}

interface CallView {
  readonly callId: string;
  readonly state: 'ringing' | 'in-progress' | 'queued' | 'with-agent' | 'ended';
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  readonly transcript: readonly TranscriptLine[];
  readonly disconnectReason?: string;
  readonly failure?: string;
}

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '3000'}` },
    from: { type: 'string', default: '+15551230001' },
    to: { type: 'string' },
    answer: { type: 'string' },
    speak: { type: 'boolean', default: false },
    silence: { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(
    'Usage: tsx local/phone/cli.ts [--url URL] [--from +E164] [--to +E164] [--speak] [--silence SECONDS]\n' +
      '       tsx local/phone/cli.ts --answer +E164   wait for an outbound call to that number\n' +
      'Keys: a line of 0-9 * # presses them; s [seconds] stays silent; h hangs up; a / d answer or decline;\n' +
      'say WORDS speaks to a Lex bot; agents lists the simulated agents; agent NAME available|offline sets one (available agents take queued calls).',
  );
  process.exit(0);
}

const baseUrl = (values.url ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const defaultSilence = Number(values.silence);

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok)
    throw new Error(payload.error?.message ?? `${method} ${path} answered ${response.status}`);
  return payload as T;
}

// --- speaking --------------------------------------------------------------------

const canSpeak = values.speak && spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0;
if (values.speak && !canSpeak) console.log('(espeak-ng is not on PATH; showing prompts as text only)');
let speaking: Promise<void> = Promise.resolve();

function speak(text: string): void {
  if (!canSpeak || text.startsWith('(') || text.startsWith('[')) return;
  speaking = speaking.then(
    () =>
      new Promise<void>((resolve) => {
        const child = spawn('espeak-ng', [text], { stdio: 'ignore' });
        child.on('exit', () => resolve());
        child.on('error', () => resolve());
      }),
  );
}

// --- the call ----------------------------------------------------------------------

let currentCall: CallView | undefined;
let shown = 0;
let waitingFor: string | undefined = values.answer;

function show(line: TranscriptLine): void {
  const time = line.at.slice(11, 19);
  const who = line.speaker === 'system' ? 'hotline' : 'you    ';
  console.log(`[${time}] ${who}  ${line.text}`);
  if (line.speaker === 'system') speak(line.text);
}

async function poll(): Promise<void> {
  if (waitingFor !== undefined && currentCall === undefined) {
    const { calls } = await api<{ calls: CallView[] }>('GET', '/local/phone/calls?direction=outbound');
    const ringing = calls.find((call) => call.to === waitingFor && call.state === 'ringing');
    if (ringing) {
      currentCall = ringing;
      shown = 0;
      console.log(`\nIncoming call from ${ringing.from}. Type a to answer, d to decline.`);
    }
    return;
  }
  if (!currentCall) return;
  const call = await api<CallView>('GET', `/local/phone/calls/${currentCall.callId}`);
  currentCall = call;
  for (const line of call.transcript.slice(shown)) show(line);
  shown = call.transcript.length;
  if (call.state === 'ended') {
    if (call.failure) console.log(`\nThe emulator could not run the flow: ${call.failure}`);
    console.log(`\nCall ended (${call.disconnectReason ?? 'unknown reason'}).`);
    if (values.answer !== undefined) {
      currentCall = undefined;
      waitingFor = values.answer;
      console.log(`Waiting for the next call to ${values.answer}...`);
    } else {
      await speaking;
      process.exit(0);
    }
  }
}

async function handleInput(input: string): Promise<void> {
  const line = input.trim();
  if (line === '') return;
  const call = currentCall;
  const [command, argument] = line.split(/\s+/);
  if (command === 'say') {
    if (!call) return console.log('No call in progress.');
    const words = line.slice(3).trim();
    if (!words) return console.log('Usage: say WORDS (a Lex bot listening hears them)');
    await api('POST', `/local/phone/calls/${call.callId}/speech`, { text: words });
    return;
  }
  if (command === 'agents') {
    const { agents } = await api<{ agents: { username: string; status: string; activity: string }[] }>(
      'GET',
      '/local/phone/agents',
    );
    for (const a of agents) console.log(`(agent ${a.username}: ${a.status}, ${a.activity})`);
    return;
  }
  if (command === 'agent') {
    const [, name, status] = line.split(/\s+/);
    if (!name || (status !== 'available' && status !== 'offline')) {
      return console.log('Usage: agent NAME available|offline');
    }
    const agent = await api<{ username: string; status: string }>('PUT', `/local/phone/agents/${name}`, {
      status: status === 'available' ? 'Available' : 'Offline',
    });
    console.log(`(agent ${agent.username} is ${agent.status})`);
    return;
  }
  if (command === 's') {
    const seconds = argument !== undefined ? Number(argument) : defaultSilence;
    if (!Number.isFinite(seconds) || seconds <= 0) return console.log('Usage: s [seconds]');
    const { now } = await api<{ now: string }>('POST', '/local/clock', { advanceSeconds: seconds });
    console.log(`(silent for ${seconds} s; the clock is now ${now})`);
    return;
  }
  if (!call) return console.log('No call yet.');
  if (command === 'h' || command === 'q') {
    await api('POST', `/local/phone/calls/${call.callId}/hangup`);
    return;
  }
  if (command === 'a' || command === 'd') {
    await api('POST', `/local/phone/calls/${call.callId}/${command === 'a' ? 'answer' : 'decline'}`);
    return;
  }
  if (/^[0-9*#]+$/.test(line)) {
    await api('POST', `/local/phone/calls/${call.callId}/keys`, { digits: line });
    return;
  }
  console.log('Type keys (0-9 * #), s [seconds] to stay silent, h to hang up, a / d to answer or decline.');
}

async function main(): Promise<void> {
  if (values.answer !== undefined) {
    await api('PUT', `/local/phone/numbers/${encodeURIComponent(values.answer)}`, { answer: 'manual' });
    console.log(`Waiting for an outbound call to ${values.answer} (Ctrl+C to stop)...`);
  } else {
    const call = await api<CallView>('POST', '/local/phone/calls', {
      from: values.from,
      ...(values.to !== undefined ? { to: values.to } : {}),
    });
    currentCall = call;
    console.log(`Calling ${call.to} from ${call.from}. Keys: digits, s = stay silent, h = hang up.\n`);
  }
  const reader = createInterface({ input: process.stdin });
  reader.on('line', (input) => {
    handleInput(input)
      .then(poll)
      .catch((error: unknown) => console.log(`! ${error instanceof Error ? error.message : String(error)}`));
  });
  reader.on('close', () => process.exit(0));
  const timer = setInterval(() => {
    poll().catch((error: unknown) =>
      console.log(`! ${error instanceof Error ? error.message : String(error)}`),
    );
  }, 500);
  timer.unref();
  await poll();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
