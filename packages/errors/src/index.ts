export {
  AppError,
  type AppErrorOptions,
  type ErrorKind,
  type ErrorSpec,
  type FieldError,
  isAppError,
} from './app-error.ts';
export { commonErrors } from './common-errors.ts';
export { defineErrors, type ErrorCatalogue, type ErrorDefinition } from './define-errors.ts';
export {
  httpStatusOf,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  type ProblemContext,
  problemSchema,
  problemTypeOf,
  toProblem,
} from './problem.ts';
