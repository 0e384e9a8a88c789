/** Places outbound calls (Amazon Connect StartOutboundVoiceContact). */
export interface OutboundCall {
  readonly phone: string;
  /** Contact flow name (infra/flows/index.ts `contactFlows` key). */
  readonly flowName: string;
  /** Same job + attempt -> same token, so a retried request returns the live contact. */
  readonly clientToken: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export type StartCallResult =
  | { readonly kind: 'started'; readonly contactId: string }
  /** Connect refused for now (rate or concurrent calls): nothing rang, try again shortly. */
  | { readonly kind: 'throttled'; readonly reason: string }
  /** Connect refused this call for good (bad number, destination not allowed). */
  | { readonly kind: 'rejected'; readonly reason: string };

export type ContactStatus =
  | { readonly kind: 'live' }
  | { readonly kind: 'ended'; readonly reason: string; readonly connected: boolean }
  | { readonly kind: 'unknown' };

/** What StopContact did: the call was ended now, or it had already ended (or never existed). */
export type StopCallResult = 'stopped' | 'already_ended';

export interface OutboundDialer {
  startCall(call: OutboundCall): Promise<StartCallResult>;
  /** End a live call now (StopContact); a contact that has ended already is not an error. */
  stopCall(contactId: string): Promise<StopCallResult>;
  /** Whether a contact is still live (a long call to an agent) or how it ended (DescribeContact). */
  contactStatus(contactId: string): Promise<ContactStatus>;
}
