namespace MesaLab.Analysis;

/// <summary>
/// A log-likelihood as a function of u = ln β, known exactly at knots and interpolated between them by a natural
/// cubic spline. Summed over many steps, the likelihood itself is sharply peaked in u, but its logarithm stays a
/// smooth function of u (a sum of smooth per-step terms), so a spline through a few knots follows it closely, and
/// integrals of exp(curve) can be taken on a quadrature as fine as the peak needs.
/// </summary>
public sealed class BetaCurve
{
    private readonly double[] u, y, m;

    /// <param name="u">Knots: ln β, strictly increasing (at least two).</param>
    /// <param name="y">The log-likelihood at each knot.</param>
    public BetaCurve(double[] u, double[] y)
    {
        if (u.Length < 2 || u.Length != y.Length) throw new ArgumentException("a curve needs at least two knots, with one value each.");
        for (int i = 1; i < u.Length; i++) if (!(u[i] > u[i - 1])) throw new ArgumentException("knots must be strictly increasing.", nameof(u));
        this.u = u;
        this.y = y;
        m = SecondDerivatives(u, y);
    }

    /// <summary>A curve over knots ln β of <paramref name="betas"/>.</summary>
    public static BetaCurve OverBetas(double[] betas, double[] logLikelihood) => new([.. betas.Select(x => Math.Log(x))], logLikelihood);

    public double Low => u[0];
    public double High => u[^1];
    public IReadOnlyList<double> Knots => u;
    public IReadOnlyList<double> Values => y;

    /// <summary>The interpolated log-likelihood at ln β = <paramref name="at"/> (clamped to the knots' range).</summary>
    public double At(double at)
    {
        at = Math.Clamp(at, u[0], u[^1]);
        int i = Array.BinarySearch(u, at);
        if (i >= 0) return y[i];
        i = Math.Min(~i - 1, u.Length - 2);
        double h = u[i + 1] - u[i], a = (u[i + 1] - at) / h, b = (at - u[i]) / h;
        return a * y[i] + b * y[i + 1] + ((a * a * a - a) * m[i] + (b * b * b - b) * m[i + 1]) * h * h / 6;
    }

    /// <summary>Second derivative of the interpolant at <paramref name="at"/>.</summary>
    public double Curvature(double at)
    {
        at = Math.Clamp(at, u[0], u[^1]);
        int i = Array.BinarySearch(u, at);
        i = i >= 0 ? Math.Min(i, u.Length - 2) : Math.Min(~i - 1, u.Length - 2);
        double h = u[i + 1] - u[i], b = (at - u[i]) / h;
        return (1 - b) * m[i] + b * m[i + 1];
    }

    /// <summary>The maximum of the interpolant: (ln β, value). A scan of each interval, refined by golden-section search.</summary>
    public (double U, double Value) Maximum()
    {
        double bestU = u[0], best = y[0];
        for (int i = 0; i < u.Length - 1; i++)
        {
            const int scan = 16;
            for (int j = 0; j <= scan; j++)
            {
                double x = u[i] + (u[i + 1] - u[i]) * j / scan, v = At(x);
                if (v > best) { best = v; bestU = x; }
            }
        }
        // Golden-section search in the bracket around the best scanned point.
        double step = (u[^1] - u[0]) / (16.0 * (u.Length - 1));
        double lo = Math.Max(u[0], bestU - step), hi = Math.Min(u[^1], bestU + step);
        const double g = 0.6180339887498949;
        double c = hi - g * (hi - lo), d = lo + g * (hi - lo), fc = At(c), fd = At(d);
        for (int k = 0; k < 60 && hi - lo > 1e-10; k++)
        {
            if (fc > fd) { hi = d; d = c; fd = fc; c = hi - g * (hi - lo); fc = At(c); }
            else { lo = c; c = d; fc = fd; d = lo + g * (hi - lo); fd = At(d); }
        }
        double mid = (lo + hi) / 2, fm = At(mid);
        return fm > best ? (mid, fm) : (bestU, best);
    }

    /// <summary>
    /// The width in ln β over which exp(curve) falls by a factor e from its maximum near <paramref name="peak"/>:
    /// 1/√(−curvature) at an interior maximum, 1/|slope| at a maximum on the edge of the range.
    /// </summary>
    public double PeakWidth(double peak)
    {
        double curv = Curvature(peak);
        double width = curv < 0 ? 1 / Math.Sqrt(-curv) : double.PositiveInfinity;
        bool edge = peak <= u[0] + 1e-9 || peak >= u[^1] - 1e-9;
        if (edge)
        {
            double eps = 1e-4 * (u[^1] - u[0]);
            double slope = peak <= u[0] + 1e-9 ? (At(u[0] + eps) - At(u[0])) / eps : (At(u[^1]) - At(u[^1] - eps)) / eps;
            if (slope != 0) width = Math.Min(width, 1 / Math.Abs(slope));
        }
        return width;
    }

    /// <summary>
    /// ln ∫ exp(curve(v)) dv over the knots' range, by Simpson's rule on a grid fine enough for the peak: the step is
    /// at most a quarter of the peak width and a 64th of a knot interval.
    /// </summary>
    public double LogIntegral()
    {
        var (peak, _) = Maximum();
        double minGap = double.PositiveInfinity;
        for (int i = 1; i < u.Length; i++) minGap = Math.Min(minGap, u[i] - u[i - 1]);
        double h = Math.Min(minGap / 64, PeakWidth(peak) / 4);
        int n = (int)Math.Ceiling((u[^1] - u[0]) / h);
        n = Math.Clamp(n + (n & 1), 2, 2_000_000);
        h = (u[^1] - u[0]) / n;
        // Simpson weights 1, 4, 2, 4, …, 4, 1 (× h/3), summed in the log domain.
        double max = double.NegativeInfinity;
        var terms = new double[n + 1];
        for (int j = 0; j <= n; j++)
        {
            double w = j == 0 || j == n ? 1 : (j & 1) == 1 ? 4 : 2;
            terms[j] = At(u[0] + j * h) + Math.Log(w);
            if (terms[j] > max) max = terms[j];
        }
        double s = 0;
        foreach (double t in terms) s += Math.Exp(t - max);
        return max + Math.Log(s) + Math.Log(h / 3);
    }

    /// <summary>
    /// The maximum-likelihood β with its profile-likelihood 95 % interval: where the curve is within
    /// χ²₁(0.95)/2 = 1.92 of its maximum (an end of the range when the curve stays above that there).
    /// </summary>
    public Estimate BetaEstimate()
    {
        const double drop = 1.920729410347062;
        var (peak, top) = Maximum();
        double target = top - drop;
        double low = Crossing(peak, u[0], target), high = Crossing(peak, u[^1], target);
        return new Estimate(Math.Exp(peak), Math.Exp(Math.Min(low, peak)), Math.Exp(Math.Max(high, peak)));
    }

    /// <summary>The point between <paramref name="from"/> (above target) and <paramref name="to"/> where the curve first falls to target, or <paramref name="to"/>.</summary>
    private double Crossing(double from, double to, double target)
    {
        const int scan = 512;
        double prev = from;
        for (int j = 1; j <= scan; j++)
        {
            double x = from + (to - from) * j / scan;
            if (At(x) < target)
            {
                double a = prev, b = x;
                for (int k = 0; k < 50; k++)
                {
                    double mid = (a + b) / 2;
                    if (At(mid) >= target) a = mid; else b = mid;
                }
                return (a + b) / 2;
            }
            prev = x;
        }
        return to;
    }

    /// <summary>Coefficients e with spline(<paramref name="at"/>) = Σₖ eₖ·yₖ for any values y at these knots (the spline is linear in y).</summary>
    public static double[] EvaluationWeights(double[] knots, double at)
    {
        int k = knots.Length;
        var e = new double[k];
        var unit = new double[k];
        for (int j = 0; j < k; j++)
        {
            Array.Clear(unit);
            unit[j] = 1;
            e[j] = new BetaCurve(knots, (double[])unit.Clone()).At(at);
        }
        return e;
    }

    /// <summary>Second derivatives of the natural cubic spline through (x, y) (zero at both ends), by the tridiagonal solve.</summary>
    private static double[] SecondDerivatives(double[] x, double[] y)
    {
        int n = x.Length;
        var m = new double[n];
        if (n < 3) return m;
        var diag = new double[n];
        var upper = new double[n];
        var rhs = new double[n];
        diag[0] = diag[n - 1] = 1;
        for (int i = 1; i < n - 1; i++)
        {
            double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
            double lower = h0 / 6;
            diag[i] = (h0 + h1) / 3;
            upper[i] = h1 / 6;
            rhs[i] = (y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0;
            // Forward elimination against row i − 1 (row 0 is the identity row of the natural end).
            double w = lower / diag[i - 1];
            diag[i] -= w * upper[i - 1];
            rhs[i] -= w * rhs[i - 1];
        }
        m[n - 1] = 0;
        for (int i = n - 2; i >= 1; i--) m[i] = (rhs[i] - upper[i] * m[i + 1]) / diag[i];
        m[0] = 0;
        return m;
    }
}
