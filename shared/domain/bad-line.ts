/**
 * "If the line was bad on our side, the customer is called back within 3 minutes." A contact event tells
 * when: an inbound call that Connect disconnected with a telecom problem while the caller was still in the
 * hotline's flow or queue (a normal goodbye ends as CONTACT_FLOW_DISCONNECT, a caller's hang-up as
 * CUSTOMER_DISCONNECT, so neither is one).
 */

/** Connect's disconnect reason for a call lost to the network (contact records, contact events). */
export const TELECOM_PROBLEM = 'TELECOM_PROBLEM';

export interface EndedContact {
  readonly eventType: string;
  readonly initiationMethod?: string;
  readonly disconnectReason?: string;
  /** The call had reached the flow (media established). */
  readonly connected: boolean;
}

export function isBadLineOnOurSide(contact: EndedContact): boolean {
  return (
    contact.eventType === 'DISCONNECTED' &&
    contact.initiationMethod === 'INBOUND' &&
    contact.disconnectReason === TELECOM_PROBLEM &&
    contact.connected
  );
}
