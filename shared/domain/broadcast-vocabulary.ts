/**
 * The words of a broadcast that the portal shows too. Apart from broadcast.ts, which writes CSV with a Node
 * library, so the browser's bundle imports only these lists.
 */
export const incidentSeverities = ['major', 'crisis'] as const;

export const recipientStates = [
  /** A call job is queued or ringing. */
  'calling',
  /** Pressed 1 (on our call, or when calling the hotline themselves). */
  'confirmed',
  /** Someone answered at least once, but nobody confirmed; attempts and e-mail are done. */
  'reached_not_confirmed',
  /** Nobody answered any attempt. */
  'not_reached',
  /** No usable phone or e-mail (or a no-contact request): handed to field staff. */
  'no_contact',
  /** The broadcast was cancelled before this recipient was done. */
  'cancelled',
] as const;
