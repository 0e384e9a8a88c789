import * as z from 'zod';

/**
 * POST /api/tickets/{id}/promise: staff promise an answer within half an hour. The body is optional and,
 * when sent, empty: the complaint, the customer and the half hour (ANSWER_PROMISE_MINUTES) are known.
 */
export const answerPromiseSchema = z.strictObject({});
