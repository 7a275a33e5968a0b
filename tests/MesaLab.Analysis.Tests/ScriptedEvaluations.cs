namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>Recorded evaluations of the test agents, made once and shared by the analysis tests.</summary>
public sealed class ScriptedEvaluations
{
    public const int Episodes = 50;
    private readonly Dictionary<string, IReadOnlyList<EpisodeRecord>> records = [];
    private readonly Dictionary<string, EvaluationAnalysis> analyses = [];
    private readonly Lock gate = new();

    public static readonly World GreenArrow = WorldCatalog.Get("green-arrow-maze");

    public IReadOnlyList<EpisodeRecord> Records(string split, string agent)
    {
        lock (gate)
        {
            string key = split + "/" + agent;
            if (!records.TryGetValue(key, out var r))
                records[key] = r = Evaluator.Run(GreenArrow.Split(split), Agent(agent), Episodes, 2024);
            return r;
        }
    }

    public EvaluationAnalysis Analysis(string split, string agent)
    {
        var r = Records(split, agent);
        lock (gate)
        {
            string key = split + "/" + agent;
            if (!analyses.TryGetValue(key, out var a)) analyses[key] = a = EvaluationAnalysis.Of(r);
            return a;
        }
    }

    /// <summary><c>exit</c>, <c>arrow@0.3</c> (ε-noisy), or <c>random</c>.</summary>
    public static IPolicy Agent(string spec)
    {
        if (spec == "random") return new UniformAgent(99);
        var parts = spec.Split('@');
        double eps = parts.Length > 1 ? double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new SeekerAgent(GreenArrow.RequireCandidate(parts[0], "test"), eps, 31);
    }
}

[CollectionDefinition(nameof(ScriptedEvaluations))]
public sealed class ScriptedEvaluationsCollection : ICollectionFixture<ScriptedEvaluations>;
