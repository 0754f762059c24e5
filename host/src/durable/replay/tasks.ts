/**
 * Task nodes of the shadow replay. They mirror how durable-functions settles its tasks (WhenAll fails on
 * the first failed child, WhenAny settles with the first settled child), so the ids the replay
 * allocates on each settlement are the ids the SDK allocates.
 */
export abstract class ShadowTask {
  settled = false;
  failed = false;
  parent?: CompositeTask;
  onSettled?: () => void;

  settle(failed: boolean): void {
    if (this.settled) {
      return;
    }
    this.settled = true;
    this.failed = failed;
    this.parent?.childSettled(this);
    this.onSettled?.();
  }
}

/** A leaf backed by one sequence id (activity, timer, sub-orchestration, HTTP request, entity call). */
export class LeafTask extends ShadowTask {
  /** Set by the completion event: the parsed result of a completed HTTP request, for the poll rule. */
  result?: unknown;

  constructor(readonly id: number) {
    super();
  }
}

/** A `waitForExternalEvent` task: no id, settled by an EventRaised with its name. */
export class EventTask extends ShadowTask {
  constructor(readonly name: string) {
    super();
  }
}

/** A task that is settled as soon as it is issued (fire-and-forget actions). */
export class DoneTask extends ShadowTask {
  constructor() {
    super();
    this.settled = true;
  }
}

export abstract class CompositeTask extends ShadowTask {
  readonly children: ShadowTask[] = [];

  add(child: ShadowTask): void {
    child.parent = this;
    this.children.push(child);
  }

  /** Settles immediately if the children make it so; used right after construction. */
  evaluate(): void {
    for (const child of this.children) {
      if (child.settled) {
        this.childSettled(child);
      }
    }
  }

  abstract childSettled(child: ShadowTask): void;
}

export class WhenAllTask extends CompositeTask {
  childSettled(child: ShadowTask): void {
    if (child.failed) {
      this.settle(true);
    } else if (this.children.every((c) => c.settled)) {
      this.settle(false);
    }
  }

  override evaluate(): void {
    if (this.children.length === 0) {
      this.settle(false);
    }
    super.evaluate();
  }
}

/** Completes (never fails) with the first settled child, like the SDK's WhenAnyTask. */
export class WhenAnyTask extends CompositeTask {
  childSettled(): void {
    this.settle(false);
  }
}

/** A composite whose behaviour on each child settlement is given by a callback (retry, long timer, poll). */
export class SequenceTask extends CompositeTask {
  constructor(private readonly onChild: (task: SequenceTask, child: ShadowTask) => void) {
    super();
  }

  childSettled(child: ShadowTask): void {
    this.onChild(this, child);
  }
}
