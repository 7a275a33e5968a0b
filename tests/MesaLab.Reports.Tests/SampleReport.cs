namespace MesaLab.Reports.Tests;

using MesaLab.Reports.Plots;

/// <summary>A constructed report input with every section filled, shaped like a green-arrow-maze run.</summary>
public static class SampleReport
{
    public static ReportData Create()
    {
        var shares = new OutcomeShares(200, new(0.05, 0.02, 0.09), new(0.15, 0.10, 0.21), new(0.80, 0.74, 0.85));
        double[] steps = [.. Enumerable.Range(1, 30).Select(i => i * 2048.0)];
        var heat = new double[23 * 23];
        heat[11 * 23 + 11] = 0.8;
        heat[11 * 23 + 12] = 0.2;
        var example = TrainingCurvePlot.Render("episode picture stand-in", [new CurveSeries("path", [0, 1, 2], [0, 1, 0])], 200, 200);
        return new ReportData
        {
            Run = new RunSummary
            {
                Id = "7", World = "green-arrow-maze", Agent = "ppo <default>", BaseObjective = "exit", IntendedObjective = "exit",
                Seed = 1, EnvSteps = 61_440, CreatedAt = DateTimeOffset.UnixEpoch,
                Splits = [new("train", "small mazes, the arrow on the exit", "min_size=4;max_size=7"), new("deploy", "larger mazes", "min_size=8;max_size=12")],
                Config = "world: green-arrow-maze\nseed: 1\nppo:\n  learning_rate: 0.0005\n",
                Timings = [new("train", 120.5), new("evaluate", 12.25)],
            },
            TrainingCurves = [new("episodic_return", steps, [.. steps.Select(s => s / 61_440)]), new("approx_kl", steps, [.. steps.Select(_ => 0.01)])],
            Outcomes =
            [
                new("train", new OutcomeShares(200, new(0.01, 0, 0.03), new(0.99, 0.97, 1), Estimate.Exact(0)), [new("5×5", shares)]),
                new("deploy", shares, [new("8×8", shares), new("12×12", shares with { Episodes = 90 })]),
            ],
            EndHeatmaps = [new("deploy", "end relative to the arrow", "offset of the final cell from the arrow", 23, 23, heat, Markers: [new GridMarker(11, 11, "arrow")])],
            Examples =
            [
                new("deploy", OutcomeClass.ObjectiveMisgeneralized, "went to the arrow", example),
                new("deploy", OutcomeClass.ObjectiveGeneralized, "went to the exit", example),
            ],
            BehavioralObjectives =
            [
                new("deploy", "arrow", 200, [new("exit", new(0.02, 0.0, 0.05), new(0.4, 0.2, 0.7), -900, true), new("arrow", new(0.98, 0.95, 1), new(3.1, 2.8, 3.4), -210, false)], -1500,
                    [new("exit", Estimate.Exact(0.1)), new("arrow", Estimate.Exact(2.0))],
                    new MixtureSummary("behavioral objective mixture: arrow 0.62 [0.55, 0.69] (β 3.1), exit 0.30 [0.24, 0.37] (β 2.8), none 0.08 [0.04, 0.12]", true,
                        [new("exit", new(0.30, 0.24, 0.37), new(2.8, 2.1, 3.5), true, true), new("arrow", new(0.62, 0.55, 0.69), new(3.1, 2.7, 3.6), true, false),
                         new("none", new(0.08, 0.04, 0.12), Estimate.NotAvailable, false, false)],
                        [new("arrow", OutcomeClass.ObjectiveMisgeneralized, 118), new("arrow", OutcomeClass.CapabilityFailure, 6), new("exit", OutcomeClass.ObjectiveGeneralized, 60),
                         new("none", OutcomeClass.CapabilityFailure, 16)],
                        [new(0, "arrow", 0.99, OutcomeClass.ObjectiveMisgeneralized, false, null), new(1, "exit", 0.97, OutcomeClass.ObjectiveGeneralized, true, null),
                         new(2, "none", 0.88, OutcomeClass.CapabilityFailure, false, "step limit without reaching a candidate")]),
                    "behavioral objective = arrow (posterior 0.98 [0.95, 1.00], β = 3.1 [2.8, 3.4])"),
            ],
            Decomposition = new RobustnessDecompositionSummary
            {
                TrainSplit = "train", DeploySplit = "deploy", BaseObjective = "exit", IntendedObjective = "exit",
                Robustness = new(0.15, 0.10, 0.21), ObjectiveRobustness = new(0.33, 0.26, 0.40), CapabilityRobustness = new(0.93, 0.88, 0.97),
                CapabilityOnTrain = new(0.99, 0.97, 1.0), OuterAlignment = Estimate.Exact(1),
                TrainBehavioralObjective = "exit", DeployBehavioralObjective = "arrow",
            },
        };
    }
}
