/**
 * The start of the hotline's inbound flow during an incident (issue 11): first of all, a caller whose
 * registered service area is inside an open incident hears its notice (the latest update, in their language
 * where written) and can press 1 to confirm it as if the broadcast had reached them; their broadcast call is
 * then cancelled. A caller the registry does not know is asked whether they call about one of the open
 * incidents. Everyone else, and every failure, goes straight on to the usual start (screening, welcome,
 * menu). Notice first, because in an outage the hotline is flooded: the notice must not wait for anything else.
 */
import type { FlowContext } from './flow-context.ts';
import type { FlowBuilder } from './lib/builder.ts';

/** Catalog ids of the Lambdas these steps invoke (functions/catalog.ts). */
export const INCIDENT_FLOW_FUNCTIONS = {
  notice: 'PhoneIncidentNotice',
  confirm: 'PhoneIncidentConfirm',
} as const;

/** The first of these steps: the start of the inbound flow. */
export const INCIDENT_STEPS_START = 'incident-lookup';

export const INCIDENT_PROMPTS = {
  confirmAsk:
    'Press 1 to confirm that you heard this message; we will then not call you about it. ' +
    'Press 2 to hear it again. Or stay on the line for our menu.',
  confirmAskLast: 'Press 1 to confirm that you heard this message, or stay on the line for our menu.',
  confirmed: 'Thank you, your confirmation is recorded. We will not call you about this message.',
  notRecorded: 'Thank you for listening.',
} as const;

/**
 * Adds the incident steps; each path ends at `next` (the usual screening, greeting and menu). A caller who
 * hears a notice or an offer is welcomed first, and attribute `welcomed` tells the rest not to welcome again.
 */
export function incidentNoticeSteps(
  flow: FlowBuilder,
  ctx: FlowContext,
  options: { readonly welcome: string; readonly next: string },
): void {
  const { next } = options;
  const fn = (id: keyof typeof INCIDENT_FLOW_FUNCTIONS) => ctx.lambdaArn(INCIDENT_FLOW_FUNCTIONS[id]);
  // A failed lookup must not keep anyone from the menu; 5 s is the most the flow waits (it answers in
  // milliseconds, so the limit only matters when the hotline is flooded, and then late beats never).
  flow.invokeLambda(INCIDENT_STEPS_START, {
    functionArn: fn('notice'),
    timeoutSeconds: 5,
    next: 'incident-found',
    onError: next,
  });
  flow.compare(
    'incident-found',
    '$.External.outcome',
    { notice: 'incident-remember', offer: 'incident-offer-welcome' },
    next,
  );
  flow.setAttributes(
    'incident-remember',
    { incidentId: '$.External.incidentId', incidentAccount: '$.External.account' },
    { next: 'incident-welcomed' },
  );
  flow.compare('incident-welcomed', '$.Attributes.welcomed', { true: 'incident-notice' }, 'incident-welcome');
  flow.setAttributes('incident-welcome', { welcomed: 'true' }, { next: 'incident-welcome-say' });
  flow.say('incident-welcome-say', options.welcome).then('incident-notice');
  flow.say('incident-notice', '$.External.message').then('incident-can-confirm');
  flow.compare('incident-can-confirm', '$.External.canConfirm', { true: 'incident-ask' }, next);
  flow.menu('incident-ask', {
    prompt: INCIDENT_PROMPTS.confirmAsk,
    keys: { '1': 'incident-confirm', '2': 'incident-repeat' },
    timeoutSeconds: 5,
    onTimeout: next,
    onWrongKey: next,
  });
  flow.say('incident-repeat', '$.External.message').then('incident-ask-last');
  flow.menu('incident-ask-last', {
    prompt: INCIDENT_PROMPTS.confirmAskLast,
    keys: { '1': 'incident-confirm' },
    timeoutSeconds: 5,
    onTimeout: next,
    onWrongKey: next,
  });
  flow.invokeLambda('incident-confirm', {
    functionArn: fn('confirm'),
    params: { incidentId: '$.Attributes.incidentId', account: '$.Attributes.incidentAccount' },
    // A confirmation is worth waiting for: it saves the caller a call.
    timeoutSeconds: 8,
    next: 'incident-confirmed',
    onError: 'incident-not-recorded',
  });
  flow.compare(
    'incident-confirmed',
    '$.External.outcome',
    { confirmed: 'incident-thanks' },
    'incident-not-recorded',
  );
  flow.say('incident-thanks', INCIDENT_PROMPTS.confirmed).then(next);
  flow.say('incident-not-recorded', INCIDENT_PROMPTS.notRecorded).then(next);

  // A caller the registry does not place: "if you are calling about ..., press 1" for each open incident.
  flow.setAttributes('incident-offer-welcome', { welcomed: 'true' }, { next: 'incident-offer-welcome-say' });
  flow.say('incident-offer-welcome-say', options.welcome).then('incident-offer');
  flow.menu('incident-offer', {
    prompt: '$.External.prompt',
    keys: { '1': 'incident-choice-1', '2': 'incident-choice-2', '3': 'incident-choice-3' },
    timeoutSeconds: 5,
    onTimeout: next,
    onWrongKey: next,
  });
  for (const n of [1, 2, 3]) {
    flow.setAttributes(`incident-choice-${n}`, { incidentChoice: String(n) }, { next: 'incident-chosen' });
  }
  flow.invokeLambda('incident-chosen', {
    functionArn: fn('notice'),
    params: { choice: '$.Attributes.incidentChoice' },
    timeoutSeconds: 5,
    next: 'incident-found',
    onError: next,
  });
}
