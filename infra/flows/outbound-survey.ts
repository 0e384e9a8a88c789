/** The outbound satisfaction survey: confirm the customer, then a rating 1-5 on the keypad. */
import type { FlowContext } from './flow-context.ts';
import { FlowBuilder } from './lib/builder.ts';
import type { FlowDocument } from './lib/flow-language.ts';
import { confirmIdentity, OUTBOUND_FLOW_FUNCTIONS, OUTBOUND_PROMPTS } from './outbound-common.ts';

export const OUTBOUND_SURVEY_FLOW_NAME = 'outbound-survey';

export const SURVEY_PROMPTS = {
  question:
    'We recently resolved your complaint $.Attributes.ticketNumberSpoken. How satisfied are you with how we handled it? ' +
    'Press a key from 1, not satisfied at all, to 5, very satisfied.',
  questionAgain: 'Please press a key from 1 to 5.',
  thanks: 'Thank you for your answer. Goodbye.',
  sorry: 'Thank you. We are sorry we did not do better: a manager will review your complaint. Goodbye.',
  trouble: 'Thank you. We could not record your answer just now; we will contact you again. Goodbye.',
} as const;

const RATINGS = ['1', '2', '3', '4', '5'] as const;

export function outboundSurveyFlow(ctx: FlowContext): FlowDocument {
  const flow = new FlowBuilder({
    name: OUTBOUND_SURVEY_FLOW_NAME,
    description: 'Complaint hotline: satisfaction survey after resolution (1-2 reopens, 3-5 closes)',
  });
  confirmIdentity(flow, ctx.lambdaArn(OUTBOUND_FLOW_FUNCTIONS.answer), { onConfirmed: 'question' });
  const keys = Object.fromEntries(RATINGS.map((r) => [r, `rate-${r}`]));
  flow.menu('question', {
    prompt: SURVEY_PROMPTS.question,
    keys,
    timeoutSeconds: 8,
    onTimeout: 'question-again',
    onWrongKey: 'question-again',
  });
  flow.menu('question-again', {
    prompt: SURVEY_PROMPTS.questionAgain,
    keys,
    timeoutSeconds: 8,
    onTimeout: 'no-answer-bye',
    onWrongKey: 'no-answer-bye',
  });
  for (const r of RATINGS) {
    flow.invokeLambda(`rate-${r}`, {
      functionArn: ctx.lambdaArn(OUTBOUND_FLOW_FUNCTIONS.surveyAnswer),
      params: { rating: r },
      timeoutSeconds: 8,
      next: `rate-${r}-check`,
      onError: 'trouble',
    });
    flow.compare(
      `rate-${r}-check`,
      '$.External.outcome',
      { ok: Number(r) <= 2 ? 'sorry' : 'thanks' },
      'trouble',
    );
  }
  // The customer confirmed but gave no rating: the attempt is not reached and the dialer asks again later.
  flow.say('no-answer-bye', OUTBOUND_PROMPTS.noAnswer).then('hangup');
  flow.say('thanks', SURVEY_PROMPTS.thanks).then('hangup');
  flow.say('sorry', SURVEY_PROMPTS.sorry).then('hangup');
  flow.say('trouble', SURVEY_PROMPTS.trouble).then('hangup');
  return flow.render();
}
