export {
  CalicoClientError,
  type CalicoClientErrorTag,
  fromUnknown,
  networkErrorCode,
  type RequestTarget,
  type StatusCause,
} from "./CalicoClientError.js";
export { defaultRateLimit, RateLimiter, type RateLimitOptions } from "./RateLimiter.js";
export {
  type AttemptContext,
  backoffDelay,
  defaultRetryOptions,
  isTransient,
  mayHaveCommitted,
  type RetryEvent,
  type RetryOptions,
  withRetries,
} from "./RetryPolicy.js";
