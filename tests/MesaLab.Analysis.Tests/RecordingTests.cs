namespace MesaLab.Analysis.Tests;

using CsCheck;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

public class RecordingTests
{
    private static readonly World GreenArrow = WorldCatalog.Get("green-arrow-maze");

    private static readonly Gen<EpisodeRecord> Records =
        from n in Gen.Int[0, 300]
        from actions in Gen.Int[0, 3].Array[n]
        from positions in Gen.Int[0, 5000].Array[n]
        from events in Gen.UShort.Array[n]
        from seed in Gen.ULong
        from index in Gen.Long
        from ret in Gen.Float[-10, 10]
        from flags in Gen.Int[0, 3]
        select new EpisodeRecord
        {
            World = "green-arrow-maze", Split = "déploy", SplitFingerprint = "min_size=8;max_size=12", Agent = "shortest-path:arrow",
            Seed = seed, LevelSeed = seed ^ 7, LevelIndex = index, LevelWidth = 9, LevelHeight = 11, Start = 17, Return = ret,
            Terminated = (flags & 1) != 0, Truncated = (flags & 2) != 0,
            Actions = actions.Select(a => (Move)a).ToArray(), Positions = positions, Events = events.Select(e => (StepEvents)e).ToArray(),
        };

    private static void AssertSame(EpisodeRecord a, EpisodeRecord b)
    {
        Assert.Equal(a with { Actions = [], Positions = [], Events = [] }, b with { Actions = [], Positions = [], Events = [] });
        Assert.Equal(a.Actions, b.Actions);
        Assert.Equal(a.Positions, b.Positions);
        Assert.Equal(a.Events, b.Events);
    }

    [Fact]
    public void Encoding_round_trips_every_field() =>
        Records.Sample(r => AssertSame(r, EpisodeRecord.Decode(r.Encode())), iter: 300);

    [Fact]
    public void Every_truncation_and_every_flipped_bit_is_a_user_error()
    {
        var r = Evaluator.Run(GreenArrow.Split("deploy"), new SeekerAgent(CandidateObjective.Arrow), 1, 3)[0];
        var bytes = r.Encode();
        for (int len = 0; len < bytes.Length; len++)
        {
            var e = Assert.Throws<UserError>(() => EpisodeRecord.Decode(bytes.AsSpan(0, len)));
            Assert.Contains("trajectory record", e.Message);
        }
        for (int i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x10;
            Assert.Throws<UserError>(() => EpisodeRecord.Decode(copy));
        }
    }

    [Fact]
    public void Recorded_steps_take_under_one_byte_each_beyond_the_header()
    {
        foreach (var agent in new IPolicy[] { new SeekerAgent(CandidateObjective.Exit, 0.3, 5), new UniformAgent(5) })
        {
            var records = Evaluator.Run(GreenArrow.Split("deploy"), agent, 10, 4);
            foreach (var r in records) AssertSame(r, EpisodeRecord.Decode(r.Encode()));
            double header = records.Sum(r => (r with { Actions = [], Positions = [], Events = [] }).Encode().Length);
            double perStep = (records.Sum(r => r.Encode().Length) - header) / records.Sum(r => r.Length);
            Assert.True(perStep < 1, $"{agent.Name}: {perStep:0.00} bytes per step");
        }
    }

    [Fact]
    public void Recorded_episodes_replay_exactly_and_a_tampered_one_is_caught()
    {
        var records = Evaluator.Run(GreenArrow.Split("deploy"), new SeekerAgent(CandidateObjective.Arrow, 0.3, 9), 8, 21);
        foreach (var r in records)
        {
            var level = Replay.Verify(EpisodeRecord.Decode(r.Encode()));
            Assert.Equal(r.LevelWidth, level.Width);
            Assert.Equal(r.Start, level.Start);
        }
        var bad = records[2];
        var positions = (int[])bad.Positions.Clone();
        positions[1] = (positions[1] + 1) % (bad.LevelWidth * bad.LevelHeight);
        var e = Assert.Throws<UserError>(() => Replay.Verify(bad with { Positions = positions }));
        Assert.Contains("step 2", e.Message);
    }

    [Fact]
    public void A_split_from_its_fingerprint_regenerates_the_same_levels()
    {
        var custom = GreenArrow.Split("deploy").With(new Dictionary<string, object> { ["min_size"] = 5, ["max_size"] = 6 }, "test", "small-deploy");
        var r = Evaluator.Run(custom, new SeekerAgent(CandidateObjective.Exit), 3, 8)[2];
        Assert.Equal("small-deploy", r.Split);
        var level = Replay.Verify(r);
        Assert.InRange(level.Width, 5, 6);
    }
}
