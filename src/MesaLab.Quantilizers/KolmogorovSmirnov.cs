namespace MesaLab.Quantilizers;

/// <summary>
/// The two-sample Kolmogorov–Smirnov test: D = sup |F₁(x) − F₂(x)| between two empirical distribution
/// functions, with the asymptotic p-value from the Kolmogorov distribution.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>The statistic D (ties across the samples are handled by stepping past equal values together).</summary>
    public static double Statistic(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.IsEmpty || b.IsEmpty) throw new ArgumentException("both samples need at least one value.");
        var x = a.ToArray();
        var y = b.ToArray();
        Array.Sort(x);
        Array.Sort(y);
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return d;
    }

    /// <summary>Asymptotic p-value of D for sample sizes n and m: Q_KS(√(nm/(n+m))·D) (Stephens' small-sample correction).</summary>
    public static double PValue(double d, int n, int m)
    {
        double en = Math.Sqrt((double)n * m / (n + m));
        double lambda = (en + 0.12 + 0.11 / en) * d;
        return KolmogorovTail(lambda);
    }

    /// <summary>Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²).</summary>
    public static double KolmogorovTail(double lambda)
    {
        if (lambda < 0.2) return 1;
        double sum = 0, sign = 1;
        for (int k = 1; k <= 100; k++)
        {
            double term = sign * Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-12) break;
            sign = -sign;
        }
        return Math.Clamp(2 * sum, 0, 1);
    }

    /// <summary>The critical D at level α for sizes n and m: c(α)·√((n+m)/(nm)), c(α) = √(−ln(α/2)/2).</summary>
    public static double CriticalValue(double alpha, int n, int m) =>
        Math.Sqrt(-Math.Log(alpha / 2) / 2) * Math.Sqrt((double)(n + m) / ((double)n * m));
}
