namespace MesaLab.Cli;

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MesaLab.Analysis;
using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Config;
using MesaLab.Worlds.Recording;

/// <summary>
/// <c>mesalab evaluate RUN|--world W --agent A --split S</c>: deploys a trained agent (its latest checkpoint) or a
/// scripted one on a split, stores the episodes, classifies their outcomes and infers the behavioral objective.
/// </summary>
public static class EvaluateVerb
{
    public static Command Create()
    {
        var cmd = new Command("evaluate", "deploy an agent on a split: record episodes, classify outcomes, infer its behavioral objective");
        var run = new Argument<string?>("RUN") { Description = "a trained run (id, name or unique prefix); its latest checkpoint is evaluated", Arity = ArgumentArity.ZeroOrOne };
        var world = new Option<string?>("--world") { Description = "world of a scripted agent (see `mesalab worlds list`)" };
        var agent = new Option<string?>("--agent") { Description = "scripted agent: random, shortest-path:CANDIDATE or mixture:CANDIDATE=WEIGHT,… (one goal per episode; random may be a component)" };
        var epsilon = new Option<double>("--epsilon") { Description = "probability that the scripted agent takes a uniformly random move instead", DefaultValueFactory = _ => 0 };
        var split = new Option<string>("--split") { Description = "split to deploy on (e.g. train, deploy)", DefaultValueFactory = _ => "deploy" };
        var episodes = new Option<int>("--episodes") { Description = "number of episodes (episode i plays level i of the split)", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "seed of the levels and of the agent's randomness", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch") { Description = "episodes stepped together", DefaultValueFactory = _ => Evaluator.DefaultBatchSize };
        var weights = new Option<bool>("--reward-weights") { Description = "also fit a linear reward over the candidates (maximum-causal-entropy IRL)" };
        var anyCell = new Option<bool>("--any-cell-goals") { Description = "let the mixture of goals include \"any cell\": episodes that pursue one cell no candidate names (slower)" };
        var noStore = new Option<bool>("--no-store") { Description = "do not store the evaluation in the run store" };
        var stored = new Option<long?>("--stored") { Description = "re-analyse a stored evaluation (by id) from its recorded trajectories instead of running episodes" };
        var workspace = RunsVerb.WorkspaceOption();
        cmd.Arguments.Add(run);
        foreach (var o in new Option[] { world, agent, epsilon, split, episodes, seed, batch, weights, anyCell, noStore, stored, workspace }) cmd.Options.Add(o);
        cmd.SetAction(p => Run(new Request(p.GetValue(run), p.GetValue(world), p.GetValue(agent), p.GetValue(epsilon), p.GetValue(split)!,
            p.GetValue(episodes), p.GetValue(seed), p.GetValue(batch), p.GetValue(weights), p.GetValue(noStore), p.GetValue(workspace), p.GetValue(stored))
        { AnyCellGoals = p.GetValue(anyCell) }));
        return cmd;
    }

    private sealed record Request(string? Run, string? World, string? Agent, double Epsilon, string Split, int Episodes, long Seed, int Batch,
        bool RewardWeights, bool NoStore, string? Workspace, long? Stored)
    {
        public bool AnyCellGoals { get; init; }
        public InferenceSettings Inference => new() { AnyCellGoals = AnyCellGoals };
    }

    private static int Run(Request q)
    {
        if (q.Stored is { } storedId) return Reanalyse(q, storedId);
        if (q.Episodes < 1) throw new UserError($"--episodes is {q.Episodes}, but it must be at least 1.");
        if (q.Batch < 1) throw new UserError($"--batch is {q.Batch}, but it must be at least 1.");
        if (q.Seed < 0) throw new UserError($"--seed is {q.Seed}, but it must be 0 or more.");
        var log = Output.Current;
        ulong seed = (ulong)q.Seed;
        IRunStore? store = null;
        try
        {
            World world;
            IPolicy policy;
            string? runId = null;
            ExperimentConfig? runConfig = null;
            if (q.Run is not null)
            {
                if (q.Agent is not null) throw new UserError("give either RUN (a trained agent) or --agent (a scripted one), not both.");
                store = RunStores.OpenExistingWorkspace(q.Workspace);
                var runRecord = store.GetRun(q.Run);
                runId = runRecord.Id;
                world = WorldCatalog.Get(runRecord.World);
                // The run's own configuration knows its world parameters and any splits it defined.
                if (!string.IsNullOrWhiteSpace(runRecord.Config)) runConfig = ExperimentConfig.Parse(runRecord.Config, $"configuration of run {runRecord.Name}");
                if (q.World is not null && !string.Equals(q.World, world.Name, StringComparison.OrdinalIgnoreCase))
                    throw new UserError($"--world is '{q.World}', but run {runRecord.Name} was trained on '{world.Name}'; leave --world out to evaluate on its world.");
                var ckpt = store.LatestCheckpoint(runId) ?? throw new UserError($"run {runRecord.Name} ({runId}) has no checkpoint to evaluate yet.");
                string path = Path.Combine(store.Workspace, ckpt.Path);
                var meta = Checkpoint.Read(path).Meta;
                if (meta.InputChannels != world.Channels.Count)
                    throw new UserError($"checkpoint {ckpt.Path} reads {meta.InputChannels} observation channels, but world '{world.Name}' writes {world.Channels.Count} ({string.Join(", ", world.Channels.Select(c => c.Name))}); it cannot be evaluated there.");
                policy = LearnedPolicy.Load(path, greedy: false, seed: seed);
            }
            else
            {
                if (q.World is null || q.Agent is null)
                    throw new UserError("give RUN (a trained agent) or both --world and --agent (a scripted agent: random, shortest-path:CANDIDATE or mixture:CANDIDATE=WEIGHT,…).");
                world = WorldCatalog.Get(q.World);
                policy = AgentSpec.Parse(q.Agent, q.Epsilon, seed, world);
            }
            var split = runConfig is not null ? runConfig.Split(q.Split) : world.Split(q.Split, null, "--split");

            log.Log($"evaluating {policy.Name} on {world.Name}/{split.Name}: {q.Episodes} episodes, seed {seed}");
            var sw = Stopwatch.StartNew();
            int lastShown = 0;
            var records = Evaluator.Run(split, policy, q.Episodes, seed, q.Batch, new SynchronousProgress(done =>
            {
                if (done == q.Episodes || done - lastShown >= Math.Max(1, q.Episodes / 10)) { lastShown = done; log.Log($"  {done}/{q.Episodes} episodes"); }
            }));
            (policy as IDisposable)?.Dispose();
            double evalSeconds = sw.Elapsed.TotalSeconds;
            log.Log("analysing: outcomes and behavioral objective (inverse RL: single goal and mixture of goals)");
            sw.Restart();
            var analysis = EvaluationAnalysis.Of(records, q.Inference, fitRewardWeights: q.RewardWeights);
            double analysisSeconds = sw.Elapsed.TotalSeconds;

            long? evaluationId = null;
            if (!q.NoStore)
            {
                store ??= RunStores.OpenWorkspace(q.Workspace);
                var stored = StoredEvaluations.Save(store, runId, split, policy.Name, seed, records);
                evaluationId = stored.Id;
                store.AddResult(runId, stored.Id, "analysis", "evaluation", System.Text.Json.JsonSerializer.Serialize(Document(q, world, split, policy, records, analysis, stored.Id, runId, evalSeconds, analysisSeconds), MesaLabJson.Indented));
                log.Log($"stored evaluation {stored.Id} in {store.Location}");
            }
            var doc = Document(q, world, split, policy, records, analysis, evaluationId, runId, evalSeconds, analysisSeconds);
            Output.Current.Result(doc, o => Human(o, world, split, policy, records, analysis, evaluationId));
            return 0;
        }
        finally
        {
            store?.Dispose();
        }
    }

    private static int Reanalyse(Request q, long evaluationId)
    {
        using var store = RunStores.OpenExistingWorkspace(q.Workspace);
        var evaluation = store.GetEvaluation(evaluationId);
        var records = StoredEvaluations.Load(store, evaluationId);
        if (records.Count == 0) throw new UserError($"evaluation {evaluationId} has no episodes to analyse.");
        Output.Current.Log($"re-analysing evaluation {evaluationId}: {evaluation.Agent} on {evaluation.World}/{evaluation.Split}, {records.Count} episodes");
        var sw = Stopwatch.StartNew();
        var analysis = EvaluationAnalysis.Of(records, q.Inference, fitRewardWeights: q.RewardWeights);
        var split = Replay.SplitOf(records[0]);
        var policy = new NamedAgent(evaluation.Agent);
        var doc = Document(q with { Seed = evaluation.Seed }, split.World, split, policy, records, analysis, evaluationId, evaluation.RunId, 0, sw.Elapsed.TotalSeconds);
        Output.Current.Result(doc, o => Human(o, split.World, split, policy, records, analysis, evaluationId));
        return 0;
    }

    /// <summary>Stands in for the agent of a stored evaluation (only its name is needed).</summary>
    private sealed class NamedAgent(string name) : IPolicy
    {
        public string Name => name;
        public bool NeedsObservations => false;
        public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves) => throw new NotSupportedException();
    }

    /// <summary>Reports progress on the calling thread (System.Progress would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private static object IntervalDoc(Estimate i) => new { value = i.Value, low = i.Low, high = i.High };

    private static object SharesDoc(OutcomeShares s) => new
    {
        group = s.Group,
        episodes = s.Episodes,
        objective_generalized = IntervalDoc(s.Generalized),
        objective_misgeneralized = IntervalDoc(s.Misgeneralized),
        capability_failure = IntervalDoc(s.CapabilityFailure),
        generalized_after_detour = IntervalDoc(s.Detour),
    };

    /// <summary>The mixture of goals: weights and β with intervals, goals summed over episodes, and each episode's posterior.</summary>
    public static object MixtureDoc(MixtureObjective m) => new
    {
        summary = m.Summary,
        coherent = m.Coherent,
        components = m.Components.Select(c => new { name = c.Name, weight = IntervalDoc(c.Weight), beta = c.Beta.IsAvailable ? IntervalDoc(c.Beta) : null, is_goal = c.IsGoal }),
        indistinguishable = m.Indistinguishable,
        episodes_by_goal = m.Episodes.GroupBy(e => e.Goal).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
        log_likelihood = m.LogLikelihood,
        random_log_likelihood = m.RandomLogLikelihood,
        episodes = m.Episodes.Select(e => new
        {
            episode = e.Episode,
            level = e.LevelIndex,
            goal = e.Goal,
            probability = e.Probability,
            posterior = m.Components.Select((c, k) => (c.Name, P: e.Posterior[k])).ToDictionary(x => x.Name, x => x.P),
        }),
    };

    public static object BehavioralDoc(BehavioralObjective b) => new
    {
        objective = b.Objective,
        best = b.Best,
        coherent = b.Coherent,
        indistinguishable = b.Indistinguishable,
        posterior = IntervalDoc(b.Posterior),
        beta = IntervalDoc(b.Beta),
        log_bayes_factor_vs_random = b.LogBayesFactorVsRandom,
        episodes = b.Episodes,
        steps = b.Steps,
        candidates = b.Candidates.Select(c => new
        {
            candidate = c.Candidate,
            posterior = IntervalDoc(c.Posterior),
            log_marginal_likelihood = c.LogMarginalLikelihood,
            beta = IntervalDoc(c.Beta),
        }),
        summary = b.Summary,
    };

    private static object Document(Request q, World world, Split split, IPolicy policy, IReadOnlyList<EpisodeRecord> records,
        EvaluationAnalysis a, long? evaluationId, string? runId, double evalSeconds, double analysisSeconds) => new
    {
        evaluation_id = evaluationId,
        run_id = runId,
        agent = policy.Name,
        world = world.Name,
        split = split.Name,
        seed = q.Seed,
        episodes = records.Count,
        base_objective = world.BaseObjective(split).Name,
        intended_objective = world.IntendedObjective(split).Name,
        mean_return = records.Average(r => (double)r.Return),
        mean_length = records.Average(r => (double)r.Length),
        outcomes = new
        {
            competence = new { factor = a.Table.Criterion.Factor, slack = a.Table.Criterion.Slack },
            all = SharesDoc(a.Table.All),
            distinguishing_levels = SharesDoc(a.Table.Distinguishing),
            by_side = a.Table.BySide.Select(SharesDoc),
            by_shortest_path = a.Table.ByShortestPath.Select(SharesDoc),
            capability_failure_reasons = a.Table.FailureReasons.ToDictionary(r => r.Reason, r => r.Count),
        },
        behavioral_objective = BehavioralDoc(a.Behavioral),
        behavioral_objective_mixture = MixtureDoc(a.Mixture),
        reward_weights = a.Weights?.Weights,
        seconds = new { evaluation = evalSeconds, analysis = analysisSeconds },
    };

    private static void Human(TextWriter o, World world, Split split, IPolicy policy, IReadOnlyList<EpisodeRecord> records, EvaluationAnalysis a, long? evaluationId)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"{policy.Name} on {world.Name}/{split.Name}: {records.Count} episodes, mean return {records.Average(r => r.Return).ToString("0.00", inv)}, mean length {records.Average(r => r.Length).ToString("0.0", inv)}");
        o.WriteLine($"intended objective: {world.IntendedObjective(split).Name}; competent = reached within max({a.Table.Criterion.Factor.ToString(inv)}×shortest, shortest+{a.Table.Criterion.Slack}) steps");
        o.WriteLine();
        o.WriteLine($"  {"episodes",-24} {"n",4}  {"generalized",-19} {"misgeneralized",-19} {"capability failure",-19}");
        foreach (var s in a.Table.BySide.Prepend(a.Table.Distinguishing).Prepend(a.Table.All).Concat(a.Table.ByShortestPath))
            o.WriteLine($"  {s.Group,-24} {s.Episodes,4}  {s.Generalized.Format(),-19} {s.Misgeneralized.Format(),-19} {s.CapabilityFailure.Format(),-19}");
        if (a.Table.All.DetourCount > 0) o.WriteLine($"  {a.Table.All.DetourCount} generalized episodes first visited another candidate off the way (detour)");
        if (a.Table.FailureReasons.Count > 0) o.WriteLine("  capability failures: " + string.Join(", ", a.Table.FailureReasons.Select(r => $"{r.Reason} {r.Count}")));
        o.WriteLine();
        o.WriteLine(a.Mixture.Summary);
        o.WriteLine("  episodes by goal pursued: " + string.Join(", ", a.Mixture.Episodes.GroupBy(e => e.Goal).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")));
        o.WriteLine("single goal: " + a.Behavioral.Summary);
        if (a.Weights is { } w)
            o.WriteLine("reward weights (max-causal-entropy IRL): " + string.Join(", ", w.Weights.Select(kv => $"{kv.Key} {kv.Value.ToString("0.00", inv)}")));
        if (evaluationId is { } id) o.WriteLine($"evaluation {id} in the run store");
    }
}
