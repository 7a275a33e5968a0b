namespace MesaLab.Analysis;

/// <summary>Settings of behavioral-objective inference; the defaults are the documented method (docs/analysis.md).</summary>
public sealed record InferenceSettings
{
    /// <summary>Discount of the Boltzmann-rational model's soft value iteration.</summary>
    public double Gamma { get; init; } = 0.97;

    /// <summary>
    /// Rationality values β where every episode's log-likelihood is computed exactly: the knots, log-spaced, of the
    /// spline in ln β that integrals and maxima over β are taken on. Their range is the range of the prior on β
    /// (uniform in ln β).
    /// </summary>
    public double[] BetaGrid { get; init; } = LogSpace(0.1, 30, 16);

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

    /// <summary>Bootstrap resamples of episodes for the intervals of the posterior and of the mixture weights.</summary>
    public int BootstrapSamples { get; init; } = 200;

    public ulong BootstrapSeed { get; init; } = 0x5EED;

    /// <summary>
    /// Adds an "any cell" component to the mixture: the episode pursues one cell of the level, any cell, to catch
    /// objectives no candidate names. Costs a soft value iteration per cell considered (see docs/analysis.md).
    /// </summary>
    public bool AnyCellGoals { get; init; }

    /// <summary>The competence rule the mixture uses for "any cell" goals (the same rule outcomes are classified by).</summary>
    public CompetenceCriterion Competence { get; init; } = CompetenceCriterion.Default;

    /// <summary>Largest number of EM iterations of a mixture fit (it stops earlier when the log-likelihood settles).</summary>
    public int MixtureIterations { get; init; } = 2000;

    public static double[] LogSpace(double lo, double hi, int count) =>
        Enumerable.Range(0, count).Select(i => Math.Exp(Math.Log(lo) + (Math.Log(hi) - Math.Log(lo)) * i / (count - 1))).ToArray();
}
