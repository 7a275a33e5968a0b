namespace MesaLab.Worlds;

using System.Globalization;

/// <summary>
/// A named distribution of levels of one world: the world's parameters with this split's values.
/// <c>train</c> and <c>deploy</c> are built in; a YAML file can define more from the same parameters.
/// </summary>
public sealed class Split
{
    private readonly Dictionary<string, object> values;

    internal Split(World world, string name, string description, Dictionary<string, object> values)
    {
        World = world;
        Name = name;
        Description = description;
        this.values = values;
    }

    public World World { get; }
    public string Name { get; }
    public string Description { get; }

    /// <summary>Every parameter with its value in this split (defaults included), in declaration order.</summary>
    public IEnumerable<KeyValuePair<string, object>> Values => World.Parameters.Select(p => new KeyValuePair<string, object>(p.Name, values[p.Name]));

    public int Int(string name) => (int)Get(name, ParameterKind.Int);
    public double Real(string name) => (double)Get(name, ParameterKind.Real);
    public string Choice(string name) => (string)Get(name, ParameterKind.Choice);
    public bool Bool(string name) => (bool)Get(name, ParameterKind.Bool);

    private object Get(string name, ParameterKind kind)
    {
        if (!values.TryGetValue(name, out var v)) throw new InvalidOperationException($"world '{World.Name}' has no parameter '{name}'.");
        var spec = World.Parameter(name)!;
        if (spec.Kind != kind) throw new InvalidOperationException($"parameter '{name}' is {spec.Kind}, not {kind}.");
        return v;
    }

    /// <summary>A new split with some values changed (validated; <paramref name="where"/> names the source for errors).</summary>
    public Split With(IReadOnlyDictionary<string, object> overrides, string where, string? newName = null, string? newDescription = null)
    {
        var copy = new Dictionary<string, object>(values);
        foreach (var (k, raw) in overrides)
        {
            var spec = World.Parameter(k) ?? throw new UserError(
                $"{where}: world '{World.Name}' has no parameter '{k}'; its parameters are {string.Join(", ", World.Parameters.Select(p => p.Name))}.");
            copy[spec.Name] = spec.Parse(raw, where);
        }
        var split = new Split(World, newName ?? Name, newDescription ?? Description, copy);
        World.ValidateSplit(split, where);
        return split;
    }

    /// <summary>
    /// A stable identifier of the parameter values (for the run store and level streams): every <c>name=value</c>,
    /// except parameters <see cref="ParameterSpec.OmittedAtDefault"/> that are at their default.
    /// </summary>
    public string Fingerprint() => string.Join(";", World.Parameters
        .Where(p => !(p.OmittedAtDefault && Equals(values[p.Name], p.Default)))
        .Select(p => p.Name + "=" + Convert.ToString(values[p.Name], CultureInfo.InvariantCulture)));

    public override string ToString() => $"{World.Name}/{Name}";
}
