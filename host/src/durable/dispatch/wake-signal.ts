/** Coalesces wake-ups into one call of `run` per event-loop turn, so a burst of commits triggers one pass. */
export class WakeSignal {
  private queued = false;

  constructor(private readonly run: () => void) {}

  wake(): void {
    if (this.queued) {
      return;
    }
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      this.run();
    });
  }
}
