namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>Prioritized level replay scored by regret: it replays high-regret levels, exactly and deterministically.</summary>
public sealed class LevelReplayTests
{
    private static readonly CurriculumSettings Replay = new() { Kind = CurriculumSettings.RegretReplay, BufferSize = 64, MinLevels = 16 };

    [Fact]
    public void With_a_scripted_scorer_the_high_regret_levels_are_played_far_more_often_than_they_are_generated()
    {
        // One level in ten has regret 1; the rest have small regrets. New levels come in order.
        static double Regret(long level) => level % 10 == 0 ? 1 : 0.01 * (level % 7);
        var replay = new LevelReplay(Replay, new NoScorer(), seed: 4);
        long fresh = 0;
        int high = 0, episodes = 4000;
        for (int e = 0; e < episodes; e++)
        {
            long level = replay.Next(fresh);
            if (level == fresh) fresh++;
            if (level % 10 == 0) high++;
            replay.Observe(level, Regret(level));
        }
        double share = high / (double)episodes;
        Assert.True(share > 0.35, $"high-regret levels were {share:P1} of episodes (10 % of new levels)");
        var buffer = replay.Buffer;
        Assert.True(buffer.Take(10).All(b => b.Level % 10 == 0), "the highest-ranked levels are the high-regret ones");
        var p = replay.ReplayDistribution();
        Assert.Equal(1, p.Sum(), 9);

        // Same seed, same sequence.
        var again = new LevelReplay(Replay, new NoScorer(), seed: 4);
        var first = new LevelReplay(Replay, new NoScorer(), seed: 4);
        long f1 = 0, f2 = 0;
        for (int e = 0; e < 500; e++)
        {
            long a = first.Next(f1), b = again.Next(f2);
            Assert.Equal(a, b);
            if (a == f1) f1++;
            if (b == f2) f2++;
            first.Observe(a, Regret(a));
            again.Observe(b, Regret(b));
        }
    }

    [Fact]
    public void On_the_maze_an_arrow_seeker_has_regret_only_where_the_arrow_left_the_exit_and_those_levels_are_replayed()
    {
        var split = TinyWorlds.Maze.Split("train", new Dictionary<string, object> { ["randomized_fraction"] = 0.1 });
        double Share(ILevelCurriculum? curriculum, RecordingScorer scorer)
        {
            var batch = new WorldBatch(split, 8, 11, new BatchOptions { Curriculum = curriculum ?? new FreshOnly(scorer) });
            var agent = new ShortestPathAgent(CandidateObjective.Arrow);
            var moves = new Move[8];
            batch.Reset([]);
            while (scorer.Episodes < 3000)
            {
                agent.Act(batch, [], moves);
                batch.Step(moves, []);
            }
            return scorer.Disambiguating / (double)scorer.Episodes;
        }
        var plain = new RecordingScorer(split, 0.9);
        double uniform = Share(null, plain);
        var scored = new RecordingScorer(split, 0.9);
        double replayed = Share(new LevelReplay(Replay, scored, seed: 2), scored);

        Assert.InRange(uniform, 0.06, 0.14);
        // On ordinary levels the arrow is on the exit: zero regret. Where it was moved off the way to the exit the seeker
        // never ends the episode: regret γ^(d−1).
        Assert.Equal(0, plain.RegretOnOrdinary, 9);
        Assert.True(plain.RegretfulDisambiguating > 0.5 * plain.Disambiguating, $"{plain.RegretfulDisambiguating} of {plain.Disambiguating} disambiguating levels had regret");
        Assert.True(replayed > 0.3, $"disambiguating levels were {replayed:P1} of episodes with replay, {uniform:P1} without");
    }

    [Fact]
    public void A_bradley_terry_fit_recovers_the_preferences_direction_and_splits_weight_evenly_between_identical_features()
    {
        var truth = new[] { 1.0, 2.0, -0.5 };
        var rng = new Rng(8);
        var differences = new List<double[]>();
        var answers = new List<bool>();
        for (int q = 0; q < 4000; q++)
        {
            var x = new double[] { rng.Next(5) - 2, rng.Next(3) - 1, rng.Next(5) - 2 };
            double z = truth.Zip(x, (w, v) => w * v).Sum();
            differences.Add(x);
            answers.Add(rng.NextDouble() < 1 / (1 + Math.Exp(-z)));
        }
        var w = PreferenceModel.Fit(differences, answers, 3, l2: 0.01);
        for (int j = 0; j < 3; j++) Assert.InRange(w[j], truth[j] - 0.2, truth[j] + 0.2);

        // Two features that are always equal (the exit and the arrow on the same cell): the data cannot tell them apart.
        var twin = PreferenceModel.Fit([.. differences.Select(x => new[] { x[0], x[0], x[2] })], answers, 3, l2: 0.01);
        Assert.Equal(twin[0], twin[1], 6);
    }

    private sealed class NoScorer : ILevelScorer
    {
        public double Score(WorldBatch batch, int instance) => throw new InvalidOperationException("not used");
    }

    /// <summary>The exact regret scorer, counting the episodes it scores and the regrets of each kind of level.</summary>
    private sealed class RecordingScorer(Split split, double gamma) : ILevelScorer
    {
        private readonly RegretScorer exact = new(split, gamma);
        public int Episodes, Disambiguating;
        public int RegretfulDisambiguating;
        public double RegretOnOrdinary;

        public double Score(WorldBatch batch, int instance)
        {
            double regret = exact.Score(batch, instance);
            Episodes++;
            if (batch.Levels[instance].Randomized)
            {
                Disambiguating++;
                if (regret > 0) RegretfulDisambiguating++;
            }
            else RegretOnOrdinary = Math.Max(RegretOnOrdinary, regret);
            return regret;
        }
    }

    /// <summary>No replay: every episode on the next new level, each ended episode scored.</summary>
    private sealed class FreshOnly(ILevelScorer scorer) : ILevelCurriculum
    {
        public long NextLevel(WorldBatch batch, int instance, long fresh)
        {
            scorer.Score(batch, instance);
            return fresh;
        }
    }
}
