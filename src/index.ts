// Public library API: re-exports only.
export type * from './model.js';
export * from './errors.js';
