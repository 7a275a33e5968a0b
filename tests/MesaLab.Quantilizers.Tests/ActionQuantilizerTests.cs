namespace MesaLab.Quantilizers.Tests;

using MesaLab.Quantilizers;
using MesaLab.Worlds;

public class ActionQuantilizerTests
{
    /// <summary>A 3×3 open room, start top-left, exit bottom-right, a flower bed in the centre.</summary>
    private static GardenLevel Room()
    {
        var level = new Level(9);
        level.Reset(3, 3);
        level.OpenAllInterior();
        level.Start = 0;
        level.Objects[8] = CellObject.Exit | CellObject.Arrow;
        level.Objects[4] = CellObject.Marked;
        return new GardenLevel(level, CandidateObjective.Exit, 36, 0.5);
    }

    /// <summary>Shortest steps from a cell to the goal by trying every move sequence up to a length (no BFS).</summary>
    private static int BruteForceDistance(GardenLevel g, int cell, int maxLength = 6)
    {
        if (g.IsGoal[cell]) return 0;
        for (int len = 1; len <= maxLength; len++)
        {
            int sequences = 1 << (2 * len);
            for (int s = 0; s < sequences; s++)
            {
                int c = cell;
                for (int t = 0; t < len; t++) c = g.Level.Neighbor(c, (Move)((s >> (2 * t)) & 3));
                if (g.IsGoal[c]) return len;
            }
        }
        return int.MaxValue;
    }

    /// <summary>
    /// The quantilizer of one state by brute force: each move's mass cut into M atoms keyed by (Q-value, u)
    /// with u an independent uniform tie-breaker, sorted, and the top q of the mass taken atom by atom.
    /// </summary>
    private static double[] BruteForceRow(GardenLevel g, CellPolicy basePolicy, int cell, double q, int m = 20_000)
    {
        var atoms = new List<(double Q, double U, int Move, double Mass)>();
        for (int a = 0; a < Moves.Count; a++)
        {
            double qv = -(1 + BruteForceDistance(g, g.Level.Neighbor(cell, (Move)a)));
            for (int j = 0; j < m; j++) atoms.Add((qv, (j + 0.5) / m, a, basePolicy[cell, a] / m));
        }
        atoms.Sort((x, y) => x.Q != y.Q ? y.Q.CompareTo(x.Q) : y.U.CompareTo(x.U));
        var row = new double[Moves.Count];
        double left = q;
        foreach (var atom in atoms)
        {
            if (left <= 0) break;
            double take = Math.Min(atom.Mass, left);
            row[atom.Move] += take / q;
            left -= take;
        }
        return row;
    }

    private static CellPolicy RandomBase(int cells, ulong seed)
    {
        var rng = new Rng(seed);
        var p = new double[cells * Moves.Count];
        for (int c = 0; c < cells; c++)
        {
            double s = 0;
            for (int a = 0; a < Moves.Count; a++) s += p[c * 4 + a] = 0.05 + rng.NextDouble();
            for (int a = 0; a < Moves.Count; a++) p[c * 4 + a] /= s;
        }
        return new CellPolicy("random-table", p);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.7)]
    [InlineData(0.3)]
    [InlineData(0.1)]
    [InlineData(0.01)]
    public void Per_action_quantilizer_equals_brute_force_on_a_small_level(double q)
    {
        var g = Room();
        foreach (var basePolicy in new[] { RandomBase(g.CellCount, 5), Demonstrator.Table(g.Level, CandidateObjective.Exit, new DemonstratorSettings()) })
        {
            var quantilized = ActionQuantilizer.Apply(basePolicy, g, q);
            for (int c = 0; c < g.CellCount; c++)
            {
                if (g.IsGoal[c]) continue;
                var brute = BruteForceRow(g, basePolicy, c, q);
                for (int a = 0; a < Moves.Count; a++)
                    Assert.True(Math.Abs(brute[a] - quantilized[c, a]) < 2e-3, $"cell {c} move {(Move)a}: brute force {brute[a]:F4}, quantilizer {quantilized[c, a]:F4}");
            }
        }
    }

    [Fact]
    public void Exact_proxy_Q_values_match_exhaustive_search()
    {
        var g = Room();
        for (int c = 0; c < g.CellCount; c++)
            for (int a = 0; a < Moves.Count; a++)
                Assert.Equal(-(1.0 + BruteForceDistance(g, g.Level.Neighbor(c, (Move)a))), g.ProxyQ(c, a));
    }

    [Fact]
    public void Strong_per_action_quantilization_approaches_the_shortest_path_maximizer()
    {
        var g = Room();
        var max = ActionQuantilizer.Maximizer(g);
        var strong = ActionQuantilizer.Apply(CellPolicy.Uniform(g.CellCount), g, 1e-6);
        for (int i = 0; i < max.P.Length; i++) Assert.Equal(max.P[i], strong.P[i], 9);
        // q = 1 is the base itself.
        var demo = Demonstrator.Table(g.Level, CandidateObjective.Exit, new DemonstratorSettings());
        var same = ActionQuantilizer.Apply(demo, g, 1);
        for (int i = 0; i < demo.P.Length; i++) Assert.Equal(demo.P[i], same.P[i], 12);
        // The maximizer walks 4 steps, splitting evenly between the best moves: from (1,0) and (0,1) half of
        // its mass steps into the centre's flower bed, so E[cost] = 1/2 exactly.
        var e = max.Evaluate(g);
        Assert.Equal(1, e.Proxy, 9);
        Assert.Equal(0.5, e.Cost, 9);
    }

    /// <summary>
    /// Taylor's bound for the per-action quantilizer holds step by step: in every state it raises no move's
    /// probability by more than 1/q. (Over an episode these factors multiply, so no 1/q bound on the episode's
    /// cost follows; the Goodhart run only reports whether the exact cost stayed below E_base[c]/q.)
    /// </summary>
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.1)]
    [InlineData(0.01)]
    public void Per_action_quantilizer_raises_no_move_probability_by_more_than_one_over_q(double q)
    {
        foreach (var g in GardenTests.Gardens().Take(5, 0))
        {
            var demo = Demonstrator.Table(g.Level, CandidateObjective.Exit, new DemonstratorSettings());
            var quantilized = ActionQuantilizer.Apply(demo, g, q);
            for (int i = 0; i < demo.P.Length; i++)
                Assert.True(quantilized.P[i] <= demo.P[i] / q + 1e-12, $"level {g.Level.Index}, entry {i}: {quantilized.P[i]} > {demo.P[i]} / {q}");
        }
    }
}
