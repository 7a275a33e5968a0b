namespace MesaLab.Core;

using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using MesaLab.Core.Config;

/// <summary>
/// The numeric bounds of settings, declared with <see cref="RangeAttribute"/> on a settings record's properties (or a
/// positional record's parameters): the configuration binder enforces them field by field, and <see cref="Problems"/>
/// checks a record built in code or from command-line options. A list property's range applies to every element; a
/// nested settings record is checked with its own ranges.
/// </summary>
public static class Ranges
{
    /// <summary>Throws a <see cref="UserError"/> for the first property outside its range; <paramref name="label"/> names it as the user wrote it (e.g. an option).</summary>
    public static void Check(object settings, Func<string, string> label)
    {
        foreach (var (property, value, range) in Bounded(settings))
            if (!Contains(range, value))
                throw new UserError($"{label(property.Name)} is {Format(value)}, but it must be {Describe(range, property.PropertyType)}.");
    }

    /// <summary>
    /// Every value of <paramref name="settings"/> outside its declared range, as (YAML field path, what is wrong and what
    /// is allowed), in the shape of <c>ICheckedSettings.Check</c>.
    /// </summary>
    public static IEnumerable<(string Field, string Problem)> Problems(object settings, string prefix = "")
    {
        foreach (var p in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            string field = prefix + (p.GetCustomAttribute<ConfigKeyAttribute>()?.Key ?? ConfigBinder.SnakeCase(p.Name));
            object? value = p.GetValue(settings);
            if (value is null) continue;
            if (RangeOf(p) is { } range)
            {
                if (value is IEnumerable items and not string)
                {
                    int i = 0;
                    foreach (var item in items)
                    {
                        if (item is not null && !Contains(range, item))
                            yield return ($"{field}[{i}]", $"is {Format(item)}, but each value must be {Describe(range, ElementType(p.PropertyType))}");
                        i++;
                    }
                }
                else if (!Contains(range, value))
                    yield return (field, $"is {Format(value)}, but it must be {Describe(range, p.PropertyType)}");
            }
            else if (IsSettingsRecord(p.PropertyType))
            {
                foreach (var problem in Problems(value, field + ".")) yield return problem;
            }
        }
    }

    /// <summary>
    /// Every problem of a settings record: its fields outside their ranges (<see cref="Problems"/>), then — once those are
    /// all in range — its own cross-field rules (<see cref="ICheckedSettings.Check"/>), which may assume sane fields.
    /// </summary>
    public static IEnumerable<(string Field, string Problem)> AllProblems(object settings)
    {
        var own = Problems(settings).ToList();
        if (own.Count > 0) return own;
        return settings is ICheckedSettings checkedSettings ? checkedSettings.Check() : [];
    }

    /// <summary>The range declared on a property, or on the positional-record parameter it comes from.</summary>
    public static RangeAttribute? RangeOf(PropertyInfo property)
    {
        if (property.GetCustomAttribute<RangeAttribute>() is { } onProperty) return onProperty;
        var type = property.DeclaringType!;
        foreach (var ctor in type.GetConstructors())
            foreach (var parameter in ctor.GetParameters())
                if (string.Equals(parameter.Name, property.Name, StringComparison.OrdinalIgnoreCase) && parameter.GetCustomAttribute<RangeAttribute>() is { } onParameter)
                    return onParameter;
        return null;
    }

    /// <summary>Whether <paramref name="value"/> (any number type) lies in <paramref name="range"/>; NaN and infinities never do.</summary>
    public static bool Contains(RangeAttribute range, object value)
    {
        double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (!double.IsFinite(v)) return false;
        double min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture), max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        // A long bound converted to double rounds up (long.MaxValue → 2^63): compare integers exactly.
        if (value is long l && range.Maximum is long lmax && range.Minimum is long lmin)
            return (range.MinimumIsExclusive ? l > lmin : l >= lmin) && (range.MaximumIsExclusive ? l < lmax : l <= lmax);
        return (range.MinimumIsExclusive ? v > min : v >= min) && (range.MaximumIsExclusive ? v < max : v <= max);
    }

    /// <summary>"a whole number from 1 to 4096", "a number greater than 0 and at most 1", "a whole number, 0 or more".</summary>
    public static string Describe(RangeAttribute range, Type? type = null)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        bool whole = type is not null && (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong));
        string noun = whole ? "a whole number" : "a number";
        double max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        bool unbounded = double.IsPositiveInfinity(max) || max >= 9e18 || (type == typeof(int) && max >= int.MaxValue);
        string lo = Format(range.Minimum), hi = Format(range.Maximum);
        if (unbounded)
            return range.MinimumIsExclusive ? $"{noun} greater than {lo}" : $"{noun}, {lo} or more";
        if (!range.MinimumIsExclusive && !range.MaximumIsExclusive) return $"{noun} from {lo} to {hi}";
        string low = range.MinimumIsExclusive ? $"greater than {lo}" : $"at least {lo}";
        string high = range.MaximumIsExclusive ? $"less than {hi}" : $"at most {hi}";
        return $"{noun} {low} and {high}";
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static Type ElementType(Type type) =>
        type.IsArray ? type.GetElementType()! : type.IsGenericType ? type.GetGenericArguments()[0] : typeof(double);

    // A nested settings record (quantilizer.maximizer, …): a class of this code base with init properties, not a string or collection.
    private static bool IsSettingsRecord(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && type.Namespace?.StartsWith("MesaLab", StringComparison.Ordinal) == true;

    private static IEnumerable<(PropertyInfo Property, object Value, RangeAttribute Range)> Bounded(object settings)
    {
        foreach (var p in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.GetIndexParameters().Length == 0 && RangeOf(p) is { } range && p.GetValue(settings) is { } value && value is not IEnumerable)
                yield return (p, value, range);
    }
}
