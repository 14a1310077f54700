import { FlashcutError } from '../../src/errors.js';

/** The FlashcutError `run` throws, of class `type` (any FlashcutError by default); anything else fails the test. */
export function thrown<T extends FlashcutError = FlashcutError>(run: () => unknown, type: abstract new (...args: never[]) => T = FlashcutError as never): T {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
