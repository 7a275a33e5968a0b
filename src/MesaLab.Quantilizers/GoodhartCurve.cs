namespace MesaLab.Quantilizers;

/// <summary>
/// The result of a quantilizer experiment: per base, the Goodhart curve and the bound checks.
/// <paramref name="Maximizer"/>: how the PPO maximizer trained (null when <c>maximizer_steps</c> is 0);
/// <paramref name="MaximizerKind"/> and <paramref name="LimitKind"/> say in words what the two maximizer points are.
/// </summary>
public sealed record GoodhartCurve(
    string World, string Split, string Proxy, string Cost, double CostWeight, int N, int Bootstrap, ulong Seed,
    IReadOnlyList<LevelSummary> Levels, IReadOnlyList<BaseCurve> Bases, CloningReport? Cloning,
    MaximizerTraining? Maximizer, string MaximizerKind, string LimitKind)
{
    /// <summary>True when Taylor's bound held (no significant violation) at every q for every base.</summary>
    public bool BoundHolds => Bases.All(b => b.Trajectory.All(p => p.Bound.Holds));
}

/// <summary>One garden level: its size, shortest start-to-goal distance, flower beds and step limit.</summary>
public sealed record LevelSummary(long Index, int Width, int Height, int Shortest, int Marked, int MaxSteps);

/// <summary>
/// One base distribution's curve. <paramref name="BaseExact"/>: exact expectations of the base itself.
/// <paramref name="Trajectory"/>: the trajectory quantilizer at each q. <paramref name="Action"/>: the per-action
/// quantilizer at each q (exact). <paramref name="Maximizer"/>: the PPO agent trained on the proxy, on the same bits
/// axis (null when none was trained). <paramref name="Limit"/>: the exact proxy-optimal policy, the limit of any maximizer.
/// </summary>
public sealed record BaseCurve(string Base, ExactPoint BaseExact, IReadOnlyList<TrajectoryPoint> Trajectory, IReadOnlyList<ActionPoint> Action,
    MaximizerPoint? Maximizer, MaximizerPoint Limit);

/// <summary>Exact expectations of a policy, averaged over the levels.</summary>
public sealed record ExactPoint(double Proxy, double True, double Cost, double ReachProbability);

/// <summary>
/// The trajectory quantilizer at one q: −log2 q bits, E_Q of the proxy, true utility and cost with 95 %
/// bootstrap intervals, the empirical bits of its mean proxy outcome, and Taylor's bound check.
/// </summary>
public sealed record TrajectoryPoint(double Q, double Bits, Estimate Proxy, Estimate True, Estimate Cost, double OutcomeBits, bool OutcomeBitsLowerBound, BoundCheck Bound);

/// <summary>
/// Taylor's bound E_Q[c] ≤ E_base[c] / q, checked with E_base[c] from an independent base sample.
/// Holds unless the quantilizer's cost interval lies wholly above the bound's interval (a significant violation).
/// </summary>
public sealed record BoundCheck(Estimate QuantilizerCost, Estimate BaseCost, double Limit, double LimitHigh, bool Holds);

/// <summary>
/// The per-action quantilizer at one q, evaluated exactly; bits per step −log2 q, and the exact bits of its mean proxy
/// outcome. <paramref name="TaylorLimit"/> is E_base[cost]/q (exact) and <paramref name="WithinTaylorLimit"/> whether
/// this quantilizer's exact E[cost] happens to stay below it: reported, not guaranteed — per action the bound holds
/// step by step (π_Q(a|s) ≤ π_base(a|s)/q), over a T-step episode only with the factor q^−T.
/// </summary>
public sealed record ActionPoint(double Q, double BitsPerStep, double Proxy, double True, double Cost, double OutcomeBits, double TaylorLimit, bool WithinTaylorLimit);

/// <summary>
/// A proxy maximizer, averaged over the levels: its exact expected proxy, true utility and cost, and the bits its
/// outcome (its expected proxy on each level) is worth under the base — exactly, and empirically from the base sample
/// (<paramref name="EmpiricalBitsLowerBound"/> when on some level no base sample was that good, so only ≥ log2 n is known).
/// <paramref name="Converged"/> is false for a trained maximizer that did not reach its target (plots and reports mark it).
/// </summary>
public sealed record MaximizerPoint(string Name, double Proxy, double True, double Cost, double ReachProbability, double OutcomeBits, double EmpiricalBits, bool EmpiricalBitsLowerBound,
    bool Converged = true);
