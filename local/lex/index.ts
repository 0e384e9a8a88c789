/**
 * The local Amazon Lex V2 runtime: the hotline bot of infra/lex/hotline-bot.ts answering as Lex does, in
 * process (for the contact-flow interpreter) and over HTTP (for the AWS SDK and CLI).
 */
import { hotlineBot } from '#infra/lex/hotline-bot';
import type { LexBotRegistration } from './runtime.ts';

export { LexApiError, resourceNotFound, validationError } from './api-error.ts';
export { type ConnectLexData, type ConnectLexTurn, connectLexTurn } from './connect-turn.ts';
export {
  createLexRuntime,
  type LexBotRegistration,
  type LexBotTarget,
  type LexRuntime,
  type LexRuntimeOptions,
  type RecognizeOptions,
} from './runtime.ts';
export { createLexHttpHandler, type LexServer, type LexServerOptions, startLexServer } from './server.ts';
export type * from './types.ts';

/** The ids the local hotline bot answers under ("TSTALIASID" is the id of Lex's own test alias). */
export const LOCAL_HOTLINE_BOT: LexBotRegistration = {
  botId: 'HOTLINEBOT',
  botAliasId: 'TSTALIASID',
  definition: hotlineBot,
};
