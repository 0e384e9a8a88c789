export * from './emulator.ts';
export type { StoredAttachment, StoredMail } from './mail.ts';
export * from './server.ts';
