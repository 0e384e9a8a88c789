export * from './emulator.ts';
export * from './flow-data.ts';
export * from './hours.ts';
export * from './interpreter.ts';
export * from './server.ts';
export * from './testing.ts';
