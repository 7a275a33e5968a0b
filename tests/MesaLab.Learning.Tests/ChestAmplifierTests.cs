namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>
/// The amplified overseer on keys and chests (<see cref="ChestAmplifier"/>) with scripted models that read only their
/// observation: it names a chest-opening move itself, its copies walk in simulated worlds (they see the keys they pick
/// up and the chests they open), and it beats the model it consults.
/// </summary>
public sealed class ChestAmplifierTests
{
    private const double Gamma = 0.9;

    private static readonly Split Split = KeysAndChestsProposalTests.Tiny(maxSteps: 40);

    /// <summary>A one-instance batch on the corridor drawn by <paramref name="cells"/> (S start, K key, C chest, . empty), reset to its start.</summary>
    private static (WorldBatch Batch, float[] Obs) Start(string cells)
    {
        var batch = new WorldBatch(Split, 1, 1, new BatchOptions { AutoReset = false, CanvasWidth = cells.Length, CanvasHeight = 3 });
        var obs = new float[batch.ObservationSize];
        batch.ResetInstance(0, KeysAndChestsProposalTests.Line(cells), obs);
        return (batch, obs);
    }

    /// <summary>Whether an observation shows a key held (the inventory channel, the last one).</summary>
    private static bool Holding(ReadOnlySpan<float> o, int channels, int plane) => o[(channels - 1) * plane] > 0;

    /// <summary>A scripted model: right while empty-handed, left while holding a key; value 0 everywhere.</summary>
    private static ChestAmplifier.Model RightThenLeft(WorldBatch batch, List<int>? asked = null) => (obs, count, moves, values) =>
    {
        int size = batch.ObservationSize, plane = batch.CanvasWidth * batch.CanvasHeight;
        asked?.Add(count);
        for (int j = 0; j < count; j++)
        {
            moves[j] = (int)(Holding(obs.Slice(j * size, size), batch.Channels, plane) ? Move.Left : Move.Right);
            values[j] = 0;
        }
    };

    [Fact]
    public void The_overseer_names_the_move_that_opens_an_adjacent_chest_when_holding_a_key_without_asking_the_model()
    {
        var (batch, obs) = Start("SKC..");
        batch.Step([Move.Right], obs);
        Assert.Equal(1, batch.KeysHeld[0]);
        var amp = new ChestAmplifier(3, Gamma);
        int[] move = new int[1], calls = new int[1];
        double[] value = new double[1];
        var asked = new List<int>();
        // The model would walk away (left, value 0); the overseer answers right itself.
        amp.Answer(batch, obs, RightThenLeft(batch, asked), move, value, calls);
        Assert.Equal(((int)Move.Right, 1.0, 0), (move[0], value[0], calls[0]));
        Assert.Empty(asked);
    }

    [Fact]
    public void The_copies_walk_in_simulated_worlds_and_the_overseer_prefers_the_move_whose_walk_opens_a_chest_sooner()
    {
        // C.S.K: the model walks right until it holds a key, then left. Through the right move its copy picks up the
        // key at cell 4 (move 2), turns, and opens the chest at cell 0 on move 6: γ⁵. Through the left move it would
        // open it on move 8, beyond the walk's 1 + 6 moves: score 0. Without the key picked up in the simulated world
        // the copy would never turn back.
        var (batch, obs) = Start("C.S.K");
        var amp = new ChestAmplifier(6, Gamma);
        int[] move = new int[1], calls = new int[1];
        double[] value = new double[1];
        var asked = new List<int>();
        amp.Answer(batch, obs, RightThenLeft(batch, asked), move, value, calls);
        Assert.Equal((int)Move.Right, move[0]);
        Assert.Equal(Math.Pow(Gamma, 5), value[0], 9);
        // Calls on the states after moves 1–5 of the right walk and 1–7 of the left walk; walkers of one walk step share a pass.
        Assert.Equal(12, calls[0]);
        Assert.Equal([2, 2, 2, 2, 2, 1, 1], asked);
        // The source world is untouched.
        Assert.Equal((2, 0, 0), (batch.AgentCell[0], batch.KeysHeld[0], batch.StepCount[0]));

        // Too shallow to reach the chest and a model valuing nothing: the overseer defers to the model (one more call).
        var shallow = new ChestAmplifier(2, Gamma);
        shallow.Answer(batch, obs, RightThenLeft(batch), move, value, calls);
        Assert.Equal(((int)Move.Right, 0.0, 3 + 3 + 1), (move[0], value[0], calls[0]));
    }

    /// <summary>A scripted model: a fixed random move per canvas cell and whether a key is held; value 0.</summary>
    private static ChestAmplifier.Model RandomModel(WorldBatch batch, int[] table) => (obs, count, moves, values) =>
    {
        int size = batch.ObservationSize, plane = batch.CanvasWidth * batch.CanvasHeight;
        for (int j = 0; j < count; j++)
        {
            var o = obs.Slice(j * size, size);
            int p = o.Slice(World.AgentChannel * plane, plane).IndexOf(1f);
            moves[j] = table[(Holding(o, batch.Channels, plane) ? plane : 0) + p];
            values[j] = 0;
        }
    };

    /// <summary>Mean chests opened per episode on the tiny levels by a policy choosing every instance's move from the batch.</summary>
    private static double ChestsPerEpisode(Action<WorldBatch, float[], int[]> policy, int levels)
    {
        var batch = new WorldBatch(KeysAndChestsProposalTests.Tiny(), levels, 23, new BatchOptions { AutoReset = false });
        var obs = new float[levels * batch.ObservationSize];
        batch.Reset(obs);
        var moves = new int[levels];
        var m = new Move[levels];
        var done = new bool[levels];
        double opened = 0;
        while (done.Contains(false))
        {
            policy(batch, obs, moves);
            for (int i = 0; i < levels; i++) m[i] = (Move)moves[i];
            batch.Step(m, obs);
            for (int i = 0; i < levels; i++)
            {
                if (done[i]) continue;
                if ((batch.Events[i] & StepEvents.OpenedChest) != 0) opened++;
                done[i] = batch.Terminated[i] || batch.Truncated[i];
            }
        }
        return opened / levels;
    }

    [Fact]
    public void The_amplified_overseer_opens_more_chests_than_the_random_model_it_consults_on_generated_tiny_levels()
    {
        var probe = new WorldBatch(KeysAndChestsProposalTests.Tiny(), 1, 23);
        int plane = probe.CanvasWidth * probe.CanvasHeight;
        var rng = new Rng(5);
        var table = new int[2 * plane];
        for (int c = 0; c < table.Length; c++) table[c] = rng.Next(Moves.Count);
        var values = new float[400];
        double byModel = ChestsPerEpisode((b, o, mv) => RandomModel(b, table)(o, b.Count, mv, values), 400);
        var amp = new ChestAmplifier(4, Gamma);
        var v = new double[400];
        var calls = new int[400];
        long totalCalls = 0, answers = 0;
        double byAmp = ChestsPerEpisode((b, o, mv) =>
        {
            amp.Answer(b, o, RandomModel(b, table), mv, v, calls);
            totalCalls += calls.Sum();
            answers += b.Count;
        }, 400);
        Assert.True(byAmp >= byModel + 0.1, $"chests per episode: model alone {byModel:F3}, amplified {byAmp:F3}");
        // At most depth + 1 calls per open move, plus one when deferring.
        Assert.InRange((double)totalCalls / answers, 0, 5 * Moves.Count + 1);
    }

    [Fact]
    public void Answering_many_states_together_gives_each_the_answer_it_gets_alone()
    {
        const int n = 48;
        var split = KeysAndChestsProposalTests.Tiny();
        var batch = new WorldBatch(split, n, 31, new BatchOptions { AutoReset = false });
        var obs = new float[n * batch.ObservationSize];
        batch.Reset(obs);
        var rng = new Rng(2);
        var m = new Move[n];
        for (int t = 0; t < 3; t++)
        {
            for (int i = 0; i < n; i++) m[i] = (Move)rng.Next(Moves.Count);
            batch.Step(m, obs);
        }
        int plane = batch.CanvasWidth * batch.CanvasHeight;
        var table = new int[2 * plane];
        for (int c = 0; c < table.Length; c++) table[c] = rng.Next(Moves.Count);
        var (moves, values, calls) = (new int[n], new double[n], new int[n]);
        new ChestAmplifier(4, Gamma).Answer(batch, obs, RandomModel(batch, table), moves, values, calls);
        var one = new WorldBatch(split, 1, 0, new BatchOptions { AutoReset = false, CanvasWidth = batch.CanvasWidth, CanvasHeight = batch.CanvasHeight });
        var oneObs = new float[one.ObservationSize];
        var alone = new ChestAmplifier(4, Gamma);
        var (mv, v, k) = (new int[1], new double[1], new int[1]);
        for (int i = 0; i < n; i++)
        {
            if (batch.Terminated[i] || batch.Truncated[i]) continue;
            one.CopyInstance(batch, i, 0, oneObs);
            alone.Answer(one, oneObs, RandomModel(one, table), mv, v, k);
            Assert.Equal((moves[i], values[i], calls[i]), (mv[0], v[0], k[0]));
        }
    }
}
