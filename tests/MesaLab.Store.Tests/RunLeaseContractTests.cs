namespace MesaLab.Store.Tests;

using System.Diagnostics;
using Dapper;

/// <summary>The lease part of the run-store contract (who works on a run), on SQLite and PostgreSQL alike.</summary>
[Collection(StoreBackends.Collection)]
public sealed class RunLeaseContractTests(StoreBackends backends)
{
    public static TheoryData<string> Kinds => StoreBackends.Kinds();

    private static NewRun Train(string? name = null) => new(name, "train", "green-arrow-maze", "seed: 7\n", 7) { CodeVersion = "git:test" };

    private static readonly RunHolder Remote = new("elsewhere.example", 4242, null, "remote-token");

    internal static int ExitedProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("sh", ["-c", "exit 0"]) { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    private static void SetHeartbeat(SqlRunStore store, string runId, string stamp)
    {
        using var c = store.OpenConnection();
        c.Execute("UPDATE leases SET heartbeat = @stamp WHERE run_id = @runId", new { runId, stamp });
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_run_created_with_a_holder_is_held_from_the_start(string kind)
    {
        using var store = backends.Open(kind);
        var holder = RunHolder.ThisProcess();
        var run = store.CreateRun(Train("held"), holder);
        var lease = Assert.IsType<RunLease>(run.Lease);
        Assert.Equal((run.Id, holder, true), (lease.RunId, lease.Holder, lease.Live));
        Assert.Equal(lease.Acquired, lease.Heartbeat);
        Assert.Equal(Environment.MachineName, run.Host);
        var read = store.GetRun("held");
        Assert.Equal(run, read);
        Assert.True(read.Held);
        Assert.Equal(RunStatus.Running, read.EffectiveStatus);
        Assert.Equal(lease, Assert.Single(store.ListRuns()).Lease);

        // A run created without a holder is running with nobody working on it: it reads as interrupted.
        var orphan = store.CreateRun(Train("orphan"));
        Assert.Null(store.GetRun(orphan.Id).Lease);
        Assert.Equal((RunStatus.Running, RunStatus.Interrupted), (store.GetRun(orphan.Id).Status, store.GetRun(orphan.Id).EffectiveStatus));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_live_holder_keeps_its_run_and_others_are_refused_with_its_name(string kind)
    {
        using var store = backends.Open(kind);
        var mine = RunHolder.ThisProcess();
        var run = store.CreateRun(Train("busy"), mine);
        var again = store.AcquireLease(run.Id, mine); // the holder itself may acquire again
        Assert.Equal(run.Lease!.Acquired, again.Acquired);
        Assert.True(again.Heartbeat >= run.Lease.Heartbeat);

        var other = RunHolder.ThisProcess(); // another session, even in this very process, is another holder
        var e = Assert.Throws<UserError>(() => store.AcquireLease(run.Id, other));
        Assert.Matches($@"^run {run.Id} \(busy\) is held by process {Environment.ProcessId} on {Environment.MachineName} \(last heartbeat \d+ s ago\); wait for it to finish, or stop that process and try again\.$", e.Message);

        // A holder on another machine is live while its heartbeat is fresh: its process cannot be looked up from here.
        var remote = store.CreateRun(Train("remote"), Remote);
        Assert.True(store.GetRun(remote.Id).Held);
        Assert.Contains("is held by process 4242 on elsewhere.example", Assert.Throws<UserError>(() => store.AcquireLease(remote.Id, mine)).Message);
        Assert.Contains("unknown run 'nosuchrun'", Assert.Throws<UserError>(() => store.AcquireLease("nosuchrun", mine)).Message);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_holder_whose_process_ended_or_whose_heartbeat_went_stale_is_gone(string kind)
    {
        using var store = backends.Open(kind);
        var mine = RunHolder.ThisProcess();
        var killed = store.CreateRun(Train("killed"), new RunHolder(Environment.MachineName, ExitedProcessId(), null, "dead-token"));
        var reused = store.CreateRun(Train("reused"), mine with { StartMark = "another-boot/12345", Token = "reused-token" });
        var silent = store.CreateRun(Train("silent"), Remote);
        SetHeartbeat(store, silent.Id, "2000-01-01T00:00:00.000Z");

        foreach (var run in new[] { killed, reused, silent })
        {
            var read = store.GetRun(run.Id);
            Assert.False(read.Held, $"{read.Name} should have no live holder");
            Assert.False(read.Lease!.Live);
            Assert.Equal((RunStatus.Running, RunStatus.Interrupted), (read.Status, read.EffectiveStatus));
            var taken = store.AcquireLease(run.Id, mine);
            Assert.Equal(mine, taken.Holder);
            Assert.True(store.GetRun(run.Id).Held);
            Assert.Equal(RunStatus.Running, store.GetRun(run.Id).EffectiveStatus);
        }
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Heartbeats_advance_and_a_holder_that_lost_its_run_is_told_and_changes_nothing(string kind)
    {
        using var store = backends.Open(kind);
        var first = RunHolder.ThisProcess() with { Host = "laptop.example" };
        var run = store.CreateRun(Train("contested"), first);
        Thread.Sleep(20);
        var beat = store.Heartbeat(run.Lease!);
        Assert.True(beat.Heartbeat > run.Lease!.Heartbeat);
        Assert.Equal(beat.Heartbeat, store.GetRun(run.Id).Lease!.Heartbeat);

        // The first holder stops heartbeating (its machine slept); a second takes the run over.
        SetHeartbeat(store, run.Id, "2000-01-01T00:00:00.000Z");
        var second = RunHolder.ThisProcess();
        var taken = store.AcquireLease(run.Id, second);
        var lost = Assert.Throws<UserError>(() => store.Heartbeat(beat));
        Assert.Equal($"run {run.Id} is no longer held by process {first.Pid} on laptop.example: process {second.Pid} on {second.Host} took it over after this process's heartbeat went stale; this process must stop working on it.", lost.Message);
        Assert.Throws<UserError>(() => store.ReleaseLease(beat, RunStatus.Failed, 1, "late"));
        var read = store.GetRun(run.Id);
        Assert.Equal((RunStatus.Running, (string?)null, second.Token), (read.Status, read.Error, read.Lease!.Holder.Token));

        store.ReleaseLease(taken, RunStatus.Completed, 2);
        Assert.Contains("its lease was released", Assert.Throws<UserError>(() => store.Heartbeat(taken)).Message);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Releasing_records_the_final_status_and_error_and_frees_the_run(string kind)
    {
        using var store = backends.Open(kind);
        var holder = RunHolder.ThisProcess();
        var run = store.CreateRun(Train(), holder);
        Assert.Throws<ArgumentException>(() => store.ReleaseLease(run.Lease!, RunStatus.Running, 1));
        store.ReleaseLease(run.Lease!, RunStatus.Failed, 3.5, "network.recurrent=true needs ppo.minibatches ≤ 8");
        var failed = store.GetRun(run.Id);
        Assert.Null(failed.Lease);
        Assert.Equal((RunStatus.Failed, RunStatus.Failed, 3.5), (failed.Status, failed.EffectiveStatus, failed.WallSeconds));
        Assert.Equal("network.recurrent=true needs ppo.minibatches ≤ 8", failed.Error);
        Assert.NotNull(failed.Finished);

        // Taking it up again (a resume) makes it running, unfinished and without the old error.
        var next = RunHolder.ThisProcess();
        var lease = store.AcquireLease(run.Id, next);
        var resumed = store.GetRun(run.Id);
        Assert.Equal((RunStatus.Running, (DateTimeOffset?)null, (string?)null, 3.5), (resumed.Status, resumed.Finished, resumed.Error, resumed.WallSeconds));
        store.ReleaseLease(lease, RunStatus.Interrupted, 5);
        Assert.Equal((RunStatus.Interrupted, false), (store.GetRun(run.Id).Status, store.GetRun(run.Id).Held));

        store.UpdateRun(run.Id, RunStatus.Failed, 6, "killed by the user");
        Assert.Equal("killed by the user", store.GetRun(run.Id).Error);
        store.DeleteRun(store.CreateRun(Train(), holder).Id); // a held run can be deleted with its lease
        using var c = store.OpenConnection();
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT COUNT(*) FROM leases"));
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public async Task Of_many_acquirers_at_once_exactly_one_gets_the_run(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train());
        store.UpdateRun(run.Id, RunStatus.Interrupted, 1);
        var holders = Enumerable.Range(0, 8).Select(_ => RunHolder.ThisProcess()).ToList();
        using var start = new Barrier(holders.Count);
        var attempts = holders.Select(h => Task.Run(() =>
        {
            start.SignalAndWait();
            try
            {
                return store.AcquireLease(run.Id, h);
            }
            catch (UserError)
            {
                return null;
            }
        })).ToList();
        var won = (await Task.WhenAll(attempts)).OfType<RunLease>().ToList();
        var winner = Assert.Single(won);
        Assert.Equal(winner.Holder.Token, store.GetRun(run.Id).Lease!.Holder.Token);
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void A_lease_keeper_heartbeats_on_its_own_and_says_when_the_run_was_taken(string kind)
    {
        using var store = backends.Open(kind);
        var run = store.CreateRun(Train("kept"), RunHolder.ThisProcess());
        using var keeper = new LeaseKeeper(store, run.Lease!, TimeSpan.FromMilliseconds(50));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (store.GetRun(run.Id).Lease!.Heartbeat <= run.Lease!.Heartbeat && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(store.GetRun(run.Id).Lease!.Heartbeat > run.Lease!.Heartbeat, "the keeper did not heartbeat");
        Assert.False(keeper.Lost.IsCancellationRequested);
        keeper.ThrowIfLost();

        // Another holder takes the run (as after a stale heartbeat): the keeper notices at its next beat.
        using (var c = store.OpenConnection())
            c.Execute("UPDATE leases SET token = 'usurper', host = 'elsewhere.example' WHERE run_id = @Id", new { run.Id });
        Assert.True(keeper.Lost.WaitHandle.WaitOne(TimeSpan.FromSeconds(20)), "the keeper did not notice that it lost the run");
        Assert.Contains($"run {run.Id} is no longer held by process {Environment.ProcessId}", Assert.Throws<UserError>(keeper.ThrowIfLost).Message);
        Assert.Equal("usurper", store.GetRun(run.Id).Lease!.Holder.Token);
    }
}
