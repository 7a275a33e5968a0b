namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Reports.Transparency;
using MesaLab.Transparency;

/// <summary><c>mesalab probe RUN</c>: linear probes per layer and target with controls, plus the search-likeness test.</summary>
public static class ProbeVerb
{
    public static Command Create()
    {
        var o = new TransparencyVerbOptions();
        var levels = new Option<int>("--levels") { Description = "levels generated from the split", DefaultValueFactory = _ => 250 };
        var states = new Option<int>("--states") { Description = "agent positions per level", DefaultValueFactory = _ => 4 };
        var layers = new Option<string?>("--layers") { Description = "comma-separated layer names (default: up to 8 layers spread over the network)" };
        var noControl = new Option<bool>("--no-random-init") { Description = "skip the randomly initialized network control" };
        var noSearch = new Option<bool>("--no-search") { Description = "skip the search-likeness test (success and path efficiency vs maze size)" };
        var cmd = new Command("probe", "decode positions, goal directions and the next move from every layer with linear probes (held out, with controls)");
        o.AddTo(cmd);
        cmd.Options.Add(levels);
        cmd.Options.Add(states);
        cmd.Options.Add(layers);
        cmd.Options.Add(noControl);
        cmd.Options.Add(noSearch);
        cmd.SetAction(p =>
        {
            var (store, subject) = o.Open(p);
            using var _ = store;
            using var __ = subject;
            var chosen = subject.Layers(p.GetValue(layers));
            var settings = new ActivationSettings(ActivationsVerb.Check(p.GetValue(levels), "--levels"), ActivationsVerb.Check(p.GetValue(states), "--states"), p.GetValue(o.Seed));
            var result = TransparencyJobs.Probe(subject, chosen, settings, new ProbeSettings { Seed = p.GetValue(o.Seed) }, !p.GetValue(noControl), Output.Current.Log);
            TransparencyJobs.Store(store, subject, TransparencyResultKinds.Probes, subject.Split.Name, result);
            var png = TransparencyPlots.ProbeAccuracyByLayer(result.Layers,
                [.. result.Targets.Select(t => new ProbeAccuracySeries(t.Name, [.. result.Layers.Select(l => result.Row(t.Name, l)!.Accuracy)]))],
                chance: result.Rows.Average(r => r.Chance));
            var plot = TransparencyVerbOptions.SavePng(subject, $"probes-{subject.Split.Name}.png", png);

            SearchLikenessResult? search = null;
            string? searchPlot = null;
            if (!p.GetValue(noSearch))
            {
                Output.Current.Log("search-likeness: rolling out on mazes of growing size");
                search = SearchLikeness.Run(subject.Network, subject.Split, new SearchLikenessSettings { Seed = p.GetValue(o.Seed), LevelsPerSize = 30 }, Output.Current.Log);
                TransparencyJobs.Store(store, subject, TransparencyResultKinds.SearchLikeness, subject.Split.Name, search);
                if (search.BySize.Count > 0)
                    searchPlot = TransparencyVerbOptions.SavePng(subject, "search-likeness.png", TransparencyPlots.SearchLikeness(
                        [.. search.BySize.Select(s => (double)s.Value)],
                        [.. search.BySize.Select(s => s.Success)],
                        [.. search.BySize.Select(s => s.Efficiency)]));
            }
            Output.Current.Result(new { run = subject.Run.Id, probes = result, probe_plot = plot, search_likeness = search, search_plot = searchPlot }, w =>
            {
                w.WriteLine($"held-out probe accuracy, run {subject.Run.Id}, split '{subject.Split.Name}' ({result.Samples} states); in brackets: chance / shuffled labels / random init");
                foreach (var t in result.Targets)
                {
                    w.WriteLine($"  {t.Name}");
                    foreach (var l in result.Layers)
                    {
                        var r = result.Row(t.Name, l)!;
                        w.WriteLine($"    {l,-18} {TransparencyVerbOptions.F(r.Accuracy)}  [{TransparencyVerbOptions.F(r.Chance)} / {TransparencyVerbOptions.F(r.ShuffledLabels)} / {(r.RandomInit is { } ri ? TransparencyVerbOptions.F(ri) : "—")}]");
                    }
                }
                w.WriteLine($"plot: {plot}");
                if (search is not null)
                {
                    w.WriteLine("search-likeness (arrow on the exit; the shortest-path agent scores 1 / 1):");
                    foreach (var s in search.BySize)
                        w.WriteLine($"  size {s.Value,2}: success {TransparencyVerbOptions.F(s.Success.Value)} [{TransparencyVerbOptions.F(s.Success.Low)}, {TransparencyVerbOptions.F(s.Success.High)}], path efficiency {TransparencyVerbOptions.F(s.Efficiency)}");
                    foreach (var s in search.Skipped) w.WriteLine($"  skipped {s}");
                    if (searchPlot is not null) w.WriteLine($"plot: {searchPlot}");
                }
            });
            return 0;
        });
        return cmd;
    }
}
