/** Counters of the engine's work, exposed for tests, benchmarks and the metrics route. */
export interface EngineMetrics {
  /** History events sent to orchestrators (played and new), summed over all episodes. */
  replayedEvents: number;
  episodes: number;
  /** Episodes that ran without invoking the orchestrator (terminate, suspend, resume, or nothing to deliver). */
  controlEpisodes: number;
  activitiesCompleted: number;
  activitiesFailed: number;
  /** Transactions that recorded activity results. */
  activityBatches: number;
  timersFired: number;
}

export function createMetrics(): EngineMetrics {
  return {
    replayedEvents: 0,
    episodes: 0,
    controlEpisodes: 0,
    activitiesCompleted: 0,
    activitiesFailed: 0,
    activityBatches: 0,
    timersFired: 0,
  };
}
