namespace MesaLab.Analysis.Tests;

using MesaLab.Worlds;

/// <summary>
/// Small scripted agents private to these tests (so the analysis is tested on agents whose objective is
/// known, independently of the scripted agents shipped with the worlds): follow the shortest path to a
/// candidate's nearest goal, with probability ε take a uniformly random move instead.
/// </summary>
internal sealed class SeekerAgent(CandidateObjective target, double epsilon = 0, ulong seed = 1) : IPolicy
{
    private Rng rng = new(seed);

    public string Name => epsilon > 0 ? $"test-seeker:{target.Name}@{epsilon}" : $"test-seeker:{target.Name}";
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            if (epsilon > 0 && rng.NextDouble() < epsilon) { moves[i] = (Move)rng.Next(4); continue; }
            var level = batch.Levels[i];
            var live = batch.LiveObjects(i);
            var goal = GoalDistances.GoalCells(level, target, live, batch.KeysHeld[i]);
            var d = GoalDistances.To(level, goal, live, Bfs.AvoidFor(target));
            int s = batch.AgentCell[i];
            int best = 0, bestD = int.MaxValue;
            for (int a = 0; a < 4; a++)
            {
                int nb = level.Neighbor(s, (Move)a);
                if (d[nb] < bestD) { bestD = d[nb]; best = a; }
            }
            moves[i] = (Move)best;
        }
    }
}

/// <summary>Uniformly random moves: the "no coherent objective" reference.</summary>
internal sealed class UniformAgent(ulong seed = 1) : IPolicy
{
    private Rng rng = new(seed);
    public string Name => "test-random";
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        for (int i = 0; i < batch.Count; i++) moves[i] = (Move)rng.Next(4);
    }
}

/// <summary>
/// Pursues the candidates of a plan in order, each until its step event first fires, then moves uniformly at random
/// (a detour to the arrow before the exit; one chest and then aimless wandering).
/// </summary>
internal sealed class PlanAgent(CandidateObjective[] plan, ulong seed = 1) : IPolicy
{
    private Rng rng = new(seed);
    private int[] stage = [];

    public string Name => "test-plan:" + string.Join(">", plan.Select(p => p.Name));
    public bool NeedsObservations => false;

    public void Act(WorldBatch batch, ReadOnlySpan<float> observations, Span<Move> moves)
    {
        if (stage.Length != batch.Count) stage = new int[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch.StepCount[i] == 0) stage[i] = 0;
            else if (stage[i] < plan.Length && (batch.Events[i] & plan[stage[i]].Event) != 0) stage[i]++;
            if (stage[i] >= plan.Length) { moves[i] = (Move)rng.Next(4); continue; }
            var target = plan[stage[i]];
            var level = batch.Levels[i];
            var live = batch.LiveObjects(i);
            var d = GoalDistances.To(level, GoalDistances.GoalCells(level, target, live, batch.KeysHeld[i]), live, Bfs.AvoidFor(target));
            int s = batch.AgentCell[i], best = 0, bestD = int.MaxValue;
            for (int a = 0; a < 4; a++)
            {
                int nb = level.Neighbor(s, (Move)a);
                if (d[nb] < bestD) { bestD = d[nb]; best = a; }
            }
            moves[i] = (Move)best;
        }
    }
}
