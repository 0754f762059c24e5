import { ActionType, type ActionJson } from '../../../host/src/durable/actions';
import { events } from '../../../host/src/durable/events';
import type { HistoryEvent } from '../../../host/src/durable/history';
import { ShadowReplay, UnsupportedActionError } from '../../../host/src/durable/replay/shadow-replay';

const day = 24 * 3600 * 1000;
const t0 = Date.parse('2024-05-01T10:00:00.000Z');
const context = {
  executionId: 'e1',
  maximumShortTimerDurationMs: 6 * day,
  longRunningTimerIntervalMs: 3 * day,
  defaultAsyncRequestSleepTimeMs: 30000,
  newRequestId: () => 'request-1',
};

const activity = (name: string, input?: unknown): ActionJson => ({
  actionType: ActionType.CallActivity,
  functionName: name,
  input,
});
const start = (at = t0): HistoryEvent[] => [
  events.orchestratorStarted(at),
  events.executionStarted({
    at,
    name: 'o',
    version: '',
    input: null,
    instanceId: 'i',
    executionId: 'e1',
    parent: null,
  }),
];
const replay = (actions: ActionJson[], history: HistoryEvent[]) => new ShadowReplay(actions, context).run(history);

describe('shadow replay', () => {
  it('allocates a retry timer and the next attempt as DTFx does', () => {
    const retry: ActionJson = {
      actionType: ActionType.CallActivityWithRetry,
      functionName: 'work',
      input: '"b"',
      retryOptions: { firstRetryIntervalInMilliseconds: 5000, maxNumberOfAttempts: 3 },
    };
    const fanOut: ActionJson = {
      actionType: ActionType.WhenAll,
      compoundActions: [activity('work', '"a"'), retry, activity('work', '"c"')],
    };

    const first = replay([fanOut], start());
    expect(first.newOperations.map((op) => [op.id, op.kind, op.name, op.input])).toEqual([
      [0, 'activity', 'work', '"a"'],
      [1, 'activity', 'work', '"b"'],
      [2, 'activity', 'work', '"c"'],
    ]);

    const history = [
      ...start(),
      events.taskScheduled(t0, 0, 'work', '"a"'),
      events.taskScheduled(t0, 1, 'work', '"b"'),
      events.taskScheduled(t0, 2, 'work', '"c"'),
      events.orchestratorCompleted(t0),
      events.orchestratorStarted(t0 + 2000),
      events.taskCompleted(t0 + 1000, 0, '"A"'),
      events.taskFailed(t0 + 1200, 1, 'failed', '', null),
      events.taskCompleted(t0 + 1900, 2, '"C"'),
    ];
    const second = replay([fanOut], history);
    expect(second.newOperations).toEqual([expect.objectContaining({ id: 3, kind: 'timer', fireAt: t0 + 7000 })]);

    history.push(
      events.timerCreated(t0 + 2000, 3, t0 + 7000),
      events.orchestratorStarted(t0 + 7010),
      events.timerFired(t0 + 7005, 3, t0 + 7000),
    );
    const third = replay([fanOut], history);
    expect(third.newOperations).toEqual([expect.objectContaining({ id: 4, kind: 'activity', name: 'work' })]);

    history.push(
      events.taskScheduled(t0 + 7010, 4, 'work', '"b"'),
      events.orchestratorStarted(t0 + 8000),
      events.taskCompleted(t0 + 7900, 4, '"B"'),
    );
    const fourth = replay([fanOut, activity('aggregate', ['A', 'B', 'C'])], history);
    expect(fourth.newOperations).toEqual([
      expect.objectContaining({ id: 5, name: 'aggregate', input: '["A","B","C"]' }),
    ]);
    expect(fourth.nonDeterminism).toBeUndefined();
  });

  it('names the event, the id and the function on a mismatch', () => {
    const history = [...start(), events.taskScheduled(t0, 0, 'greet', '1'), events.orchestratorCompleted(t0)];
    const result = replay([activity('double', 1)], history);
    expect(result.nonDeterminism).toContain("TaskScheduled 'greet' with sequence id 0");
    expect(result.nonDeterminism).toContain("TaskScheduled 'double'");
  });

  it('splits a ten-day timer into sub-timers of the configured interval', () => {
    const timer: ActionJson = {
      actionType: ActionType.CreateTimer,
      fireAt: new Date(t0 + 10 * day).toISOString(),
      isCanceled: false,
    };
    const history = start();
    const firstTimer = replay([timer], history).newOperations;
    expect(firstTimer).toEqual([expect.objectContaining({ id: 0, kind: 'timer', fireAt: t0 + 3 * day })]);

    history.push(
      events.timerCreated(t0, 0, t0 + 3 * day),
      events.orchestratorStarted(t0 + 3 * day),
      events.timerFired(t0 + 3 * day, 0, t0 + 3 * day),
    );
    expect(replay([timer], history).newOperations).toEqual([expect.objectContaining({ id: 1, fireAt: t0 + 6 * day })]);

    history.push(
      events.timerCreated(t0, 1, t0 + 6 * day),
      events.orchestratorStarted(t0 + 6 * day),
      events.timerFired(t0 + 6 * day, 1, t0 + 6 * day),
    );
    expect(replay([timer], history).newOperations).toEqual([expect.objectContaining({ id: 2, fireAt: t0 + 10 * day })]);
  });

  it('uses an event raised before the wait and continues', () => {
    const wait: ActionJson = { actionType: ActionType.WaitForExternalEvent, externalEventName: 'approval' };
    const history = [...start(), events.eventRaised(t0, 'approval', '"yes"')];
    const result = replay([wait, activity('next')], history);
    expect(result.newOperations).toEqual([expect.objectContaining({ id: 0, name: 'next' })]);
    expect(result.unconsumedEvents).toEqual([]);
  });

  it('reports events no waiter consumed before continue-as-new', () => {
    const wait: ActionJson = { actionType: ActionType.WaitForExternalEvent, externalEventName: 'add' };
    const again: ActionJson = { actionType: ActionType.ContinueAsNew, input: { total: 1 } };
    const history = [...start(), events.eventRaised(t0, 'add', '1'), events.eventRaised(t0, 'add', '2')];
    const result = replay([wait, again], history);
    expect(result.continueAsNewInput).toBe('{"total":1}');
    expect(result.unconsumedEvents.map((e) => e.Input)).toEqual(['2']);
  });

  it('polls the Location of a 202 after its timer fired', () => {
    const call: ActionJson = {
      actionType: ActionType.CallHttp,
      httpRequest: { method: 'POST', uri: 'http://127.0.0.1/start', asynchronousPatternEnabled: true },
    };
    const history = start();
    expect(replay([call], history).newOperations).toEqual([
      expect.objectContaining({ id: 0, name: 'BuiltIn::HttpActivity' }),
    ]);

    const accepted = JSON.stringify({
      statusCode: 202,
      headers: { Location: 'http://127.0.0.1/poll', 'Retry-After': '2' },
      content: '',
    });
    history.push(
      events.taskScheduled(t0, 0, 'BuiltIn::HttpActivity', null),
      events.orchestratorStarted(t0 + 100),
      events.taskCompleted(t0 + 50, 0, accepted),
    );
    const waiting = replay([call], history).newOperations;
    expect(waiting).toEqual([expect.objectContaining({ id: 1, kind: 'timer', fireAt: t0 + 2100 })]);

    history.push(
      events.timerCreated(t0 + 100, 1, t0 + 2100),
      events.orchestratorStarted(t0 + 2100),
      events.timerFired(t0 + 2100, 1, t0 + 2100),
    );
    const poll = replay([call], history).newOperations;
    expect(poll).toEqual([
      expect.objectContaining({
        id: 2,
        http: expect.objectContaining({ method: 'GET', uri: 'http://127.0.0.1/poll' }),
      }),
    ]);
  });

  it('rejects entity locks, which the engine does not implement', () => {
    const lock: ActionJson = { actionType: ActionType.LockEntities, lockSet: [{ name: 'counter', key: '1' }] };
    expect(() => replay([lock], start())).toThrow(UnsupportedActionError);
  });
});
