/**
 * The flow data a running contact exposes to JSONPath references ($.Attributes.x,
 * $.External.y, $.StoredCustomerInput, $.FlowAttributes.z, $.Customer.FirstName, ...), and how
 * references in parameters resolve. Roots are the ones of FLOW_DATA_ROOTS in the action catalog.
 */
import {
  type FlowReference,
  findReferences,
  isKnownReferenceRoot,
  parseWholeReference,
} from '#infra/flows/lib/action-catalog';

export class FlowRuntimeError extends Error {
  override readonly name = 'FlowRuntimeError';
}

export interface FlowData {
  readonly Attributes: Readonly<Record<string, string>>;
  readonly External: Readonly<Record<string, unknown>>;
  readonly StoredCustomerInput?: string;
  readonly CustomerEndpoint: { readonly Address: string; readonly Type: 'TELEPHONE_NUMBER' };
  readonly SystemEndpoint: { readonly Address: string; readonly Type: 'TELEPHONE_NUMBER' };
  readonly Queue?: { readonly Name: string; readonly ARN: string; readonly OutboundCallerId?: string };
  readonly ContactId: string;
  readonly InitialContactId: string;
  readonly PreviousContactId?: string;
  readonly Channel: 'VOICE';
  readonly InstanceARN: string;
  readonly InitiationMethod: string;
  /** The Region of the instance handling the contact. */
  readonly AwsRegion: string;
  /** The number a callback would dial: UpdateContactCallbackNumber's, else the caller's. */
  readonly CallbackNumber: string;
  /** The Amazon Polly voice prompts are spoken in; Joanna unless UpdateContactTextToSpeechVoice ran. */
  readonly TextToSpeechVoiceId: string;
  /** Contact data set by UpdateContactData. */
  readonly Name?: string;
  readonly Description?: string;
  readonly LanguageCode?: string;
  readonly CustomerId?: string;
  readonly References?: Readonly<Record<string, unknown>>;
  /** Attributes of the running flow only (UpdateFlowAttributes); a transfer or module starts empty. */
  readonly FlowAttributes: Readonly<Record<string, string>>;
  /** The Customer Profiles fields GetCustomerProfile returned. */
  readonly Customer: Readonly<Record<string, string>>;
  /** What a view returned (ShowView); always empty on a voice contact. */
  readonly Views: Readonly<Record<string, unknown>>;
  /** The result of the last ConnectParticipantWithLexBot: IntentName, Slots, SessionAttributes, ... */
  readonly Lex?: Readonly<Record<string, unknown>>;
  /** Live media streaming (UpdateContactMediaStreamingBehavior): Customer.Audio.StreamARN, ... */
  readonly MediaStreams?: Readonly<Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value a reference points at, as text; undefined when nothing is there. */
export function resolveReference(data: FlowData, reference: FlowReference): string | undefined {
  if (!isKnownReferenceRoot(reference.root)) {
    throw new FlowRuntimeError(`reference ${reference.text} names unknown flow data $.${reference.root}`);
  }
  let node: unknown = (data as unknown as Record<string, unknown>)[reference.root];
  for (const segment of reference.path) {
    node = isRecord(node) ? node[segment] : undefined;
  }
  if (node === undefined || node === null) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return JSON.stringify(node);
}

/**
 * A parameter value with its references filled in. A value that is one whole reference
 * becomes what it points at (empty when missing); references inside text are replaced.
 */
export function resolveValue(data: FlowData, value: string): string {
  const whole = parseWholeReference(value);
  if (whole) return resolveReference(data, whole) ?? '';
  let result = value;
  for (const reference of findReferences(value)) {
    result = result.replace(reference.text, resolveReference(data, reference) ?? '');
  }
  return result;
}
