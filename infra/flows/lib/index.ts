export * from './action-catalog.ts';
export * from './builder.ts';
export * from './flow-language.ts';
export * from './validate.ts';
