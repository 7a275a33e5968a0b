namespace MesaLab.Cli;

using System.CommandLine;
using System.Globalization;
using MesaLab.Cli.Options;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>
/// <c>mesalab search RUN…</c>: test-time compute, value-map probes by iteration and the goal moved mid-iteration on
/// trained runs (one per network and seed), pooled per network kind.
/// </summary>
public static class SearchVerb
{
    private static readonly ConfigAlias[] Aliases = [ConfigAliases.InspectionSplit, ConfigAliases.EvaluationSeed, ConfigAliases.Threads];

    public static Command Create(CliContext cli)
    {
        var runsArgument = new Argument<string[]>("RUN") { Description = "trained runs: ids, names or unique prefixes (one per network and seed)", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "directory for the plots (default ./mesalab-search)", DefaultValueFactory = _ => "mesalab-search" }.NotBlank();
        var cmd = new Command("search",
            "is the agent a search process inside? success vs maze side as the iterations grow, distance-to-goal probes by iteration, the goal moved mid-iteration; for recurrent runs, in-context learning over trials with hidden goals");
        cmd.Arguments.Add(runsArgument);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { outDir, CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            using var store = RunStores.OpenExistingWorkspace(CommonOptions.Workspace(p));
            var narrator = cli.Output.Narrator();
            var result = LearnedSearchJob.Run(store, p.GetValue(runsArgument)!, ConfigAliases.Overrides(p, Aliases), p.GetValue(outDir)!, narrator, cli.Cancel);
            narrator.EndLine();
            cli.Output.Result(result, w => Human(w, result));
            return 0;
        });
        return cmd;
    }

    private static void Human(TextWriter w, LearnedSearchResult r)
    {
        static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", CultureInfo.InvariantCulture);
        w.WriteLine("test-time compute (arrow on the exit): success [95% interval over seeds and levels] by maze side");
        foreach (var c in r.Compute)
            w.WriteLine($"  {c.Kind,-9} ×{c.Scale.ToString("0.##", CultureInfo.InvariantCulture),-4} ({c.Runs} run{(c.Runs == 1 ? "" : "s")}): "
                + string.Join("  ", c.Sizes.Select((s, i) => $"{s}: {c.Success[i].Format()}")));
        foreach (var run in r.Runs.Where(x => x.ValueMaps is not null))
        {
            var m = run.ValueMaps!;
            w.WriteLine($"value maps, run {run.Run} ({run.Kind}, seed {run.Seed}; K = {m.TrainedIterations} on '{m.Split}'): held-out R² [shuffled / random init] at iterations 0, K/2, K, last");
            int last = m.Rows.Max(x => x.Iteration);
            foreach (var goal in m.Goals)
                w.WriteLine($"  {goal,-6} " + string.Join("  ", new[] { 0, m.TrainedIterations / 2, m.TrainedIterations, last }.Distinct()
                    .Select(i => m.Rows.First(x => x.Goal == goal && x.Iteration == i)).Select(x => $"{x.Iteration}: {F(x.R2)} [{F(x.Shuffled)} / {(x.RandomInit is { } ri ? F(ri) : "—")}]")));
            var e = run.GoalEdit!;
            w.WriteLine($"  goal moved at iteration j of {e.Iterations}: P(new goal first) " + string.Join("  ", e.Points.Select(p => $"{p.FromIteration}: {p.TargetFirst.Format()}")));
        }
        foreach (var run in r.Runs.Where(x => x.InContext is not null))
        {
            w.WriteLine($"in-context learning, run {run.Run} ({run.Kind}, seed {run.Seed}; {run.InContext!.Trials} trials of {run.InContext.EpisodesPerTrial} episodes on '{run.InContext.Split}', goals hidden): mean steps by episode");
            foreach (var (who, result) in new[] { ("agent", run.InContext), ("scripted explorer", run.ScriptedInContext!) })
                for (int k = 0; k < result.Curves.Count; k++)
                    w.WriteLine($"  {who}, {result.Curves[k].Condition}: {string.Join("  ", result.Curves[k].Steps.Select(s => s.Format("0.0")))}; later / first {result.LaterOverFirst[k].Format()}");
        }
        foreach (var p in r.Plots) w.WriteLine($"plot: {p}");
    }
}
