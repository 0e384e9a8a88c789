import { type Finding, pass } from './findings';

/**
 * Outbound Campaigns' pre-authorisation: AWS asks for a support ticket before *outbound campaigns* carry
 * event-driven mass notifications (utility disruptions among them; Connect Administrator Guide, "Set up
 * outbound campaigns"). The desk's broadcasts do not use campaigns: shared/adapters/connect-dialer.ts places
 * each call with StartOutboundVoiceContact, traffic type GENERAL (the default; CAMPAIGN would need a
 * campaign), paced by the dialer's own limits. So there is nothing in connectcampaignsv2 to check; the limits
 * that bind a broadcast are the rate and concurrency quotas checked beside this.
 */
export function checkBroadcastAuthorisation(): Finding {
  return pass(
    'Mass-notification pre-authorisation',
    'not needed: broadcasts are StartOutboundVoiceContact calls (GENERAL traffic), not an outbound campaign',
    [
      'If broadcasts move to Connect outbound campaigns, open the AWS Support pre-authorisation ticket for event-driven mass notifications first (use case, countries, expected volume).',
    ],
  );
}
