namespace MesaLab.Store.Tests;

/// <summary>Several real OS processes on one store: no write lost, one holder per run, a killed holder's run freed at once.</summary>
[Collection(StoreBackends.Collection)]
public sealed class MultiProcessTests(StoreBackends backends)
{
    public static TheoryData<string> Kinds => StoreBackends.Kinds();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Processes_writing_to_one_store_at_once_lose_nothing(string kind)
    {
        using var store = backends.Open(kind, out string target);
        const int processes = 3, batches = 40, perBatch = 25, names = 6;
        var children = Enumerable.Range(0, processes)
            .Select(i => StoreProcess.Start("write", target, store.Workspace, $"writer-{i}", $"{batches}", $"{perBatch}", $"{names}"))
            .ToList();
        var pids = children.Select(c => c.Process.Id).ToList();
        try
        {
            foreach (var child in children) child.Go(); // all ready: they start writing together
            foreach (var child in children)
            {
                string? line = child.ReadLine(Patience);
                Assert.True(line?.StartsWith("wrote ", StringComparison.Ordinal), $"a writer failed: {line}; {child.Errors()}");
                Assert.Equal(0, child.Finish(Patience));
            }
        }
        finally
        {
            foreach (var child in children) child.Dispose();
        }
        Assert.Equal(processes, pids.Distinct().Count());
        Assert.DoesNotContain(Environment.ProcessId, pids);
        for (int i = 0; i < processes; i++)
        {
            var metrics = store.Metrics(store.GetRun($"writer-{i}").Id);
            Assert.Equal(Enumerable.Range(0, batches * perBatch).Select(u => (long)u), metrics.Select(m => m.Update));
        }
        var same = store.ListRuns().Select(r => r.Name).Where(n => n.StartsWith("same", StringComparison.Ordinal)).ToList();
        Assert.Equal(processes * names, same.Count);
        Assert.Equal(same.Count, same.Distinct().Count());
    }

    [SkippableTheory, MemberData(nameof(Kinds))]
    public void Of_several_processes_acquiring_one_run_exactly_one_gets_it(string kind)
    {
        using var store = backends.Open(kind, out string target);
        var run = store.CreateRun(new NewRun("contested", "train", "green-arrow-maze", "seed: 1\n", 1));
        var children = Enumerable.Range(0, 3).Select(_ => StoreProcess.Start("acquire", target, store.Workspace, run.Id)).ToList();
        try
        {
            foreach (var child in children) child.Go();
            var answers = children.Select(c => c.ReadLine(Patience) ?? "").ToList();
            string won = Assert.Single(answers, a => a.StartsWith("won ", StringComparison.Ordinal));
            int winner = int.Parse(won[4..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(winner, children.Select(c => c.Process.Id));
            Assert.All(answers.Where(a => !a.StartsWith("won ", StringComparison.Ordinal)), a =>
                Assert.StartsWith($"refused run {run.Id} (contested) is held by process {winner} on {Environment.MachineName}", a));
            var held = store.GetRun(run.Id);
            Assert.Equal((true, winner), (held.Held, held.Lease!.Holder.Pid));
            Assert.Contains($"is held by process {winner}", Assert.Throws<UserError>(() => store.AcquireLease(run.Id, RunHolder.ThisProcess())).Message);

            // The holder is killed (kill -9: no chance to release): its run is free at once, without waiting for staleness.
            var holder = children.Single(c => c.Process.Id == winner);
            holder.Process.Kill();
            holder.Process.WaitForExit();
            var orphaned = store.GetRun(run.Id);
            Assert.Equal((RunStatus.Running, RunStatus.Interrupted, false), (orphaned.Status, orphaned.EffectiveStatus, orphaned.Lease!.Live));
            Assert.Equal(StoreProblemKind.RunWithoutHolder, Assert.Single(store.Check()).Kind);
            var lease = store.AcquireLease(run.Id, RunHolder.ThisProcess());
            Assert.Equal(Environment.ProcessId, store.GetRun(run.Id).Lease!.Holder.Pid);
            store.ReleaseLease(lease, RunStatus.Completed, 1);
        }
        finally
        {
            foreach (var child in children) child.Dispose();
        }
    }
}
