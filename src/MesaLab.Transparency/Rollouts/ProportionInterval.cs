namespace MesaLab.Transparency;

using MesaLab.Analysis;

/// <summary>A proportion with its Wilson score interval (well-behaved near 0 and 1 and for small n).</summary>
public sealed record ProportionInterval(int Successes, int Trials, double Estimate, double Low, double High)
{
    /// <summary>The counts kept for reports; the interval itself is <see cref="Statistics.Wilson"/>.</summary>
    public static ProportionInterval Wilson(int successes, int trials, double z = 1.96)
    {
        if (trials <= 0) return new(successes, trials, double.NaN, 0, 1);
        var i = Statistics.Wilson(successes, trials, z);
        return new(successes, trials, i.Value, i.Low, i.High);
    }
}
