namespace MesaLab.Transparency.Tests;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

public class StudyTests
{
    public StudyTests() => HandBuilt.Init();

    private static Split Small(string name, int size) =>
        WorldCatalog.Get("green-arrow-maze").Split(name, new Dictionary<string, object> { ["min_size"] = size, ["max_size"] = size });

    [Fact]
    public void Probe_study_finds_each_position_in_the_layer_that_holds_it()
    {
        const int size = 5;
        var split = Small("deploy", size);
        var network = InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, size, size));
        var states = ProbeStates.Generate(split, 240, 2, seed: 4);
        var (acts, _, moves) = states.Capture(network, network.LayerNames);
        var result = ProbeStudy.Run(states, network.LayerNames, acts, moves, null, new ProbeSettings { Iterations = 200, LearningRate = 0.1 });

        Assert.Equal(["agent_position", "exit_position", "direction_to_exit", "arrow_position", "direction_to_arrow", "next_action"], result.Targets.Select(t => t.Name));
        Assert.True(result.Row("exit_position", "goal")!.Accuracy > 0.9, $"exit at goal layer: {result.Row("exit_position", "goal")!.Accuracy}");
        Assert.True(result.Row("agent_position", "agent")!.Accuracy > 0.9, $"agent at agent layer: {result.Row("agent_position", "agent")!.Accuracy}");
        Assert.Equal("goal", result.BestLayer("exit_position"));
        // The goal layer copies the exit plane only: the arrow (elsewhere in deploy) is not decodable there.
        var arrow = result.Row("arrow_position", "goal")!;
        Assert.True(arrow.Accuracy < 0.3, $"arrow decoded from the exit plane: {arrow.Accuracy}");
        // Controls: shuffled labels stay near chance everywhere.
        Assert.All(result.Rows, r => Assert.True(r.ShuffledLabels < r.Chance + 0.2, $"{r.Target}@{r.Layer}: shuffled {r.ShuffledLabels} vs chance {r.Chance}"));
    }

    [Fact]
    public void Steering_an_arrow_seeker_with_minus_its_per_level_arrow_vector_makes_it_reach_the_arrow_first_less_often()
    {
        const int size = 5;
        var split = Small("deploy", size);
        var network = InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, HandBuilt.ExitChannel + 1, size, size, k: 1.5f));
        var result = SteeringStudy.Run(network, split, new SteeringSettings { Layer = "goal", Coefficients = [-1], Levels = 120, FitLevels = 40 });
        Assert.Equal("arrow", result.Feature);
        var none = result.Rollouts.Single(r => r.Vector == "none");
        var minus = result.Rollouts.Single(r => r.Vector == SteeringStudy.PerLevel && r.Coefficient == -1);
        Assert.Equal(result.Levels, none.Episodes);
        Assert.True(none.FirstReached["arrow"].Value > minus.FirstReached["arrow"].Value + 0.1,
            $"P(arrow first) unsteered: {none.FirstReached["arrow"].Value}, per-level c=-1: {minus.FirstReached["arrow"].Value}");
    }

    [Fact]
    public void Probe_states_and_labels_are_deterministic_and_directions_follow_shortest_paths()
    {
        var split = Small("deploy", 6);
        var a = ProbeStates.Generate(split, 10, 2, seed: 9);
        var b = ProbeStates.Generate(split, 10, 2, seed: 9);
        Assert.Equal(a.States.Select(s => (s.Level.Index, s.AgentCell)), b.States.Select(s => (s.Level.Index, s.AgentCell)));
        var targets = ProbeStudy.TargetsFor(split.World);
        var labels = ProbeStudy.Labels(a, targets, new int[a.Count]);
        for (int i = 0; i < a.Count; i++)
        {
            var s = a.States[i];
            var move = (Move)labels["direction_to_exit"][0][i];
            var exit = s.Level.Find(CellObject.Exit);
            var d = Bfs.DistancesTo(s.Level, [exit]);
            Assert.Equal(d[s.AgentCell] - 1, d[s.Level.Neighbor(s.AgentCell, move)]);
        }
    }
}

public class ActivationCacheTests
{
    public ActivationCacheTests() => HandBuilt.Init();

    [Fact]
    public void Activation_cache_round_trips_and_rejects_a_truncated_file()
    {
        var dir = Directory.CreateTempSubdirectory("mesalab-act-").FullName;
        try
        {
            var path = ActivationCache.PathFor(dir, "abcd1234", "deploy", 3, 2, 7);
            var a = new FeatureMatrix([1, 2, 3, 4, 5, 6], 3, 2);
            var b = new FeatureMatrix([9, 8, 7], 3, 1);
            var header = new ActivationCacheHeader { Network = "run x", Layers = ["a", "b"], Shapes = [[2], [1]], AgentCell = [1, 2, 3], LevelIndex = [0, 0, 1], NextMove = [0, 1, 2] };
            ActivationCache.Write(path, header, new Dictionary<string, FeatureMatrix> { ["a"] = a, ["b"] = b });
            var (h, acts) = ActivationCache.Read(path, ["b"]);
            Assert.Equal(["a", "b"], h.Layers);
            Assert.Equal([1, 2, 3], h.AgentCell);
            Assert.False(acts.ContainsKey("a"));
            Assert.Equal(b.Data, acts["b"].Data);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));

            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..^5]);
            var e = Assert.Throws<UserError>(() => ActivationCache.Read(path));
            Assert.Contains("truncated", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
