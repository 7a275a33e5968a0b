namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Analysis;
using MesaLab.Learning;
using MesaLab.Reports.Search;
using MesaLab.Worlds;
using MesaLab.Store;
using MesaLab.Transparency;

/// <summary>The learned-search studies of one stored run.</summary>
/// <param name="Kind">The run's network kind.</param>
/// <param name="ValueMaps">Null for networks without a tied block.</param>
/// <param name="Compute">Null for recurrent runs (they are measured for in-context learning instead).</param>
/// <param name="GoalEdit">Null for networks without a tied block.</param>
/// <param name="InContext">Recurrent runs: steps per episode within trials, memory kept and reset.</param>
/// <param name="ScriptedInContext">Recurrent runs: the same measure for the scripted exploring agent that remembers the goal (the reference learner).</param>
public sealed record LearnedSearchRun(string Run, string Name, string Kind, long Seed, TestTimeComputeResult? Compute, ValueMapProbeResult? ValueMaps,
    GoalEditResult? GoalEdit, InContextResult? InContext, InContextResult? ScriptedInContext, double Seconds);

/// <summary>One network kind's test-time compute curve at one scale, pooled over its runs (seeds): intervals by a two-level bootstrap over seeds and levels.</summary>
public sealed record PooledComputeCurve(string Kind, double Scale, int Runs, IReadOnlyList<int> Sizes, IReadOnlyList<Estimate> Success, IReadOnlyList<Estimate> Efficiency);

/// <summary>One network kind's value-map probe R² for one goal by iteration, pooled over its runs (mean over seeds, bootstrap interval over seeds).</summary>
public sealed record PooledValueMapCurve(string Kind, string Goal, string Probe, int Runs, IReadOnlyList<int> Iterations, IReadOnlyList<Estimate> R2);

/// <summary>Everything <see cref="LearnedSearchJob"/> measured, and the pictures it drew.</summary>
public sealed record LearnedSearchResult(IReadOnlyList<LearnedSearchRun> Runs, IReadOnlyList<PooledComputeCurve> Compute, IReadOnlyList<PooledValueMapCurve> ValueMaps,
    LearnedSearchSettings Settings, IReadOnlyList<string> Plots, double Seconds);

/// <summary>
/// <c>mesalab search RUN…</c>: on each stored run, test-time compute (success and path efficiency by maze side and
/// iteration scale), value-map probes by iteration with their controls, and the goal moved mid-iteration; stored with
/// each run; then curves pooled per network kind over the runs (seeds) and drawn into one directory.
/// </summary>
public static class LearnedSearchJob
{
    public static LearnedSearchResult Run(IRunStore store, IReadOnlyList<string> runs, IReadOnlyList<ConfigOverride> overrides, string outDirectory,
        INarrator narrator, CancellationToken cancel = default)
    {
        if (runs.Count == 0) throw new UserError("name at least one trained run (its id, name or a unique prefix).");
        var clock = Stopwatch.StartNew();
        // Open every run first so a wrong name fails before minutes of rollouts (and before anything is written).
        var opened = runs.Select(r => StoredRun.Open(store, r, overrides)).ToList();
        OutputPaths.CheckDirectory(outDirectory, "--out");
        var settings = opened[0].Config.Section<LearnedSearchSettings>() with { Seed = opened[0].Config.Section<EvaluationSettings>().Seed };
        var results = new List<LearnedSearchRun>();
        foreach (var run in opened)
        {
            cancel.ThrowIfCancellationRequested();
            results.Add(Study(run, narrator, cancel));
        }
        var compute = PoolCompute(results, settings.Seed);
        var maps = PoolValueMaps(results, settings.Seed);
        var plots = Draw(outDirectory, results, compute, maps);
        return new LearnedSearchResult(results, compute, maps, settings, plots, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The three studies on one run (latest checkpoint, the inspection split), each stored with the run.</summary>
    public static LearnedSearchRun Study(StoredRun run, INarrator narrator, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        if (run.Config.Section<NetworkSettings>().Recurrent) return InContext(run, narrator, cancel);
        using var subject = InspectionJobs.Open(run, narrator);
        var config = run.Config;
        ulong seed = config.Section<EvaluationSettings>().Seed;
        var settings = config.Section<LearnedSearchSettings>() with { Seed = seed };
        var network = subject.Iterative;
        narrator.Log($"{run.Label}: test-time compute on sides {string.Join(", ", settings.Sizes)}" + (network.HasIterations ? $" at ×{string.Join(", ×", settings.Scales)} the trained iterations" : " (no tied block: one pass)"));
        var compute = TestTimeCompute.Run(network, subject.Split, settings, narrator.Log, cancel);
        InspectionJobs.Store(run.Store, run.Id, ResultKinds.TestTimeCompute, subject.Split.Name, compute);
        ValueMapProbeResult? maps = null;
        GoalEditResult? edit = null;
        if (network.HasIterations)
        {
            var random = subject.RandomIterative(seed ^ 0x4A4D_0000UL, out var owner);
            using (owner)
                maps = ValueMapProbe.Run(network, random, subject.Split, settings, config.Section<ProbeSettings>() with { Seed = seed }, narrator.Log);
            InspectionJobs.Store(run.Store, run.Id, ResultKinds.ValueMaps, subject.Split.Name, maps);
            cancel.ThrowIfCancellationRequested();
            edit = GoalEditByIteration.Run(network, subject.Split, settings, narrator.Log, cancel);
            InspectionJobs.Store(run.Store, run.Id, ResultKinds.GoalEdit, subject.Split.Name, edit);
        }
        return new LearnedSearchRun(run.Id, run.Name, network.Kind, config.Seed, compute, maps, edit, null, null, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// In-context learning of a recurrent run: trials on the inspection split with the goals hidden, memory kept across a
    /// trial and reset every episode, next to the scripted exploring agent that remembers the goal.
    /// </summary>
    public static LearnedSearchRun InContext(StoredRun run, INarrator narrator, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var config = run.Config;
        TorchSetup.SetThreads(config.Threads);
        ulong seed = config.Section<EvaluationSettings>().Seed;
        var settings = config.Section<LearnedSearchSettings>() with { Seed = seed };
        var inspection = config.Section<InspectionSettings>();
        var split = inspection.Split is null ? config.DeploySplit : config.Split(inspection.Split);
        if (split.World.Parameter("hidden_goals") is null)
            throw new UserError($"{run.Label}: world '{split.World.Name}' cannot hide its goals; the in-context learning measure needs green-arrow-maze (world_parameters: {{hidden_goals: true}}).");
        split = split.With(new Dictionary<string, object> { ["hidden_goals"] = true }, "learned_search in-context trials");
        int episodes = settings.EpisodesPerTrial > 0 ? settings.EpisodesPerTrial : Math.Max(2, config.Section<PpoSettings>().EpisodesPerTrial);
        narrator.Log($"{run.Label}: in-context learning, {settings.Trials} trials of {episodes} episodes on '{split.Name}' with the goals hidden");
        using var policy = run.Policy(seed, greedy: settings.Greedy);
        var learned = InContextLearning.Run(split, policy, settings.Trials, episodes, seed, cancel);
        var scripted = InContextLearning.Run(split, new ExploringAgent(split, seed), settings.Trials, episodes, seed, cancel);
        InspectionJobs.Store(run.Store, run.Id, ResultKinds.InContextLearning, split.Name, new { learned, scripted });
        foreach (var c in learned.Curves)
            narrator.Log($"  {c.Condition}: steps by episode {string.Join(", ", c.Steps.Select(s => s.Value.ToString("0.0", CultureInfo.InvariantCulture)))}");
        return new LearnedSearchRun(run.Id, run.Name, config.Section<NetworkSettings>().Kind + "+gru", config.Seed, null, null, null, learned, scripted, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Per network kind and scale: success and efficiency by side, pooled over the kind's runs.</summary>
    public static IReadOnlyList<PooledComputeCurve> PoolCompute(IReadOnlyList<LearnedSearchRun> runs, ulong seed) =>
    [
        .. runs.Where(r => r.Compute is not null).GroupBy(r => r.Kind).SelectMany(kind => kind.SelectMany(r => r.Compute!.ScalesRun).Distinct().Order().Select(scale =>
        {
            var sizes = kind.SelectMany(r => r.Compute!.Points.Where(p => p.Scale == scale).Select(p => p.Size)).Distinct().Order().ToList();
            IReadOnlyList<ComputePoint> At(int size) => [.. kind.Select(r => r.Compute!.Points.FirstOrDefault(p => p.Scale == scale && p.Size == size)).OfType<ComputePoint>()];
            return new PooledComputeCurve(kind.Key, scale, kind.Count(), sizes,
                [.. sizes.Select(s => HierarchicalBootstrap.MeanOfMeans([.. At(s).Select(p => (IReadOnlyList<double>)[.. p.Solved])], seed))],
                [.. sizes.Select(s => HierarchicalBootstrap.MeanOfMeans([.. At(s).Select(p => (IReadOnlyList<double>)[.. p.Efficiencies])], seed))]);
        })),
    ];

    /// <summary>Per network kind and goal: R² by iteration of the probe and of its two controls, mean over runs with a bootstrap interval over runs.</summary>
    public static IReadOnlyList<PooledValueMapCurve> PoolValueMaps(IReadOnlyList<LearnedSearchRun> runs, ulong seed)
    {
        var curves = new List<PooledValueMapCurve>();
        foreach (var kind in runs.Where(r => r.ValueMaps is not null).GroupBy(r => r.Kind))
        {
            var goals = kind.SelectMany(r => r.ValueMaps!.Goals).Distinct().ToList();
            int iterations = kind.Min(r => r.ValueMaps!.Rows.Max(x => x.Iteration));
            var its = Enumerable.Range(0, iterations + 1).ToList();
            foreach (var goal in goals)
                foreach (var (probe, pick) in new (string, Func<ValueMapRow, double>)[] { ("trained", r => r.R2), ("shuffled", r => r.Shuffled), ("random_init", r => r.RandomInit ?? double.NaN) })
                {
                    var r2 = its.Select(i => HierarchicalBootstrap.MeanOfMeans(
                        [.. kind.Select(r => (IReadOnlyList<double>)[.. r.ValueMaps!.Rows.Where(x => x.Goal == goal && x.Iteration == i).Select(pick)])], seed)).ToList();
                    curves.Add(new PooledValueMapCurve(kind.Key, goal, probe, kind.Count(), its, r2));
                }
        }
        return curves;
    }

    private static IReadOnlyList<string> Draw(string directory, IReadOnlyList<LearnedSearchRun> runs, IReadOnlyList<PooledComputeCurve> compute, IReadOnlyList<PooledValueMapCurve> maps)
    {
        Directory.CreateDirectory(directory);
        var plots = new List<string>();
        string Save(string name, byte[] png)
        {
            var path = Path.Combine(directory, name);
            AtomicFile.WriteAllBytes(path, png);
            plots.Add(path);
            return path;
        }
        static string Label(string kind, double scale, bool iterates) => iterates ? string.Create(CultureInfo.InvariantCulture, $"{kind} ×{scale:0.##} K") : kind;
        var iterating = runs.Where(r => r.ValueMaps is not null).Select(r => r.Kind).ToHashSet();
        var trials = runs.Where(r => r.InContext is not null).ToList();
        if (trials.Count > 0)
        {
            var curves = trials.SelectMany(r => r.InContext!.Curves.Select(c => new SearchCurve($"{r.Kind} seed {r.Seed}, {c.Condition}", [.. Enumerable.Range(1, c.Steps.Count).Select(e => (double)e)], c.Steps)))
                .Concat(trials.Take(1).SelectMany(r => r.ScriptedInContext!.Curves.Select(c => new SearchCurve($"scripted explorer, {c.Condition}", [.. Enumerable.Range(1, c.Steps.Count).Select(e => (double)e)], c.Steps))));
            Save("in-context-learning.png", LearnedSearchPlots.InContextLearning([.. curves]));
        }
        if (compute.Count == 0) return plots;
        Save("compute-success.png", LearnedSearchPlots.ComputeScaling(
            [.. compute.Select(c => new SearchCurve(Label(c.Kind, c.Scale, iterating.Contains(c.Kind)), [.. c.Sizes.Select(s => (double)s)], c.Success))]));
        var efficiency = compute.Select(c => new SearchCurve(Label(c.Kind, c.Scale, iterating.Contains(c.Kind)),
            [.. c.Sizes.Where((_, i) => c.Efficiency[i].IsAvailable).Select(s => (double)s)], [.. c.Efficiency.Where(e => e.IsAvailable)])).Where(c => c.X.Count > 0).ToList();
        if (efficiency.Count > 0)
            Save("compute-efficiency.png", LearnedSearchPlots.ComputeScaling(efficiency, "path efficiency (successful levels)", "Test-time compute: path efficiency vs maze side"));
        if (maps.Count > 0)
            Save("value-maps-by-iteration.png", LearnedSearchPlots.ProbeByIteration(
                [.. maps.Select(m => new SearchCurve($"{m.Kind} · {m.Goal} · {m.Probe}", [.. m.Iterations.Select(i => (double)i)], m.R2))]));
        var edits = runs.Where(r => r.GoalEdit is not null).ToList();
        if (edits.Count > 0)
            Save("goal-edit-by-iteration.png", LearnedSearchPlots.GoalEdit(
                [.. edits.Select(r => new SearchCurve($"{r.Kind} seed {r.Seed} (K = {r.GoalEdit!.Iterations})", [.. r.GoalEdit.Points.Select(p => p.Fraction)], [.. r.GoalEdit.Points.Select(p => p.TargetFirst)]))]));
        return plots;
    }
}
