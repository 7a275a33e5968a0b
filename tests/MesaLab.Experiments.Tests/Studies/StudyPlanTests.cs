namespace MesaLab.Experiments.Tests.Studies;

using MesaLab.Experiments;

/// <summary>A study file expanded into jobs: what it plans, what it refuses (one sentence naming the file and line), and its identity.</summary>
public sealed class StudyPlanTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("mesalab-study-plan-");

    public void Dispose() => dir.Delete(recursive: true);

    private const string Good = """
        name: tiny-study
        world: green-arrow-maze
        splits:
          train-randomized-2pct:
            base: train
            randomized_fraction: 0.02
        threads: 1
        study:
          seeds: [3, 1]
          procedures:
            - name: plain
            - name: randomized
              description: 2 % randomized
              set:
                train_split: train-randomized-2pct
            - name: small
              extends: randomized
              set: { ppo.total_steps: 2048, network: { channels: 4 } }
        """;

    private string Write(string text, string name = "study.yaml")
    {
        string path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private StudyPlan Plan(string text, params string[] sets) =>
        StudyPlan.Of(ExperimentConfig.Load(Write(text), sets.Select(ConfigOverride.Parse)));

    private string Refused(string text) => Assert.Throws<UserError>(() => Plan(text)).Message;

    [Fact]
    public void Procedures_times_seeds_become_jobs_seed_by_seed()
    {
        var plan = Plan(Good);
        Assert.Equal("tiny-study", plan.Name);
        Assert.Equal(["plain/seed-3", "randomized/seed-3", "small/seed-3", "plain/seed-1", "randomized/seed-1", "small/seed-1"], plan.Jobs.Select(j => j.Job));
        var small = plan.Jobs.Single(j => j.Job == "small/seed-1").Config;
        // A procedure that extends another has its changes, then its own.
        Assert.Equal(("train-randomized-2pct", 1L, "tiny-study-small-seed1"), (small.TrainSplitName, small.Seed, small.Name));
        Assert.Equal(2048, small.Section<MesaLab.Learning.PpoSettings>().TotalSteps);
        Assert.Equal(4, small.Section<MesaLab.Learning.NetworkSettings>().Channels);
        Assert.Null(small.RawSection("study"));
        var plain = plan.Jobs.Single(j => j.Job == "plain/seed-3").Config;
        Assert.Equal(("train", 3L), (plain.TrainSplitName, plain.Seed));

        // What the store keeps: each job's configuration in full, without the study section, readable on its own.
        var stored = plan.ToNewStudy();
        Assert.Equal(6, stored.Jobs.Count);
        var reread = ExperimentConfig.ParseStored(stored.Jobs[2].Config, "stored");
        Assert.Equal((2048L, 3L, "train-randomized-2pct"), (reread.Section<MesaLab.Learning.PpoSettings>().TotalSteps, reread.Seed, reread.TrainSplitName));
        Assert.Contains("study:", plan.Spec);
    }

    [Fact]
    public void The_spec_hash_changes_with_what_is_computed_not_with_how_it_is_run()
    {
        var plan = Plan(Good);
        Assert.Equal(plan.SpecHash, Plan(Good).SpecHash);
        Assert.Equal(plan.SpecHash, Plan(Good, "study.retries=5", "study.slurm.partition=gpu", "study.slurm.memory=8G").SpecHash);
        Assert.NotEqual(plan.SpecHash, Plan(Good, "study.seeds=[3, 1, 2]").SpecHash);
        Assert.NotEqual(plan.SpecHash, Plan(Good, "ppo.total_steps=4096").SpecHash);
        Assert.NotEqual(plan.SpecHash, Plan(Good.Replace("channels: 4", "channels: 6", StringComparison.Ordinal)).SpecHash);
    }

    [Fact]
    public void Duplicate_and_unknown_procedure_names_are_refused_at_their_line()
    {
        string file = Path.Combine(dir.FullName, "study.yaml");
        var dup = Refused(Good.Replace("name: small", "name: plain", StringComparison.Ordinal));
        Assert.Equal($"{file}:16: study.procedures[2].name 'plain' is also the name of procedures[0]; procedure names must be unique.", dup);
        var unknown = Refused(Good.Replace("extends: randomized", "extends: randomised", StringComparison.Ordinal));
        Assert.Equal($"{file}:17: study.procedures[2].extends is 'randomised', but the procedures are plain, randomized, small.", unknown);
        Assert.Contains("must be letters, digits", Refused(Good.Replace("name: plain", "name: 'plain ppo'", StringComparison.Ordinal)));
        Assert.Contains("extends itself", Refused(Good.Replace("- name: randomized", "- name: randomized\n      extends: small", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_override_of_an_unknown_field_names_the_file_and_line()
    {
        string file = Path.Combine(dir.FullName, "study.yaml");
        var e = Refused(Good.Replace("ppo.total_steps: 2048", "ppo.total_stepz: 2048", StringComparison.Ordinal));
        Assert.StartsWith($"{file}:18: unknown field 'ppo.total_stepz' (did you mean 'total_steps'?)", e);
        var nested = Refused(Good.Replace("train_split: train-randomized-2pct", "train_splt: train-randomized-2pct", StringComparison.Ordinal));
        Assert.StartsWith($"{file}:15: unknown field 'train_splt'", nested);
        var bad = Refused(Good.Replace("channels: 4", "channels: many", StringComparison.Ordinal));
        Assert.StartsWith($"{file}:18: network.channels is 'many'", bad);
        Assert.Contains("a procedure cannot change 'seed'", Refused(Good.Replace("- name: plain", "- name: plain\n      set: { seed: 4 }", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_study_needs_seeds_and_procedures()
    {
        string file = Path.Combine(dir.FullName, "study.yaml");
        Assert.Equal($"{file}:9: study.seeds is empty; give the seeds every procedure is trained with, e.g. seeds: [1, 2, 3].",
            Refused(Good.Replace("seeds: [3, 1]", "seeds: []", StringComparison.Ordinal)));
        Assert.Contains("study.seeds[1] repeats seed 3", Refused(Good.Replace("seeds: [3, 1]", "seeds: [3, 3]", StringComparison.Ordinal)));
        Assert.Contains("study.procedures is empty", Refused("world: green-arrow-maze\nstudy:\n  seeds: [1]\n"));
        Assert.Contains("has no study: section", Refused("world: green-arrow-maze\n"));
        Assert.Contains("has no value, but the study has an axis", Refused(Good.Replace("study:", "study:\n  axis: fraction", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_shipped_studies_plan_as_documented()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MesaLab.sln"))) root = Path.GetDirectoryName(root)!;
        var homogeneity = StudyPlan.Of(ExperimentConfig.Load(Path.Combine(root, "configs", "homogeneity.yaml")));
        Assert.True(homogeneity.Procedures.Count >= 3 && homogeneity.Settings.Seeds.Count >= 10);
        Assert.Contains(homogeneity.Procedures, p => p.Config.TrainSplit.Real("randomized_fraction") == 0.02);
        var mitigation = StudyPlan.Of(ExperimentConfig.Load(Path.Combine(root, "configs", "mitigation-study.yaml")));
        Assert.Equal([0, 0.005, 0.01, 0.02, 0.05, 0.1], mitigation.Procedures.Select(p => p.Value!.Value));
        Assert.Equal([0, 0.005, 0.01, 0.02, 0.05, 0.1], mitigation.Procedures.Select(p => p.Config.TrainSplit.Real("randomized_fraction")));
        Assert.True(mitigation.Settings.Seeds.Count >= 5);
        Assert.Equal("randomized fraction", mitigation.Settings.Axis);
    }
}
