namespace MesaLab.Core;

/// <summary>One coefficient of a fitted regression: the feature, its estimate with a 95 % interval, and the feature's mean and SD.</summary>
/// <param name="Coefficient">Change in the log-odds per standard deviation of the feature (the intercept: log-odds at the mean of every feature).</param>
public sealed record RegressionCoefficient(string Feature, Estimate Coefficient, double FeatureMean, double FeatureSd);

/// <summary>A fitted logistic regression: coefficients on standardized features, the sample size and how the intervals were made.</summary>
public sealed record LogisticFit(IReadOnlyList<RegressionCoefficient> Coefficients, int Samples, int BootstrapReplicates);

/// <summary>
/// Logistic regression of a proportion y ∈ [0, 1] (a probability, or a 0/1 outcome) on features, by Newton's method on the
/// binomial log-likelihood (the quasi-likelihood of a fractional response). Features are standardized, so each
/// coefficient is the change in log-odds per standard deviation; a small ridge (λ = 1e-4 per sample, not on the intercept)
/// keeps collinear or separable data finite. Intervals are percentile intervals of a bootstrap over samples.
/// </summary>
public static class LogisticRegression
{
    private const double Ridge = 1e-4;

    /// <summary>Fits y on the columns of <paramref name="features"/> (one row per sample) and bootstraps the coefficients.</summary>
    public static LogisticFit Fit(IReadOnlyList<string> names, IReadOnlyList<double[]> features, IReadOnlyList<double> y, int bootstrap, ulong seed)
    {
        int n = y.Count, p = names.Count;
        if (features.Count != n) throw new ArgumentException($"{features.Count} feature rows for {n} responses.", nameof(features));
        if (n < p + 2) throw new ArgumentException($"a regression on {p} features needs at least {p + 2} samples; got {n}.", nameof(y));
        var mean = new double[p];
        var sd = new double[p];
        for (int j = 0; j < p; j++)
        {
            mean[j] = features.Average(r => r[j]);
            double v = features.Sum(r => (r[j] - mean[j]) * (r[j] - mean[j])) / Math.Max(1, n - 1);
            sd[j] = v > 0 ? Math.Sqrt(v) : 1;
        }
        // Design matrix: intercept, then standardized features.
        var x = new double[n][];
        for (int i = 0; i < n; i++)
        {
            x[i] = new double[p + 1];
            x[i][0] = 1;
            for (int j = 0; j < p; j++) x[i][j + 1] = (features[i][j] - mean[j]) / sd[j];
        }
        var all = Enumerable.Range(0, n).ToArray();
        var beta = Newton(x, y, all);
        var replicates = new double[p + 1][];
        for (int j = 0; j <= p; j++) replicates[j] = new double[bootstrap];
        var rng = new Rng(seed ^ 0x10C1_57C5UL);
        var rows = new int[n];
        for (int b = 0; b < bootstrap; b++)
        {
            for (int i = 0; i < n; i++) rows[i] = rng.Next(n);
            var rb = Newton(x, y, rows);
            for (int j = 0; j <= p; j++) replicates[j][b] = rb[j];
        }
        var coefficients = new List<RegressionCoefficient> { new("intercept", Estimate.FromReplicates(beta[0], replicates[0]), 0, 0) };
        for (int j = 0; j < p; j++) coefficients.Add(new RegressionCoefficient(names[j], Estimate.FromReplicates(beta[j + 1], replicates[j + 1]), mean[j], sd[j]));
        return new LogisticFit(coefficients, n, bootstrap);
    }

    /// <summary>Maximum (penalized) likelihood on the given rows (with repeats, for the bootstrap).</summary>
    private static double[] Newton(double[][] x, IReadOnlyList<double> y, int[] rows)
    {
        int k = x[0].Length;
        var beta = new double[k];
        var gradient = new double[k];
        var hessian = new double[k, k];
        double lambda = Ridge * rows.Length;
        for (int iteration = 0; iteration < 50; iteration++)
        {
            Array.Clear(gradient);
            Array.Clear(hessian);
            foreach (int i in rows)
            {
                var xi = x[i];
                double eta = 0;
                for (int j = 0; j < k; j++) eta += beta[j] * xi[j];
                double pi = 1 / (1 + Math.Exp(-eta));
                double w = Math.Max(pi * (1 - pi), 1e-12);
                for (int j = 0; j < k; j++)
                {
                    gradient[j] += (y[i] - pi) * xi[j];
                    for (int l = 0; l <= j; l++) hessian[j, l] += w * xi[j] * xi[l];
                }
            }
            for (int j = 1; j < k; j++)
            {
                gradient[j] -= lambda * beta[j];
                hessian[j, j] += lambda;
            }
            for (int j = 0; j < k; j++) for (int l = j + 1; l < k; l++) hessian[j, l] = hessian[l, j];
            var step = Solve(hessian, gradient);
            double size = 0;
            for (int j = 0; j < k; j++)
            {
                beta[j] += step[j];
                size = Math.Max(size, Math.Abs(step[j]));
            }
            if (size < 1e-9) break;
        }
        return beta;
    }

    /// <summary>Solves A s = b for a symmetric positive-definite A (Gaussian elimination with partial pivoting; A and b are copied).</summary>
    private static double[] Solve(double[,] a0, double[] b0)
    {
        int k = b0.Length;
        var a = (double[,])a0.Clone();
        var b = (double[])b0.Clone();
        for (int c = 0; c < k; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < k; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            if (pivot != c)
            {
                for (int j = 0; j < k; j++) (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
                (b[c], b[pivot]) = (b[pivot], b[c]);
            }
            double d = a[c, c];
            if (Math.Abs(d) < 1e-300) continue;
            for (int r = c + 1; r < k; r++)
            {
                double f = a[r, c] / d;
                if (f == 0) continue;
                for (int j = c; j < k; j++) a[r, j] -= f * a[c, j];
                b[r] -= f * b[c];
            }
        }
        var s = new double[k];
        for (int r = k - 1; r >= 0; r--)
        {
            double acc = b[r];
            for (int j = r + 1; j < k; j++) acc -= a[r, j] * s[j];
            s[r] = Math.Abs(a[r, r]) < 1e-300 ? 0 : acc / a[r, r];
        }
        return s;
    }
}
