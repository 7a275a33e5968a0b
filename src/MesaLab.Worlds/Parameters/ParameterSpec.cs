namespace MesaLab.Worlds;

using System.Globalization;

/// <summary>The type of a world parameter.</summary>
public enum ParameterKind
{
    Int,
    Real,
    Choice,
    Bool,
}

/// <summary>
/// One settable parameter of a world: its name (as written in YAML and on the command line), type,
/// default, bounds or allowed values, and a line of documentation.
/// </summary>
public sealed record ParameterSpec(string Name, ParameterKind Kind, object Default, string Doc)
{
    public double Min { get; init; } = double.NegativeInfinity;
    public double Max { get; init; } = double.PositiveInfinity;
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>
    /// Left out of a split's <see cref="Split.Fingerprint"/> while at its default, so that a split which does not use
    /// the parameter has the same fingerprint as in a world without it (stored evaluations keep matching their splits).
    /// Such a default must never change: regenerating a stored level reads it back.
    /// </summary>
    public bool OmittedAtDefault { get; init; }

    public static ParameterSpec Int(string name, int @default, int min, int max, string doc) =>
        new(name, ParameterKind.Int, @default, doc) { Min = min, Max = max };

    public static ParameterSpec Real(string name, double @default, double min, double max, string doc) =>
        new(name, ParameterKind.Real, @default, doc) { Min = min, Max = max };

    public static ParameterSpec Probability(string name, double @default, string doc) => Real(name, @default, 0, 1, doc);

    public static ParameterSpec Choice(string name, string @default, string[] choices, string doc) =>
        new(name, ParameterKind.Choice, @default, doc) { Choices = choices };

    public static ParameterSpec Bool(string name, bool @default, string doc) => new(name, ParameterKind.Bool, @default, doc);

    /// <summary>Human description of the allowed values, used in error messages and `worlds list`.</summary>
    public string Allowed => Kind switch
    {
        ParameterKind.Int => $"an integer from {Min.ToString(CultureInfo.InvariantCulture)} to {Max.ToString(CultureInfo.InvariantCulture)}",
        ParameterKind.Real when Min == 0 && Max == 1 => "a probability between 0 and 1",
        ParameterKind.Real => $"a number from {Min.ToString(CultureInfo.InvariantCulture)} to {Max.ToString(CultureInfo.InvariantCulture)}",
        ParameterKind.Choice => "one of " + string.Join(", ", Choices),
        _ => "true or false",
    };

    /// <summary>Parses and validates a value; <paramref name="where"/> names the source for the error sentence.</summary>
    public object Parse(object raw, string where)
    {
        string text = Convert.ToString(raw, CultureInfo.InvariantCulture)?.Trim() ?? "";
        string Bad() => $"{where}: parameter '{Name}' is '{text}', but it must be {Allowed}.";
        switch (Kind)
        {
            case ParameterKind.Int:
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long i) || i < Min || i > Max) throw new UserError(Bad());
                return (int)i;
            case ParameterKind.Real:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d) || d < Min || d > Max) throw new UserError(Bad());
                return d;
            case ParameterKind.Choice:
                foreach (var c in Choices) if (string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) return c;
                throw new UserError(Bad());
            default:
                if (bool.TryParse(text, out bool b)) return b;
                if (text is "yes" or "on" or "1") return true;
                if (text is "no" or "off" or "0") return false;
                throw new UserError(Bad());
        }
    }
}
