/** Stable codes for every refusal of the CLI; tests and scripts match on these, not on wording. */
export type CreateAppErrorCode =
  | 'CREATE_UNKNOWN_FLAG'
  | 'CREATE_INVALID_NAME'
  | 'CREATE_INVALID_SCOPE'
  | 'CREATE_UNKNOWN_SERVICE'
  | 'CREATE_INVALID_SELECTION'
  | 'CREATE_TARGET_NOT_EMPTY'
  | 'CREATE_MISSING_INPUT'
  | 'CREATE_TEMPLATE_BROKEN'
  | 'CREATE_FORMAT_FAILED'
  | 'CREATE_CANCELLED'
  | 'UPGRADE_NOT_A_PROJECT'
  | 'UPGRADE_NO_BASE'
  | 'UPGRADE_TEMPLATE_NOT_FOUND'
  | 'UPGRADE_FAILED';

/**
 * A refusal the user can fix. Its message is one line, printed as is; anything else that escapes
 * is a bug and is printed with its stack.
 */
export class CreateAppError extends Error {
  readonly code: CreateAppErrorCode;

  constructor(code: CreateAppErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CreateAppError';
    this.code = code;
  }
}
