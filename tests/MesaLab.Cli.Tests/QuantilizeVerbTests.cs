namespace MesaLab.Cli.Tests;

using System.Text.Json;

[Collection("torch")]
public class QuantilizeVerbTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string Config(string body)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("mesalab-q").FullName, "q.yaml");
        File.WriteAllText(path, body);
        return path;
    }

    [Fact]
    public void Json_prints_one_document_with_bits_utilities_and_the_bound_check()
    {
        string cfg = Config("""
            quantilizer:
              q: [1, 0.1, 0.01]
              n: 800
              levels: 1
              bootstrap: 20
              bases: [demonstrator, random]
              maximizer_steps: 1024
              maximizer: { num_envs: 16 }
            """);
        string workspace = Directory.CreateTempSubdirectory("mesalab-q-store").FullName;
        var (code, stdout, stderr) = Run("quantilize", cfg, "--seed", "3", "--workspace", workspace, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("quantilize", root.GetProperty("kind").GetString());
        Assert.True(root.GetProperty("bound_holds").GetBoolean());
        var bases = root.GetProperty("result").GetProperty("bases");
        Assert.Equal(2, bases.GetArrayLength());
        var points = bases[0].GetProperty("trajectory");
        Assert.Equal(3, points.GetArrayLength());
        Assert.Equal(0, points[0].GetProperty("bits").GetDouble(), 9);
        Assert.Equal(Math.Log2(100), points[2].GetProperty("bits").GetDouble(), 9);
        Assert.True(points[2].GetProperty("bound").GetProperty("holds").GetBoolean());
        Assert.Equal(3UL, root.GetProperty("result").GetProperty("seed").GetUInt64());
        // The PPO maximizer and the exact limit, each with proxy, true utility, cost and bits under each base.
        foreach (var b in bases.EnumerateArray())
            foreach (var point in new[] { b.GetProperty("maximizer"), b.GetProperty("limit") })
                foreach (var field in new[] { "proxy", "true", "cost", "outcome_bits", "empirical_bits" })
                    Assert.True(double.IsFinite(point.GetProperty(field).GetDouble()), field);
        Assert.StartsWith("ppo:exit", bases[0].GetProperty("maximizer").GetProperty("name").GetString());
        Assert.Equal(1.0, bases[0].GetProperty("limit").GetProperty("proxy").GetDouble(), 9);
        Assert.Equal(1024, root.GetProperty("result").GetProperty("maximizer").GetProperty("steps").GetInt64());

        // The run and its result are in the run store.
        using var store = MesaLab.Store.RunStores.Open(workspace);
        var run = store.GetRun(root.GetProperty("run_id").GetString()!);
        Assert.Equal("quantilize", run.Kind);
        Assert.Equal(MesaLab.Store.RunStatus.Completed, run.Status);
        var stored = Assert.Single(store.Results(run.Id, kind: "quantilize"));
        using var storedDoc = JsonDocument.Parse(stored.Json);
        Assert.Equal(2, storedDoc.RootElement.GetProperty("bases").GetArrayLength());
        Assert.Equal(JsonValueKind.Object, storedDoc.RootElement.GetProperty("bases")[0].GetProperty("maximizer").ValueKind);
        // The maximizer's PPO updates are the run's metrics, under the usual names.
        Assert.Equal([1L, 2L], store.Metrics(run.Id, "entropy").Select(m => m.Update));
    }

    [Fact]
    public void Overrides_reach_the_experiment()
    {
        var parse = Cli.Build(new CliContext(new Output(TextWriter.Null, TextWriter.Null), default))
            .Parse(["quantilize", "--seed", "5", "--n", "1234", "--levels", "2", "--set", "quantilizer.cost_weight=0.7"]);
        var file = MesaLab.Experiments.QuantilizeJob.Load(null, []);
        var config = file.With(QuantilizeVerb.Overrides(parse, file));
        var s = config.Section<MesaLab.Quantilizers.QuantilizerSettings>();
        Assert.Equal(5, config.Seed);
        Assert.Equal(1234, s.N);
        Assert.Equal(2, s.Levels);
        Assert.Equal(0.7, s.CostWeight);
        Assert.Equal(8, config.TrainSplit.Int("max_size")); // the built-in experiment's 8×8 gardens
    }

    [Theory]
    [InlineData("quantilizer:\n  q: [0.5, 1.2]\n", "quantilizer.q[1] is '1.2', but it must be a number greater than 0 and at most 1")]
    [InlineData("quantilizer:\n  q: [0.001]\n  n: 100\n", "too few")]
    [InlineData("quantilizer:\n  proxy: keys\n", "no candidate objective 'keys'")]
    [InlineData("quantilizer:\n  bases: [human]\n", "the bases are demonstrator, cloned, random")]
    public void User_errors_exit_2_with_one_sentence(string yaml, string expected)
    {
        var (code, _, stderr) = Run("quantilize", Config(yaml), "--no-store");
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.StartsWith("error: ", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
