namespace MesaLab.Reports;

/// <summary>A measured number with its interval (a bootstrap confidence interval or a credible interval).</summary>
/// <param name="Value">The point estimate.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
public readonly record struct Estimate(double Value, double Low, double High)
{
    /// <summary>A number with no interval (both ends equal to it).</summary>
    public static Estimate Exact(double value) => new(value, value, value);

    public override string ToString() => Format("0.00");

    /// <summary>"0.83 [0.78, 0.88]" — the form every table in a report uses.</summary>
    public string Format(string number = "0.00") =>
        double.IsNaN(Value) ? "n/a" :
        Low == Value && High == Value ? Value.ToString(number, System.Globalization.CultureInfo.InvariantCulture) :
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Value.ToString(number, System.Globalization.CultureInfo.InvariantCulture)} [{Low.ToString(number, System.Globalization.CultureInfo.InvariantCulture)}, {High.ToString(number, System.Globalization.CultureInfo.InvariantCulture)}]");
}
