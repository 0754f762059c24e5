import type { HttpRequestJson, RetryOptionsJson } from '../actions';
import type { Operation } from './operations';
import { pollLocation, retryDelay } from './replay-helpers';
import type { ShadowReplay } from './shadow-replay';
import { LeafTask, SequenceTask, type ShadowTask } from './tasks';

/** Timers longer than `maximumShortTimerDuration` run as a chain of shorter timers, as the SDK splits them. */
export function timerTask(scope: ShadowReplay, fireAt: number): ShadowTask {
  const { maximumShortTimerDurationMs: maxShort, longRunningTimerIntervalMs: interval } = scope.context;
  if (fireAt - scope.now <= maxShort) {
    return scope.timerLeaf(fireAt);
  }
  const task = new SequenceTask((self) => {
    if (fireAt > scope.now) {
      self.add(scope.timerLeaf(fireAt - scope.now > maxShort ? scope.now + interval : fireAt));
    } else {
      self.settle(false);
    }
  });
  task.add(scope.timerLeaf(scope.now + interval));
  return task;
}

/**
 * Retries follow DTFx: a timer after every failed attempt, firing at once after the last one.
 * NOTE: `retryTimeoutInMilliseconds` is ignored, as durable-functions 3.5 ignores it when it allocates ids.
 */
export function retryTask(
  scope: ShadowReplay,
  options: RetryOptionsJson | undefined,
  attempt: () => LeafTask,
): ShadowTask {
  const maxAttempts = options?.maxNumberOfAttempts ?? 1;
  let attemptNumber = 1;
  let waitingOnTimer = false;
  const task = new SequenceTask((self, child) => {
    if (waitingOnTimer) {
      waitingOnTimer = false;
      if (attemptNumber > maxAttempts) {
        self.settle(true);
      } else {
        self.add(attempt());
      }
    } else if (!child.failed) {
      self.settle(false);
    } else {
      const delay = attemptNumber >= maxAttempts ? 0 : retryDelay(options, attemptNumber);
      self.add(scope.timerLeaf(scope.now + delay));
      waitingOnTimer = true;
      attemptNumber++;
    }
  });
  task.add(attempt());
  return task;
}

/** `callHttp` with the asynchronous pattern polls the Location of every 202 after Retry-After seconds. */
export function httpTask(scope: ShadowReplay, request: HttpRequestJson): ShadowTask {
  const first = scope.httpLeaf(request, true);
  if (!request.asynchronousPatternEnabled) {
    return first;
  }
  const task = new SequenceTask((self, child) => {
    if (child.failed) {
      self.settle(true);
      return;
    }
    if (!(child instanceof LeafTask) || scope.operation(child.id)?.kind !== 'activity') {
      return;
    }
    const location = pollLocation(child.result);
    if (!location) {
      self.settle(false);
      return;
    }
    const delay = location.retryAfterSeconds * 1000 || scope.context.defaultAsyncRequestSleepTimeMs;
    const timer = timerTask(scope, scope.now + delay);
    const headers = { ...(request.headers ?? {}) };
    delete headers['x-functions-key'];
    const poll = scope.httpLeaf({ method: 'GET', uri: location.uri, headers }, false);
    self.add(timer);
    self.add(poll);
    timer.onSettled = () => {
      (scope.operation(poll.id) as Operation).ready = true;
    };
  });
  task.add(first);
  return task;
}
