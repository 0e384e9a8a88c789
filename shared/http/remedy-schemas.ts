import * as z from 'zod';
import {
  answerChannels,
  isValidAmount,
  MAX_REMEDY_AMOUNT,
  remedyAnswers,
  remedyKinds,
} from '#shared/domain/remedy';
import { currencyCode, eventDateTime, freeText } from './field-schemas';

/** Request schemas of the remedy routes: the API validates with them, the OpenAPI document shows them. */
const text = freeText;

export const remedyActionSchema = z.strictObject({
  department: z.string().min(1).max(64).describe('One of the configured departments'),
  task: text(1000).describe("The department's part of the remedy"),
  dueAt: eventDateTime().describe('When the department must report it done'),
});

export const proposeRemedySchema = z.strictObject({
  kind: z.enum(remedyKinds),
  amount: z
    .number({ error: 'amount must be a number' })
    .positive('amount must be above 0')
    .max(MAX_REMEDY_AMOUNT, `amount may be at most ${MAX_REMEDY_AMOUNT}`)
    .refine(isValidAmount, 'amount may have at most 2 decimals')
    .optional()
    .describe('Required for refund and compensation; optional for gift and repair; none for apology'),
  currency: currencyCode().optional().describe("ISO 4217; defaults to the desk's currency"),
  description: text(2000),
  actions: z.array(remedyActionSchema).max(20).default([]),
});

export const remedyDecisionSchema = z.strictObject({
  approve: z.boolean(),
  reason: text(2000).optional().describe('Required for a rejection'),
});

export const remedyOfferSchema = z.strictObject({ note: text(2000).optional() });

export const remedyAnswerSchema = z.strictObject({
  answer: z.enum(remedyAnswers),
  how: z.enum(answerChannels).describe('How the customer gave the answer'),
  answeredAt: eventDateTime().optional().describe('When the customer answered; defaults to now'),
  note: text(2000).optional(),
});

export const remedyActionDoneSchema = z.strictObject({ note: text(2000).optional() });

export const remedyIdParam = z.string().regex(/^[\w-]{1,64}$/, 'Bad remedy id');
export const remedyActionIdParam = z.string().regex(/^[\w-]{1,64}$/, 'Bad action id');
