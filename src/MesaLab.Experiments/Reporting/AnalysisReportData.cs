namespace MesaLab.Experiments;

using MesaLab.Analysis;
using MesaLab.Reports;
using MesaLab.Reports.Plots;
using MesaLab.Worlds;
using MesaLab.Worlds.Rendering;
using AnalysisOutcome = MesaLab.Analysis.Outcome;
using AnalysisShares = MesaLab.Analysis.OutcomeShares;

/// <summary>One evaluated split of a run, with its analysis (outcomes, behavioral objective).</summary>
public sealed record SplitAnalysis(string Split, EvaluationAnalysis Analysis);

/// <summary>
/// Turns analysis results (outcome tables, behavioral objectives, the robustness decomposition) and recorded
/// episodes into the plain <see cref="ReportData"/> a report draws: heatmaps of where episodes ended and
/// pictures of example episodes are computed here from the recorded trajectories.
/// </summary>
public static class AnalysisReportData
{
    /// <param name="pictures">False leaves out the end heatmaps and example pictures (a viewer that draws its own skips their cost).</param>
    public static ReportData Build(RunSummary run, IReadOnlyList<TrainingMetric> metrics, IReadOnlyList<SplitAnalysis> splits,
        RobustnessDecomposition? decomposition, LevelCache? cache = null, bool pictures = true)
    {
        cache ??= new LevelCache();
        return new ReportData
        {
            Run = run,
            TrainingCurves = metrics,
            Outcomes = [.. splits.Select(s => new SplitOutcomes(s.Split, Shares(s.Analysis.Table.All),
                [.. s.Analysis.Table.BySide.Select(g => new SizeOutcomes(g.Group.Replace("side ", "", StringComparison.Ordinal), Shares(g)))]))],
            Events = [.. splits.Select(s => Events(s))],
            EndHeatmaps = pictures ? [.. splits.SelectMany(s => EndHeatmaps(s, cache))] : [],
            Examples = pictures ? [.. splits.SelectMany(s => Examples(s, cache))] : [],
            BehavioralObjectives = [.. splits.Select(s => Behavioral(s.Split, s.Analysis))],
            Decomposition = decomposition is null ? null : Decomposition(decomposition, splits),
        };
    }

    private static SplitEvents Events(SplitAnalysis s)
    {
        var counts = EventCounts.Of([.. s.Analysis.Outcomes.Select(o => o.Record)]);
        return new SplitEvents(s.Split, counts.Episodes, [.. counts.PerEpisode.Select(c => new NamedEstimate(c.Event, c.PerEpisode))], counts.KeysPerChest);
    }

    private static Reports.OutcomeShares Shares(AnalysisShares s) =>
        new Reports.OutcomeShares(s.Episodes, s.CapabilityFailure, s.Generalized, s.Misgeneralized);

    public static OutcomeClass Class(AnalysisOutcome o) => o switch
    {
        AnalysisOutcome.CapabilityFailure => OutcomeClass.CapabilityFailure,
        AnalysisOutcome.ObjectiveGeneralized => OutcomeClass.ObjectiveGeneralized,
        _ => OutcomeClass.ObjectiveMisgeneralized,
    };

    private static BehavioralObjectiveSummary Behavioral(string split, EvaluationAnalysis a)
    {
        var b = a.Behavioral;
        var baseObjective = a.Table.IntendedObjective;
        double random = b.PerEpisode.Sum(e => e.RandomLogLikelihood);
        return new BehavioralObjectiveSummary(split, b.Coherent ? b.Best : "no coherent objective", b.Episodes,
            [.. b.Candidates.Select(c => new Reports.CandidatePosterior(c.Candidate, c.Posterior, c.Beta, c.LogMarginalLikelihood,
                string.Equals(c.Candidate, baseObjective, StringComparison.OrdinalIgnoreCase)))],
            random,
            a.Weights is { } w ? [.. w.Weights.Select(kv => new NamedEstimate(kv.Key, Estimate.Exact(kv.Value)))] : null,
            AnalysisSummaries.Mixture(a, baseObjective), b.Summary);
    }

    private static RobustnessDecompositionSummary Decomposition(RobustnessDecomposition d, IReadOnlyList<SplitAnalysis> splits)
    {
        var train = splits.FirstOrDefault(s => s.Split == d.TrainSplit)?.Analysis.Behavioral;
        return new RobustnessDecompositionSummary
        {
            TrainSplit = d.TrainSplit,
            DeploySplit = d.DeploySplit,
            BaseObjective = d.BaseObjective,
            IntendedObjective = d.IntendedObjective,
            Robustness = d.Robustness,
            ObjectiveRobustness = d.ObjectiveRobustness,
            CapabilityRobustness = d.CapabilityRobustness,
            TrainBehavioralObjective = train is null ? "not evaluated" : d.TrainBehavioralObjective,
            DeployBehavioralObjective = d.DeployBehavioralObjective,
            CapabilityOnTrain = d.CapabilityOnTrain,
            OuterAlignment = d.OuterAlignment,
            Tree = AnalysisSummaries.Tree(d.Tree),
        };
    }

    /// <summary>
    /// Where episodes ended relative to each reach-candidate's goal: a (2S−1)² grid of offsets (final cell − goal cell)
    /// centred on the goal. An agent that pursues a candidate piles its mass on that candidate's centre cell.
    /// </summary>
    private static IEnumerable<EndHeatmap> EndHeatmaps(SplitAnalysis s, LevelCache cache)
    {
        var outcomes = s.Analysis.Outcomes;
        if (outcomes.Count == 0) yield break;
        var split = cache.SplitOf(outcomes[0].Record);
        int side = outcomes.Max(o => Math.Max(o.Record.LevelWidth, o.Record.LevelHeight));
        int n = 2 * side - 1;
        foreach (var candidate in split.World.Candidates.Where(c => c.Kind == ObjectiveKind.Reach && c.Object != CellObject.Lava))
        {
            var counts = new double[n * n];
            int used = 0;
            foreach (var o in outcomes)
            {
                var level = cache.Get(o.Record).Level;
                int goal = -1;
                for (int c = 0; c < level.CellCount && goal < 0; c++) if (candidate.IsGoal(level, c)) goal = c;
                if (goal < 0) continue;
                int end = o.Record.Length > 0 ? o.Record.Positions[^1] : o.Record.Start;
                int dx = level.X(end) - level.X(goal), dy = level.Y(end) - level.Y(goal);
                counts[(dy + side - 1) * n + dx + side - 1]++;
                used++;
            }
            if (used == 0) continue;
            for (int i = 0; i < counts.Length; i++) counts[i] /= used;
            double atGoal = counts[(side - 1) * n + side - 1];
            yield return new EndHeatmap(s.Split, $"{s.Split}: end relative to the {candidate.Name}",
                $"Final cell minus the {candidate.Name}'s cell over {used} episodes; the centre is the {candidate.Name}. "
                + $"{atGoal:P0} of episodes ended on it.",
                n, n, counts, Markers: [new GridMarker(side - 1, side - 1, candidate.Name)]);
        }
    }

    /// <summary>One picture per outcome class that occurred: the level, the agent's path and its final cell.</summary>
    private static IEnumerable<TrajectoryExample> Examples(SplitAnalysis s, LevelCache cache)
    {
        var renderer = new LevelRenderer(cellSize: 20);
        foreach (var cls in Outcomes.All)
        {
            var o = s.Analysis.Outcomes.Where(x => x.Outcome == cls).OrderBy(x => x.Record.LevelIndex).FirstOrDefault();
            if (o is null) continue;
            var r = o.Record;
            var level = cache.Get(r).Level;
            int[] path = [r.Start, .. r.Positions];
            var image = renderer.Render(level, level.Objects.AsSpan(0, level.CellCount), path[^1], path);
            string what = o.Pursued is { } p ? $"reached the {p} in {o.Progress(p)?.StepsTaken} steps (shortest {o.Progress(p)?.ShortestPath})"
                : o.FailureReason ?? (r.Truncated ? "hit the step limit without reaching any goal competently" : "reached no goal competently");
            yield return new TrajectoryExample(s.Split, Class(cls), $"level {r.LevelIndex}, {level.Width}×{level.Height}: {what}, {r.Length} steps in all; {AnalysisSummaries.PursuedGoal(s.Analysis, s.Analysis.Outcomes.ToList().IndexOf(o))}.",
                PngEncoder.Encode(image));
        }
    }
}
