namespace MesaLab.Cli.Tests;

using System.Text.Json;
using MesaLab.Store;
using MesaLab.Worlds.Recording;

[Collection("torch")]
public sealed class EvaluateVerbTests() : CliWorkspaceTests("mesalab-cli-evaluate-")
{
    private (int Exit, string Out, string Err) Run(params string[] args) => RunInWorkspace(args);

    private int StoredEvaluations()
    {
        using var store = RunStores.Open(workspace);
        return store.Evaluations().Count;
    }

    [Fact]
    public void Scripted_arrow_seeker_is_stored_classified_and_identified()
    {
        var (exit, stdout, stderr) = Run("evaluate", "--world", "green-arrow-maze", "--agent", "shortest-path:arrow", "--split", "deploy",
            "--episodes", "30", "--evaluation-seed", "4", "--json");
        Assert.True(exit == 0, stderr);
        var doc = JsonDocument.Parse(stdout).RootElement;
        var bo = doc.GetProperty("behavioral_objective");
        Assert.Equal("arrow", bo.GetProperty("objective").GetString());
        Assert.True(bo.GetProperty("posterior").GetProperty("value").GetDouble() >= 0.95);
        var distinguishing = doc.GetProperty("outcomes").GetProperty("distinguishing_levels");
        Assert.True(distinguishing.GetProperty("objective_misgeneralized").GetProperty("value").GetDouble() >= 0.95);
        long id = doc.GetProperty("evaluation_id").GetInt64();

        using (var store = RunStores.Open(workspace))
        {
            var evaluation = store.GetEvaluation(id);
            Assert.Null(evaluation.RunId);
            var episodes = store.Episodes(id);
            Assert.Equal(30, episodes.Count);
            foreach (var e in episodes) Replay.Verify(EpisodeRecord.Decode(e.Trajectory));
        }

        // Re-analysis from the stored trajectories alone gives the same answer.
        (exit, stdout, stderr) = Run("evaluate", "--stored", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(exit == 0, stderr);
        var again = JsonDocument.Parse(stdout).RootElement.GetProperty("behavioral_objective");
        Assert.Equal(bo.GetProperty("summary").GetString(), again.GetProperty("summary").GetString());
        Assert.Equal(1, StoredEvaluations());
    }

    [Fact]
    public void A_trained_run_is_evaluated_from_its_checkpoint_deterministically_and_stored_with_the_run()
    {
        var (exit, stdout, stderr) = Run("train", "--world", "green-arrow-maze", "--steps", "512", "--threads", "1",
            "--set", "ppo.num_envs=16", "--set", "training.held_out_levels=8", "--json");
        Assert.True(exit == 0, stderr);
        string runId = JsonDocument.Parse(stdout).RootElement.GetProperty("run_id").GetString()!;

        string[] evaluate = ["evaluate", runId, "--split", "deploy", "--episodes", "12", "--evaluation-seed", "5", "--json"];
        (exit, stdout, stderr) = Run(evaluate);
        Assert.True(exit == 0, stderr);
        var first = JsonDocument.Parse(stdout).RootElement;
        (exit, stdout, stderr) = Run(evaluate);
        Assert.True(exit == 0, stderr);
        var second = JsonDocument.Parse(stdout).RootElement;
        // Same checkpoint, seed and split: the same episodes, outcomes and inferred objective.
        Assert.Equal(first.GetProperty("outcomes").GetRawText(), second.GetProperty("outcomes").GetRawText());
        Assert.Equal(first.GetProperty("behavioral_objective").GetRawText(), second.GetProperty("behavioral_objective").GetRawText());

        using var store = RunStores.Open(workspace);
        var stored = store.GetEvaluation(first.GetProperty("evaluation_id").GetInt64());
        Assert.Equal(runId, stored.RunId);
        var episodes = store.Episodes(stored.Id);
        Assert.Equal(12, episodes.Count);
        // Stored trajectories replay on their levels without the network.
        foreach (var e in episodes) Replay.Verify(EpisodeRecord.Decode(e.Trajectory));
        Assert.Equal(2, store.Evaluations(runId).Count);
    }

    [Fact]
    public void A_run_on_another_world_or_without_a_checkpoint_is_a_clear_error()
    {
        var (exit, stdout, stderr) = Run("train", "--world", "green-arrow-maze", "--steps", "256", "--threads", "1",
            "--set", "ppo.num_envs=8", "--set", "training.held_out_levels=4", "--json");
        Assert.True(exit == 0, stderr);
        string runId = JsonDocument.Parse(stdout).RootElement.GetProperty("run_id").GetString()!;
        (exit, _, stderr) = Run("evaluate", runId, "--world", "keys-and-chests");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: --world is 'keys-and-chests', but run", stderr);
        (exit, _, stderr) = Run("evaluate", runId, "--split", "sideways");
        Assert.Equal(2, exit);
        Assert.Contains("sideways", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(0, StoredEvaluations());
    }

    [Fact]
    public void Human_output_shows_shares_and_the_behavioral_objective()
    {
        var (exit, stdout, stderr) = Run("evaluate", "--world", "green-arrow-maze", "--agent", "random", "--split", "deploy", "--episodes", "20", "--no-store");
        Assert.True(exit == 0, stderr);
        Assert.Contains("capability failure", stdout);
        Assert.Contains("no coherent objective", stdout);
        Assert.Equal(0, StoredEvaluations());
    }

    [Fact]
    public void A_scripted_mixture_is_reported_as_a_mixture_with_per_episode_goals()
    {
        var (exit, stdout, stderr) = Run("evaluate", "--world", "green-arrow-maze", "--agent", "mixture:exit=0.5,arrow=0.5", "--split", "deploy",
            "--episodes", "40", "--evaluation-seed", "6", "--no-store", "--json");
        Assert.True(exit == 0, stderr);
        var doc = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("mixture:exit=0.5,arrow=0.5", doc.GetProperty("agent").GetString());
        var mixture = doc.GetProperty("behavioral_objective_mixture");
        Assert.True(mixture.GetProperty("coherent").GetBoolean());
        var weights = mixture.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("weight"));
        Assert.Equal(["exit", "arrow", "none"], weights.Keys);
        Assert.InRange(weights["exit"].GetProperty("value").GetDouble(), 0.3, 0.7);
        Assert.True(weights["exit"].GetProperty("low").GetDouble() < weights["exit"].GetProperty("high").GetDouble());
        var episodes = mixture.GetProperty("episodes").EnumerateArray().ToList();
        Assert.Equal(40, episodes.Count);
        Assert.All(episodes, e => Assert.Equal(1.0, e.GetProperty("posterior").EnumerateObject().Sum(p => p.Value.GetDouble()), 6));
        Assert.Equal(40, mixture.GetProperty("episodes_by_goal").EnumerateObject().Sum(p => p.Value.GetInt32()));

        (exit, stdout, stderr) = Run("evaluate", "--world", "green-arrow-maze", "--agent", "mixture:exit=0.5,arrow=0.5", "--split", "deploy", "--episodes", "40", "--evaluation-seed", "6", "--no-store");
        Assert.True(exit == 0, stderr);
        Assert.Contains("behavioral objective mixture: ", stdout);
        Assert.Contains("episodes by goal pursued: ", stdout);
        Assert.Contains("single goal: behavioral objective", stdout);
    }

    [Theory]
    [InlineData("mixture weights sum to 0.9, but they must sum to 1", "evaluate", "--world", "green-arrow-maze", "--agent", "mixture:exit=0.3,arrow=0.6")]
    [InlineData("no split 'sideways'", "evaluate", "--world", "green-arrow-maze", "--agent", "random", "--split", "sideways")]
    [InlineData("unknown world", "evaluate", "--world", "moon-maze", "--agent", "random")]
    [InlineData("no candidate objective 'cheese'", "evaluate", "--world", "green-arrow-maze", "--agent", "shortest-path:cheese")]
    [InlineData("has no run store", "evaluate", "nosuchrun")]
    [InlineData("--episodes", "evaluate", "--world", "green-arrow-maze", "--agent", "random", "--episodes", "0")]
    public void Bad_input_is_one_sentence_exit_2_and_stores_nothing(string expected, params string[] args)
    {
        var (exit, _, stderr) = Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", stderr);
        Assert.Equal(0, StoredEvaluations());
    }

    [Fact]
    public void A_truncated_stored_trajectory_is_a_user_error_and_stays_as_it_was()
    {
        var (exit, stdout, _) = Run("evaluate", "--world", "green-arrow-maze", "--agent", "random", "--episodes", "3", "--json");
        Assert.Equal(0, exit);
        long good = JsonDocument.Parse(stdout).RootElement.GetProperty("evaluation_id").GetInt64();
        long bad;
        byte[] truncated;
        using (var store = RunStores.Open(workspace))
        {
            var e = store.Episodes(good);
            truncated = e[0].Trajectory[..^7];
            bad = store.AddEvaluation(new NewEvaluation(null, "random", "green-arrow-maze", "deploy", "", 1), [e[0] with { Trajectory = truncated }]).Id;
        }
        var (exit2, _, stderr) = Run("evaluate", "--stored", bad.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, exit2);
        Assert.Contains("truncated or corrupt", stderr);
        using (var store = RunStores.Open(workspace))
        {
            Assert.Equal(truncated, store.Episodes(bad)[0].Trajectory);
            Assert.Equal(2, store.Evaluations().Count);
        }
    }
}
