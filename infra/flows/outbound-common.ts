/**
 * Shared steps of the outbound flows (callback, survey, progress notice). Every outbound call opens with
 * the desk's name and asks whether it speaks to the customer before anything about a complaint is said;
 * if someone else answers, nothing is disclosed and the attempt counts as not reached.
 * The dialer passes contact attributes jobId, attempt, jobKind, ticketNumber (and ticketNumberSpoken, digit by
 * digit) and addressee.
 */
import type { FlowBuilder } from './lib/builder.ts';

/** Catalog ids of the Lambdas the outbound flows invoke (functions/catalog.ts). */
export const OUTBOUND_FLOW_FUNCTIONS = {
  answer: 'OutboundCallAnswer',
  surveyAnswer: 'OutboundSurveyAnswer',
  promiseStatus: 'OutboundPromiseStatus',
} as const;

export const OUTBOUND_PROMPTS = {
  intro: 'Hello, this is the complaint desk of your gas and water utility.',
  identity: 'Are we speaking to $.Attributes.addressee? Press 1 for yes, or 2 for no.',
  identityAgain: 'Please press 1 if you are $.Attributes.addressee, or 2 if you are not.',
  wrongPerson: 'Sorry to have disturbed you. We will try again another time. Goodbye.',
  /** Nobody confirmed (silence or wrong keys after one repeat): as polite, and as silent about why we call. */
  notVerified: 'Sorry, we could not confirm who we are speaking to. We will try again another time. Goodbye.',
  noAnswer: 'We will try to reach you again later. Goodbye.',
  goodbye: 'Thank you, goodbye.',
} as const;

/**
 * Intro and the identity question: a silence or a wrong key gets one polite repeat; `onConfirmed` after
 * a 1, a recorded wrong person after a 2, a recorded "not verified" after a second silence or wrong key.
 * On every path but `onConfirmed` nothing about the complaint is said (no number, category or status).
 * OutboundCallAnswer hears `answer`: reached / wrong_person / not_verified; all but reached are retried.
 */
export function confirmIdentity(
  flow: FlowBuilder,
  answerFunctionArn: string,
  options: { readonly onConfirmed: string },
): void {
  flow.say('intro', OUTBOUND_PROMPTS.intro).then('identity');
  flow.menu('identity', {
    prompt: OUTBOUND_PROMPTS.identity,
    keys: { '1': options.onConfirmed, '2': 'wrong-person' },
    timeoutSeconds: 5,
    onTimeout: 'identity-again',
    onWrongKey: 'identity-again',
  });
  flow.menu('identity-again', {
    prompt: OUTBOUND_PROMPTS.identityAgain,
    keys: { '1': options.onConfirmed, '2': 'wrong-person' },
    timeoutSeconds: 5,
    onTimeout: 'not-verified',
    onWrongKey: 'not-verified',
  });
  flow.invokeLambda('wrong-person', {
    functionArn: answerFunctionArn,
    params: { answer: 'wrong_person' },
    timeoutSeconds: 8,
    next: 'wrong-person-bye',
    onError: 'wrong-person-bye',
  });
  flow.say('wrong-person-bye', OUTBOUND_PROMPTS.wrongPerson).then('hangup');
  flow.invokeLambda('not-verified', {
    functionArn: answerFunctionArn,
    params: { answer: 'not_verified' },
    timeoutSeconds: 8,
    next: 'not-verified-bye',
    onError: 'not-verified-bye',
  });
  flow.say('not-verified-bye', OUTBOUND_PROMPTS.notVerified).then('hangup');
  flow.disconnect('hangup');
}
