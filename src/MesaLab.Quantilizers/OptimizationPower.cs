namespace MesaLab.Quantilizers;

/// <summary>
/// Optimization power in bits. A q-quantilizer applies −log2 q bits; an outcome u reached by any
/// process is worth −log2 P_base(U ≥ u) bits: how improbable so good an outcome is under the base.
/// </summary>
public static class OptimizationPower
{
    /// <summary>−log2 q.</summary>
    public static double OfQuantilizer(double q)
    {
        TopQuantile.CheckQ(q);
        return q == 1 ? 0 : -Math.Log2(q);
    }

    /// <summary>
    /// −log2 of the empirical P_base(U ≥ u). When no base sample reaches u the probability is below 1/n
    /// and the bits are reported as the lower bound log2 n (<see cref="Bits.LowerBound"/> set).
    /// </summary>
    public static Bits OfOutcome(ReadOnlySpan<double> baseUtilities, double u, double tolerance = 1e-12)
    {
        int n = baseUtilities.Length;
        if (n == 0) throw new ArgumentException("no base samples.", nameof(baseUtilities));
        int atLeast = 0;
        foreach (var v in baseUtilities) if (v >= u - tolerance) atLeast++;
        if (atLeast == 0) return new Bits(Math.Log2(n), true);
        return new Bits(atLeast == n ? 0 : -Math.Log2((double)atLeast / n), false);
    }

    /// <summary>
    /// The bits a policy's outcome on one level is worth under a base, the outcome being the policy's expected
    /// proxy u: exactly, −log2 P_base(U ≥ u) from the base's exact distribution of the step it reaches the goal;
    /// and empirically, from the base's sampled proxy utilities.
    /// </summary>
    public static (double Exact, Bits Empirical) OfPolicy(ExactOutcome policy, ExactOutcome baseExact, ReadOnlySpan<double> baseSample) =>
        (OfProbability(baseExact.ProbabilityProxyAtLeast(policy.Proxy - 1e-12)), OfOutcome(baseSample, policy.Proxy, 1e-9));

    /// <summary>−log2 p for an exactly known probability p (∞ when p = 0).</summary>
    public static double OfProbability(double p) => p >= 1 ? 0 : p <= 0 ? double.PositiveInfinity : -Math.Log2(p);
}

/// <summary>A number of bits; <paramref name="LowerBound"/> when the sample only shows it is at least this many.</summary>
public sealed record Bits(double Value, bool LowerBound);
