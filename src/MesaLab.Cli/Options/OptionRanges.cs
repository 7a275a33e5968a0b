namespace MesaLab.Cli.Options;

using System.CommandLine;
using System.CommandLine.Parsing;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Numerics;

/// <summary>
/// Bounds of the numeric options that are not configuration fields (those are bounded by their settings record's
/// <see cref="RangeAttribute"/>): checked while the command line is parsed, so a bad value — out of range, NaN or
/// infinite — is one sentence and exit code 2 before any work starts.
/// </summary>
public static class OptionRanges
{
    /// <summary>Requires the option's value to lie in [<paramref name="min"/>, <paramref name="max"/>] and be finite.</summary>
    public static Option<T> Within<T>(this Option<T> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(r => Check(option.Name, r, min, max, r.GetValueOrDefault<T>()));
        return option;
    }

    /// <summary>The same for an option that may be left out.</summary>
    public static Option<T?> Within<T>(this Option<T?> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T?>() is { } value) Check(option.Name, r, min, max, value);
        });
        return option;
    }

    private static void Check<T>(string name, OptionResult result, T min, T max, T value) where T : struct, INumber<T>
    {
        if (T.IsFinite(value) && value >= min && value <= max) return;
        var range = new RangeAttribute(double.CreateChecked(min), double.CreateChecked(max));
        string given = result.Tokens.Count > 0 ? result.Tokens[^1].Value : value.ToString(null, CultureInfo.InvariantCulture);
        result.AddError($"{name} is {given}, but it must be {Ranges.Describe(range, typeof(T))}");
    }
}
