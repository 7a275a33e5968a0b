namespace MesaLab.Experiments.Tests.Reporting;

using System.Text.Json;
using MesaLab.Experiments;
using MesaLab.Store;

/// <summary>
/// A small fixed demo gives the same training metrics, outcome shares, behavioral objective and robustness
/// decomposition as it did before the workflow moved into the experiments layer (Fixtures/, recorded with the code
/// of that time). Any deliberate change of those numbers re-records the fixture and says why in the commit.
/// </summary>
public sealed class BehaviourUnchangedTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-golden-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void The_demo_of_a_fixed_small_config_reproduces_the_recorded_numbers()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "demo-before-experiments-layer.json")));
        var g = golden.RootElement;
        var config = ExperimentConfig.Load(null, [.. g.GetProperty("config").EnumerateObject().Select(p => ConfigOverride.Option(p.Name, p.Value.ToString(), "fixture"))]);
        using var store = RunStores.Open(Path.Combine(dir, "ws"));
        var result = DemoJob.Run(store, config, Path.Combine(dir, "out"), SilentNarrator.Instance);

        var metrics = store.Metrics(result.Run.Id).Where(m => m.Name != "sps").OrderBy(m => m.Update).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => (m.Update, m.Name, m.Value)).ToList();
        var expected = g.GetProperty("metrics").EnumerateArray().Select(a => (a[0].GetInt64(), a[1].GetString()!, a[2].GetDouble())).ToList();
        Assert.Equal(expected.Count, metrics.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], metrics[i]);

        using var summary = JsonDocument.Parse(JsonSerializer.Serialize(result.Summary, MesaLabJson.Indented));
        foreach (var part in new[] { "outcomes", "behavioral_objectives", "decomposition" })
            AssertSameNumbers(g.GetProperty(part), summary.RootElement.GetProperty(part), part);
    }

    /// <summary>Every value of <paramref name="expected"/> is in <paramref name="actual"/> (which may carry more fields).</summary>
    private static void AssertSameNumbers(JsonElement expected, JsonElement actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in expected.EnumerateObject())
                {
                    Assert.True(actual.TryGetProperty(p.Name, out var a), $"{path}.{p.Name} is missing");
                    AssertSameNumbers(p.Value, a, $"{path}.{p.Name}");
                }
                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (int i = 0; i < expected.GetArrayLength(); i++) AssertSameNumbers(expected[i], actual[i], $"{path}[{i}]");
                break;
            case JsonValueKind.Number:
                Assert.True(expected.GetDouble() == actual.GetDouble(), $"{path}: recorded {expected.GetDouble()}, now {actual}");
                break;
            default:
                Assert.True(expected.ToString() == actual.ToString(), $"{path}: recorded {expected}, now {actual}");
                break;
        }
    }
}
