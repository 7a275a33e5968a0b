namespace MesaLab.Web;

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MesaLab.Analysis;
using MesaLab.Experiments;
using MesaLab.Learning;
using MesaLab.Reports;
using MesaLab.Store;

/// <summary>
/// What the dashboard shows about runs, read from the store and never written back: the list with key figures, one run
/// in detail, its metrics, the analysis of its stored evaluations (outcomes, behavioral objective, decomposition) and its
/// transparency results. Documents are plain objects serialized with <see cref="MesaLabJson"/> (snake_case).
/// </summary>
public sealed class RunViews(IRunStore store)
{
    private readonly BoundedCache<ExperimentConfig?> configs = new(512);
    private readonly BoundedCache<AnalysisView> analyses = new(32);

    /// <summary>The run, or a <see cref="NotFound"/> naming it.</summary>
    public RunRecord Run(string id) =>
        (IsId(id) && store.FindRun(id) is { } r && r.Id == id ? r : null) ?? throw new NotFound($"no run with id '{id}' in the store.");

    /// <summary>Run ids are 8 lower-case hex digits; anything else is not looked up at all.</summary>
    public static bool IsId(string id) => id.Length == 8 && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The run's stored configuration, parsed; null when it no longer parses (a run from an older MesaLab).</summary>
    public ExperimentConfig? Config(RunRecord run) => configs.Get($"{run.Id}:{run.Config.GetHashCode(StringComparison.Ordinal)}", () =>
    {
        try
        {
            return string.IsNullOrWhiteSpace(run.Config) ? null : ExperimentConfig.ParseStored(run.Config, $"the configuration stored with run {run.Id}");
        }
        catch (UserError)
        {
            return null;
        }
    });

    private static long TotalSteps(ExperimentConfig? config)
    {
        try
        {
            return config?.Section<PpoSettings>().TotalSteps ?? 0;
        }
        catch (UserError)
        {
            return 0;
        }
    }

    /// <summary>Every run with its status and key figures, filtered by the given fields (null or empty = any).</summary>
    public IReadOnlyList<RunRow> List(string? status = null, string? world = null, string? kind = null, string? study = null, string? text = null)
    {
        var runs = store.ListRuns();
        // Stored documents with deploy figures, read once for all runs.
        var studyDocs = LatestByRun(store.Results(kind: ResultKinds.StudyRun));
        var evaluationDocs = store.Results(kind: ResultKinds.Analysis).Where(r => r.RunId is not null).GroupBy(r => r.RunId!)
            .ToDictionary(g => g.Key, g => g.ToList());
        var rows = new List<RunRow>();
        foreach (var r in runs)
        {
            if (!Matches(r.EffectiveStatus.ToText(), status) || !Matches(r.World, world) || !Matches(r.Kind, kind) || !Matches(r.Study ?? "", study)) continue;
            if (!string.IsNullOrEmpty(text) && !(r.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || r.Id.StartsWith(text, StringComparison.OrdinalIgnoreCase)
                                                 || r.World.Contains(text, StringComparison.OrdinalIgnoreCase))) continue;
            var config = Config(r);
            var last = store.LastMetrics(r.Id);
            long steps = last.Count > 0 ? last.Max(m => m.EnvStep) : 0;
            long total = TotalSteps(config);
            double? Last(string name) => last.FirstOrDefault(m => m.Name == name) is { Name: not null } m ? m.Value : null;
            var deploy = DeployFigures(r, config, studyDocs, evaluationDocs);
            rows.Add(new RunRow(r.Id, r.Name, r.Kind, r.World, r.Seed, r.EffectiveStatus.ToText(), r.Error, r.Study, r.StudyJob, r.Created, r.Updated,
                r.WallSeconds, steps, total, total > 0 ? Math.Min(1, steps / (double)total) : null, Last("episodic_return"), Last("success_rate"), deploy));
        }
        return rows;
    }

    private static bool Matches(string value, string? filter) => string.IsNullOrEmpty(filter) || string.Equals(value, filter, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, ResultRecord> LatestByRun(IReadOnlyList<ResultRecord> results) =>
        results.Where(r => r.RunId is not null).GroupBy(r => r.RunId!).ToDictionary(g => g.Key, g => g.Last());

    /// <summary>Deploy-split outcome shares a run already has stored: its study figures, else the analysis stored with its latest deploy evaluation.</summary>
    private static DeployFigures? DeployFigures(RunRecord run, ExperimentConfig? config, Dictionary<string, ResultRecord> studyDocs,
        Dictionary<string, List<ResultRecord>> evaluationDocs)
    {
        if (studyDocs.TryGetValue(run.Id, out var s))
        {
            var doc = JsonSerializer.Deserialize<StudyRunDocument>(s.Json, MesaLabJson.Compact)!;
            return new DeployFigures("study", doc.Figure(StudyFigures.ObjectiveGeneralized)?.Value, doc.Figure(StudyFigures.ObjectiveMisgeneralized)?.Value,
                doc.Figure(StudyFigures.CapabilityFailure)?.Value, doc.DeployBehavioralObjective);
        }
        if (config is null || !evaluationDocs.TryGetValue(run.Id, out var docs)) return null;
        foreach (var d in docs.OrderByDescending(d => d.Id))
        {
            var node = JsonNode.Parse(d.Json);
            if (!string.Equals((string?)node?["split"], config.DeploySplitName, StringComparison.OrdinalIgnoreCase)) continue;
            var all = node?["outcomes"]?["all"];
            static double? V(JsonNode? n) => n?["value"] is JsonValue v && v.TryGetValue<double>(out double x) ? x : null;
            return new DeployFigures("evaluation", V(all?["objective_generalized"]), V(all?["objective_misgeneralized"]), V(all?["capability_failure"]),
                (string?)node?["behavioral_objective"]?["objective"] ?? "no coherent objective");
        }
        return null;
    }

    /// <summary>One run in detail: record, configuration, splits, metric names, evaluations, results and checkpoints.</summary>
    public object Detail(string id)
    {
        var r = Run(id);
        var config = Config(r);
        var last = store.LastMetrics(r.Id);
        long total = TotalSteps(config);
        long steps = last.Count > 0 ? last.Max(m => m.EnvStep) : 0;
        return new
        {
            id = r.Id,
            name = r.Name,
            kind = r.Kind,
            world = r.World,
            seed = r.Seed,
            status = r.EffectiveStatus.ToText(),
            error = r.Error,
            held_by = r.Held ? r.Lease!.Holder.ToString() : null,
            study = r.Study,
            study_job = r.StudyJob,
            code_version = r.CodeVersion,
            host = r.Host,
            created = r.Created,
            updated = r.Updated,
            finished = r.Finished,
            wall_seconds = r.WallSeconds,
            env_steps = steps,
            total_steps = total,
            base_objective = config?.World.BaseObjective(config.TrainSplit).Name,
            intended_objective = config?.World.IntendedObjective(config.TrainSplit).Name,
            train_split = config?.TrainSplitName,
            deploy_split = config?.DeploySplitName,
            splits = config is null ? [] : new[] { config.TrainSplit, config.DeploySplit }.Select(s => new
            {
                name = s.Name,
                description = s.Description,
                parameters = string.Join(", ", s.Values.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}")),
            }).ToArray(),
            last_metrics = last.Select(m => new { name = m.Name, update = m.Update, env_step = m.EnvStep, value = m.Value }),
            evaluations = store.Evaluations(r.Id).Select(Evaluation),
            checkpoints = store.Checkpoints(r.Id).Select(c => new { update = c.Update, env_step = c.EnvStep, created = c.Created }),
            results = store.Results(r.Id).Select(x => new { id = x.Id, kind = x.Kind, name = x.Name, evaluation_id = x.EvaluationId, created = x.Created }),
            config = r.Config,
        };
    }

    public static object Evaluation(EvaluationRecord e) => new
    {
        id = e.Id,
        run_id = e.RunId,
        agent = e.Agent,
        world = e.World,
        split = e.Split,
        seed = e.Seed,
        episodes = e.EpisodeCount,
        created = e.Created,
    };

    /// <summary>A run's metrics logged after <paramref name="after"/>, with the run's status (what the live curve polls).</summary>
    public MetricsView Metrics(string id, long after)
    {
        var r = Run(id);
        var points = after <= 0 ? store.Metrics(r.Id) : store.MetricsAfter(r.Id, after);
        return new MetricsView(r.Id, r.EffectiveStatus.ToText(), points.Count > 0 ? points.Max(p => p.Update) : after,
            [.. points.Select(p => new MetricView(p.Update, p.EnvStep, p.Name, p.Value))]);
    }

    /// <summary>
    /// The analysis of the run's stored train and deploy evaluations, computed from their recorded episodes (cached per set
    /// of evaluations); <see cref="AnalysisView.Available"/> is false, with the reason, when either is not stored yet.
    /// </summary>
    public AnalysisView Analysis(string id)
    {
        var r = Run(id);
        var config = Config(r);
        if (config is null) return AnalysisView.Missing(r.Id, "the run's stored configuration does not parse with this MesaLab.");
        var evaluations = store.Evaluations(r.Id);
        string key = r.Id + ":" + string.Join(',', evaluations.Select(e => e.Id));
        return analyses.Get(key, () =>
        {
            var run = StoredRun.Open(store, r.Id);
            if (RunAnalysis.OfStored(run, SilentNarrator.Instance) is not { } analysis)
                return AnalysisView.Missing(r.Id, $"the run has no stored evaluation of both its {config.TrainSplitName} and {config.DeploySplitName} splits yet; `mesalab report {r.Id}` evaluates and stores them.");
            var data = AnalysisReportData.Build(ReportJob.Summary(run), [], analysis.Splits, analysis.Decomposition, analysis.Cache, pictures: false);
            var splits = new List<SplitView>();
            foreach (var s in analysis.Splits)
            {
                var split = s.Split == config.TrainSplitName ? config.TrainSplit : config.DeploySplit;
                var evaluation = evaluations.Where(e => e.Split == split.Name && e.SplitFingerprint == split.Fingerprint() && e.EpisodeCount > 0)
                    .OrderByDescending(e => e.Created).First();
                splits.Add(new SplitView(s.Split, evaluation.Id, data.Outcomes.First(o => o.Split == s.Split), data.BehavioralObjectives.First(b => b.Split == s.Split),
                    s.Analysis.Behavioral.Summary,
                    [.. s.Analysis.Outcomes.Select((o, i) => new EpisodeRow(i, o.Record.LevelIndex, o.LevelSide, o.Record.Return, o.Record.Length,
                        AnalysisReportData.Class(o.Outcome), o.Pursued, o.Ambiguous, s.Analysis.Mixture.Episodes[i].Goal, s.Analysis.Mixture.Episodes[i].Probability))]));
            }
            return new AnalysisView(r.Id, true, null, data.Run.BaseObjective, data.Run.IntendedObjective, splits, data.Decomposition);
        });
    }

    /// <summary>The run's transparency results (probes, steering, retargeting, attribution, search-likeness, comparisons), documents included.</summary>
    public IReadOnlyList<object> Transparency(string id)
    {
        var r = Run(id);
        return [.. store.Results(r.Id).Where(x => x.Kind.StartsWith("transparency.", StringComparison.Ordinal))
            .Select(x => (object)new { id = x.Id, kind = x.Kind, name = x.Name, created = x.Created, document = JsonNode.Parse(x.Json) })];
    }

    /// <summary>One stored result document by its id.</summary>
    public object Result(long id)
    {
        var x = store.Results().FirstOrDefault(x => x.Id == id) ?? throw new NotFound($"no result with id {id} in the store.");
        return new { id = x.Id, run_id = x.RunId, evaluation_id = x.EvaluationId, kind = x.Kind, name = x.Name, created = x.Created, document = JsonNode.Parse(x.Json) };
    }

    /// <summary>Runs side by side: each run's row of key figures and, where its evaluations are stored, the decomposition's numbers.</summary>
    public object Compare(IReadOnlyList<string> ids)
    {
        if (ids.Count is < 1 or > 12) throw new BadRequest("name from 1 to 12 runs to compare: ?runs=ID,ID,….");
        var rows = List().ToDictionary(r => r.Id);
        return new
        {
            runs = ids.Select(id =>
            {
                var run = Run(id);
                var analysis = Analysis(run.Id);
                return new
                {
                    run = rows[run.Id],
                    analysis_available = analysis.Available,
                    decomposition = analysis.Decomposition,
                    behavioral_objectives = analysis.Splits.Select(s => new { split = s.Split, verdict = s.Behavioral.Verdict }),
                    outcomes = analysis.Splits.Select(s => new { split = s.Split, overall = s.Outcomes.Overall }),
                };
            }).ToList(),
        };
    }
}

/// <summary>Deploy-split figures a run has stored already (<paramref name="Source"/>: <c>study</c> or <c>evaluation</c>).</summary>
public sealed record DeployFigures(string Source, double? ObjectiveGeneralized, double? ObjectiveMisgeneralized, double? CapabilityFailure, string? BehavioralObjective);

/// <summary>One run in the list.</summary>
/// <param name="Progress">Share of the training budget done (null when the run has none).</param>
public sealed record RunRow(string Id, string Name, string Kind, string World, long Seed, string Status, string? Error, string? Study, string? StudyJob,
    DateTimeOffset Created, DateTimeOffset Updated, double WallSeconds, long EnvSteps, long TotalSteps, double? Progress, double? EpisodicReturn,
    double? SuccessRate, DeployFigures? Deploy);

public sealed record MetricView(long Update, long EnvStep, string Name, double Value);

/// <summary>Metric points after an update, with the run's status and the last update they reach.</summary>
public sealed record MetricsView(string RunId, string Status, long LastUpdate, IReadOnlyList<MetricView> Points);

/// <summary>
/// One analysed episode of an evaluation: its outcome class, the candidate it competently reached (null on a capability
/// failure), and the goal the behavioral-objective mixture says it pursued, with that goal's posterior probability.
/// </summary>
public sealed record EpisodeRow(int Index, long LevelIndex, int LevelSide, float Return, int Length, OutcomeClass Outcome, string? Pursued, bool Ambiguous,
    string Goal, double GoalProbability);

/// <summary>One evaluated split: its evaluation, outcome shares overall and by level size, behavioral objective and episodes.</summary>
public sealed record SplitView(string Split, long EvaluationId, SplitOutcomes Outcomes, BehavioralObjectiveSummary Behavioral, string BehavioralSummary,
    IReadOnlyList<EpisodeRow> Episodes);

/// <summary>The analysis of a run's stored evaluations, or why there is none yet.</summary>
public sealed record AnalysisView(string RunId, bool Available, string? Reason, string? BaseObjective, string? IntendedObjective,
    IReadOnlyList<SplitView> Splits, RobustnessDecompositionSummary? Decomposition)
{
    public static AnalysisView Missing(string runId, string reason) => new(runId, false, reason, null, null, [], null);
}
