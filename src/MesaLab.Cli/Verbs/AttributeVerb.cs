namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Reports.Plots;
using MesaLab.Reports.Transparency;
using MesaLab.Transparency;

/// <summary><c>mesalab attribute RUN</c>: gradient×input and occlusion maps per input channel for one level.</summary>
public static class AttributeVerb
{
    public static Command Create()
    {
        var o = new TransparencyVerbOptions();
        var level = new Option<long>("--level") { Description = "level index in the split's stream", DefaultValueFactory = _ => 0 };
        var cmd = new Command("attribute", "attribution maps (gradient×input and occlusion) per input channel for the network's move at the start of one level");
        o.AddTo(cmd);
        cmd.Options.Add(level);
        cmd.SetAction(p =>
        {
            long index = p.GetValue(level);
            if (index < 0) throw new MesaLab.Core.UserError($"--level must be 0 or more; got {index}.");
            var (store, subject) = o.Open(p);
            using var _ = store;
            using var __ = subject;
            var result = TransparencyJobs.Attribute(subject, index, p.GetValue(o.Seed));
            TransparencyJobs.Store(store, subject, TransparencyResultKinds.Attribution, $"{subject.Split.Name}/{index}", result);
            var plots = new List<string>();
            foreach (var c in result.Channels.Where(c => c.GradientTimesInputTotal > 0 || c.OcclusionTotal > 0))
            {
                plots.Add(TransparencyVerbOptions.SavePng(subject, $"attribution-{index}-{c.Channel}-gradxinput.png",
                    TransparencyPlots.AttributionMap($"gradient×input, channel {c.Channel} (move {result.Move})", result.CanvasWidth, result.CanvasHeight, c.GradientTimesInput)));
                plots.Add(TransparencyVerbOptions.SavePng(subject, $"attribution-{index}-{c.Channel}-occlusion.png",
                    TransparencyPlots.AttributionMap($"occlusion, channel {c.Channel} (move {result.Move})", result.CanvasWidth, result.CanvasHeight, c.Occlusion)));
            }
            Output.Current.Result(new { run = subject.Run.Id, attribution = result, plots }, w =>
            {
                w.WriteLine($"attribution of move {result.Move} (p = {TransparencyVerbOptions.F(result.MoveProbabilities.Max())}) at the start of level {index} of '{result.Split}'");
                w.WriteLine($"  {"channel",-12} {"|grad×input|",14} {"|occlusion|",12}");
                foreach (var c in result.Channels)
                    w.WriteLine($"  {c.Channel,-12} {c.GradientTimesInputTotal,14:G4} {c.OcclusionTotal,12:G4}");
                w.WriteLine($"plots: {plots.Count} maps in {subject.Directory}");
            });
            return 0;
        });
        return cmd;
    }
}
