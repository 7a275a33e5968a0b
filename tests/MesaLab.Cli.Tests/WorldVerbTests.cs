namespace MesaLab.Cli.Tests;

using System.Text.Json;
using MesaLab.Cli;
using MesaLab.Worlds;

/// <summary>The world verbs through the real command line: exit codes, one JSON document, one-sentence errors.</summary>
public class WorldVerbTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Play_reports_per_candidate_reach_as_json()
    {
        var (code, stdout, _) = Run("play", "green-arrow-maze", "--split", "deploy", "--agent", "shortest-path:arrow", "--episodes", "40", "--seed", "3", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("shortest-path:arrow", root.GetProperty("agent").GetString());
        Assert.Equal(40, root.GetProperty("episodes").GetInt32());
        var arrow = root.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("candidate").GetString() == "arrow");
        var exit = root.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("candidate").GetString() == "exit");
        // The arrow-seeker reaches the arrow optimally unless it passes the exit (which ends the episode) first.
        Assert.Equal(1.0, arrow.GetProperty("mean_ratio_to_shortest").GetDouble(), 9);
        Assert.Equal(1.0, arrow.GetProperty("reached_share").GetDouble() + exit.GetProperty("reached_share").GetDouble(), 9);
        Assert.True(root.GetProperty("mean_return").GetDouble() < 0.6);
    }

    [Fact]
    public void Play_is_deterministic_and_accepts_params_and_epsilon()
    {
        string[] args = ["play", "cheese-corner-maze", "--split", "train", "--agent", "shortest-path:corner", "--epsilon", "0.2", "--episodes", "20", "--seed", "5", "--param", "min_size=6", "--param", "region_size=2", "--json"];
        var a = Run(args);
        var b = Run(args);
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Out, b.Out);
        Assert.Contains("(ε=0.2)", JsonDocument.Parse(a.Out).RootElement.GetProperty("agent").GetString());
    }

    [Theory]
    [InlineData("unknown world 'mazes'", "play", "mazes")]
    [InlineData("no split 'test'", "play", "lava-shift", "--split", "test")]
    [InlineData("unknown agent 'greedy'", "play", "lava-shift", "--agent", "greedy")]
    [InlineData("no candidate objective 'arrow'", "play", "lava-shift", "--agent", "shortest-path:arrow")]
    [InlineData("no parameter 'size'", "play", "lava-shift", "--param", "size=9")]
    [InlineData("must look like key=value", "play", "lava-shift", "--param", "size")]
    [InlineData("an integer from 2 to 64", "play", "green-arrow-maze", "--param", "min_size=1")]
    [InlineData("a probability between 0 and 1", "play", "keys-and-chests", "--param", "key_probability=1.2")]
    [InlineData("--epsilon", "play", "keys-and-chests", "--epsilon", "2")]
    [InlineData("needs --out", "worlds", "show", "lava-shift")]
    public void User_errors_exit_2_with_one_sentence_and_no_stack_trace(string expected, params string[] args)
    {
        var (code, stdout, stderr) = Run([.. args, "--json"]);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.StartsWith("error: ", stderr);
        Assert.DoesNotContain(" at ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(expected, JsonDocument.Parse(stdout).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Worlds_show_writes_a_png_and_a_gif_of_the_agents_episode()
    {
        var dir = Directory.CreateTempSubdirectory("mesalab-show-");
        try
        {
            string png = Path.Combine(dir.FullName, "level.png"), gif = Path.Combine(dir.FullName, "episode.gif");
            var (code, stdout, _) = Run("worlds", "show", "keys-and-chests", "--split", "deploy", "--seed", "2", "--level-index", "3",
                "--out", png, "--trajectory", "shortest-path:chests", "--gif", gif, "--cell-size", "10", "--json");
            Assert.Equal(0, code);
            var root = JsonDocument.Parse(stdout).RootElement;
            int w = root.GetProperty("level").GetProperty("width").GetInt32();
            var image = MesaLab.Reports.PngEncoder.Decode(File.ReadAllBytes(png));
            Assert.Equal(w * 10, image.Width);
            Assert.Equal(root.GetProperty("image_width").GetInt32(), image.Width);
            var traj = root.GetProperty("trajectory");
            Assert.InRange(root.GetProperty("gif_frames").GetInt32(), 2, traj.GetProperty("length").GetInt32() + 1);
            Assert.Equal(traj.GetProperty("length").GetInt32() + 1, traj.GetProperty("cells").GetArrayLength());
            Assert.Equal("GIF8", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(gif), 0, 4));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Gif_stops_a_few_frames_after_the_agent_settles_on_a_goal_that_does_not_end_the_episode()
    {
        var dir = Directory.CreateTempSubdirectory("mesalab-gif-");
        try
        {
            string gif = Path.Combine(dir.FullName, "arrow.gif");
            var (code, stdout, _) = Run("worlds", "show", "green-arrow-maze", "--split", "deploy", "--seed", "3", "--trajectory", "shortest-path:arrow", "--gif", gif, "--cell-size", "8", "--json");
            Assert.Equal(0, code);
            var root = JsonDocument.Parse(stdout).RootElement;
            int length = root.GetProperty("trajectory").GetProperty("length").GetInt32();
            int frames = root.GetProperty("gif_frames").GetInt32();
            var cells = root.GetProperty("trajectory").GetProperty("cells").EnumerateArray().Select(c => c.GetInt32()).ToList();
            int lastMove = Enumerable.Range(1, cells.Count - 1).Last(t => cells[t] != cells[t - 1]);
            Assert.True(length > lastMove + 3, "the arrow-seeker should idle on the arrow until the step limit");
            Assert.Equal(lastMove + 3 + 1, frames);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Splits_file_defines_a_split_usable_on_the_command_line()
    {
        var dir = Directory.CreateTempSubdirectory("mesalab-splits-");
        try
        {
            string file = Path.Combine(dir.FullName, "splits.yaml");
            File.WriteAllText(file, "world: green-arrow-maze\nsplits:\n  train-randomized: { base: train, randomized_fraction: 1 }\n");
            var (code, stdout, _) = Run("play", "green-arrow-maze", "--splits", file, "--split", "train-randomized", "--agent", "shortest-path:exit", "--episodes", "30", "--json");
            Assert.Equal(0, code);
            var root = JsonDocument.Parse(stdout).RootElement;
            Assert.Equal("train-randomized", root.GetProperty("split").GetString());
            var arrow = root.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("candidate").GetString() == "arrow");
            Assert.True(arrow.GetProperty("reached_share").GetDouble() < 1.0); // the arrow is off the exit on randomized levels

            File.WriteAllText(file, "world: green-arrow-maze\nsplits:\n  bad: { base: train, arrow: left }\n");
            var bad = Run("play", "green-arrow-maze", "--splits", file, "--split", "bad");
            Assert.Equal(2, bad.Code);
            Assert.Contains($"{file}:3", bad.Err);
            Assert.Contains("one of on_exit, random", bad.Err);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Bench_reports_steps_per_second_for_each_world_size_and_agent()
    {
        var (code, stdout, _) = Run("bench", "worlds", "--steps", "2000", "--repetitions", "1", "--sizes", "6", "--json");
        Assert.Equal(0, code);
        var m = JsonDocument.Parse(stdout).RootElement.GetProperty("measurements").EnumerateArray().ToList();
        Assert.Equal(WorldCatalog.All.Count * 2, m.Count); // every world × (random, scripted)
        Assert.All(m, x => Assert.True(x.GetProperty("median_steps_per_second").GetDouble() > 0));
        Assert.Contains(m, x => x.GetProperty("agent").GetString() == "random");
    }

    [Fact]
    public void Worlds_list_names_every_world_with_candidates()
    {
        var (code, stdout, _) = Run("worlds", "list", "--json");
        Assert.Equal(0, code);
        var names = JsonDocument.Parse(stdout).RootElement.GetProperty("worlds").EnumerateArray().Select(w => w.GetProperty("name").GetString()).ToList();
        Assert.Equal(WorldCatalog.All.Select(w => w.Name), names);
        Assert.Contains("follow-the-leader", names);
        var hazards = JsonDocument.Parse(stdout).RootElement.GetProperty("worlds").EnumerateArray()
            .ToDictionary(w => w.GetProperty("name").GetString()!, w => w.GetProperty("hazards").EnumerateArray().Select(h => h.GetProperty("name").GetString()).ToList());
        Assert.Equal(["lava"], hazards["lava-land"]);
        Assert.Empty(hazards["green-arrow-maze"]);
        var (_, text, _) = Run("worlds", "list");
        Assert.Contains("hazards (not goals", text);
    }
}
