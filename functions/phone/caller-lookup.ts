import * as z from 'zod';
import { defaultRepeatCallPolicy } from '#shared/domain/caller-screening';
import { screenAndRecogniseCaller } from '#shared/use-cases/hotline';
import { contactFlowHandler } from './contact-flow';

/** First step of the inbound flow: block list, repeat calls, and whether we know the caller. */
export const handler = contactFlowHandler('PhoneCallerLookup', z.object({}), async ({ hotline, caller }) => {
  const screened = await screenAndRecogniseCaller(hotline, caller, defaultRepeatCallPolicy);
  return {
    outcome: 'ok',
    blocked: String(screened.blocked),
    repeatCaller: String(screened.repeatCaller),
    known: String(screened.known),
    openComplaints: String(screened.openComplaints),
    greeting: screened.greeting,
  };
});
