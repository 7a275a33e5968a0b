namespace MesaLab.Analysis.Quantilizers;

using System.Globalization;
using MesaLab.Worlds;
using YamlDotNet.RepresentationModel;

/// <summary>
/// Reads a quantilizer experiment from YAML: top-level <c>world</c>, <c>split</c>, <c>parameters</c>
/// (world parameter overrides) and a <c>quantilizer</c> section. Unknown keys are errors, so typos never
/// pass silently. Missing keys keep the defaults of <see cref="QuantilizerSettings"/>.
/// </summary>
public static class QuantilizerConfig
{
    public static QuantilizerSettings Load(string path)
    {
        if (!File.Exists(path)) throw new UserError($"config file '{path}' does not exist.");
        return Parse(File.ReadAllText(path), path);
    }

    public static QuantilizerSettings Parse(string yaml, string where)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlDotNet.Core.YamlException e) { throw new UserError($"{where}: not valid YAML at line {e.Start.Line}: {e.Message}"); }
        var s = new QuantilizerSettings();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return s;
        foreach (var (k, v) in root.Children)
        {
            string key = Key(k);
            s = key switch
            {
                "world" => s with { World = Scalar(v, where, key) },
                "split" => s with { Split = Scalar(v, where, key) },
                "parameters" => s with { Parameters = Map(v, where, key).ToDictionary(kv => kv.Key, kv => (object)Scalar(kv.Value, where, "parameters." + kv.Key)) },
                "quantilizer" => Section(s, v, where),
                "name" or "description" => s,
                _ => throw new UserError($"{where}: unknown key '{key}'; a quantilizer config has world, split, parameters and quantilizer."),
            };
        }
        return s;
    }

    private static QuantilizerSettings Section(QuantilizerSettings s, YamlNode node, string where)
    {
        foreach (var (key, v) in Map(node, where, "quantilizer"))
        {
            string f = "quantilizer." + key;
            s = key switch
            {
                "proxy" => s with { Proxy = Scalar(v, where, f) },
                "true_utility" => s with { TrueUtility = Scalar(v, where, f) },
                "cost" => s with { Cost = Scalar(v, where, f) },
                "cost_weight" => s with { CostWeight = Real(v, where, f) },
                "loops" => s with { Loops = Real(v, where, f) },
                "marked_fraction" => s with { MarkedFraction = Real(v, where, f) },
                "q" => s with { Q = v is YamlSequenceNode seq ? seq.Children.Select(c => Real(c, where, f)).ToList() : [Real(v, where, f)] },
                "n" => s with { N = Int(v, where, f) },
                "levels" => s with { Levels = Int(v, where, f) },
                "bootstrap" => s with { Bootstrap = Int(v, where, f) },
                "seed" => s with { Seed = (ulong)Int(v, where, f) },
                "bases" => s with { Bases = v is YamlSequenceNode b ? b.Children.Select(c => Scalar(c, where, f)).ToList() : [Scalar(v, where, f)] },
                "demonstrator" => s with { Demonstrator = Demonstrator(s.Demonstrator, v, where) },
                "cloning" => s with { Cloning = Cloning(s.Cloning, v, where) },
                _ => throw new UserError($"{where}: unknown key '{f}'; the quantilizer section has proxy, true_utility, cost, cost_weight, loops, marked_fraction, q, n, levels, bootstrap, seed, bases, demonstrator, cloning."),
            };
        }
        return s;
    }

    private static DemonstratorSettings Demonstrator(DemonstratorSettings d, YamlNode node, string where)
    {
        foreach (var (key, v) in Map(node, where, "quantilizer.demonstrator"))
        {
            string f = "quantilizer.demonstrator." + key;
            d = key switch
            {
                "care" => d with { Care = Real(v, where, f) },
                "wander" => d with { Wander = Real(v, where, f) },
                "hesitate" => d with { Hesitate = Real(v, where, f) },
                "bed_penalty" => d with { BedPenalty = Real(v, where, f) },
                _ => throw new UserError($"{where}: unknown key '{f}'; the demonstrator has care, wander, hesitate, bed_penalty."),
            };
        }
        return d;
    }

    private static BehaviourCloningSettings Cloning(BehaviourCloningSettings c, YamlNode node, string where)
    {
        foreach (var (key, v) in Map(node, where, "quantilizer.cloning"))
        {
            string f = "quantilizer.cloning." + key;
            c = key switch
            {
                "levels" => c with { Levels = Positive(Int(v, where, f), where, f) },
                "episodes_per_level" => c with { EpisodesPerLevel = Positive(Int(v, where, f), where, f) },
                "radius" => c with { Radius = Positive(Int(v, where, f), where, f) },
                "hidden" => c with { Hidden = Positive(Int(v, where, f), where, f) },
                "epochs" => c with { Epochs = Positive(Int(v, where, f), where, f) },
                "batch_size" => c with { BatchSize = Positive(Int(v, where, f), where, f) },
                "learning_rate" => c with { LearningRate = Real(v, where, f) },
                _ => throw new UserError($"{where}: unknown key '{f}'; cloning has levels, episodes_per_level, radius, hidden, epochs, batch_size, learning_rate."),
            };
        }
        return c;
    }

    private static string Key(YamlNode k) => (k as YamlScalarNode)?.Value ?? "";

    private static IEnumerable<(string Key, YamlNode Value)> Map(YamlNode node, string where, string field) =>
        node is YamlMappingNode m ? m.Children.Select(kv => (Key(kv.Key), kv.Value))
        : throw new UserError($"{where}: '{field}' must be a mapping of keys to values.");

    private static string Scalar(YamlNode node, string where, string field) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new UserError($"{where}: '{field}' must be a single value.");

    private static double Real(YamlNode node, string where, string field)
    {
        string s = Scalar(node, where, field);
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || double.IsNaN(d))
            throw new UserError($"{where}: '{field}' is '{s}', but it must be a number.");
        return d;
    }

    private static int Int(YamlNode node, string where, string field)
    {
        string s = Scalar(node, where, field);
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
            throw new UserError($"{where}: '{field}' is '{s}', but it must be a whole number.");
        return i;
    }

    private static int Positive(int v, string where, string field) =>
        v >= 1 ? v : throw new UserError($"{where}: '{field}' is {v}, but it must be at least 1.");
}
