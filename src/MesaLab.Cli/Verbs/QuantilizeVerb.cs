namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Experiments;
using MesaLab.Quantilizers;
using MesaLab.Store;

/// <summary>
/// <c>mesalab quantilize [CONFIG]</c>: the Goodhart curve of quantilizers on garden levels — bits of optimization, proxy
/// and true utility with confidence intervals, Taylor's cost bound per q, and a PPO agent trained on the proxy (plus the
/// exact proxy optimum) on the same bits axis.
/// </summary>
public static class QuantilizeVerb
{
    private static readonly ConfigAlias[] Aliases = [ConfigAliases.Seed, ConfigAliases.Threads, ConfigAliases.QuantilizerN, ConfigAliases.QuantilizerLevels];

    public static Command Create(CliContext cli)
    {
        var config = CommonOptions.ConfigFile("experiment file (YAML) with a quantilizer section; omitted: the built-in garden experiment, configs/quantilize.yaml");
        var plot = new Option<string?>("--plot") { Description = "also write the first base's Goodhart curve as a PNG to this file" }.NotBlank();
        var noStore = new Option<bool>("--no-store") { Description = "do not record the run in the run store" };
        var cmd = new Command("quantilize", "limit optimization with quantilizers: bits, the Goodhart curve (proxy vs true utility, with a PPO maximizer of the proxy) and Taylor's cost bound");
        cmd.Arguments.Add(config);
        ConfigAliases.AddTo(cmd, [ConfigAliases.World, .. Aliases]);
        foreach (var o in new Option[] { plot, noStore, CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var file = QuantilizeJob.Load(p.GetValue(config), []);
            var experiment = file.With(Overrides(p, file));
            using var store = p.GetValue(noStore) ? null : RunStores.OpenWorkspace(CommonOptions.Workspace(p));
            var result = QuantilizeJob.Run(store, experiment, p.GetValue(plot), cli.Output.Narrator());
            cli.Output.Result(new { kind = "quantilize", run_id = result.Run?.Id, store = result.Store, bound_holds = result.Curve.BoundHolds, plot = result.PlotPath, result = result.Curve },
                o => Human(o, result.Curve, result.Run?.Id));
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// --world, then the other options and --set. Another world than the file's starts from its own default
    /// parameters, since the file's world_parameters may not exist there.
    /// </summary>
    public static List<ConfigOverride> Overrides(ParseResult p, ExperimentConfig file)
    {
        var list = new List<ConfigOverride>();
        if (ConfigAliases.World.Override(p) is { } world && !string.Equals(world.Value, file.World.Name, StringComparison.OrdinalIgnoreCase))
        {
            list.Add(world);
            list.Add(new ConfigOverride("world_parameters", "{}", world.Source));
        }
        list.AddRange(ConfigAliases.Overrides(p, Aliases));
        return list;
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
