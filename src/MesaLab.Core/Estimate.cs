namespace MesaLab.Core;

using System.Globalization;

/// <summary>
/// A measured number with its 95 % interval (confidence, credible or bootstrap, as the producer documents) and,
/// where the producer has one, its standard error. The one number-with-interval type of MesaLab.
/// </summary>
public readonly record struct Estimate(double Value, double Low, double High)
{
    /// <summary>Standard error of <see cref="Value"/> (NaN when the producer does not give one).</summary>
    public double StandardError { get; init; } = double.NaN;

    /// <summary>A number known exactly (both ends equal to it, no sampling error).</summary>
    public static Estimate Exact(double value) => new(value, value, value) { StandardError = 0 };

    public static readonly Estimate NotAvailable = new(double.NaN, double.NaN, double.NaN);

    public bool IsAvailable => !double.IsNaN(Value);

    /// <summary>Normal-theory (CLT) estimate of the mean of <paramref name="values"/>.</summary>
    public static Estimate OfMean(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n == 0) throw new ArgumentException("no values.", nameof(values));
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= n;
        double ss = 0;
        foreach (var v in values) ss += (v - mean) * (v - mean);
        double se = n > 1 ? Math.Sqrt(ss / (n - 1) / n) : 0;
        return new(mean, mean - Statistics.Z95 * se, mean + Statistics.Z95 * se) { StandardError = se };
    }

    /// <summary>Point estimate with the 2.5 / 97.5 percentiles of bootstrap replicates and their standard deviation (NaNs dropped).</summary>
    public static Estimate FromReplicates(double value, IEnumerable<double> replicates)
    {
        var r = replicates.Where(x => !double.IsNaN(x)).ToArray();
        if (double.IsNaN(value)) return NotAvailable;
        if (r.Length == 0) return new(value, double.NaN, double.NaN);
        double mean = r.Average();
        double sd = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, r.Length - 1));
        return new(value, Statistics.Percentile(r, 0.025), Statistics.Percentile(r, 0.975)) { StandardError = sd };
    }

    /// <summary>"0.83 [0.78, 0.88]" — the form every table uses.</summary>
    public string Format(string number = "0.00") =>
        double.IsNaN(Value) ? "n/a" :
        (Low == Value && High == Value) || double.IsNaN(Low) ? Value.ToString(number, CultureInfo.InvariantCulture) :
        $"{Value.ToString(number, CultureInfo.InvariantCulture)} [{Low.ToString(number, CultureInfo.InvariantCulture)}, {High.ToString(number, CultureInfo.InvariantCulture)}]";

    public override string ToString() => Format();
}
