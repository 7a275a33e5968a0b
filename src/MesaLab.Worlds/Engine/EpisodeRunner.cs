namespace MesaLab.Worlds;

/// <summary>Which levels a run of episodes plays, how many at once, and what else ends an episode.</summary>
public sealed record EpisodeRunSettings
{
    /// <summary>Episodes to play: episode i plays level <see cref="FirstLevel"/> + i of the split (or <see cref="Levels"/>[i]).</summary>
    public int Episodes { get; init; }

    /// <summary>Seed of the level stream.</summary>
    public ulong Seed { get; init; }

    /// <summary>Level index of episode 0.</summary>
    public long FirstLevel { get; init; }

    /// <summary>Explicit levels to play instead of generated ones (replays, hand-built or edited levels); episode i plays a copy of level i.</summary>
    public IReadOnlyList<Level>? Levels { get; init; }

    /// <summary>Instances stepped together; finished ones are refilled with the next episode, so whatever the batch size episode i plays the same level.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Canvas size of the observation (0: the split's largest level, or the largest given level).</summary>
    public int CanvasWidth { get; init; }
    public int CanvasHeight { get; init; }

    /// <summary>End an episode after this many steps (0: only the level's own step limit).</summary>
    public int MaxSteps { get; init; }

    /// <summary>End an episode as soon as any of these events happens (e.g. reaching the arrow or the exit: "which goal first").</summary>
    public StepEvents StopOn { get; init; }
}

/// <summary>How an episode ended and its totals.</summary>
/// <param name="Stopped">Ended by the run (<see cref="EpisodeRunSettings.StopOn"/>, <see cref="EpisodeRunSettings.MaxSteps"/> or an observer), not by the world.</param>
public readonly record struct EpisodeEnd(bool Terminated, bool Truncated, bool Stopped, float Return, int Length, StepEvents Events);

/// <summary>
/// Watches episodes as <see cref="EpisodeRunner"/> plays them: recording, tallying, capturing what it needs.
/// The <c>episode</c> arguments are episode numbers (0-based), <c>instance</c> the batch row playing it.
/// </summary>
public interface IEpisodeObserver
{
    /// <summary>Episode <paramref name="episode"/> starts in <paramref name="instance"/> (the level is reset, no step taken).</summary>
    void Started(int episode, WorldBatch batch, int instance) { }

    /// <summary>A step of episode <paramref name="episode"/> was taken (events, rewards and the agent's cell are the step's).</summary>
    void Stepped(int episode, WorldBatch batch, int instance, Move move) { }

    /// <summary>Whether the run should end the episode now (e.g. the agent stands on a chosen target).</summary>
    bool StopNow(int episode, WorldBatch batch, int instance) => false;

    /// <summary>Episode <paramref name="episode"/> ended; the batch still holds its final state.</summary>
    void Ended(int episode, WorldBatch batch, int instance, EpisodeEnd end) { }
}

/// <summary>
/// The one episode loop: plays a policy on a split's levels in a batch of instances, refilling each finished instance
/// with the next episode, and tells an observer about every start, step and end. Evaluation, held-out checks, play,
/// single-episode pictures and transparency rollouts are observers of this loop. Observations are written only when
/// the policy reads them.
/// </summary>
public static class EpisodeRunner
{
    public static void Run(Split split, IPolicy policy, EpisodeRunSettings settings, IEpisodeObserver observer,
        IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        int episodes = settings.Levels?.Count ?? settings.Episodes;
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(settings), "a run needs at least one episode.");
        if (settings.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(settings), "the batch size must be at least 1.");
        int count = Math.Min(episodes, settings.BatchSize);
        int cw = settings.CanvasWidth, ch = settings.CanvasHeight;
        if (settings.Levels is { } given && cw == 0) cw = given.Max(l => l.Width);
        if (settings.Levels is { } given2 && ch == 0) ch = given2.Max(l => l.Height);
        var batch = new WorldBatch(split, count, settings.Seed, new BatchOptions
        {
            AutoReset = false,
            FirstLevelIndex = settings.FirstLevel,
            CanvasWidth = cw,
            CanvasHeight = ch,
        });
        float[] observations = policy.NeedsObservations ? new float[count * batch.ObservationSize] : [];
        var moves = new Move[count];
        var episodeOf = new int[count];
        int next = 0, finished = 0;

        void Begin(int i)
        {
            int e = next++;
            episodeOf[i] = e;
            if (settings.Levels is { } levels) batch.ResetInstance(i, levels[e], observations);
            else batch.ResetInstance(i, settings.FirstLevel + e, observations);
            observer.Started(e, batch, i);
        }

        for (int i = 0; i < count; i++) Begin(i);
        while (finished < episodes)
        {
            cancel.ThrowIfCancellationRequested();
            policy.Act(batch, observations, moves);
            batch.Step(moves, observations);
            for (int i = 0; i < count; i++)
            {
                int e = episodeOf[i];
                if (e < 0) continue;
                observer.Stepped(e, batch, i, moves[i]);
                bool terminated = batch.Terminated[i], truncated = batch.Truncated[i];
                bool stopped = !terminated && !truncated &&
                    ((batch.Events[i] & settings.StopOn) != 0 || (settings.MaxSteps > 0 && batch.StepCount[i] >= settings.MaxSteps) || observer.StopNow(e, batch, i));
                if (!terminated && !truncated && !stopped) continue;
                var end = terminated || truncated
                    ? new EpisodeEnd(terminated, truncated, false, batch.FinalReturn[i], batch.FinalLength[i], batch.FinalEvents[i])
                    : new EpisodeEnd(false, false, true, batch.EpisodeReturn[i], batch.EpisodeLength[i], batch.EpisodeEvents[i]);
                observer.Ended(e, batch, i, end);
                finished++;
                progress?.Report(finished);
                if (next < episodes) Begin(i);
                else episodeOf[i] = -1;
            }
        }
    }
}
