namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Reports.Transparency;
using MesaLab.Transparency;

/// <summary><c>mesalab retarget RUN</c>: edit the goal location the network encodes so the agent heads for arbitrary cells.</summary>
public static class RetargetVerb
{
    public static Command Create()
    {
        var o = new TransparencyVerbOptions();
        var layer = new Option<string?>("--layer") { Description = "layer to edit (default: where the last 'mesalab probe' decoded the goal best, else the middle layer)" };
        var goal = new Option<string?>("--goal") { Description = "candidate whose location is edited (default: the base objective)" };
        var levels = new Option<int>("--levels") { Description = "levels rolled out, one random target each", DefaultValueFactory = _ => 100 };
        var strength = new Option<double>("--strength") { Description = "scale of the edit", DefaultValueFactory = _ => 1.0 };
        var greedy = new Option<bool>("--greedy") { Description = "take the most probable move instead of sampling" };
        var cmd = new Command("retarget", "move the goal location encoded inside the network to arbitrary cells; success by distance and a shortest-path probability heatmap");
        o.AddTo(cmd);
        foreach (var opt in new Option[] { layer, goal, levels, strength, greedy }) cmd.Options.Add(opt);
        cmd.SetAction(p =>
        {
            var (store, subject) = o.Open(p);
            using var _ = store;
            using var __ = subject;
            var probes = TransparencyJobs.LatestProbes(store, subject);
            var settings = new RetargetSettings
            {
                Layer = p.GetValue(layer), Goal = p.GetValue(goal), Levels = ActivationsVerb.Check(p.GetValue(levels), "--levels"),
                Strength = p.GetValue(strength), Seed = p.GetValue(o.Seed), Greedy = p.GetValue(greedy),
            };
            var result = RetargetStudy.Run(subject.Network, subject.Split, settings, probes, Output.Current.Log);
            TransparencyJobs.Store(store, subject, TransparencyResultKinds.Retargeting, subject.Split.Name, result);
            static Estimate E(Estimate i) => i;
            var bars = TransparencyVerbOptions.SavePng(subject, "retarget-success.png", TransparencyPlots.RetargetSuccessByDistance(
                [.. result.ByDistance.Select(b => b.MaxDistance == int.MaxValue ? $"{b.MinDistance}+" : $"{b.MinDistance}–{b.MaxDistance}")],
                [.. result.ByDistance.Select(b => E(b.Retargeted))], [.. result.ByDistance.Select(b => E(b.Unedited))]));
            var heat = TransparencyVerbOptions.SavePng(subject, "retarget-heatmap.png", TransparencyPlots.ShortestPathHeatmap(
                "P(shortest path to each cell), goal edited to that cell", result.ExampleWidth, result.ExampleHeight, result.ExampleHeatmap, result.ExampleStart, result.ExampleGoal));
            var heat0 = TransparencyVerbOptions.SavePng(subject, "retarget-heatmap-unedited.png", TransparencyPlots.ShortestPathHeatmap(
                "P(shortest path to each cell), unedited", result.ExampleWidth, result.ExampleHeight, result.ExampleHeatmapUnedited, result.ExampleStart, result.ExampleGoal));
            Output.Current.Result(new { run = subject.Run.Id, retargeting = result, plots = new[] { bars, heat, heat0 } }, w =>
            {
                w.WriteLine($"retargeting run {subject.Run.Id}: edit at {result.Layer} (goal '{result.Goal}', strength {result.Strength}), {result.Levels} levels of '{result.Split}'");
                w.WriteLine($"  reached the target: {TransparencyVerbOptions.F(result.Overall.Value)} [{TransparencyVerbOptions.F(result.Overall.Low)}, {TransparencyVerbOptions.F(result.Overall.High)}]; unedited {TransparencyVerbOptions.F(result.OverallUnedited.Value)}");
                foreach (var b in result.ByDistance)
                    w.WriteLine($"  distance {b.MinDistance}{(b.MaxDistance == int.MaxValue ? "+" : "–" + b.MaxDistance)}: {TransparencyVerbOptions.F(b.Retargeted.Value)} (n = {b.Levels}), unedited {TransparencyVerbOptions.F(b.Unedited.Value)}");
                w.WriteLine($"plots: {bars}, {heat}, {heat0}");
            });
            return 0;
        });
        return cmd;
    }
}
