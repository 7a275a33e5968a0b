namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>
/// The amplified overseer of imitative amplification on scripted models whose moves are known: it is better than the
/// model it consults, never worse where that model already gets there, and iterating amplify-then-distill with perfect
/// distillation reaches the exit from every start.
/// </summary>
public sealed class AmplifierTests
{
    private static readonly Split FiveByFive =
        TinyWorlds.Maze.Split("train", new Dictionary<string, object> { ["min_size"] = 5, ["max_size"] = 5 });

    private static IEnumerable<Level> Levels(int count)
    {
        var generator = FiveByFive.World.CreateGenerator(FiveByFive);
        for (int i = 0; i < count; i++) yield return generator.Generate(17, i);
    }

    private static int Exit(Level level) => level.Find(FiveByFive.World.IntendedObjective(FiveByFive).Object);

    /// <summary>A scripted model: a fixed random move at every cell.</summary>
    private static int[] RandomModel(Level level, ref Rng rng)
    {
        var moves = new int[level.CellCount];
        for (int c = 0; c < moves.Length; c++) moves[c] = rng.Next(Moves.Count);
        return moves;
    }

    private const double Gamma = 0.9;

    /// <summary>Amp(M) at every cell: what a perfect distillation of the amplified overseer would be.</summary>
    private static (int[] Moves, float[] Values) Amplified(Level level, int exit, int[] model, float[] value, int depth, out long calls, out long answers)
    {
        var next = new int[level.CellCount];
        var v = new float[level.CellCount];
        calls = answers = 0;
        for (int c = 0; c < next.Length; c++)
        {
            var (m, x, k) = Amplifier.Answer(level, exit, model, value, c, depth, Gamma);
            next[c] = m < 0 ? 0 : m;
            v[c] = (float)x;
            if (m >= 0) { calls += k; answers++; }
        }
        return (next, v);
    }

    private static int Walk(Level level, int exit, int[] policy, int from)
    {
        int x = from;
        for (int s = 0; s <= level.CellCount; s++)
        {
            if (x == exit) return s;
            x = level.Neighbor(x, (Move)policy[x]);
        }
        return -1;
    }

    private static int ShortestMoves(Level level, int exit)
    {
        var distance = new int[level.CellCount];
        var queue = new int[level.CellCount];
        Bfs.Distances(level, [exit], distance, queue);
        return distance[level.Start];
    }

    [Fact]
    public void Amplifying_a_random_model_gives_a_better_policy_than_the_model_alone()
    {
        var rng = new Rng(5);
        int levels = 0, model = 0, amplified = 0;
        foreach (var level in Levels(300))
        {
            int exit = Exit(level);
            var m = RandomModel(level, ref rng);
            var (amp, _) = Amplified(level, exit, m, new float[level.CellCount], depth: 4, out _, out _);
            int byModel = Walk(level, exit, m, level.Start), byAmp = Walk(level, exit, amp, level.Start);
            levels++;
            if (byModel >= 0) model++;
            if (byAmp >= 0) amplified++;
            // Where the model gets there within depth + 1 moves, the amplified overseer does too, no slower.
            if (byModel >= 0 && byModel <= 5) Assert.InRange(byAmp, 0, byModel);
            // And wherever the exit is within depth + 1 moves of the start the overseer finds a shortest route.
            if (byAmp > 0) Assert.True(byAmp <= 5 ? byAmp == ShortestMoves(level, exit) : true, $"level {level.Index}: {byAmp} moves");
        }
        double pm = (double)model / levels, pa = (double)amplified / levels;
        Assert.True(pa >= pm + 0.05, $"success from the start: model alone {pm:F3}, amplified {pa:F3}");
    }

    [Fact]
    public void Amplify_then_distill_perfectly_reaches_the_exit_from_every_cell_and_never_loses_a_cell()
    {
        var rng = new Rng(8);
        foreach (var level in Levels(40))
        {
            int exit = Exit(level);
            var m = RandomModel(level, ref rng);
            var v = new float[level.CellCount];
            int Reached(int[] p) => Enumerable.Range(0, level.CellCount).Count(c => !level.IsEnclosed(c) && Walk(level, exit, p, c) >= 0);
            int open = Enumerable.Range(0, level.CellCount).Count(c => !level.IsEnclosed(c));
            int before = Reached(m);
            for (int k = 0; k < level.CellCount && before < open; k++)
            {
                (m, v) = Amplified(level, exit, m, v, depth: 2, out _, out _);
                int after = Reached(m);
                Assert.True(after >= before, $"level {level.Index}, iteration {k}: {before} cells reached before, {after} after");
                before = after;
            }
            Assert.Equal(open, before);
        }
    }

    [Fact]
    public void The_overseer_answers_an_adjacent_exit_itself_and_counts_the_model_calls_it_uses()
    {
        var level = Levels(1).First();
        int exit = Exit(level);
        var model = new int[level.CellCount];   // always Up
        for (int m = 0; m < Moves.Count; m++)
        {
            int nb = level.Neighbor(exit, Moves.Opposite((Move)m));
            if (nb == exit || level.Neighbor(nb, (Move)m) != exit) continue;
            Assert.Equal((m, 1.0, 0), Amplifier.Answer(level, exit, model, new float[level.CellCount], nb, depth: 3, Gamma));
        }
        // Away from the exit: at most depth calls per open move, plus one when the overseer defers to the model.
        for (int c = 0; c < level.CellCount; c++)
        {
            var (move, _, calls) = Amplifier.Answer(level, exit, model, new float[level.CellCount], c, depth: 3, Gamma);
            if (c == exit) { Assert.Equal(-1, move); continue; }
            Assert.InRange(calls, 0, (3 + 1) * Moves.Count + 1);
        }
    }
}
