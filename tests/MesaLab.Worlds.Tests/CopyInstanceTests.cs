namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>A copied instance in the middle of its episode steps exactly as the original would, and the original is untouched.</summary>
public class CopyInstanceTests
{
    [Fact]
    public void A_copy_of_a_keys_and_chests_episode_in_progress_continues_it_exactly()
    {
        var split = WorldCatalog.Get("keys-and-chests").Split("deploy");
        const int n = 24;
        var source = new WorldBatch(split, n, 4, new BatchOptions { AutoReset = false });
        var obs = new float[n * source.ObservationSize];
        source.Reset(obs);
        var rng = new Rng(9);
        var moves = new Move[n];
        // Walk a while (picking keys, opening chests) so the copies start in the middle of their episodes.
        for (int t = 0; t < 12; t++)
        {
            for (int i = 0; i < n; i++) moves[i] = (Move)rng.Next(Moves.Count);
            source.Step(moves, obs);
        }
        var copies = new WorldBatch(split, 2 * n, 0, new BatchOptions { AutoReset = false, CanvasWidth = source.CanvasWidth, CanvasHeight = source.CanvasHeight });
        var copyObs = new float[2 * n * copies.ObservationSize];
        int size = source.ObservationSize;
        var before = (float[])obs.Clone();
        for (int i = 0; i < n; i++)
        {
            if (source.Terminated[i] || source.Truncated[i]) continue;
            copies.CopyInstance(source, i, 2 * i + 1, copyObs);
            Assert.Equal(obs.AsSpan(i * size, size).ToArray(), copyObs.AsSpan((2 * i + 1) * size, size).ToArray());
        }
        Assert.Equal(before, obs);
        for (int t = 0; t < 10; t++)
        {
            for (int i = 0; i < n; i++) moves[i] = (Move)rng.Next(Moves.Count);
            for (int i = 0; i < n; i++)
            {
                if (source.Terminated[i] || source.Truncated[i]) continue;
                int w = 2 * i + 1;
                copies.StepOne(w, moves[i], copyObs);
                source.StepOne(i, moves[i], obs);
                Assert.Equal((source.AgentCell[i], source.KeysHeld[i], source.Events[i], source.Rewards[i], source.Terminated[i], source.Truncated[i]),
                    (copies.AgentCell[w], copies.KeysHeld[w], copies.Events[w], copies.Rewards[w], copies.Terminated[w], copies.Truncated[w]));
                Assert.Equal(source.LiveObjects(i).ToArray(), copies.LiveObjects(w).ToArray());
                Assert.Equal(obs.AsSpan(i * size, size).ToArray(), copyObs.AsSpan(w * size, size).ToArray());
            }
        }
        Assert.Contains(source.EpisodeEvents, e => (e & StepEvents.OpenedChest) != 0);
    }
}
