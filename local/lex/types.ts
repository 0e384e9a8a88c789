/**
 * The Lex V2 runtime's JSON shapes (service model `runtime.lex.v2-2020-08-07`), as the emulator answers
 * them: what the AWS SDK's LexRuntimeV2Client reads and a contact flow's ConnectParticipantWithLexBot sees.
 */

export type DialogActionType =
  | 'Close'
  | 'ConfirmIntent'
  | 'Delegate'
  | 'ElicitIntent'
  | 'ElicitSlot'
  | 'None';
export type IntentState =
  | 'Failed'
  | 'Fulfilled'
  | 'InProgress'
  | 'ReadyForFulfillment'
  | 'Waiting'
  | 'FulfillmentInProgress';
export type ConfirmationState = 'Confirmed' | 'Denied' | 'None';

export interface LexMessage {
  readonly content: string;
  readonly contentType: 'PlainText' | 'SSML' | 'CustomPayload' | 'ImageResponseCard';
}

export interface LexValue {
  /** The caller's words that gave the value. */
  readonly originalValue: string;
  /** What the slot resolved to (a custom type's value, a built-in's normal form). */
  readonly interpretedValue: string;
  readonly resolvedValues: readonly string[];
}

export interface LexSlot {
  readonly value: LexValue;
  readonly shape: 'Scalar';
}

export interface LexIntent {
  readonly name: string;
  /** Every slot of the intent; `null` while unfilled, as Lex answers. */
  readonly slots: Readonly<Record<string, LexSlot | null>>;
  readonly state: IntentState;
  readonly confirmationState: ConfirmationState;
}

export interface LexDialogAction {
  readonly type: DialogActionType;
  readonly slotToElicit?: string;
}

export interface LexSessionState {
  readonly dialogAction?: LexDialogAction;
  readonly intent?: LexIntent;
  readonly sessionAttributes: Readonly<Record<string, string>>;
  readonly originatingRequestId?: string;
}

export interface LexInterpretation {
  readonly intent: LexIntent;
  /** Absent on the fallback intent, as Lex answers. */
  readonly nluConfidence?: { readonly score: number };
  readonly interpretationSource: 'Lex';
}

export interface RecognizeTextResponse {
  readonly messages: readonly LexMessage[];
  readonly sessionState: LexSessionState;
  readonly interpretations: readonly LexInterpretation[];
  readonly requestAttributes?: Readonly<Record<string, string>>;
  readonly sessionId: string;
}

export interface GetSessionResponse {
  readonly sessionId: string;
  readonly messages: readonly LexMessage[];
  readonly interpretations: readonly LexInterpretation[];
  readonly sessionState: LexSessionState;
}

export interface DeleteSessionResponse {
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly sessionId: string;
}

/** What a request may say about the session (RecognizeText's and PutSession's `sessionState`). */
export interface LexSessionStateInput {
  readonly dialogAction?: LexDialogAction;
  readonly intent?: {
    readonly name: string;
    readonly slots?: Readonly<Record<string, { readonly value?: Partial<LexValue> } | null>>;
    readonly state?: IntentState;
    readonly confirmationState?: ConfirmationState;
  };
  readonly sessionAttributes?: Readonly<Record<string, string>>;
}
