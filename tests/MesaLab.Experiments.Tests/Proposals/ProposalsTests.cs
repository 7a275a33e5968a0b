namespace MesaLab.Experiments.Tests.Proposals;

using System.Text.Json;
using MesaLab.Experiments;
using MesaLab.Learning;
using MesaLab.Store;

/// <summary>A proposals file planned as a study, its refusals, and the four axes read back from synthetic stored results.</summary>
public sealed class ProposalsTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("mesalab-proposals-");

    public void Dispose() => dir.Delete(recursive: true);

    private string Write(string text)
    {
        string path = Path.Combine(dir.FullName, "proposals.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private ProposalsPlan Plan(string text) => ProposalsPlan.Of(ExperimentConfig.Load(Write(text)));

    [Fact]
    public void The_default_plan_trains_every_proposal_with_five_seeds_and_each_procedure_sets_what_its_documentation_says()
    {
        var plan = ProposalsPlan.Of(ExperimentConfig.Load(null));
        Assert.Equal(ProposalCatalog.All.Select(p => p.Name), plan.Proposals.Select(p => p.Proposal.Name));
        Assert.Equal("plain-rl", plan.Proposals[0].Proposal.Name);
        Assert.Equal(ProposalCatalog.All.Count * 5, plan.Study.Jobs.Count);
        Assert.Equal("proposals-green-arrow-maze", plan.Study.Name);
        ExperimentConfig Job(string proposal) => plan.Study.Jobs.First(j => j.Procedure == proposal).Config;

        Assert.Equal("train", Job("plain-rl").TrainSplitName);
        Assert.Equal(0.02, Job("randomized-levels").TrainSplit.Real("randomized_fraction"));
        Assert.Equal(CurriculumSettings.None, Job("randomized-levels").Section<CurriculumSettings>().Kind);
        Assert.Equal(0.02, Job("regret-replay").TrainSplit.Real("randomized_fraction"));
        Assert.Equal(CurriculumSettings.RegretReplay, Job("regret-replay").Section<CurriculumSettings>().Kind);
        Assert.Equal((SignalSettings.Approval, 0.0), (Job("approval-myopic").Section<SignalSettings>().Kind, Job("approval-myopic").Section<PpoSettings>().Gamma));
        Assert.Equal(SignalSettings.RewardModel, Job("reward-modeling").Section<SignalSettings>().Kind);
        Assert.Equal(TransparencyTrainingSettings.IntendedGoal, Job("transparency").Section<TransparencyTrainingSettings>().Aux);
        Assert.Equal(TransparencyTrainingSettings.ImitateIntended, Job("transparency-control").Section<TransparencyTrainingSettings>().Aux);
        // Everything else is plain RL's: the same worlds, budget and network.
        foreach (var p in plan.Proposals)
            Assert.Equal(Job("plain-rl").Section<PpoSettings>().TotalSteps, Job(p.Proposal.Name).Section<PpoSettings>().TotalSteps);

        var dry = ProposalsJob.DryRun(plan);
        Assert.Equal(["outer alignment", "inner alignment", "training competitiveness", "performance competitiveness"], dry.Axes.Select(a => a.Axis));
        Assert.All(dry.Proposals, p => Assert.True(p.Keeps.Length > 0 && p.Loses.Length > 0 && p.Jobs.Count == 5));
    }

    [Fact]
    public void The_shipped_proposals_file_plans_the_comparison_at_two_percent()
    {
        var plan = ProposalsPlan.Of(ExperimentConfig.Load(Path.Combine(RepoRoot(), "configs", "proposals.yaml")));
        Assert.Equal(("proposals-green-arrow", 40), (plan.Study.Name, plan.Study.Jobs.Count));
        // Keys and chests: every proposal runs there, over five seeds.
        var keys = ProposalsPlan.Of(ExperimentConfig.Load(Path.Combine(RepoRoot(), "configs", "proposals-keys-and-chests.yaml")));
        Assert.Equal(("proposals-keys-and-chests", 40), (keys.Study.Name, keys.Study.Jobs.Count));
        Assert.Empty(keys.Refused);
        Assert.Equal(ProposalCatalog.All.Select(p => p.Name).Except(keys.Refused.Select(r => r.Name)), keys.Proposals.Select(p => p.Proposal.Name));
    }

    [Fact]
    public void Bad_proposals_files_are_refused_in_one_sentence_naming_the_file_and_line()
    {
        string Refused(string text) => Assert.Throws<UserError>(() => Plan(text)).Message;
        var unknown = Refused("proposals:\n  include: [plain-rl, debate]\n");
        Assert.Contains("proposals.yaml:2", unknown);
        Assert.Contains("'debate'", unknown);
        Assert.Contains("plain-rl, randomized-levels, regret-replay", unknown);
        Assert.Contains("study: section", Refused("study:\n  seeds: [1]\n"));
        Assert.Contains("proposals.seeds is empty", Refused("proposals:\n  seeds: []\n"));
        Assert.Contains("twice", Refused("proposals:\n  include: [approval-myopic, approval-myopic]\n"));
        var keys = Refused("world: follow-the-leader\nproposals:\n  include: [randomized-levels, imitative-amplification]\n");
        Assert.Contains("proposals.yaml:3: imitative-amplification cannot run on world 'follow-the-leader'", keys);
        Assert.Contains("leave it out of proposals.include", keys);
        var onKeys = Plan("world: keys-and-chests\nproposals:\n  include: [randomized-levels]\n");
        Assert.Equal(2, onKeys.Proposals.Count);
        // Every catalogue proposal runs on keys and chests.
        Assert.Empty(onKeys.Refused);
        // The transparency proposals run there with their labels on the real observation (moving keys would change the intended route).
        var transparency = Plan("world: keys-and-chests\nproposals:\n  include: [transparency, transparency-control]\n");
        Assert.Equal(3, transparency.Proposals.Count);
        Assert.All(transparency.Proposals.Skip(1), p => Assert.Contains("transparency.counterfactual_proxy: false", p.Set));
        Assert.DoesNotContain("counterfactual_proxy", Plan("proposals:\n  include: [transparency]\n").Proposals[1].Set);
        Assert.Empty(Plan("proposals:\n  include: [randomized-levels]\n").Refused);
        Assert.Contains("signal.kind: amplification", Plan("world: keys-and-chests\nproposals:\n  include: [imitative-amplification]\n").Proposals[1].Set);
        Assert.Contains("amplification", Refused("world: follow-the-leader\nproposals:\n  include: [imitative-amplification]\n"));
        Assert.Contains("proposals.disambiguating_fraction", Refused("proposals:\n  disambiguating_fraction: 2\n"));
        foreach (var m in new[] { unknown, keys }) Assert.DoesNotContain("\n", m);
    }

    [Fact]
    public void The_study_report_reads_the_four_axes_from_stored_runs_whose_answer_is_known()
    {
        var plan = Plan("proposals:\n  include: [plain-rl, approval-myopic]\n  seeds: [1, 2]\nppo:\n  total_steps: 1024\n");
        using var store = RunStores.Open(Path.Combine(dir.FullName, "ws"));
        StudyJob.Prepare(store, plan.StudyConfig);
        // plain-rl: outer 1, inner 0.3 / 0.5, objective generalized 0.4, 1000 steps to competence;
        // approval-myopic: outer 1, inner 0.9, objective generalized 0.6, 4000 steps and 4000 queries.
        var values = new Dictionary<string, (double Inner, double Og, double Steps, double Queries)>
        {
            ["plain-rl/seed-1"] = (0.3, 0.4, 1000, 0), ["plain-rl/seed-2"] = (0.5, 0.4, 1000, 0),
            ["approval-myopic/seed-1"] = (0.9, 0.6, 4000, 4000), ["approval-myopic/seed-2"] = (0.9, 0.6, 4000, 4000),
        };
        foreach (var job in plan.Study.Jobs)
        {
            var v = values[job.Job];
            var run = store.CreateRun(new NewRun($"r-{job.Procedure}-{job.Seed}", ResultKinds.TrainRun, "green-arrow-maze", job.Config.ToYaml(), job.Seed)
                { Study = plan.Study.Name, StudyJob = job.Job });
            var lease = store.ClaimStudyJob(plan.Study.Name, RunHolder.ThisProcess(), 3, job.Job)!;
            StudyFigureValue F(string key, double value) => new(key, value, [value]);
            var document = new StudyRunDocument(plan.Study.Name, job.Job, job.Procedure, job.Seed, run.Id, 1, 1, 1, 10, "exit", "exit", ["exit", "arrow"],
            [
                F(StudyFigures.ObjectiveGeneralized, v.Og), F(ProposalFigures.OuterAlignment, 1), F(ProposalFigures.InnerAlignment, v.Inner),
                new(ProposalFigures.StepsToCompetence, v.Steps, []), new(ProposalFigures.SecondsToCompetence, v.Steps / 100, []),
                new(ProposalFigures.QueriesToCompetence, v.Queries, []), new(ProposalFigures.CompetenceReached, 1, []),
            ]);
            store.AddResult(run.Id, null, ResultKinds.StudyRun, job.Job, JsonSerializer.Serialize(document, MesaLabJson.Compact));
            store.ReleaseStudyJob(lease, StudyJobState.Completed, 1);
        }

        var data = StudyReportJob.Data(store, plan.Study.Name, replicates: 200);
        var rows = data.Proposals!.Rows;
        Assert.Equal(["plain-rl", "approval-myopic"], rows.Select(r => r.Name));
        Assert.Equal(0.4, rows[0].Inner.Value, 9);
        Assert.Equal(Estimate.Exact(1), rows[0].Training);
        Assert.Equal(0.25, rows[1].Training.Value, 9);
        Assert.Equal(1.5, rows[1].Performance.Value, 9);
        Assert.Equal(1, rows[1].Outer.Value, 9);
        Assert.Equal(4000, rows[1].QueriesToCompetence.Value, 9);
        Assert.Equal("an approval of one move", rows[1].Overseer);
        Assert.Equal([0.25, 0.25], rows[1].TrainingSeeds);
        Assert.Contains(data.Figures, f => f.Key == ProposalFigures.OuterAlignment && f.Kind == Reports.StudyFigureKind.ProposalAxis);
        var html = Reports.StudyReport.Build(data).Render();
        Assert.Contains("<section id=\"proposals\">", html);
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "MesaLab.sln"))) d = d.Parent;
        return d!.FullName;
    }
}
