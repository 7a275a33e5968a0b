namespace MesaLab.Analysis;

using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>
/// How often each kind of event happened per episode on one split (keys picked, chests opened, lava entered, …),
/// counted from the recorded step events, and for keys and chests the keys picked per chest opened: the number
/// that says whether an agent hoards keys. Intervals are percentile bootstraps over episodes.
/// </summary>
/// <param name="Episodes">Episodes counted.</param>
/// <param name="PerEpisode">Mean count per episode of every event kind that happened at least once, in <see cref="Counted"/> order.</param>
/// <param name="KeysPerChest">Keys picked per chest opened (ratio of totals); null when no key was picked or no chest opened.</param>
public sealed record EventCounts(int Episodes, IReadOnlyList<EventCount> PerEpisode, Estimate? KeysPerChest)
{
    /// <summary>The event kinds counted, with the names reports use; wall bumps and the step limit are not events of interest.</summary>
    public static readonly IReadOnlyList<(StepEvents Event, string Name)> Counted =
    [
        (StepEvents.ReachedExit, "exit reached"),
        (StepEvents.SteppedOnArrow, "arrow stepped on"),
        (StepEvents.ReachedCheese, "cheese reached"),
        (StepEvents.ReachedCorner, "corner reached"),
        (StepEvents.ReachedDish, "dish reached"),
        (StepEvents.PickedKey, "keys picked"),
        (StepEvents.OpenedChest, "chests opened"),
        (StepEvents.PickedApple, "apples picked"),
        (StepEvents.PickedShield, "shields picked"),
        (StepEvents.HitByMonster, "monster hits"),
        (StepEvents.EnteredLava, "lava entered"),
        (StepEvents.BeaconInOrder, "beacons in order"),
        (StepEvents.BeaconOutOfOrder, "beacons out of order"),
    ];

    /// <summary>Counts the events of <paramref name="records"/>; <paramref name="resamples"/> bootstrap resamples of episodes give the intervals.</summary>
    public static EventCounts Of(IReadOnlyList<EpisodeRecord> records, int resamples = 1000, ulong seed = 0xE7E7)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        int n = records.Count;
        var counts = new int[Counted.Count][];
        for (int k = 0; k < Counted.Count; k++) counts[k] = new int[n];
        for (int i = 0; i < n; i++)
            foreach (var e in records[i].Events)
                for (int k = 0; k < Counted.Count; k++)
                    if ((e & Counted[k].Event) != 0) counts[k][i]++;

        // One set of resampled episode indices serves every count, so intervals of different events are coherent.
        var draws = new int[resamples][];
        var rng = new Rng(seed);
        for (int b = 0; b < resamples; b++)
        {
            draws[b] = new int[n];
            for (int j = 0; j < n; j++) draws[b][j] = rng.Next(n);
        }

        var perEpisode = new List<EventCount>();
        for (int k = 0; k < Counted.Count; k++)
        {
            long total = counts[k].Sum(c => (long)c);
            if (total == 0 || n == 0) continue;
            var c = counts[k];
            var estimate = Estimate.FromReplicates((double)total / n, draws.Select(d => d.Sum(j => (double)c[j]) / n));
            perEpisode.Add(new EventCount(Counted[k].Name, total, estimate));
        }

        Estimate? keysPerChest = null;
        int keyIndex = IndexOf(StepEvents.PickedKey), chestIndex = IndexOf(StepEvents.OpenedChest);
        long keys = counts[keyIndex].Sum(c => (long)c), chests = counts[chestIndex].Sum(c => (long)c);
        if (keys > 0 && chests > 0)
        {
            var k = counts[keyIndex];
            var ch = counts[chestIndex];
            keysPerChest = Estimate.FromReplicates((double)keys / chests, draws.Select(d =>
            {
                double kk = 0, cc = 0;
                foreach (int j in d) { kk += k[j]; cc += ch[j]; }
                return cc > 0 ? kk / cc : double.NaN;
            }));
        }
        return new EventCounts(n, perEpisode, keysPerChest);
    }

    private static int IndexOf(StepEvents e)
    {
        for (int k = 0; k < Counted.Count; k++) if (Counted[k].Event == e) return k;
        throw new InvalidOperationException($"{e} is not a counted event.");
    }
}

/// <summary>One event kind on one split: its name, how many times it happened in all, and the mean per episode.</summary>
public sealed record EventCount(string Event, long Total, Estimate PerEpisode);
