namespace MesaLab.Cli;

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MesaLab.Analysis.Quantilizers;
using MesaLab.Learning;
using MesaLab.Store;
using MesaLab.Worlds.Config;

/// <summary>
/// <c>mesalab quantilize [CONFIG]</c>: the Goodhart curve of quantilizers on garden levels — bits of
/// optimization, proxy and true utility with confidence intervals, Taylor's cost bound per q, and a PPO agent
/// trained on the proxy (plus the exact proxy optimum) on the same bits axis.
/// </summary>
public static class QuantilizeVerb
{
    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "experiment YAML (world, world_parameters, seed, threads and a quantilizer section); default: the built-in garden experiment, the same as configs/quantilize.yaml", Arity = ArgumentArity.ZeroOrOne };
        var world = new Option<string?>("--world") { Description = "world whose levels become gardens (its own default parameters when it differs from the config's world)" };
        var seed = new Option<long?>("--seed") { Description = "seed of levels, sampling, bootstrap and behaviour cloning" };
        var n = new Option<int?>("--n") { Description = "base trajectories sampled per level (quantilizer.n; n·q ≥ 1 for every q)" };
        var levels = new Option<int?>("--levels") { Description = "garden levels averaged over (quantilizer.levels)" };
        var set = new Option<string[]>("--set") { Description = "override a config field, e.g. --set quantilizer.cost_weight=0.5 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var plot = new Option<string?>("--plot") { Description = "also write the first base's Goodhart curve as a PNG to this file" };
        var workspace = RunsVerb.WorkspaceOption();
        var noStore = new Option<bool>("--no-store") { Description = "do not record the run in the run store" };
        var cmd = new Command("quantilize", "limit optimization with quantilizers: bits, the Goodhart curve (proxy vs true utility, with a PPO maximizer of the proxy) and Taylor's cost bound")
        {
            config, world, seed, n, levels, set, plot, workspace, noStore,
        };
        cmd.SetAction(parse => Run(parse.GetValue(config), parse.GetValue(world), parse.GetValue(seed), parse.GetValue(n), parse.GetValue(levels),
            parse.GetValue(set) ?? [], parse.GetValue(plot), parse.GetValue(workspace), parse.GetValue(noStore)));
        return cmd;
    }

    /// <summary>Loads the experiment: the file (or the built-in one), then --world, --seed, --n, --levels and --set in that order.</summary>
    public static ExperimentConfig LoadConfig(string? path, string? world, long? seed, int? n, int? levels, IEnumerable<string> sets)
    {
        var loaded = path is null
            ? ExperimentConfig.Parse(QuantilizerSection.DefaultExperiment, "built-in quantilize experiment")
            : ExperimentConfig.Load(path);
        var overrides = new List<ConfigOverride>();
        // Another world starts from its own default parameters (the file's may not exist there).
        if (world is not null && !string.Equals(world, loaded.World.Name, StringComparison.OrdinalIgnoreCase))
        {
            overrides.Add(ConfigOverride.Option("world", world, "--world"));
            overrides.Add(new ConfigOverride("world_parameters", "{}", "--world " + world));
        }
        if (seed is { } s) overrides.Add(ConfigOverride.Option("seed", s.ToString(CultureInfo.InvariantCulture), "--seed"));
        if (n is { } nn) overrides.Add(ConfigOverride.Option("quantilizer.n", nn.ToString(CultureInfo.InvariantCulture), "--n"));
        if (levels is { } l) overrides.Add(ConfigOverride.Option("quantilizer.levels", l.ToString(CultureInfo.InvariantCulture), "--levels"));
        overrides.AddRange(sets.Select(ConfigOverride.Parse));
        return overrides.Count == 0 ? loaded : loaded.With(overrides);
    }

    private static int Run(string? configPath, string? world, long? seed, int? n, int? levels, string[] sets, string? plotPath, string? workspace, bool noStore)
    {
        var output = Output.Current;
        var config = LoadConfig(configPath, world, seed, n, levels, sets);
        var section = config.Section<QuantilizerSection>("quantilizer");
        var settings = section.ToSettings(config);
        string where = config.Source;
        settings.Validate(where);
        var split = config.Split(section.Split);

        TorchSetup.SetThreads(config.Threads);
        IRunStore? store = noStore ? null : RunStores.OpenWorkspace(workspace);
        try
        {
            var run = store?.CreateRun(new NewRun(config.Name, "quantilize", config.World.Name, config.ToYaml(), config.Seed));
            if (run is not null) output.Log($"quantilize: run {run.Id} ({run.Name}) in {store!.Location}");
            var clock = Stopwatch.StartNew();
            GoodhartCurve curve;
            try
            {
                // The maximizer's PPO updates go to the run's metrics under the usual names (episodic_return, …).
                var points = new List<MetricPoint>(16);
                Action<UpdateMetrics>? onUpdate = run is null ? null : m =>
                {
                    points.Clear();
                    foreach (var (name, value) in m.Named())
                        if (double.IsFinite(value)) points.Add(new MetricPoint(m.Update, m.GlobalStep, name, value));
                    store!.AddMetrics(run.Id, points);
                };
                curve = GoodhartExperiment.Run(settings, split, output.Log, where, onUpdate);
            }
            catch
            {
                if (run is not null) store!.UpdateRun(run.Id, RunStatus.Failed, clock.Elapsed.TotalSeconds);
                throw;
            }
            output.Log($"quantilize: done in {clock.Elapsed.TotalSeconds:F1} s");
            if (run is not null)
            {
                store!.AddResult(run.Id, null, "quantilize", "goodhart-curve", JsonSerializer.Serialize(curve, MesaLabJson.Indented));
                store.UpdateRun(run.Id, RunStatus.Completed, clock.Elapsed.TotalSeconds);
            }
            if (plotPath is not null)
            {
                MesaLab.Reports.Quantilizers.GoodhartPlot.Save(curve, plotPath);
                output.Log($"quantilize: wrote {plotPath}");
            }
            output.Result(new { kind = "quantilize", run_id = run?.Id, store = store?.Location, bound_holds = curve.BoundHolds, result = curve }, o => Human(o, curve, run?.Id));
            return 0;
        }
        finally { store?.Dispose(); }
    }

    private static string MaximizerLine(string label, MaximizerPoint m) =>
        $"  {label} {m.Name}: proxy {m.Proxy:F3}, true {m.True:F3}, cost {m.Cost:F3}, reaches the goal {m.ReachProbability:P1}; its outcome is worth {m.OutcomeBits:F2} bits under this base (empirical {(m.EmpiricalBitsLowerBound ? "≥ " : "")}{m.EmpiricalBits:F2})";

    private static void Human(TextWriter o, GoodhartCurve c, string? runId)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"quantilizers on {c.World}/{c.Split}: proxy '{c.Proxy}' (shortest/steps on reaching it), true = proxy − {c.CostWeight.ToString(inv)} × {c.Cost} cells entered; n = {c.N} per level, {c.Levels.Count} levels");
        if (c.Cloning is { } bc)
            o.WriteLine($"behaviour cloning: {bc.Demonstrations} demonstrated moves; held-out agreement with the demonstrator's mode {bc.ModeAgreement:P1} (chance {bc.ModeChance:P1}), with its sampled moves {bc.SampledAgreement:P1} (chance 25%)");
        foreach (var b in c.Bases)
        {
            o.WriteLine();
            o.WriteLine($"base '{b.Base}': E[proxy] {b.BaseExact.Proxy:F3}, E[true] {b.BaseExact.True:F3}, E[cost] {b.BaseExact.Cost:F3}, reaches the goal {b.BaseExact.ReachProbability:P1}");
            o.WriteLine("  trajectory quantilizer");
            o.WriteLine("        q   bits  proxy (95% CI)          true (95% CI)            cost     bound E_base[c]/q  Taylor");
            foreach (var p in b.Trajectory)
                o.WriteLine($"  {p.Q,7:G3} {p.Bits,6:F2}  {p.Proxy.Value,6:F3} [{p.Proxy.Low:F3},{p.Proxy.High:F3}]  {p.True.Value,7:F3} [{p.True.Low:F3},{p.True.High:F3}]  {p.Cost.Value,7:F3}  {p.Bound.Limit,12:F3}  {(p.Bound.Holds ? "holds" : "VIOLATED")}");
            o.WriteLine("  per-action quantilizer (exact)");
            o.WriteLine("        q  bits/step  proxy    true     cost   outcome bits  E_base[c]/q (not guaranteed here)");
            foreach (var p in b.Action)
                o.WriteLine($"  {p.Q,7:G3} {p.BitsPerStep,9:F2}  {p.Proxy,6:F3}  {p.True,6:F3}  {p.Cost,6:F3}  {p.OutcomeBits,8:F2}      {p.TaylorLimit,10:F3}  {(p.WithinTaylorLimit ? "below" : "EXCEEDED")}");
            if (b.Maximizer is { } m) o.WriteLine(MaximizerLine("maximizer", m));
            o.WriteLine(MaximizerLine("limit    ", b.Limit));
        }
        o.WriteLine();
        o.WriteLine($"maximizer: {c.MaximizerKind}");
        if (c.Maximizer is { } t)
            o.WriteLine($"  trained {t.Steps:N0} steps in {t.Seconds:F1} s; last rollout: success {t.SuccessRate:P0}, episode length {t.EpisodeLength:F1}, entropy {t.Entropy:F2}");
        o.WriteLine($"limit: {c.LimitKind}");
        o.WriteLine($"Taylor's bound E_Q[cost] ≤ E_base[cost]/q: {(c.BoundHolds ? "holds at every q for every base" : "VIOLATED somewhere (see above)")}");
        if (runId is not null) o.WriteLine($"stored as run {runId} (mesalab runs show {runId})");
    }
}
