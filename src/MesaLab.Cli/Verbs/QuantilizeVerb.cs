namespace MesaLab.Cli;

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MesaLab.Analysis.Quantilizers;
using MesaLab.Learning;

/// <summary>
/// <c>mesalab quantilize [CONFIG]</c>: the Goodhart curve of quantilizers on garden levels — bits of
/// optimization, proxy and true utility with confidence intervals, and Taylor's cost bound per q.
/// </summary>
public static class QuantilizeVerb
{
    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "YAML file with world, split, parameters and a quantilizer section (default: the embedded configs/quantilize.yaml settings)", Arity = ArgumentArity.ZeroOrOne };
        var world = new Option<string?>("--world") { Description = "world whose levels become gardens (its train split and default parameters when it differs from the config's)" };
        var seed = new Option<int?>("--seed") { Description = "seed of levels, sampling, bootstrap and behaviour cloning" };
        var n = new Option<int?>("--n") { Description = "base trajectories sampled per level (n·q ≥ 1 for every q)" };
        var levels = new Option<int?>("--levels") { Description = "garden levels averaged over" };
        var plot = new Option<string?>("--plot") { Description = "also write the Goodhart curve as a PNG to this file" };
        var cmd = new Command("quantilize", "limit optimization with quantilizers: bits, the Goodhart curve (proxy vs true utility) and Taylor's cost bound")
        {
            config, world, seed, n, levels, plot,
        };
        cmd.SetAction(parse => Run(parse.GetValue(config), parse.GetValue(world), parse.GetValue(seed), parse.GetValue(n), parse.GetValue(levels), parse.GetValue(plot)));
        return cmd;
    }

    private static int Run(string? configPath, string? world, int? seed, int? n, int? levels, string? plotPath)
    {
        var output = Output.Current;
        var settings = configPath is null ? new QuantilizerSettings() : QuantilizerConfig.Load(configPath);
        string where = configPath ?? "command line";
        if (world is not null && !string.Equals(world, settings.World, StringComparison.OrdinalIgnoreCase))
            settings = settings with { World = world, Split = "train", Parameters = new Dictionary<string, object>() };
        if (seed is { } sd)
        {
            if (sd < 0) throw new MesaLab.Worlds.UserError($"--seed is {sd}, but it must be 0 or more.");
            settings = settings with { Seed = (ulong)sd };
        }
        if (n is { } nn) settings = settings with { N = nn };
        if (levels is { } l) settings = settings with { Levels = l };

        TorchSetup.SetThreads(1);
        var clock = Stopwatch.StartNew();
        var curve = GoodhartExperiment.Run(settings, output.Log, where);
        output.Log($"quantilize: done in {clock.Elapsed.TotalSeconds:F1} s");
        if (plotPath is not null)
        {
            MesaLab.Reports.Quantilizers.GoodhartPlot.Save(curve, plotPath);
            output.Log($"quantilize: wrote {plotPath}");
        }
        output.Result(new { kind = "quantilize", bound_holds = curve.BoundHolds, result = curve }, o => Human(o, curve));
        return 0;
    }

    private static void Human(TextWriter o, GoodhartCurve c)
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
                o.WriteLine($"  {p.Q,7:G3} {p.Bits,6:F2}  {p.Proxy.Mean,6:F3} [{p.Proxy.Low:F3},{p.Proxy.High:F3}]  {p.True.Mean,7:F3} [{p.True.Low:F3},{p.True.High:F3}]  {p.Cost.Mean,7:F3}  {p.Bound.Limit,12:F3}  {(p.Bound.Holds ? "holds" : "VIOLATED")}");
            o.WriteLine("  per-action quantilizer (exact)");
            o.WriteLine("        q  bits/step  proxy    true     cost   outcome bits");
            foreach (var p in b.Action)
                o.WriteLine($"  {p.Q,7:G3} {p.BitsPerStep,9:F2}  {p.Proxy,6:F3}  {p.True,6:F3}  {p.Cost,6:F3}  {p.OutcomeBits,8:F2}");
            var m = b.Maximizer;
            o.WriteLine($"  maximizer {m.Name}: proxy {m.Proxy:F3}, true {m.True:F3}, cost {m.Cost:F3}; its outcome is worth {m.OutcomeBits:F2} bits under this base (empirical {(m.EmpiricalBitsLowerBound ? "≥ " : "")}{m.EmpiricalBits:F2})");
        }
        o.WriteLine();
        o.WriteLine($"maximizer: {c.MaximizerKind}");
        o.WriteLine($"Taylor's bound E_Q[cost] ≤ E_base[cost]/q: {(c.BoundHolds ? "holds at every q for every base" : "VIOLATED somewhere (see above)")}");
    }
}
