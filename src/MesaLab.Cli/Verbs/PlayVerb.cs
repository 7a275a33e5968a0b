namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using System.Globalization;
using MesaLab.Worlds;

/// <summary><c>mesalab play</c>: runs a scripted agent on a split and reports, per candidate objective, how often and how fast it was reached.</summary>
public static class PlayVerb
{
    public static Command Create(CliContext cli)
    {
        var cmd = new Command("play", "run a scripted agent on a world's split and report, per candidate objective, how often and how fast it was reached");
        var args = new WorldArguments();
        args.AddTo(cmd);
        var agent = new Option<string>("--agent") { Description = "random, or shortest-path:<candidate> (e.g. shortest-path:arrow)", DefaultValueFactory = _ => "random" };
        var epsilon = new Option<double>("--epsilon") { Description = "probability of a uniformly random move instead of the agent's (ε-noisy agent)", DefaultValueFactory = _ => 0.0 }.Within(0.0, 1.0);
        var episodes = new Option<int>("--episodes") { Description = "number of episodes (levels 0..N−1 of the split)", DefaultValueFactory = _ => 100 }.Within(1, 10_000_000);
        cmd.Options.Add(agent);
        cmd.Options.Add(epsilon);
        cmd.Options.Add(episodes);
        cmd.SetAction(parse =>
        {
            var (split, seed) = args.Resolve(parse);
            var policy = AgentSpec.Parse(parse.GetValue(agent)!, parse.GetValue(epsilon), seed, split.World);
            int n = parse.GetValue(episodes);
            var result = Playthrough.Run(split, policy, n, seed);
            cli.Output.Result(result, o =>
            {
                o.WriteLine($"{result.World}/{result.Split}, agent {result.Agent}, {result.Episodes} episodes, seed {result.Seed}");
                o.WriteLine($"mean return {F(result.MeanReturn)} (base objective: {result.BaseObjective}), mean length {F(result.MeanLength)}");
                o.WriteLine($"{"candidate",-10} {"reached",8} {"steps",8} {"/shortest",10} {"reachable",10}");
                foreach (var c in result.Candidates)
                    o.WriteLine($"{c.Candidate,-10} {c.ReachedShare,8:P1} {F(c.MeanStepsToReach),8} {F(c.MeanRatioToShortest),10} {c.ReachableShare,10:P1}");
            });
            return 0;
        });
        return cmd;
    }

    private static string F(double? v) => v is double d ? d.ToString("0.00", CultureInfo.InvariantCulture) : "—";
}
