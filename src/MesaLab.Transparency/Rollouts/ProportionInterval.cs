namespace MesaLab.Transparency;

/// <summary>A proportion with its Wilson score interval (well-behaved near 0 and 1 and for small n).</summary>
public sealed record ProportionInterval(int Successes, int Trials, double Estimate, double Low, double High)
{
    public static ProportionInterval Wilson(int successes, int trials, double z = 1.96)
    {
        if (trials <= 0) return new(successes, trials, double.NaN, 0, 1);
        double p = successes / (double)trials, n = trials, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new(successes, trials, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
