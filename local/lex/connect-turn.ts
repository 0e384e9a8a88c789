/**
 * What Amazon Connect makes of one Lex answer in a ConnectParticipantWithLexBot block: the messages it
 * speaks, whether the conversation is over (Lex closed the dialog), and then the `$.Lex` data the flow reads
 * (`$.Lex.IntentName`, `$.Lex.Slots.<name>`, `$.Lex.SessionAttributes.<key>`, `$.Lex.IntentConfidence.Score`,
 * `$.Lex.AlternativeIntents.<name>...`, `$.Lex.DialogState`). The block then branches on the intent name
 * (its Conditions, Equals only), else NoMatchingCondition.
 */
import type { LexIntent, LexInterpretation, RecognizeTextResponse } from './types.ts';

export interface ConnectLexIntentData {
  readonly IntentName: string;
  readonly IntentConfidence?: { readonly Score: number };
  /** Filled slots by name: their interpretedValue. */
  readonly Slots: Readonly<Record<string, string>>;
}

/** The `$.Lex` namespace after a Lex conversation. */
export interface ConnectLexData extends ConnectLexIntentData {
  readonly SessionAttributes: Readonly<Record<string, string>>;
  readonly AlternativeIntents: Readonly<Record<string, ConnectLexIntentData>>;
  /** `Fulfilled` when the bot returned an intent ready for the flow, `Failed` when it gave up. */
  readonly DialogState: string;
}

export interface ConnectLexTurn {
  /** What the caller hears now (the bot's prompts and closing words). */
  readonly say: readonly string[];
  /** Set once Lex has closed the dialog: the block is done and branches on `intentName`. */
  readonly outcome?: {
    readonly intentName: string;
    /** The intent failed (a slot never understood): the emulator's flows take NoMatchingError. */
    readonly failed: boolean;
    readonly lex: ConnectLexData;
  };
}

function slotValues(intent: LexIntent): Record<string, string> {
  const slots: Record<string, string> = {};
  for (const [name, slot] of Object.entries(intent.slots))
    if (slot) slots[name] = slot.value.interpretedValue;
  return slots;
}

const intentData = (interpretation: LexInterpretation): ConnectLexIntentData => ({
  IntentName: interpretation.intent.name,
  ...(interpretation.nluConfidence
    ? { IntentConfidence: { Score: interpretation.nluConfidence.score } }
    : {}),
  Slots: slotValues(interpretation.intent),
});

export function connectLexTurn(response: RecognizeTextResponse): ConnectLexTurn {
  const say = response.messages.map((message) => message.content);
  const { dialogAction, intent, sessionAttributes } = response.sessionState;
  if (dialogAction?.type !== 'Close' || !intent) return { say };
  const [top, ...alternatives] = response.interpretations;
  const failed = intent.state === 'Failed';
  const lex: ConnectLexData = {
    IntentName: intent.name,
    ...(top?.intent.name === intent.name && top.nluConfidence
      ? { IntentConfidence: { Score: top.nluConfidence.score } }
      : {}),
    Slots: slotValues(intent),
    SessionAttributes: { ...sessionAttributes },
    AlternativeIntents: Object.fromEntries(alternatives.map((a) => [a.intent.name, intentData(a)])),
    DialogState: failed ? 'Failed' : 'Fulfilled',
  };
  return { say, outcome: { intentName: intent.name, failed, lex } };
}
