/** Bad command-line input: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A failure whose message already says what went wrong and where (storage not reachable, say):
 * printed without a stack, exit code 1, as the README has no code of its own for it.
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}
