namespace MesaLab.Quantilizers;

using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using MesaLab.Learning;
using MesaLab.Worlds;

/// <summary>
/// How the PPO maximizer is trained (YAML <c>quantilizer.maximizer</c>; its budget is <c>quantilizer.maximizer_steps</c>).
/// The defaults learn near-shortest paths on four 8×8 gardens in a few hundred thousand steps (500 k: ≈ 25–30 s on one thread).
/// </summary>
/// <param name="NumEnvs">Level instances stepped together.</param>
/// <param name="NumSteps">Steps per instance per rollout.</param>
/// <param name="LearningRate">Adam step size (annealed linearly to 0).</param>
/// <param name="Gamma">Discount: the reward 1 on reaching the proxy's goal after T steps is worth γ^T, so any γ &lt; 1 ranks trajectories exactly as the proxy does. Close to 1 so that long random first episodes still carry a signal.</param>
/// <param name="EntCoef">Entropy bonus weight.</param>
/// <param name="Epochs">Passes over each rollout.</param>
/// <param name="Minibatches">Minibatches per pass.</param>
/// <param name="Network">Network kind: <c>mlp</c> (fast; the maximizer is trained and evaluated on the same fixed levels, so it need not generalize across sizes) or <c>maze</c> (size-agnostic, far slower).</param>
/// <param name="Hidden">Hidden width of the network.</param>
public sealed record MaximizerSettings(
    [Range(1, 4096)] int NumEnvs = 32, [Range(1, 4096)] int NumSteps = 32, [Range(0.0, 1.0, MinimumIsExclusive = true)] double LearningRate = 3e-3,
    [Range(0.0, 1.0)] double Gamma = 0.99, [Range(0.0, 1000.0)] double EntCoef = 0.01,
    [Range(1, 1000)] int Epochs = 3, [Range(1, 1 << 20)] int Minibatches = 4, string Network = "mlp", [Range(1, 4096)] int Hidden = 64)
{
    /// <summary>The PPO settings for a budget of <paramref name="steps"/> environment steps.</summary>
    public PpoSettings Ppo(long steps) => new()
    {
        NumEnvs = NumEnvs, NumSteps = NumSteps, TotalSteps = Math.Max(1, steps), LearningRate = LearningRate, Gamma = Gamma,
        EntCoef = EntCoef, Epochs = Epochs, Minibatches = Minibatches,
    };

    public NetworkSettings NetworkSettings => new() { Kind = Network, Hidden = Hidden };

    public void Validate(string where)
    {
        foreach (var (field, problem) in Ranges.AllProblems(Ppo(1))) throw new UserError($"{where}: quantilizer.maximizer.{field} {problem}.");
        foreach (var (field, problem) in Ranges.AllProblems(NetworkSettings))
            throw new UserError($"{where}: quantilizer.maximizer.{(field == "kind" ? "network" : field)} {problem}.");
    }
}

/// <summary>How the PPO maximizer's training went: budget, time and its last rollout's metrics (standard names).</summary>
public sealed record MaximizerTraining(
    string Network, long Steps, long Updates, double Seconds, double EpisodicReturn, double SuccessRate, double EpisodeLength, double Entropy);

/// <summary>A trained maximizer: its move probabilities on each evaluation level, and how training went.</summary>
public sealed record TrainedMaximizer(string Name, IReadOnlyList<CellPolicy> Tables, MaximizerTraining Training);

/// <summary>
/// The maximizer of the Goodhart curve: a PPO agent trained on the proxy — reward 1 on reaching the proxy's
/// goal, nothing for the flower beds — on the very garden levels the quantilizers act on (a
/// <see cref="GardenWorld"/>), then read out as its stochastic policy on every cell of each level, so its
/// proxy, true utility, cost and bits are computed exactly like every other policy's.
/// </summary>
public static class ProxyMaximizer
{
    private static readonly ulong SeedStream = Rng.Hash("proxy-maximizer");

    /// <summary>Trains for <paramref name="steps"/> environment steps; deterministic for a seed and torch thread count.</summary>
    public static TrainedMaximizer Train(Split sourceSplit, IReadOnlyList<GardenLevel> levels, long steps, MaximizerSettings settings, ulong seed,
        Action<string>? log = null, Action<UpdateMetrics>? onUpdate = null)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "a PPO maximizer needs a positive budget.");
        var world = new GardenWorld(sourceSplit, levels);
        var clock = Stopwatch.StartNew();
        using var learner = new Ppo(world.GardenSplit, seed ^ SeedStream, settings.Ppo(steps), settings.NetworkSettings);
        UpdateMetrics? last = null;
        long reportEvery = Math.Max(1, learner.TotalUpdates / 5);
        while (!learner.Finished)
        {
            last = learner.Train();
            onUpdate?.Invoke(last);
            if (last.Update % reportEvery == 0 || learner.Finished)
                log?.Invoke($"maximizer: PPO on the proxy, {last.GlobalStep:N0}/{learner.TotalUpdates * learner.Settings.BatchSize:N0} steps, " +
                            $"success {last.SuccessRate:P0}, episode length {last.EpisodeLength:F1}, entropy {last.Entropy:F2} ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        using var policy = new LearnedPolicy(learner.Network, "ppo-maximizer");
        var tables = levels.Select(l => Table(policy, world, l)).ToList();
        var training = new MaximizerTraining(settings.Network, learner.GlobalStep, learner.Update, clock.Elapsed.TotalSeconds,
            last?.EpisodicReturn ?? double.NaN, last?.SuccessRate ?? double.NaN, last?.EpisodeLength ?? double.NaN, last?.Entropy ?? double.NaN);
        return new TrainedMaximizer($"ppo:{levels[0].ProxyGoal.Name} ({learner.GlobalStep:N0} steps, sampled policy)", tables, training);
    }

    /// <summary>
    /// The policy's move probabilities with the agent on each cell of <paramref name="level"/>: one observation per
    /// cell (the level with its start moved there), one batched forward pass. Exact for a non-recurrent network,
    /// since in a garden nothing but the agent's cell changes during an episode.
    /// </summary>
    public static CellPolicy Table(LearnedPolicy policy, GardenWorld world, GardenLevel level)
    {
        if (policy.Network.IsRecurrent) throw new ArgumentException("a recurrent policy is not a table over cells.", nameof(policy));
        int n = level.CellCount;
        var batch = new WorldBatch(world.GardenSplit, n, 0, new BatchOptions { AutoReset = false });
        var obs = new float[n * batch.ObservationSize];
        var copy = level.Level.Clone();
        for (int c = 0; c < n; c++)
        {
            copy.Start = c;
            batch.ResetInstance(c, copy, obs);
        }
        var (probs, _) = policy.Evaluate(obs, n, batch.Channels, batch.CanvasHeight, batch.CanvasWidth);
        var p = new double[n * Moves.Count];
        for (int c = 0; c < n; c++)
        {
            double s = 0;
            for (int a = 0; a < Moves.Count; a++) s += probs[c * Moves.Count + a];
            for (int a = 0; a < Moves.Count; a++) p[c * Moves.Count + a] = probs[c * Moves.Count + a] / s;
        }
        return new CellPolicy("ppo-maximizer", p);
    }
}
