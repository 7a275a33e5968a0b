namespace MesaLab.Cli.Options;

using System.CommandLine;
using System.CommandLine.Parsing;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Numerics;

/// <summary>
/// Checks of option values that are not configuration fields (those are bounded by their settings record's
/// <see cref="RangeAttribute"/>): numbers out of range, NaN or infinite, and empty paths. They run while the command
/// line is parsed, so a bad value is one sentence and exit code 2 before any work starts.
/// </summary>
public static class OptionChecks
{
    /// <summary>Refuses an empty or blank path (a file or directory the command reads or writes).</summary>
    public static Option<T> NotBlank<T>(this Option<T> option) where T : class?
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[^1].Value))
                r.AddError($"{option.Name} is empty; give a path");
        });
        return option;
    }

    /// <summary>Refuses an empty or blank path given as an argument.</summary>
    public static Argument<T> NotBlank<T>(this Argument<T> argument) where T : class?
    {
        argument.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[^1].Value))
                r.AddError($"{argument.Name} is empty; give a path");
        });
        return argument;
    }

    /// <summary>Requires the option's value to be one of <paramref name="choices"/> (one sentence naming them when it is not).</summary>
    public static Option<string> OneOf(this Option<string> option, params string[] choices)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !choices.Contains(r.Tokens[^1].Value, StringComparer.Ordinal))
                r.AddError($"{option.Name} is '{r.Tokens[^1].Value}', but it must be one of {string.Join(", ", choices)}");
        });
        return option;
    }

    /// <summary>Requires the option's value to lie in [<paramref name="min"/>, <paramref name="max"/>] and be finite.</summary>
    public static Option<T> Within<T>(this Option<T> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (TryValue(r, out T value)) Check(option.Name, r, min, max, value);
        });
        return option;
    }

    /// <summary>The same for an option that may be left out.</summary>
    public static Option<T?> Within<T>(this Option<T?> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (TryValue(r, out T? given) && given is { } value) Check(option.Name, r, min, max, value);
        });
        return option;
    }

    // False when the text is not a number at all: the parser reports that itself.
    private static bool TryValue<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static void Check<T>(string name, OptionResult result, T min, T max, T value) where T : struct, INumber<T>
    {
        if (T.IsFinite(value) && value >= min && value <= max) return;
        var range = new RangeAttribute(double.CreateChecked(min), double.CreateChecked(max));
        string given = result.Tokens.Count > 0 ? result.Tokens[^1].Value : value.ToString(null, CultureInfo.InvariantCulture);
        result.AddError($"{name} is {given}, but it must be {Ranges.Describe(range, typeof(T))}");
    }
}
