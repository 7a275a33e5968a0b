namespace MesaLab.Analysis;

using System.Globalization;

/// <summary>A measured number with its interval (confidence, credible or bootstrap, as the producer documents).</summary>
public readonly record struct Interval(double Value, double Low, double High)
{
    public static Interval Exact(double v) => new(v, v, v);
    public static readonly Interval NotAvailable = new(double.NaN, double.NaN, double.NaN);

    public bool IsAvailable => !double.IsNaN(Value);

    /// <summary>"0.83 [0.78, 0.88]".</summary>
    public string Format(string number = "0.00") =>
        double.IsNaN(Value) ? "n/a" :
        (Low == Value && High == Value) || double.IsNaN(Low) ? Value.ToString(number, CultureInfo.InvariantCulture) :
        $"{Value.ToString(number, CultureInfo.InvariantCulture)} [{Low.ToString(number, CultureInfo.InvariantCulture)}, {High.ToString(number, CultureInfo.InvariantCulture)}]";

    public override string ToString() => Format();
}
