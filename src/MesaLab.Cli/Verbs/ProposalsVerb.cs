namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Cli.Rendering;
using MesaLab.Experiments;
using MesaLab.Store;
using Spectre.Console;

/// <summary>
/// <c>mesalab proposals [CONFIG]</c>: training proposals compared on four axes (outer alignment, inner alignment,
/// training and performance competitiveness) as a study with seeds; <c>--dry-run</c> lists the proposals, their
/// procedures and what each axis measures.
/// </summary>
public static class ProposalsVerb
{
    private static readonly ConfigAlias[] Aliases =
        [ConfigAliases.Threads, ConfigAliases.Steps, ConfigAliases.Episodes, ConfigAliases.ProposalSeeds, ConfigAliases.Include, ConfigAliases.DisambiguatingFraction, ConfigAliases.Name];

    public static Command Create(CliContext cli)
    {
        var file = new Argument<string?>("CONFIG") { Description = "an experiment file with a proposals: section (configs/proposals.yaml); default: the built-in experiment with every proposal", Arity = ArgumentArity.ZeroOrOne };
        var jobs = new Option<int>("--jobs") { Description = "local worker processes (default: the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount }.Within(1, 4096);
        var dryRun = new Option<bool>("--dry-run") { Description = "list the proposals, their procedures and what each axis measures; train and store nothing" };
        var outDir = new Option<string>("--out") { Description = "directory for study.html with the proposals table and plot", DefaultValueFactory = _ => "mesalab-proposals" }.NotBlank();
        var cmd = new Command("proposals", "compare training proposals (plain RL, randomized levels, regret-based level replay, reward modeling, approval, imitative amplification, transparency) on outer alignment, inner alignment, training and performance competitiveness, over seeds");
        cmd.Arguments.Add(file);
        ConfigAliases.AddTo(cmd, Aliases);
        foreach (var o in new Option[] { jobs, dryRun, outDir, CommonOptions.Workspace(), CommonOptions.Set() }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(file), ConfigAliases.Overrides(p, Aliases));
            int workers = p.GetValue(jobs);
            if (workers < 1) throw new UserError($"--jobs {workers}: give at least one worker.");
            var plan = ProposalsPlan.Of(experiment);
            if (p.GetValue(dryRun))
            {
                var listing = ProposalsJob.DryRun(plan);
                cli.Output.Result(listing, o => WriteDryRun(o, listing));
                return 0;
            }
            string? workspace = CommonOptions.Workspace(p);
            using var store = RunStores.OpenWorkspace(workspace);
            var narrator = cli.Output.Narrator();
            var result = ProposalsJob.Run(store, plan, workers, MesalabCommands.Current(), workspace, p.GetValue(outDir)!, narrator, cli.Cancel);
            narrator.EndLine();
            cli.Output.Result(result, o =>
            {
                if (result.Comparison is { } c)
                {
                    var table = new Table { Border = TableBorder.Simple, Title = new TableTitle(Markup.Escape($"{result.Run.Study}: mean over seeds [95 % interval]; competitiveness relative to {c.Baseline}")) };
                    foreach (var h in new[] { "proposal", "outer alignment", "inner alignment", "training comp.", "performance comp.", "steps to competence", "seeds competent" }) table.AddColumn(h);
                    foreach (var r in c.Rows)
                        table.AddRow([.. new[] { r.Name, r.Outer.Format(), r.Inner.Format(), r.Training.Format(), r.Performance.Format(), r.StepsToCompetence.Format("N0"), $"{r.SeedsCompetent} of {r.Seeds}" }.Select(Markup.Escape)]);
                    Tables.Console(o).Write(table);
                }
                o.WriteLine($"{result.Run.Status.ByState["completed"]} of {result.Run.Status.Jobs} jobs completed in {result.Run.Seconds:0.0} s; report: {result.ReportPath}");
            });
            if (result.Run.Interrupted) return Cli.InterruptedExit;
            return result.Run.Status.Complete ? 0 : 1;
        });
        return cmd;
    }

    private static void WriteDryRun(TextWriter o, ProposalsDryRun d)
    {
        o.WriteLine($"study {d.Study}: {d.Proposals.Count} proposals × {d.Seeds.Count} seeds ({string.Join(", ", d.Seeds)}) = {d.Jobs} jobs of {d.StepsPerJob:N0} steps on {d.World}, trained on {d.TrainSplit}, deployed on {d.DeploySplit}; disambiguating fraction {d.DisambiguatingFraction:0.###}; nothing trained or stored.");
        foreach (var p in d.Proposals)
        {
            o.WriteLine();
            o.WriteLine($"{p.Name}: {p.Title}");
            o.WriteLine($"  idea:      {p.Idea}");
            o.WriteLine($"  procedure: {p.Procedure}");
            o.WriteLine($"  changes:   {p.Set}");
            o.WriteLine($"  keeps:     {p.Keeps}");
            o.WriteLine($"  loses:     {p.Loses}");
            o.WriteLine($"  overseer:  {p.Overseer ?? "none"}");
        }
        o.WriteLine();
        o.WriteLine($"axes (competitiveness relative to {d.Baseline}):");
        foreach (var a in d.Axes) o.WriteLine($"  {a.Axis}: {a.Measures}");
        o.WriteLine();
        if (d.NotOnThisWorld.Count == 0) o.WriteLine($"every proposal in the catalogue runs on {d.World}.");
        else
        {
            o.WriteLine($"not on {d.World} (refused if included):");
            foreach (var r in d.NotOnThisWorld) o.WriteLine($"  {r.Reason}");
        }
    }
}
