namespace MesaLab.Core;

using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

/// <summary>Checks a settings record's <see cref="RangeAttribute"/>s, for settings that come from command-line options rather than a file.</summary>
public static class Ranges
{
    /// <summary>Throws a <see cref="UserError"/> for the first property outside its range; <paramref name="label"/> names it as the user wrote it (e.g. an option).</summary>
    public static void Check(object settings, Func<string, string> label)
    {
        foreach (var p in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<RangeAttribute>() is not { } range || p.GetValue(settings) is not { } value) continue;
            double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            double min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture), max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
            bool ok = !double.IsNaN(v) && (range.MinimumIsExclusive ? v > min : v >= min) && (range.MaximumIsExclusive ? v < max : v <= max);
            if (!ok)
                throw new UserError($"{label(p.Name)} is {Convert.ToString(value, CultureInfo.InvariantCulture)}, but it must be {Describe(range)}.");
        }
    }

    /// <summary>"at least 1", "at least 1 and at most 100", "greater than 0 and less than 1".</summary>
    public static string Describe(RangeAttribute range)
    {
        double max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        string lo = range.MinimumIsExclusive ? $"greater than {ConfigYaml.Format(range.Minimum)}" : $"at least {ConfigYaml.Format(range.Minimum)}";
        if (double.IsPositiveInfinity(max) || max >= int.MaxValue) return lo;
        return lo + (range.MaximumIsExclusive ? $" and less than {ConfigYaml.Format(range.Maximum)}" : $" and at most {ConfigYaml.Format(range.Maximum)}");
    }
}
