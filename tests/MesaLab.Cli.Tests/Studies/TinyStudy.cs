namespace MesaLab.Cli.Tests.Studies;

using System.Diagnostics;
using System.Globalization;
using MesaLab.Cli.Options;

/// <summary>
/// A study small enough for tests: two procedures (plain, and 2 % randomized training levels) × two seeds on the
/// green-arrow maze, one thread per run, a training budget of a few PPO updates and a handful of evaluation episodes.
/// </summary>
public static class TinyStudy
{
    /// <summary>Writes the study file into <paramref name="directory"/> and returns its path.</summary>
    /// <param name="steps">Training budget per run (128 steps per update).</param>
    /// <param name="checkpointSeconds">Seconds between checkpoints (small: a checkpoint after nearly every update).</param>
    public static string Write(string directory, string name, long steps = 256, int episodes = 8, double checkpointSeconds = 30)
    {
        string path = Path.Combine(directory, name + ".yaml");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $$"""
            name: {{name}}
            world: green-arrow-maze
            splits:
              train-randomized-2pct:
                base: train
                randomized_fraction: 0.02
            threads: 1
            ppo:
              num_envs: 8
              num_steps: 16
              total_steps: {{steps}}
            training:
              checkpoint_seconds: {{checkpointSeconds}}
              held_out_levels: 20
            evaluation:
              episodes: {{episodes}}
            study:
              seeds: [1, 2]
              retries: 1
              procedures:
                - name: plain
                - name: randomized
                  set: { train_split: train-randomized-2pct }

            """));
        return path;
    }

    /// <summary>The jobs of the study, in plan order.</summary>
    public static readonly IReadOnlyList<string> Jobs = ["plain/seed-1", "randomized/seed-1", "plain/seed-2", "randomized/seed-2"];

    /// <summary>Starts <c>mesalab</c> as its own process (as a user or an executor would), output captured.</summary>
    public static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Same, with more environment variables.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var command = MesalabCommands.Current();
        var psi = new ProcessStartInfo(command.FileName, command.Arguments(args))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start mesalab");
        p.StandardInput.Close();
        return p;
    }

    /// <summary>Sends a signal to one process (not its group), as <c>kill -SIG pid</c>.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static void WaitUntil(Func<bool> condition, double seconds, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds) throw new TimeoutException($"waited {seconds:0} s for {what}");
            Thread.Sleep(200);
        }
    }
}
