namespace MesaLab.Learning;

/// <summary>
/// A Bradley–Terry reward model linear in transition features: P(segment 1 ≻ segment 2) = σ(w·(Φ₁ − Φ₂)), Φ the sum
/// of a segment's features. Fitted by Newton's method on the penalized log-likelihood Σ log P(answer) − (l2/2)·‖w‖²
/// (concave, so the fit is unique for l2 &gt; 0).
/// </summary>
public static class PreferenceModel
{
    /// <param name="differences">Φ₁ − Φ₂ per query, each of length k.</param>
    /// <param name="firstPreferred">The overseer's answer per query.</param>
    public static double[] Fit(IReadOnlyList<double[]> differences, IReadOnlyList<bool> firstPreferred, int k, double l2, int iterations = 50)
    {
        var w = new double[k];
        for (int it = 0; it < iterations; it++)
        {
            var grad = new double[k];
            var hess = new double[k, k];
            for (int j = 0; j < k; j++) { grad[j] = -l2 * w[j]; hess[j, j] = -l2; }
            for (int q = 0; q < differences.Count; q++)
            {
                var x = differences[q];
                double z = 0;
                for (int j = 0; j < k; j++) z += w[j] * x[j];
                double p = 1 / (1 + Math.Exp(-z));
                double y = firstPreferred[q] ? 1 : 0;
                for (int j = 0; j < k; j++)
                {
                    grad[j] += (y - p) * x[j];
                    for (int m = 0; m < k; m++) hess[j, m] -= p * (1 - p) * x[j] * x[m];
                }
            }
            // Newton step: w ← w − H⁻¹ g (H negative definite); a tiny ridge keeps H invertible when l2 is 0.
            for (int j = 0; j < k; j++) hess[j, j] -= 1e-9;
            var step = Solve(hess, grad, k);
            double size = 0;
            for (int j = 0; j < k; j++) { w[j] -= step[j]; size = Math.Max(size, Math.Abs(step[j])); }
            if (size < 1e-10) break;
        }
        return w;
    }

    /// <summary>Solves A x = b by Gaussian elimination with partial pivoting (A is k×k, k small).</summary>
    private static double[] Solve(double[,] a, double[] b, int k)
    {
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int c = 0; c < k; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < k; r++) if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c])) pivot = r;
            if (pivot != c)
            {
                for (int j = 0; j < k; j++) (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
                (x[c], x[pivot]) = (x[pivot], x[c]);
            }
            if (Math.Abs(m[c, c]) < 1e-300) continue;
            for (int r = c + 1; r < k; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int j = c; j < k; j++) m[r, j] -= f * m[c, j];
                x[r] -= f * x[c];
            }
        }
        var result = new double[k];
        for (int r = k - 1; r >= 0; r--)
        {
            double s = x[r];
            for (int j = r + 1; j < k; j++) s -= m[r, j] * result[j];
            result[r] = Math.Abs(m[r, r]) < 1e-300 ? 0 : s / m[r, r];
        }
        return result;
    }
}
