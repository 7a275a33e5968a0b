namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Reports.Transparency;
using MesaLab.Transparency;

/// <summary><c>mesalab steer RUN</c>: add a steering vector with coefficient c and measure which goal the agent reaches first.</summary>
public static class SteerVerb
{
    public static Command Create()
    {
        var o = new TransparencyVerbOptions();
        var layer = new Option<string?>("--layer") { Description = "layer to steer (default: the middle layer)" };
        var feature = new Option<string?>("--feature") { Description = "candidate whose object is present vs removed in the pairs (default: the proxy, e.g. arrow)" };
        var levels = new Option<int>("--levels") { Description = "levels rolled out per coefficient (at least 200 for the issue's intervals)", DefaultValueFactory = _ => 200 };
        var coefficients = new Option<string?>("--coefficients") { Description = "comma-separated coefficients c (default -2,-1,-0.5,0,0.5,1,2)" };
        var greedy = new Option<bool>("--greedy") { Description = "take the most probable move instead of sampling" };
        var cmd = new Command("steer", "steer the agent with a vector (mean activation difference with vs without the proxy) and measure P(goal reached first) vs c");
        o.AddTo(cmd);
        foreach (var opt in new Option[] { layer, feature, levels, coefficients, greedy }) cmd.Options.Add(opt);
        cmd.SetAction(p =>
        {
            var (store, subject) = o.Open(p);
            using var _ = store;
            using var __ = subject;
            var settings = new SteeringSettings
            {
                Layer = p.GetValue(layer), Feature = p.GetValue(feature), Levels = ActivationsVerb.Check(p.GetValue(levels), "--levels"),
                Coefficients = TransparencyVerbOptions.ParseNumbers(p.GetValue(coefficients), "--coefficients", new SteeringSettings().Coefficients),
                Seed = p.GetValue(o.Seed), Greedy = p.GetValue(greedy),
            };
            var result = SteeringStudy.Run(subject.Network, subject.Split, settings, Output.Current.Log);
            TransparencyJobs.Store(store, subject, TransparencyResultKinds.Steering, subject.Split.Name, result);
            var goals = result.Points[0].FirstReached.Keys.ToList();
            var plot = TransparencyVerbOptions.SavePng(subject, $"steering-{result.Feature}.png", TransparencyPlots.SteeringCurve(result.Layer, result.Feature,
                [.. result.Points.Select(pt => pt.Coefficient)],
                [.. goals.Select(g => (g, (IReadOnlyList<MesaLab.Core.Estimate>)[.. result.Points.Select(pt => pt.FirstReached[g])]))]));
            Output.Current.Result(new { run = subject.Run.Id, steering = result, plot }, w =>
            {
                w.WriteLine($"steering run {subject.Run.Id} at {result.Layer} with the {result.Feature} vector (‖v‖ = {result.VectorNorm:G4}), {result.Levels} levels of '{result.Split}'");
                w.WriteLine($"  {"c",6}  " + string.Join("  ", goals.Select(g => $"P({g} first) [95% CI]".PadRight(28))));
                foreach (var pt in result.Points)
                    w.WriteLine($"  {pt.Coefficient,6:G3}  " + string.Join("  ", goals.Select(g => $"{TransparencyVerbOptions.F(pt.FirstReached[g].Value)} [{TransparencyVerbOptions.F(pt.FirstReached[g].Low)}, {TransparencyVerbOptions.F(pt.FirstReached[g].High)}]".PadRight(28))));
                w.WriteLine($"plot: {plot}");
            });
            return 0;
        });
        return cmd;
    }
}
