namespace MesaLab.Analysis;

/// <summary>Settings of behavioral-objective inference; the defaults are the documented method (docs/analysis.md).</summary>
public sealed record InferenceSettings
{
    /// <summary>Discount of the Boltzmann-rational model's soft value iteration.</summary>
    public double Gamma { get; init; } = 0.97;

    /// <summary>Rationality values β the likelihood is evaluated at (uniform prior on this log-spaced grid; marginalized for the posterior).</summary>
    public double[] BetaGrid { get; init; } = LogSpace(0.1, 30, 12);

    /// <summary>
    /// Minimum natural-log Bayes factor of the best candidate against the uniformly random policy for the
    /// actions to count as pursuing a coherent objective: ln 100 ≈ 4.6 ("decisive" on Jeffreys' scale).
    /// </summary>
    public double CoherenceLogBayesFactor { get; init; } = Math.Log(100);

    /// <summary>
    /// Lapse rate λ: the modelled agent acts uniformly at random with probability λ, else Boltzmann-rationally,
    /// π = (1−λ)·π_β + λ/4. Without it a single slip a rational agent would never make (a noisy exit-seeker
    /// stepping into lava) costs ~100 nats and outweighs a whole episode of evidence.
    /// </summary>
    public double Lapse { get; init; } = 0.02;

    /// <summary>Candidates holding at least this posterior besides the best are reported as indistinguishable from it.</summary>
    public double IndistinguishableMass { get; init; } = 0.05;

    /// <summary>Bootstrap resamples of episodes for the posterior's interval.</summary>
    public int BootstrapSamples { get; init; } = 200;

    public ulong BootstrapSeed { get; init; } = 0x5EED;

    public static double[] LogSpace(double lo, double hi, int count) =>
        Enumerable.Range(0, count).Select(i => Math.Exp(Math.Log(lo) + (Math.Log(hi) - Math.Log(lo)) * i / (count - 1))).ToArray();
}
