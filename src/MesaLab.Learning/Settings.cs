namespace MesaLab.Learning;

using System.Globalization;
using System.Reflection;
using System.Text;
using MesaLab.Worlds;

/// <summary>
/// Binds YAML/command-line text to the settings records (<see cref="PpoSettings"/>, <see cref="NetworkSettings"/>):
/// snake_case field names, typed parsing, and one clear sentence for unknown or invalid fields.
/// </summary>
public static class Settings
{
    /// <summary>The snake_case name a property has in YAML (<c>LearningRate</c> → <c>learning_rate</c>).</summary>
    public static string FieldName(string property)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < property.Length; i++)
        {
            char c = property[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Every settable field of a settings record, by YAML name.</summary>
    public static IReadOnlyList<(string Name, PropertyInfo Property)> Fields<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => (FieldName(p.Name), p)).ToList();

    /// <summary>
    /// A copy of <paramref name="value"/> with the given fields set. Each field carries its own location
    /// (file and line) for the error sentence. Unknown names and unparsable values throw <see cref="UserError"/>.
    /// </summary>
    public static T Bind<T>(T value, IEnumerable<(string Key, string Text, string Where)> fields, string section) where T : class
    {
        var all = Fields<T>();
        // Records expose a protected copy constructor; MemberwiseClone gives the same shallow copy.
        var copy = (T)typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(value, null)!;
        foreach (var (key, text, where) in fields)
        {
            var field = all.FirstOrDefault(f => f.Name == key.Trim().ToLowerInvariant());
            if (field.Property is null)
                throw new UserError($"{where}: '{section}' has no field '{key}'; its fields are {string.Join(", ", all.Select(f => f.Name))}.");
            field.Property.SetValue(copy, Parse(field.Property.PropertyType, text, $"{section}.{field.Name}", where));
        }
        return copy;
    }

    private static object? Parse(Type type, string text, string name, string where)
    {
        text = text.Trim();
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (text is "" or "null" or "~" or "none") return null;
            type = underlying;
        }
        if (type == typeof(string)) return text;
        if (type == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) return i;
        if (type == typeof(long) && long.TryParse(text.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)) return l;
        if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return d;
        if (type == typeof(bool))
        {
            if (text is "true" or "yes" or "on") return true;
            if (text is "false" or "no" or "off") return false;
        }
        string kind = type == typeof(int) || type == typeof(long) ? "an integer" : type == typeof(double) ? "a number" : type == typeof(bool) ? "true or false" : type.Name;
        throw new UserError($"{where}: {name} is '{text}', but it must be {kind}.");
    }

    internal static void Positive(double value, string name, string where)
    {
        if (!(value > 0)) throw new UserError($"{where}: {name} is {value.ToString(CultureInfo.InvariantCulture)}, but it must be above 0.");
    }

    internal static void Range(double value, double lo, double hi, string name, string where)
    {
        if (!(value >= lo && value <= hi))
            throw new UserError($"{where}: {name} is {value.ToString(CultureInfo.InvariantCulture)}, but it must be from {lo.ToString(CultureInfo.InvariantCulture)} to {hi.ToString(CultureInfo.InvariantCulture)}.");
    }
}
