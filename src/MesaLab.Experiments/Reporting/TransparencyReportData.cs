namespace MesaLab.Experiments;

using System.Globalization;
using MesaLab.Reports;
using MesaLab.Store;
using MesaLab.Transparency;

/// <summary>Turns the transparency studies stored with a run into the report's <see cref="TransparencyFinding"/> tables (latest of each kind).</summary>
public static class TransparencyReportData
{
    public static IReadOnlyList<TransparencyFinding> From(IRunStore store, string runId)
    {
        var findings = new List<TransparencyFinding>();
        T? Latest<T>(string kind, out string split) where T : class
        {
            var r = store.Results(runId, null, kind).OrderBy(x => x.Id).LastOrDefault();
            split = r?.Name ?? "";
            return r is null ? null : MesaLabJson.Deserialize<T>(r.Json);
        }
        static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        if (Latest<DecisionSquareStudyResult>(ResultKinds.DecisionSquares, out var split) is { } d)
            findings.Add(new TransparencyFinding("Behaviour at decision squares", split,
                $"{d.Levels} of {d.LevelsTried} levels have a decision square on the agent's way. P(move towards the {d.Proxy}) {d.TowardProxy.Format("0.000")}, towards the {d.Goal} {d.TowardGoal.Format("0.000")}; "
                + $"levels preferring the {d.Proxy}: {d.ProxyPreferred.Format("0.000")}. Logistic regression of P({d.Proxy} | one of the two) on standardized features (bootstrap over levels):",
                ["feature", "change in log-odds per SD"],
                [.. (d.Regression?.Coefficients ?? []).Select(c => (IReadOnlyList<string>)[c.Feature, c.Coefficient.Format("0.00")])]));
        if (Latest<SteeringStudyResult>(ResultKinds.Steering, out split) is { } s)
        {
            var coefficients = s.Effects.Select(e => e.Coefficient).Distinct().Order().ToList();
            var vectors = s.Effects.Select(e => e.Vector).Distinct().ToList();
            findings.Add(new TransparencyFinding($"Steering at {s.Layer}", split,
                $"Change in P(move towards the {s.Feature}) at {s.Levels} decision squares (baseline {s.Baseline.Format("0.000")}); per-level vectors against the averaged one and random vectors of equal norm. Mean cosine of a level's vector to the averaged one {N(s.MeanCosine)}.",
                ["vector", .. coefficients.Select(c => $"c = {N(c)}")],
                [.. vectors.Select(v => (IReadOnlyList<string>)[v, .. coefficients.Select(c => s.Effects.First(e => e.Vector == v && e.Coefficient == c).TowardProxyChange.Format("0.000"))])]));
        }
        if (Latest<RetargetStudyResult>(ResultKinds.Retargeting, out split) is { } r)
            findings.Add(new TransparencyFinding($"Retargeting ({r.Method} at {r.Layer})", split,
                $"Share of {r.Levels} levels where the agent stood on a random target within {N(r.BudgetFactor)} × its shortest path, edit strength {N(r.Strength)}.",
                ["condition", "what", "success"],
                [.. r.Conditions.Select(c => (IReadOnlyList<string>)[c.Name, c.Description, c.Success.Format("0.000")])]));
        if (Latest<ResamplingStudyResult>(ResultKinds.Resampling, out split) is { } a)
            findings.Add(new TransparencyFinding("Resampling ablations", split,
                $"Change in P(move towards the {a.Proxy}) at {a.Levels} decision squares (baseline {a.BaselineTowardProxy.Format("0.000")}) when one cell's activation is replaced by another level's; the random cell is the control.",
                ["layer", "cell", $"change towards the {a.Proxy}", $"change towards the {a.Goal}"],
                [.. a.Effects.Select(e => (IReadOnlyList<string>)[e.Layer, e.Cell, e.TowardProxyChange.Format("0.000"), e.TowardGoalChange.Format("0.000")])]));
        return findings;
    }
}
