namespace MesaLab.Experiments.Tests.Search;

using MesaLab.Experiments;
using MesaLab.Experiments.Tests.Training;
using MesaLab.Store;

/// <summary>The learned-search job on tiny stored runs: what it stores, draws and pools, and that it repeats.</summary>
[Collection("torch")]
public sealed class LearnedSearchJobTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-search-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly IReadOnlyList<ConfigOverride> Small =
    [
        ConfigOverride.Option("inspection.split", "train", "test"),
        ConfigOverride.Option("learned_search.sizes", "[3, 4]", "test"),
        ConfigOverride.Option("learned_search.levels_per_size", "4", "test"),
        ConfigOverride.Option("learned_search.scales", "[1, 2]", "test"),
        ConfigOverride.Option("learned_search.probe_levels", "8", "test"),
        ConfigOverride.Option("learned_search.edit_levels", "6", "test"),
        ConfigOverride.Option("learned_search.edit_fractions", "[0, 1]", "test"),
    ];

    private static ExperimentConfig Tiny(string kind) =>
        ExperimentConfig.Parse(TrainJobTests.TinyYaml, "tiny.yaml").With([ConfigOverride.Option("network.kind", kind, "test"), ConfigOverride.Option("name", $"tiny-{kind}", "test")]);

    [Fact]
    public void Search_studies_every_run_stores_its_documents_pools_by_kind_and_repeats()
    {
        using var store = RunStores.Open(Path.Combine(dir, "ws"));
        var thinking = TrainJob.Start(store, Tiny("thinking"), SilentNarrator.Instance).Run.Id;
        var impala = TrainJob.Start(store, Tiny("impala"), SilentNarrator.Instance).Run.Id;
        var result = LearnedSearchJob.Run(store, [thinking, impala], Small, Path.Combine(dir, "out"), SilentNarrator.Instance);

        var t = result.Runs.Single(r => r.Kind == "thinking");
        var i = result.Runs.Single(r => r.Kind == "impala");
        // The thinking network (network.iterations: 4) ran at both scales, twice the iterations at ×2; impala once, with no tied block.
        Assert.Equal([1.0, 2.0], t.Compute!.ScalesRun);
        Assert.Equal(4, t.Compute.Points.Single(p => p.Size == 4 && p.Scale == 1).Iterations);
        Assert.Equal(8, t.Compute.Points.Single(p => p.Size == 4 && p.Scale == 2).Iterations);
        Assert.Equal([1.0], i.Compute!.ScalesRun);
        Assert.All(i.Compute.Points, p => Assert.Equal(0, p.Iterations));
        Assert.Null(i.ValueMaps);
        Assert.Null(i.GoalEdit);
        // Value maps for both candidates at iterations 0..2K, with both controls.
        Assert.NotNull(t.ValueMaps);
        Assert.Equal(["exit", "arrow"], t.ValueMaps!.Goals);
        Assert.Equal(2 * t.ValueMaps.TrainedIterations, t.ValueMaps.Rows.Max(r => r.Iteration));
        Assert.All(t.ValueMaps.Rows, r => Assert.NotNull(r.RandomInit));
        Assert.Equal([0, t.GoalEdit!.Iterations], t.GoalEdit.Points.Select(p => p.FromIteration));

        Assert.Single(store.Results(thinking, null, ResultKinds.TestTimeCompute));
        Assert.Single(store.Results(thinking, null, ResultKinds.ValueMaps));
        Assert.Single(store.Results(thinking, null, ResultKinds.GoalEdit));
        Assert.Single(store.Results(impala, null, ResultKinds.TestTimeCompute));
        Assert.Empty(store.Results(impala, null, ResultKinds.ValueMaps));
        Assert.Equal(3, result.Compute.Count);                       // thinking ×1, ×2; impala
        Assert.All(result.Plots, p => Assert.True(new FileInfo(p).Length > 1000, p));
        Assert.Contains(result.Plots, p => p.EndsWith("value-maps-by-iteration.png"));

        var again = LearnedSearchJob.Run(store, [thinking, impala], Small, Path.Combine(dir, "out2"), SilentNarrator.Instance);
        Assert.Equal(MesaLabJson.Serialize(result.Compute), MesaLabJson.Serialize(again.Compute));
        Assert.Equal(MesaLabJson.Serialize(result.ValueMaps), MesaLabJson.Serialize(again.ValueMaps));
        Assert.Equal(MesaLabJson.Serialize(t.GoalEdit), MesaLabJson.Serialize(again.Runs[0].GoalEdit));
    }

    [Fact]
    public void A_run_that_does_not_exist_fails_before_any_work()
    {
        using var store = RunStores.Open(Path.Combine(dir, "empty"));
        var e = Assert.Throws<UserError>(() => LearnedSearchJob.Run(store, ["no-such-run"], Small, Path.Combine(dir, "out"), SilentNarrator.Instance));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        Assert.Contains("no-such-run", e.Message);
    }
}
