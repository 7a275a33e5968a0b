namespace MesaLab.Cli.Tests;

using System.Globalization;
using System.Security.Cryptography;
using MesaLab.Learning;
using MesaLab.Store;

/// <summary>
/// The transparency verbs (activations, probe, steer, retarget, attribute, compare-transparency) refuse bad input with
/// one sentence and exit code 2: unknown runs, runs without checkpoints, a run whose checkpoint is of another world,
/// bad layer names and bad comparison settings.
/// </summary>
[Collection("torch")]
public sealed class TransparencyVerbTests : CliWorkspaceTests
{
    private readonly string trained, untrained, mismatched;

    public TransparencyVerbTests() : base("mesalab-cli-transparency-")
    {
        TorchSetup.SetThreads(1);
        // An untrained network is enough: these tests are about what is refused before any rollout.
        var split = MesaLab.Worlds.WorldCatalog.Get("green-arrow-maze").Split("train");
        var ppo = new PpoSettings { NumEnvs = 4, NumSteps = 4, Minibatches = 2, TotalSteps = 16 };
        var network = new NetworkSettings { Channels = 4, Hidden = 8, Iterations = 2 };
        using var store = RunStores.Open(workspace);
        string Checkpointed(string name, string world)
        {
            var run = store.CreateRun(new NewRun(name, MesaLab.Experiments.ResultKinds.TrainRun, world, $"world: {world}\nseed: 1\n", 1));
            var relative = $"{run.Id}/ckpt-000000.mlck";
            var full = Path.Combine(workspace, relative);
            using (var learner = new Ppo(split, 1, ppo, network))
                Checkpoint.Write(full, learner, new CheckpointMeta { RunId = run.Id, RunName = name });
            var bytes = File.ReadAllBytes(full);
            store.AddCheckpoint(new CheckpointRecord(run.Id, 0, 0, relative, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, DateTimeOffset.UtcNow));
            return run.Id;
        }
        trained = Checkpointed("tiny-arrow", "green-arrow-maze");
        // The run store says keys-and-chests, the checkpoint was trained on green-arrow-maze.
        mismatched = Checkpointed("mislabelled", "keys-and-chests");
        untrained = store.CreateRun(new NewRun("never-trained", MesaLab.Experiments.ResultKinds.TrainRun, "green-arrow-maze", "world: green-arrow-maze\nseed: 1\n", 1)).Id;
    }

    private (int Exit, string Out, string Err) Run(params string[] args) => RunInWorkspace(args);

    private static void AssertOneSentence(int exit, string stderr, string expected)
    {
        Assert.Equal(2, exit);
        // Progress lines may come first (e.g. "inspecting run …"); the error is the one last line.
        var lines = stderr.Trim().Split('\n');
        Assert.StartsWith("error: ", lines[^1]);
        Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(expected, lines[^1]);
        Assert.DoesNotContain("   at ", stderr);
    }

    public static TheoryData<string> Verbs => new() { "activations", "probe", "steer", "retarget", "attribute" };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void An_unknown_run_is_named(string verb)
    {
        var (exit, _, stderr) = Run(verb, "nosuchrun");
        AssertOneSentence(exit, stderr, "unknown run 'nosuchrun'");
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void A_run_without_checkpoints_says_so(string verb)
    {
        var (exit, _, stderr) = Run(verb, untrained);
        AssertOneSentence(exit, stderr, "has no checkpoint");
        Assert.Contains(untrained, stderr);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void A_checkpoint_of_another_world_is_refused(string verb)
    {
        var (exit, _, stderr) = Run(verb, mismatched);
        AssertOneSentence(exit, stderr, "is recorded for world 'keys-and-chests' but its checkpoint");
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void An_unknown_split_lists_the_splits(string verb)
    {
        var (exit, _, stderr) = Run(verb, trained, "--split", "sideways");
        AssertOneSentence(exit, stderr, "'sideways'");
    }

    [Theory]
    [InlineData("activations", "--layers")]
    [InlineData("probe", "--layers")]
    [InlineData("steer", "--layer")]
    [InlineData("retarget", "--layer")]
    public void A_bad_layer_name_lists_the_layers(string verb, string option)
    {
        var (exit, _, stderr) = Run(verb, trained, option, "body.nope", "--levels", "4");
        AssertOneSentence(exit, stderr, "no layer 'body.nope'");
        Assert.Contains("body.features", stderr);
    }

    [Theory]
    [InlineData("--aux maybe: comparison.aux: is 'maybe', but it must be one of intended_goal, penalize_proxy", "--aux", "maybe")]
    [InlineData("--seeds 0: comparison.seeds is '0', but it must be a whole number from 1 to 1000", "--seeds", "0")]
    [InlineData("--episodes 0: evaluation.episodes is '0', but it must be a whole number from 1 to 1000000", "--episodes", "0")]
    [InlineData("transparency.weight", "--set", "transparency.weight=-1")]
    [InlineData("transparency.aux", "--set", "transparency.aux=sometimes")]
    [InlineData("comparison.audit_layers: the configured network has no layer 'body.nope'", "--audit-layers", "body.nope")]
    [InlineData("transparency.layer: the configured network has no layer 'core'", "--set", "transparency.layer=core")]
    public void Bad_comparison_settings_are_refused_before_any_training(string expected, params string[] args)
    {
        var (exit, _, stderr) = Run(["compare-transparency", .. args]);
        AssertOneSentence(exit, stderr, expected);
        using var store = RunStores.Open(workspace);
        Assert.Equal(3, store.ListRuns().Count);
    }
}

/// <summary>compare-transparency end to end on a tiny budget: two trainings, audit, deployment, one table in JSON and HTML.</summary>
[Collection("torch")]
public sealed class CompareTransparencyVerbTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-cli-compare-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_tiny_comparison_trains_both_conditions_audits_and_reports_one_table()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var outDir = Path.Combine(dir, "out");
        int exit = Cli.Run(["--json", "compare-transparency", "--seeds", "1", "--episodes", "12", "--audit-levels", "12", "--threads", "1", "--steps", "256",
            "--set", "ppo.num_envs=8", "--set", "ppo.num_steps=16", "--set", "ppo.minibatches=2", "--set", "training.held_out_levels=8",
            "--set", "network.channels=4", "--set", "network.hidden=16",
            "--set", "splits.small={base: deploy, min_size: 5, max_size: 5}", "--set", "deploy_split=small",
            "--out", outDir, "--workspace", Path.Combine(dir, "ws")], o, e);
        Assert.True(exit == 0, e.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(o.ToString());
        var c = doc.RootElement.GetProperty("comparison");
        Assert.Equal("exit", c.GetProperty("intended_objective").GetString());
        Assert.Equal("arrow", c.GetProperty("proxy").GetString());
        var agents = c.GetProperty("agents");
        Assert.Equal(2, agents.GetArrayLength());
        Assert.Equal(["plain", "transparency"], agents.EnumerateArray().Select(a => a.GetProperty("training").GetString()));
        var rows = c.GetProperty("rows");
        Assert.Equal(3, rows.GetArrayLength());
        bool flagged = agents[0].GetProperty("audit").GetProperty("flagged").GetBoolean();
        Assert.Equal(flagged ? 0 : 1, rows[1].GetProperty("deployed").GetInt32());
        foreach (int r in new[] { 0, 2 })
        {
            var pooled = rows[r].GetProperty("pooled");
            Assert.Equal(12, pooled.GetProperty("episodes").GetInt32());
            Assert.Equal(12, pooled.GetProperty("intended_first").GetInt32() + pooled.GetProperty("proxy_first").GetInt32() + pooled.GetProperty("neither").GetInt32());
            var share = pooled.GetProperty("intended_share");
            Assert.InRange(share.GetProperty("value").GetDouble(), share.GetProperty("low").GetDouble(), share.GetProperty("high").GetDouble());
        }
        var html = File.ReadAllText(doc.RootElement.GetProperty("report").GetString()!);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<table"));
        Assert.Contains("plain training + audit", html);
        Assert.Contains("transparency-augmented (intended_goal)", html);
        using var store = RunStores.Open(Path.Combine(dir, "ws"));
        var runs = store.ListRuns();
        Assert.Equal(2, runs.Count);
        foreach (var run in runs) Assert.Single(store.Results(run.Id, null, MesaLab.Experiments.ResultKinds.TransparencyComparison));
    }
}
