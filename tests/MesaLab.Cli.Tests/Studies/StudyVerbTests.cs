namespace MesaLab.Cli.Tests.Studies;

using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>The study verb's refusals (one sentence, exit code 2, nothing stored or lost) and its dry runs.</summary>
public sealed class StudyVerbTests() : CliWorkspaceTests("mesalab-cli-study-verb-")
{
    private static void OneSentence(int exit, string stderr, string expected)
    {
        Assert.Equal(2, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("seeds: [1, 2]", "seeds: []", "bad.yaml:18: study.seeds is empty")]
    [InlineData("- name: randomized", "- name: plain", "bad.yaml:22: study.procedures[1].name 'plain' is also the name of procedures[0]")]
    [InlineData("set: { train_split: train-randomized-2pct }", "extends: baseline", "bad.yaml:23: study.procedures[1].extends is 'baseline', but the procedures are plain, randomized")]
    [InlineData("set: { train_split: train-randomized-2pct }", "set: { ppo.totl_steps: 5 }", "bad.yaml:23: unknown field 'ppo.totl_steps' (did you mean 'total_steps'?)")]
    public void A_bad_study_file_is_one_sentence_at_its_line_and_stores_nothing(string from, string to, string expected)
    {
        string file = TinyStudy.Write(workspace, "bad");
        File.WriteAllText(file, File.ReadAllText(file).Replace(from, to, StringComparison.Ordinal));
        var (exit, _, stderr) = RunInWorkspace("study", file);
        OneSentence(exit, stderr, expected);
        Assert.False(File.Exists(Path.Combine(workspace, SqliteRunStore.FileName)) && StoredStudies() > 0);
    }

    private int StoredStudies()
    {
        using var store = RunStores.OpenWorkspace(workspace);
        return store.ListStudies().Count;
    }

    [Fact]
    public void A_study_name_stored_with_another_spec_is_refused_and_the_stored_study_is_kept()
    {
        string file = TinyStudy.Write(workspace, "kept");
        StudyRecord before;
        using (var store = RunStores.OpenWorkspace(workspace)) before = StudyJob.Prepare(store, ExperimentConfig.Load(file)).Stored;
        File.WriteAllText(file, File.ReadAllText(file).Replace("total_steps: 256", "total_steps: 512", StringComparison.Ordinal));

        var (exit, _, stderr) = RunInWorkspace("study", file);
        OneSentence(exit, stderr, "study 'kept' already exists in sqlite:");
        Assert.Contains("with a different spec (4 jobs, created", stderr);
        using var after = RunStores.OpenWorkspace(workspace);
        Assert.Equal(before.SpecHash, after.FindStudy("kept")!.SpecHash);
        Assert.All(after.StudyJobs("kept"), j => Assert.Contains("total_steps: 256", j.Config));
    }

    [Fact]
    public void Slurm_with_the_sqlite_store_is_refused_unless_the_study_runs_on_one_node()
    {
        string file = TinyStudy.Write(workspace, "nodes");
        var (exit, _, stderr) = RunInWorkspace("study", file, "--executor", "slurm");
        Assert.Equal(2, exit);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        if (SlurmCluster.Find("sbatch") is not null)
            Assert.Contains("cannot share the SQLite store", stderr);
        Assert.False(File.Exists(Path.Combine(workspace, SqliteRunStore.FileName)));
    }

    [Fact]
    public void A_slurm_dry_run_prints_the_array_script_with_the_resources_asked_for_and_stores_nothing()
    {
        string file = TinyStudy.Write(workspace, "script");
        var (exit, stdout, stderr) = RunInWorkspace("study", file, "--executor", "slurm", "--dry-run", "--single-node",
            "--partition", "short", "--time", "00:30:00", "--mem", "2G", "--cpus-per-task", "2");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n');
        foreach (var expected in new[] { "#!/bin/bash", "#SBATCH --job-name=mesalab-script", "#SBATCH --array=0-3", "#SBATCH --partition=short",
                     "#SBATCH --time=00:30:00", "#SBATCH --mem=2G", "#SBATCH --cpus-per-task=2" })
            Assert.Contains(expected, lines);
        Assert.Contains(lines, l => l.StartsWith("exec ", StringComparison.Ordinal) && l.Contains("study work script --job-index \"$SLURM_ARRAY_TASK_ID\"", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(workspace, SqliteRunStore.FileName)));
    }

    [Fact]
    public void Status_and_report_of_an_unknown_study_and_zero_workers_are_one_sentence()
    {
        string file = TinyStudy.Write(workspace, "known");
        using (var store = RunStores.OpenWorkspace(workspace)) StudyJob.Prepare(store, ExperimentConfig.Load(file));
        var (exit, _, stderr) = RunInWorkspace("study", "status", "unknown");
        OneSentence(exit, stderr, "unknown study 'unknown'");
        Assert.Contains("the studies are known", stderr);
        (exit, _, stderr) = RunInWorkspace("study", "report", "unknown", "--out", Path.Combine(workspace, "r"));
        OneSentence(exit, stderr, "unknown study 'unknown'");
        (exit, _, stderr) = RunInWorkspace("study", file, "--jobs", "0");
        OneSentence(exit, stderr, "--jobs 0");
    }

    [Fact]
    public void A_job_that_fails_is_tried_again_then_reported_with_its_error_and_a_new_start_retries_it()
    {
        string file = TinyStudy.Write(workspace, "failing");  // retries: 1
        using (var store = RunStores.OpenWorkspace(workspace)) StudyJob.Prepare(store, ExperimentConfig.Load(file));
        // Every job's stored configuration names a world that does not exist: each attempt fails before training.
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(workspace, SqliteRunStore.FileName)}"))
        {
            db.Open();
            using var update = db.CreateCommand();
            update.CommandText = "UPDATE study_jobs SET config = 'world: no-such-world\n'";
            Assert.Equal(4, update.ExecuteNonQuery());
        }

        var (exit, stdout, stderr) = RunInWorkspace("study", file, "--jobs", "1");
        Assert.True(exit == 1, stderr);
        using (var store = RunStores.OpenWorkspace(workspace))
            Assert.All(store.StudyJobs("failing"), j =>
            {
                Assert.Equal((StudyJobState.Failed, 2, 2), (j.EffectiveState, j.Attempts, j.Failures));  // the first try and one retry
                Assert.Contains("no-such-world", j.Error);
                Assert.Null(j.RunId);
            });
        Assert.Contains("4 failed", stdout);
        Assert.Contains("no-such-world", stdout);
        Assert.Contains("0 of 4 jobs completed", stdout);

        // Starting the study again gives the failed jobs their retries again.
        (exit, _, stderr) = RunInWorkspace("study", file, "--jobs", "1");
        Assert.Equal(1, exit);
        Assert.Contains("4 failed job(s) will be tried again", stderr);
        using var again = RunStores.OpenWorkspace(workspace);
        Assert.All(again.StudyJobs("failing"), j => Assert.Equal((StudyJobState.Failed, 4), (j.EffectiveState, j.Attempts)));
    }
}
