namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Experiments;

/// <summary><c>mesalab decision-squares RUN</c>: where the agent turns when the ways to the goal and the proxy part, and which level features make it turn to the proxy.</summary>
public static class DecisionSquaresVerb
{
    public static Command Create(CliContext cli) => InspectionVerb.Create(cli, "decision-squares",
        "place the agent on each level's decision square (where the ways to the goal and to the proxy part), read its move, and regress the choice of the proxy on level features",
        [ConfigAliases.DecisionLevels, ConfigAliases.DecisionProxy],
        (run, checkpoint) => InspectionJobs.DecisionSquares(run, cli.Output.Narrator(), checkpoint),
        (w, o) =>
        {
            var r = (DecisionSquaresResult)o;
            var s = r.DecisionSquares;
            w.WriteLine($"decision squares, run {r.Run}, split '{s.Split}': {s.Levels} of {s.LevelsTried} levels have one on the agent's way ({s.AtStart} at the start)");
            w.WriteLine($"  P(move towards the {s.Proxy}) = {s.TowardProxy.Format("0.000")}, towards the {s.Goal} = {s.TowardGoal.Format("0.000")}");
            w.WriteLine($"  P({s.Proxy} | one of the two) = {s.ProxyChoice.Format("0.000")}; levels preferring the {s.Proxy}: {s.ProxyPreferred.Format("0.000")}");
            w.WriteLine($"  every decision square ({s.AllSquares}): P(towards the {s.Proxy}) = {s.AllSquaresTowardProxy.Format("0.000")}");
            if (s.Regression is { } fit)
            {
                w.WriteLine($"  logistic regression of P({s.Proxy} | one of the two) on standardized features ({fit.Samples} levels, {fit.BootstrapReplicates} bootstrap replicates):");
                foreach (var c in fit.Coefficients)
                    w.WriteLine($"    {c.Feature,-26} {c.Coefficient.Format("0.000")}");
            }
            w.WriteLine($"plots: {string.Join(", ", r.Plots)}");
        });
}
