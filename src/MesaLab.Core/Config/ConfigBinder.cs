namespace MesaLab.Core.Config;

using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;

/// <summary>
/// Maps a <see cref="ConfigNode"/> onto C# records and classes by reflection: snake_case keys to PascalCase
/// properties (or positional-record parameters); ints, longs, doubles, bools, strings, enums, nullables,
/// nested records, lists, arrays and string-keyed dictionaries. Properties not in the YAML keep their C#
/// defaults. Unknown keys and bad values are <see cref="UserError"/>s naming file, line, field path and what is allowed.
/// </summary>
public static class ConfigBinder
{
    /// <summary>Binds <paramref name="node"/> (a mapping) to a new <typeparamref name="T"/>; <paramref name="path"/> prefixes field names in errors (e.g. <c>ppo</c>).</summary>
    public static T Bind<T>(ConfigNode node, string path) => (T)Bind(typeof(T), node, path)!;

    public static object? Bind(Type type, ConfigNode node, string path)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (node.IsNull)
        {
            if (underlying is not null) return null;
            throw Bad(node, path, "null", Describe(type));
        }
        type = underlying ?? type;
        if (type == typeof(ConfigNode)) return node;
        if (type == typeof(string)) return Scalar(node, path, type);
        if (type == typeof(bool)) return ParseBool(Scalar(node, path, type), node, path);
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
            return ParseInteger(Scalar(node, path, type), type, node, path);
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return ParseReal(Scalar(node, path, type), type, node, path);
        if (type.IsEnum) return ParseEnum(Scalar(node, path, type), type, node, path);
        if (DictionaryValueType(type) is { } valueType) return BindDictionary(type, valueType, node, path);
        if (ListElementType(type) is { } elementType) return BindList(type, elementType, node, path);
        if (type.IsClass || type.IsValueType) return BindObject(type, node, path);
        throw new InvalidOperationException($"the configuration binder cannot bind type {type}.");
    }

    /// <summary>Converts an object back into a tree (the inverse of <see cref="Bind{T}"/>), to store the effective configuration.</summary>
    public static ConfigNode Unbind(object? value, ConfigLocation location)
    {
        switch (value)
        {
            case null: return ConfigNode.Scalar("null", location);
            case string s: return ConfigNode.Scalar(s, location, quoted: !LooksPlainString(s));
            case bool or int or long or short or byte or uint or ulong or double or float or decimal: return ConfigNode.Scalar(ConfigYaml.Format(value), location);
            case Enum e: return ConfigNode.Scalar(SnakeCase(e.ToString()), location);
            case ConfigNode n: return n;
        }
        var type = value.GetType();
        if (value is IDictionary dict && DictionaryValueType(type) is not null)
        {
            var entries = new List<ConfigEntry>();
            foreach (DictionaryEntry kv in dict) entries.Add(new ConfigEntry((string)kv.Key, location, Unbind(kv.Value, location)));
            return ConfigNode.Mapping(entries, location);
        }
        if (value is IEnumerable seq) return ConfigNode.Sequence(seq.Cast<object?>().Select(v => Unbind(v, location)), location);
        return ConfigNode.Mapping(Members(type).Select(m => new ConfigEntry(m.Key, location, Unbind(m.Property.GetValue(value), location))), location);
    }

    // A string that would not read back as a string if written plain ("true", "1.5", "null") is quoted.
    private static bool LooksPlainString(string s) =>
        s.Length > 0 && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !TryBool(s, out _) && s is not ("null" or "~" or "Null" or "NULL");

    /// <summary>PascalCase → snake_case (<c>LearningRate</c> → <c>learning_rate</c>, <c>GaeLambda</c> → <c>gae_lambda</c>, <c>MaxKL</c> → <c>max_kl</c>).</summary>
    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]) && i > 0 && char.IsUpper(name[i - 1]);
                if (i > 0 && (prevLowerOrDigit || nextLower) && sb[^1] != '_') sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The YAML fields of a settings type: key, property, and the type a value must have.</summary>
    public static IReadOnlyList<(string Key, PropertyInfo Property)> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && (p.CanWrite || CtorParameter(type, p.Name) is not null))
            .Where(p => !(p.Name == "EqualityContract") && p.GetCustomAttribute<ConfigIgnoreAttribute>() is null)
            .Select(p => (Key(p), p))
            .ToList();

    private static string Key(PropertyInfo p) => p.GetCustomAttribute<ConfigKeyAttribute>()?.Key ?? SnakeCase(p.Name);

    private static ConstructorInfo? PrimaryConstructor(Type type) =>
        type.GetConstructor(Type.EmptyTypes) is null
            ? type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            : null;

    private static ParameterInfo? CtorParameter(Type type, string propertyName) =>
        PrimaryConstructor(type)?.GetParameters().FirstOrDefault(p => string.Equals(p.Name, propertyName, StringComparison.OrdinalIgnoreCase));

    private static object BindObject(Type type, ConfigNode node, string path)
    {
        if (node.Kind != ConfigNodeKind.Mapping)
            throw Bad(node, path, node.ToString(), $"a mapping of fields ({string.Join(", ", Members(type).Select(m => m.Key))})");
        var members = Members(type);
        var nullability = new NullabilityInfoContext();
        foreach (var e in node.Entries)
            if (!members.Any(m => m.Key == e.Key))
                throw UnknownField(e, path, members.Select(m => m.Key).ToList());

        object? ValueFor((string Key, PropertyInfo Property) m, ConfigNode v)
        {
            string fieldPath = Join(path, m.Key);
            if (v.IsNull && !m.Property.PropertyType.IsValueType && nullability.Create(m.Property).WriteState == NullabilityState.Nullable) return null;
            object? value = Bind(m.Property.PropertyType, v, fieldPath);
            CheckRange(m.Property, value, v, fieldPath);
            return value;
        }

        object target;
        var ctor = PrimaryConstructor(type);
        var bound = new HashSet<string>();
        if (ctor is null)
        {
            target = Activator.CreateInstance(type)!;
        }
        else
        {
            var args = new List<object?>();
            foreach (var p in ctor.GetParameters())
            {
                var m = members.FirstOrDefault(x => string.Equals(x.Property.Name, p.Name, StringComparison.OrdinalIgnoreCase));
                string key = p.GetCustomAttribute<ConfigKeyAttribute>()?.Key ?? (m.Key ?? SnakeCase(p.Name!));
                var entry = node.Entry(key);
                if (entry is not null)
                {
                    args.Add(m.Property is not null ? ValueFor(m, entry.Value) : Bind(p.ParameterType, entry.Value, Join(path, key)));
                    bound.Add(key);
                }
                else if (p.HasDefaultValue) args.Add(p.DefaultValue);
                else throw new UserError($"{node.Location}: {Join(path, key)} is missing; it must be {Describe(p.ParameterType)}.");
            }
            target = ctor.Invoke(args.ToArray());
        }
        foreach (var m in members)
        {
            if (bound.Contains(m.Key) || node.Entry(m.Key) is not { } entry) continue;
            if (!m.Property.CanWrite) continue;
            m.Property.SetValue(target, ValueFor(m, entry.Value));
        }
        if (target is ICheckedSettings checkedSettings)
            foreach (var (field, problem) in checkedSettings.Check())
            {
                var where = node.Entry(field)?.Value.Location ?? node.Location;
                throw new UserError($"{where}: {Join(path, field)}: {problem.TrimEnd('.')}.");
            }
        return target;
    }

    private static void CheckRange(PropertyInfo property, object? value, ConfigNode node, string path)
    {
        if (value is null || Ranges.RangeOf(property) is not { } range) return;
        if (value is IEnumerable items and not string)
        {
            var type = ListElementType(property.PropertyType) ?? typeof(double);
            int i = 0;
            foreach (var item in items)
            {
                var at = i < node.Items.Count ? node.Items[i] : node;
                if (item is not null && !Ranges.Contains(range, item)) throw Bad(at, $"{path}[{i}]", at.Value ?? at.ToString(), Ranges.Describe(range, type));
                i++;
            }
            return;
        }
        if (!Ranges.Contains(range, value)) throw Bad(node, path, node.Value ?? node.ToString(), Ranges.Describe(range, property.PropertyType));
    }

    private static object BindList(Type type, Type elementType, ConfigNode node, string path)
    {
        if (node.Kind != ConfigNodeKind.Sequence) throw Bad(node, path, node.ToString(), $"a list of {Describe(elementType)} (e.g. [a, b])");
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
        for (int i = 0; i < node.Items.Count; i++) list.Add(Bind(elementType, node.Items[i], $"{path}[{i}]"));
        if (type.IsArray)
        {
            var array = Array.CreateInstance(elementType, list.Count);
            list.CopyTo(array, 0);
            return array;
        }
        return list;
    }

    private static object BindDictionary(Type type, Type valueType, ConfigNode node, string path)
    {
        if (node.Kind != ConfigNodeKind.Mapping) throw Bad(node, path, node.ToString(), $"a mapping from names to {Describe(valueType)}");
        var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
        foreach (var e in node.Entries) dict[e.Key] = Bind(valueType, e.Value, Join(path, e.Key));
        return dict;
    }

    private static Type? ListElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var def = type.GetGenericTypeDefinition();
        return def == typeof(List<>) || def == typeof(IList<>) || def == typeof(IReadOnlyList<>) || def == typeof(IEnumerable<>) ||
               def == typeof(ICollection<>) || def == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var def = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        return (def == typeof(Dictionary<,>) || def == typeof(IDictionary<,>) || def == typeof(IReadOnlyDictionary<,>)) && args[0] == typeof(string) ? args[1] : null;
    }

    private static string Scalar(ConfigNode node, string path, Type type)
    {
        if (node.Kind != ConfigNodeKind.Scalar) throw Bad(node, path, node.Kind == ConfigNodeKind.Mapping ? "a mapping" : "a list", Describe(type));
        return node.Value!;
    }

    private static bool TryBool(string s, out bool b)
    {
        switch (s.ToLowerInvariant())
        {
            case "true" or "yes" or "on": b = true; return true;
            case "false" or "no" or "off": b = false; return true;
            default: b = false; return false;
        }
    }

    private static object ParseBool(string s, ConfigNode node, string path) =>
        TryBool(s, out bool b) ? b : throw Bad(node, path, s, "true or false");

    private static object ParseInteger(string s, Type type, ConfigNode node, string path)
    {
        string t = s.Replace("_", "");
        (decimal min, decimal max) = type == typeof(int) ? ((decimal)int.MinValue, (decimal)int.MaxValue) : type == typeof(long) ? ((decimal)long.MinValue, (decimal)long.MaxValue)
            : type == typeof(short) ? ((decimal)short.MinValue, (decimal)short.MaxValue) : type == typeof(byte) ? ((decimal)byte.MinValue, (decimal)byte.MaxValue)
            : type == typeof(uint) ? ((decimal)uint.MinValue, (decimal)uint.MaxValue) : ((decimal)ulong.MinValue, (decimal)ulong.MaxValue);
        // Integers may be written in scientific notation (total_steps: 2e6) as long as the value is whole.
        if (decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) && d == decimal.Truncate(d) && d >= min && d <= max)
            return System.Convert.ChangeType(d, type, CultureInfo.InvariantCulture);
        throw Bad(node, path, s, Describe(type));
    }

    private static object ParseReal(string s, Type type, ConfigNode node, string path)
    {
        // YAML's .inf and .nan, and anything that overflows a double (1e999), are refused: no setting means infinity.
        string t = s.Replace("_", "");
        bool parsed = double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d);
        if (!parsed && t.TrimStart('+', '-').ToLowerInvariant() is not (".inf" or ".nan")) throw Bad(node, path, s, Describe(type));
        if (!parsed || !double.IsFinite(d)) throw Bad(node, path, s, "a finite number (not .inf, .nan or beyond ±1.8e308)");
        if (type == typeof(float) && !float.IsFinite((float)d)) throw Bad(node, path, s, Describe(type) + " within ±3.4e38");
        return type == typeof(double) ? d : System.Convert.ChangeType(d, type, CultureInfo.InvariantCulture);
    }

    private static string Normalize(string s) => s.Replace("_", "").Replace("-", "").ToLowerInvariant();

    private static object ParseEnum(string s, Type type, ConfigNode node, string path)
    {
        foreach (var name in Enum.GetNames(type))
            if (Normalize(name) == Normalize(s)) return Enum.Parse(type, name);
        throw Bad(node, path, s, Describe(type));
    }

    /// <summary>What a value of <paramref name="type"/> must be, in words (used in error sentences).</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int)) return "a whole number (32-bit)";
        if (type == typeof(long)) return "a whole number";
        if (type == typeof(uint) || type == typeof(ulong) || type == typeof(byte)) return "a whole number, 0 or more";
        if (type == typeof(short)) return "a whole number from -32768 to 32767";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(SnakeCase));
        if (DictionaryValueType(type) is { } v) return $"a mapping from names to {Describe(v)}";
        if (ListElementType(type) is { } e) return "a list of " + Plural(Describe(e));
        return $"a mapping of fields ({string.Join(", ", Members(type).Select(m => m.Key))})";
    }

    // "a whole number (32-bit)" → "whole numbers (32-bit)", "a string" → "strings", as the element of a list.
    private static string Plural(string one)
    {
        var noun = one.StartsWith("a ", StringComparison.Ordinal) ? one[2..] : one.StartsWith("an ", StringComparison.Ordinal) ? one[3..] : one;
        int paren = noun.IndexOf(" (", StringComparison.Ordinal), comma = noun.IndexOf(',', StringComparison.Ordinal);
        int end = new[] { paren, comma, noun.Length }.Where(i => i >= 0).Min();
        return noun.StartsWith("mapping", StringComparison.Ordinal) || noun.StartsWith("list", StringComparison.Ordinal) || noun.StartsWith("one of", StringComparison.Ordinal) || noun.StartsWith("true", StringComparison.Ordinal)
            ? one : noun[..end] + "s" + noun[end..];
    }

    private static UserError Bad(ConfigNode node, string path, string value, string expected) =>
        new($"{node.Location}: {path} is '{value}', but it must be {expected}.");

    public static UserError UnknownField(ConfigEntry e, string path, IReadOnlyList<string> allowed)
    {
        string? guess = allowed.OrderBy(a => Distance(a, e.Key)).FirstOrDefault(a => Distance(a, e.Key) <= Math.Max(2, e.Key.Length / 4));
        string where = path.Length == 0 ? "at the top level" : $"in {path}";
        return new UserError($"{e.KeyLocation}: unknown field '{Join(path, e.Key)}'{(guess is null ? "" : $" (did you mean '{guess}'?)")}; the fields {where} are {string.Join(", ", allowed)}.");
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
