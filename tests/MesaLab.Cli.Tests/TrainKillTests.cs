namespace MesaLab.Cli.Tests;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MesaLab.Store;
using Xunit.Abstractions;

/// <summary>
/// <c>mesalab train</c> as a real child process, killed with SIGKILL at random moments — while a checkpoint is being
/// written and while the run store commits (through <c>MESALAB_TEST_PAUSE</c>), at random updates, and after the last
/// checkpoint — and resumed each time with <c>--resume</c>; and stopped with SIGTERM and SIGINT, which save and exit 130.
/// </summary>
public sealed class TrainKillTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    // A small learner (an MLP over 8 instances × 16 steps) so a run takes seconds; checkpoints often, so kills lose little.
    private const int Updates = 100, StepsPerUpdate = 8 * 16;
    private static readonly string Config = $$"""
        world: green-arrow-maze
        seed: 7
        threads: 1
        ppo: { num_envs: 8, num_steps: 16, total_steps: {{Updates * StepsPerUpdate}}, epochs: 2, minibatches: 2 }
        network: { kind: mlp, hidden: 32 }
        training: { checkpoint_seconds: 0.1, held_out_levels: 200 }
        """;

    private readonly string root = Directory.CreateTempSubdirectory("mesalab-kill-").FullName;

    private enum Moment { StoreCommit, FileWrite, AtRandomUpdate, AfterLastCheckpoint }

    /// <summary>One kill: the process started at update <paramref name="StartedAt"/>, had logged <paramref name="ReachedUpdate"/> when it died, and its latest checkpoint kept <paramref name="Kept"/>.</summary>
    private sealed record Kill(Moment Moment, string Where, long StartedAt, long ReachedUpdate, long Kept)
    {
        public long LostUpdates => ReachedUpdate - Kept;
    }

    [Fact]
    public void Training_killed_at_random_moments_and_resumed_ends_as_the_uninterrupted_run()
    {
        int scheduleSeed = Environment.GetEnvironmentVariable("MESALAB_KILL_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Environment.TickCount & 0xFFFF;
        var rng = new Random(scheduleSeed);
        output.WriteLine($"kill schedule seed {scheduleSeed} (set MESALAB_KILL_SEED to repeat it)");
        string config = Path.Combine(root, "tiny.yaml");
        File.WriteAllText(config, Config);
        string killed = Path.Combine(root, "killed"), reference = Path.Combine(root, "reference");
        var clock = Stopwatch.StartNew();

        using var uninterrupted = MesalabProcess.Start(["train", config, "--workspace", reference, "--json"]);
        Moment[] plan = [Moment.StoreCommit, Moment.AtRandomUpdate, Moment.FileWrite, Moment.AtRandomUpdate, Moment.StoreCommit, Moment.AtRandomUpdate, Moment.AfterLastCheckpoint];
        var kills = new List<Kill>();
        string? runId = null;
        bool completed = false;
        Directory.CreateDirectory(killed);
        using (var store = RunStores.Open(killed))
        {
            foreach (var moment in plan)
            {
                string[] args = runId is null ? ["train", config, "--workspace", killed, "--json"] : ["train", "--resume", runId, "--workspace", killed, "--json"];
                long resumedFrom = runId is null ? 0 : store.LatestCheckpoint(runId)?.Update ?? 0;
                var pause = moment switch
                {
                    Moment.StoreCommit => $"{TestPause.StoreCommit}:{rng.Next(6, 40)}",
                    Moment.FileWrite => $"{TestPause.FileWrite}:{rng.Next(1, 4)}",
                    _ => null,
                };
                using var child = MesalabProcess.Start(args, pause is null ? null : new Dictionary<string, string> { [TestPause.Variable] = pause });
                string where = KillAt(child, moment, pause, store, ref runId, resumedFrom, rng, killed);
                int exit = child.WaitForExit(Patience);
                if (where.Length == 0)
                {
                    Assert.True(exit == 0, $"mesalab exited with {exit}: {child.Errors}");
                    completed = true;
                    output.WriteLine($"the run completed before the planned kill ({moment})");
                    break;
                }
                Assert.Equal(128 + MesalabProcess.SigKill, exit);
                runId ??= store.ListRuns().Single().Id;
                long reached = store.LastMetrics(runId).Select(m => m.Update).DefaultIfEmpty(0).Max();
                kills.Add(new Kill(moment, where, resumedFrom, reached, store.LatestCheckpoint(runId)?.Update ?? 0));
                Assert.Equal(RunStatus.Interrupted, store.GetRun(runId).EffectiveStatus);
            }
            if (!completed)
            {
                using var last = MesalabProcess.Start(["train", "--resume", runId!, "--workspace", killed, "--json"]);
                int exit = last.WaitForExit(Patience);
                Assert.True(exit == 0, $"the last resume exited with {exit}: {last.Errors}");
            }

            Assert.True(kills.Count >= 5, $"only {kills.Count} kills landed before the run completed");
            var run = store.GetRun(runId!);
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Empty(store.Check());
            Assert.Empty(AtomicFile.TemporaryFiles(killed, recursive: true));
            var recorded = store.Checkpoints(run.Id).Select(c => Path.GetFullPath(Path.Combine(killed, c.Path))).Order().ToList();
            Assert.Equal(recorded, Directory.GetFiles(Path.Combine(killed, run.Id), "*.mlck").Select(Path.GetFullPath).Order().ToList());

            // Metric steps continuous, each (update, name) once, and the values those of the run no one killed.
            var metrics = store.Metrics(run.Id);
            Assert.Equal(Enumerable.Range(1, Updates).Select(u => (long)u), metrics.Where(m => m.Name == "policy_loss").Select(m => m.Update));
            Assert.Equal(metrics.Count, metrics.Select(m => (m.Update, m.Name)).Distinct().Count());
            Assert.Equal(0, uninterrupted.WaitForExit(Patience));
            using var referenceStore = RunStores.Open(reference);
            var referenceRun = referenceStore.ListRuns().Single();
            static IEnumerable<MetricPoint> Deterministic(IEnumerable<MetricPoint> all) => all.Where(m => m.Name != "sps");
            Assert.Equal(Deterministic(referenceStore.Metrics(referenceRun.Id)), Deterministic(metrics));
            Assert.Equal(HeldOut(referenceStore, referenceRun.Id), HeldOut(store, run.Id));
        }

        output.WriteLine($"{kills.Count} kills survived in {clock.Elapsed.TotalSeconds:F1} s (reference run in parallel); {Updates} updates of {StepsPerUpdate} steps");
        foreach (var k in kills)
            output.WriteLine($"  {k.Where,-44} started at update {k.StartedAt,3}, reached {k.ReachedUpdate,3}, kept {k.Kept,3}: lost {k.LostUpdates} updates ({k.LostUpdates * StepsPerUpdate} steps)");
        output.WriteLine($"lost work per kill: mean {kills.Average(k => k.LostUpdates):F1} updates, max {kills.Max(k => k.LostUpdates)}");
    }

    /// <summary>Kills <paramref name="child"/> at the planned moment; returns where, or "" when it completed first.</summary>
    private static string KillAt(MesalabProcess child, Moment moment, string? pause, IRunStore store, ref string? runId, long resumedFrom, Random rng, string workspace)
    {
        switch (moment)
        {
            case Moment.StoreCommit or Moment.FileWrite:
            {
                var line = child.WaitForError(l => l.StartsWith(TestPause.Announcement, StringComparison.Ordinal), Patience);
                if (line is null) return "";
                if (moment == Moment.FileWrite)
                    Assert.NotEmpty(AtomicFile.TemporaryFiles(workspace, recursive: true)); // the kill lands mid-write
                child.Signal(MesalabProcess.SigKill);
                return $"paused at {pause}";
            }
            case Moment.AtRandomUpdate:
            {
                long target = Math.Min(Updates - 1, resumedFrom + rng.Next(3, 20));
                if (!WaitUntil(child, store, id => LastUpdate(store, id) >= target, ref runId)) return "";
                Thread.Sleep(rng.Next(0, 40)); // somewhere inside the next update, checkpoint or commit
                if (child.HasExited) return "";
                child.Signal(MesalabProcess.SigKill);
                return $"at a random moment after update {target}";
            }
            default:
            {
                if (!WaitUntil(child, store, id => store.LatestCheckpoint(id)?.Update == Updates, ref runId)) return "";
                child.Signal(MesalabProcess.SigKill);
                return "after the last checkpoint (held-out check)";
            }
        }
    }

    /// <summary>Polls the store until <paramref name="condition"/> holds for the run (true) or the process ends (false).</summary>
    private static bool WaitUntil(MesalabProcess child, IRunStore store, Func<string, bool> condition, ref string? runId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            runId ??= store.ListRuns().SingleOrDefault()?.Id;
            if (runId is not null && condition(runId)) return true;
            if (child.HasExited) return false;
            Thread.Sleep(5);
        }
        throw new TimeoutException($"mesalab (pid {child.Id}) made no progress in {Patience.TotalSeconds:F0} s: {child.Errors}");
    }

    private static long LastUpdate(IRunStore store, string runId) => store.LastMetrics(runId).Select(m => m.Update).DefaultIfEmpty(0).Max();

    private static string HeldOut(IRunStore store, string runId)
    {
        var result = store.Results(runId: runId).Single(r => r.Kind == MesaLab.Experiments.ResultKinds.HeldOutCheck);
        return JsonSerializer.Serialize(JsonDocument.Parse(result.Json).RootElement);
    }

    [Theory]
    [InlineData(MesalabProcess.SigTerm)]
    [InlineData(MesalabProcess.SigInt)]
    public void A_stop_signal_saves_a_checkpoint_at_the_last_update_and_exits_130(int signal)
    {
        string workspace = Path.Combine(root, $"signal-{signal}");
        string config = Path.Combine(root, $"long-{signal}.yaml");
        // A budget far beyond the test, and no periodic checkpoint: the one found afterwards is the signal's.
        File.WriteAllText(config, Config.Replace($"total_steps: {Updates * StepsPerUpdate}", "total_steps: 10000000", StringComparison.Ordinal)
            .Replace("checkpoint_seconds: 0.1", "checkpoint_seconds: 100000", StringComparison.Ordinal));
        Directory.CreateDirectory(workspace);
        using var store = RunStores.Open(workspace);
        using var child = MesalabProcess.Start(["train", config, "--workspace", workspace, "--json"]);
        string? runId = null;
        Assert.True(WaitUntil(child, store, id => LastUpdate(store, id) >= 3, ref runId), child.Errors);

        child.Signal(signal);
        Assert.Equal(Cli.InterruptedExit, child.WaitForExit(Patience));

        var run = store.GetRun(runId!);
        Assert.Equal(RunStatus.Interrupted, run.Status);
        long last = LastUpdate(store, run.Id);
        Assert.Equal(last, store.LatestCheckpoint(run.Id)?.Update);
        Assert.Equal("interrupted", JsonDocument.Parse(child.Stdout).RootElement.GetProperty("status").GetString());
        Assert.Empty(store.Check());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A child that outlived a failed test may still hold a file; the temporary directory is left behind.
        }
    }
}
