namespace MesaLab.Worlds.Tests;

using MesaLab.Worlds;

/// <summary>
/// Stored experiments name their levels by (world, split fingerprint, seed, index) and regenerate them for analysis, so
/// the levels and rules of the built-in splits must not change: these hashes were taken from the worlds as they are
/// and any change to a generator, the random stream or the step rules for these splits breaks them.
/// </summary>
public class LevelStabilityTests
{
    public static TheoryData<string, string, string, ulong, ulong, string> Golden() => new()
    {
        { "green-arrow-maze", "train", "", 9452245540327058802UL, 10402525055935190039UL, "min_size=3;max_size=6;arrow=on_exit;goal=exit;randomized_fraction=0;max_steps=0" },
        { "green-arrow-maze", "deploy", "", 9938703290277431012UL, 131867472852592522UL, "min_size=7;max_size=10;arrow=distinguishing;goal=exit;randomized_fraction=0;max_steps=0" },
        { "keys-and-chests", "train", "", 13155411963770755819UL, 11370257342188917724UL, "min_size=5;max_size=7;chest_probability=0.5;key_probability=0.1;min_keys=1;min_chests=1;randomized_fraction=0;max_steps=0" },
        { "keys-and-chests", "deploy", "", 6388819837649581643UL, 4335663270812215999UL, "min_size=5;max_size=7;chest_probability=0.1;key_probability=0.5;min_keys=1;min_chests=1;randomized_fraction=0;max_steps=0" },
        { "cheese-corner-maze", "train", "", 4204377957245306815UL, 5564285775427901599UL, "min_size=5;max_size=9;cheese=region;region_size=1;start=bottom_left;randomized_fraction=0;max_steps=0" },
        { "cheese-corner-maze", "deploy", "", 13950636306717963175UL, 2403501419404796606UL, "min_size=5;max_size=9;cheese=anywhere;region_size=1;start=bottom_left;randomized_fraction=0;max_steps=0" },
        { "lava-shift", "train", "", 12600146286756614181UL, 10457502879309548673UL, "min_width=7;max_width=7;height=5;lava_shift=0;randomized_shift=1;strip_margin=2;randomized_fraction=0;max_steps=0" },
        { "lava-shift", "deploy", "", 16633439034338840613UL, 4440507391060496611UL, "min_width=7;max_width=7;height=5;lava_shift=1;randomized_shift=1;strip_margin=2;randomized_fraction=0;max_steps=0" },
        { "green-arrow-maze", "train", "randomized_fraction=0.02", 5808818686011172454UL, 12613193534375901435UL, "min_size=3;max_size=6;arrow=on_exit;goal=exit;randomized_fraction=0.02;max_steps=0" },
        { "green-arrow-maze", "deploy", "goal=arrow", 10949674455871053768UL, 1699713724914906757UL, "min_size=7;max_size=10;arrow=distinguishing;goal=arrow;randomized_fraction=0;max_steps=0" },
        { "green-arrow-maze", "deploy", "arrow=random,min_size=3,max_size=6", 4867516250737474010UL, 10250995048067445153UL, "min_size=3;max_size=6;arrow=random;goal=exit;randomized_fraction=0;max_steps=0" },
        { "keys-and-chests", "train", "randomized_fraction=0.3,min_keys=2", 14842605691553331411UL, 7862815752229796371UL, "min_size=5;max_size=7;chest_probability=0.5;key_probability=0.1;min_keys=2;min_chests=1;randomized_fraction=0.3;max_steps=0" },
        { "cheese-corner-maze", "train", "start=random,region_size=3,randomized_fraction=0.1", 10728178421200065750UL, 12333271058760801314UL, "min_size=5;max_size=9;cheese=region;region_size=3;start=random;randomized_fraction=0.1;max_steps=0" },
        { "lava-shift", "train", "randomized_fraction=0.2,min_width=6,max_width=9", 17040765576517123963UL, 4345506187324606262UL, "min_width=6;max_width=9;height=5;lava_shift=0;randomized_shift=1;strip_margin=2;randomized_fraction=0.2;max_steps=0" },
    };

    [Theory, MemberData(nameof(Golden))]
    public void Built_in_splits_keep_their_levels_rollouts_and_fingerprints(string world, string split, string overrides, ulong levelHash, ulong rolloutHash, string fingerprint)
    {
        var s = SplitOf(world, split, overrides);
        Assert.Equal(fingerprint, s.Fingerprint());
        Assert.Equal(levelHash, LevelHash(s));
        Assert.Equal(rolloutHash, RolloutHash(s));
    }

    internal static Split SplitOf(string world, string split, string overrides) =>
        WorldCatalog.Get(world).Split(split, overrides.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(kv => kv.Split('=')[0], kv => (object)kv.Split('=')[1]));

    /// <summary>FNV-1a over size, start, randomized flag, walls and objects of levels 0..299 for two seeds.</summary>
    internal static ulong LevelHash(Split s)
    {
        var gen = s.World.CreateGenerator(s);
        var level = new Level();
        ulong h = 14695981039346656037UL;
        void Add(long v) { h ^= (ulong)v; h *= 1099511628211UL; }
        foreach (ulong seed in new ulong[] { 1, 12345 })
            for (long i = 0; i < 300; i++)
            {
                gen.Generate(seed, i, level);
                Add(level.Width); Add(level.Height); Add(level.Start); Add(level.Randomized ? 1 : 0);
                for (int c = 0; c < level.CellCount; c++) { Add(level.Walls[c]); Add((long)level.Objects[c]); }
            }
        return h;
    }

    /// <summary>
    /// FNV-1a over cells, events and rewards of 600 auto-resetting steps of a noisy agent for the base objective and of a
    /// random agent (not one per candidate: the rules are what is pinned, not the candidate list).
    /// </summary>
    internal static ulong RolloutHash(Split s)
    {
        ulong h = 14695981039346656037UL;
        void Add(long v) { h ^= (ulong)v; h *= 1099511628211UL; }
        foreach (IPolicy agent in new IPolicy[] { new ShortestPathAgent(s.World.BaseObjective(s), 0.3, 5), new RandomAgent(5) })
        {
            var batch = new WorldBatch(s, 3, 77);
            var obs = new float[batch.Count * batch.ObservationSize];
            batch.Reset(obs);
            var moves = new Move[batch.Count];
            for (int t = 0; t < 600; t++)
            {
                agent.Act(batch, obs, moves);
                batch.Step(moves, obs);
                for (int i = 0; i < batch.Count; i++)
                {
                    Add(batch.AgentCell[i]); Add((long)batch.Events[i]); Add(BitConverter.SingleToInt32Bits(batch.Rewards[i]));
                    Add(batch.Terminated[i] ? 1 : 0); Add(batch.Truncated[i] ? 1 : 0);
                }
            }
            double sum = 0;
            for (int k = 0; k < obs.Length; k++) sum += obs[k] * (k % 89 + 1);
            Add(BitConverter.DoubleToInt64Bits(sum));
        }
        return h;
    }
}

