namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;

/// <summary>
/// The shipped scripted agents (<see cref="AgentSpec"/>) toward every candidate of every world are identified on
/// the world's deploy split from 30 episodes (the requirement is at most 50), also with ε = 0.3 noise; the random agent is incoherent.
/// </summary>
public class AllWorldsInferenceTests
{
    public static TheoryData<string, string, double> Agents()
    {
        var data = new TheoryData<string, string, double>();
        foreach (var w in WorldCatalog.All)
            foreach (var c in w.Candidates.Where(Followed))
            {
                data.Add(w.Name, c.Name, 0);
                data.Add(w.Name, c.Name, 0.3);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Agents))]
    public void Shortest_path_agent_is_identified_on_deploy(string worldName, string candidate, double epsilon)
    {
        var world = WorldCatalog.Get(worldName);
        var policy = AgentSpec.Parse(AgentSpec.ShortestPathPrefix + candidate, epsilon, 17, world);
        var records = Evaluator.Run(world.Split("deploy"), policy, 30, 5);
        var bo = new BehavioralObjectiveInference().Infer(records);
        Assert.True(bo.Objective == candidate && bo.Posterior.Value >= 0.95, $"{policy.Name} on {worldName}: {bo.Summary}");
    }

    [Theory]
    [MemberData(nameof(Worlds))]
    public void Random_agent_is_incoherent_in_every_world(string worldName)
    {
        var world = WorldCatalog.Get(worldName);
        var records = Evaluator.Run(world.Split("deploy"), AgentSpec.Parse("random", 0, 3, world), 20, 5);
        var bo = new BehavioralObjectiveInference().Infer(records);
        Assert.False(bo.Coherent, $"{worldName}: {bo.Summary}");
    }

    public static TheoryData<string> Worlds() => [.. WorldCatalog.All.Select(w => w.Name)];

    /// <summary>
    /// Whether the inference follows the candidate's goals through an episode: reach goals are static, and of the
    /// collect candidates it replays keys and chests from the recorded events. Beacons, the partner's order, apples
    /// and shields change by other rules (markers moving on, consumption); Replay.LiveObjects gives those.
    /// </summary>
    private static bool Followed(CandidateObjective c) => c.Kind == ObjectiveKind.Reach || c.Object is CellObject.Key or CellObject.Chest;
}
