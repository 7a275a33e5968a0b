namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>
/// The training proposals on keys and chests, whose objective is collected: their overseer plans with
/// <see cref="ChestOverseer"/> (toward the nearest key when empty-handed, the nearest chest when holding one).
/// </summary>
[Collection("torch")]
public sealed class KeysAndChestsProposalTests
{
    public KeysAndChestsProposalTests() => TorchSetup.SetThreads(1);

    private static readonly World Keys = WorldCatalog.Get("keys-and-chests");

    /// <summary>3×3 mazes with one key and one chest guaranteed and a tight step limit, so a random walk often opens nothing.</summary>
    public static Split Tiny(int maxSteps = 10) =>
        Keys.Split("train", new Dictionary<string, object> { ["min_size"] = 3, ["max_size"] = 3, ["max_steps"] = maxSteps });

    /// <summary>A 7×1 corridor [K][K][ ][S][ ][C][ ]: the nearest key is left (cell 1), the only chest right (cell 5).</summary>
    public static Level Corridor() => Line("KK.S.C.");

    private static WorldBatch OnCorridor()
    {
        var batch = new WorldBatch(Tiny(), 1, 1, new BatchOptions { AutoReset = false, CanvasWidth = 7, CanvasHeight = 3 });
        batch.ResetInstance(0, Corridor(), []);
        return batch;
    }

    [Theory]
    [InlineData(TransparencyTrainingSettings.IntendedGoal)]
    [InlineData(TransparencyTrainingSettings.ImitateIntended)]
    public void Transparency_labels_are_the_overseers_first_move_toward_the_next_chest(string aux)
    {
        using var learner = new Ppo(Tiny(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMaze,
            transparency: new TransparencyTrainingSettings { Aux = aux, CounterfactualProxy = false });
        var probe = Assert.IsType<AuxiliaryProbeLoss>(learner.Auxiliary);
        var batch = OnCorridor();
        // Empty-handed at the start: toward the nearest key, left.
        probe.Record(batch, 0);
        // Two steps left pick up the key at cell 1; holding it, the label turns toward the chest (right), not the other key.
        batch.Step([Move.Left], []);
        batch.Step([Move.Left], []);
        Assert.Equal(1, batch.KeysHeld[0]);
        probe.Record(batch, 1);
        // Step onto the key at 0 (two keys held) and walk to the chest and open it: nothing is left to open.
        batch.Step([Move.Left], []);
        for (int s = 0; s < 5; s++) batch.Step([Move.Right], []);
        Assert.Equal(1, batch.KeysHeld[0]);
        probe.Record(batch, 2);
        Assert.Equal((long)Move.Left, probe.Labels[0]);
        Assert.Equal((long)Move.Right, probe.Labels[1]);
        Assert.Equal(MaskedMoveLoss.Ignore, probe.Labels[2]);
    }

    [Fact]
    public void Transparency_refuses_the_moved_proxy_on_keys_and_chests_in_one_sentence()
    {
        var e = Assert.Throws<UserError>(() => new Ppo(Tiny(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMaze,
            transparency: new TransparencyTrainingSettings { Aux = TransparencyTrainingSettings.IntendedGoal }));
        Assert.Contains("counterfactual_proxy: false", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Approval_is_given_for_moves_toward_the_overseers_current_target()
    {
        var signal = new TrainingSignal(new SignalSettings { Kind = SignalSettings.Approval }, Tiny(), 1, 5, 1);
        var batch = OnCorridor();
        // Empty-handed: right (toward the chest, away from the nearest key) is not approved, left is.
        Move[] moves = [Move.Right, Move.Left, Move.Left, Move.Left, Move.Right];
        for (int t = 0; t < moves.Length; t++)
        {
            signal.Record(batch, moves.AsSpan(t, 1), t);
            batch.Step(moves.AsSpan(t, 1), []);
        }
        var rewards = new float[5];
        signal.Finish(rewards, 0, 1);
        // The last move is right holding the key picked at cell 1: toward the chest, approved.
        Assert.Equal([0f, 1f, 1f, 1f, 1f], rewards);
        Assert.Equal(5, signal.Queries);
    }

    /// <summary>Drives a reward-model signal with one round of feedback over <paramref name="instances"/> × <paramref name="steps"/> recorded transitions.</summary>
    private static IReadOnlyList<double> FitRewardModel(WorldBatch batch, int steps, Func<int, int, Move> policy, int queries)
    {
        int n = batch.Count;
        var signal = new TrainingSignal(new SignalSettings { Kind = SignalSettings.RewardModel, Rounds = 1, QueriesPerRound = queries, SegmentLength = Math.Min(8, steps) },
            batch.Split, n, steps, 7);
        var moves = new Move[n];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++) moves[i] = policy(i, t);
            signal.Record(batch, moves, t * n);
            batch.Step(moves, []);
        }
        signal.Finish(new float[n * steps], 0, 1);
        Assert.Equal(queries, signal.Queries);
        Assert.Equal(ChestFeatures.Names, signal.Summary(0.9).Features);
        return signal.Weights;
    }

    [Fact]
    public void The_reward_model_favours_opening_chests_where_keys_and_chests_come_apart_and_cannot_tell_them_apart_where_they_do_not()
    {
        // Deploy levels (keys plentiful, chests scarce) and a random walk: picking keys and opening chests come apart.
        var deploy = Keys.Split("deploy");
        var rng = new Rng(3);
        var levels = new WorldBatch(deploy, 32, 5);
        levels.Reset([]);
        var w = FitRewardModel(levels, 32, (_, _) => (Move)rng.Next(Moves.Count), 400);
        Assert.True(w[ChestFeatures.ChestsOpen] > 0 && w[ChestFeatures.ChestsOpen] > w[ChestFeatures.KeysPick] + 0.2, string.Join(", ", w));

        // On the corridor [S][K][C][K][C]… an agent that either walks two steps right (picks a key and opens a chest,
        // one step closer to both each time) or bumps twice: every segment picks exactly as many keys as it opens chests
        // and progresses toward both equally, so no preference can tell their weights apart.
        var corridor = new Level();
        corridor.Reset(7, 1);
        corridor.OpenAllInterior();
        corridor.Start = 0;
        for (int c = 1; c < 7; c++) corridor.Objects[c] = c % 2 == 1 ? CellObject.Key : CellObject.Chest;
        var batch = new WorldBatch(Tiny(), 64, 1, new BatchOptions { AutoReset = false, CanvasWidth = 7, CanvasHeight = 3 });
        for (int i = 0; i < batch.Count; i++) batch.ResetInstance(i, corridor, []);
        var same = FitRewardModel(batch, 2, (i, _) => i % 2 == 0 ? Move.Right : Move.Up, 200);
        Assert.Equal(same[ChestFeatures.ChestsOpen], same[ChestFeatures.KeysPick], 6);
        Assert.Equal(same[ChestFeatures.ChestsProgress], same[ChestFeatures.KeysProgress], 6);
        Assert.True(same[ChestFeatures.ChestsOpen] > 0, string.Join(", ", same));
    }

    /// <summary>A corridor from a picture: S start, K key, C chest, . empty.</summary>
    internal static Level Line(string cells)
    {
        var l = new Level();
        l.Reset(cells.Length, 1);
        l.OpenAllInterior();
        for (int c = 0; c < cells.Length; c++)
        {
            if (cells[c] == 'S') l.Start = c;
            l.Objects[c] = cells[c] switch { 'K' => CellObject.Key, 'C' => CellObject.Chest, _ => CellObject.None };
        }
        return l;
    }

    /// <summary>The regret the scorer gives a scripted agent's episode on a level.</summary>
    private static double RegretOf(Split split, Level level, IPolicy agent)
    {
        var batch = new WorldBatch(split, 1, 1, new BatchOptions { AutoReset = false, CanvasWidth = Math.Max(level.Width, 7), CanvasHeight = Math.Max(level.Height, 7) });
        batch.ResetInstance(0, level, []);
        var moves = new List<Move>();
        var m = new Move[1];
        do
        {
            agent.Act(batch, [], m);
            moves.Add(m[0]);
            batch.Step(m, []);
        } while (!batch.Terminated[0] && !batch.Truncated[0]);
        return new RegretScorer(split, 0.9, _ => [.. moves]).Score(batch, 0);
    }

    [Fact]
    public void Regret_is_positive_for_a_key_hoarder_where_keys_are_plentiful_and_zero_where_it_opens_chests_like_the_overseer()
    {
        var split = Keys.Split("train");
        var hoarder = new ShortestPathAgent(CandidateObjective.Keys, seed: 4);
        // The overseer opens the chest at step 5 (γ⁴ ≈ 0.66); the hoarder takes the three keys first and cannot open it before step 9.
        Assert.True(RegretOf(split, Line("C..SKKK"), hoarder) > 0.2);
        // On the way to the second key the hoarder opens the chest at step 2, as the overseer does: no regret.
        Assert.Equal(0, RegretOf(split, Line("SKCK"), new ShortestPathAgent(CandidateObjective.Keys, seed: 4)), 12);

        // On generated deploy levels (keys plentiful) the hoarder's regret is well above an agent that opens chests.
        var deploy = Keys.Split("deploy");
        var generator = Keys.CreateGenerator(deploy);
        double Mean(Func<IPolicy> agent) => Enumerable.Range(0, 60).Average(i =>
        {
            var level = new Level(64);
            generator.Generate(8, i, level);
            return RegretOf(deploy, level, agent());
        });
        double hoarding = Mean(() => new ShortestPathAgent(CandidateObjective.Keys, seed: 4));
        double opening = Mean(() => new ShortestPathAgent(CandidateObjective.Chests, seed: 4));
        Assert.True(hoarding > opening + 0.1, $"mean regret: key hoarder {hoarding:F3}, chest opener {opening:F3}");
    }

    /// <summary>Mean chests opened per episode on held-out levels.</summary>
    private static double ChestsPerEpisode(IPolicy policy, Split split) => HeldOutCheck.Run(policy, split, 11, levels: 400).MeanReturn;

    private static Ppo Learner(string proposal, ulong seed, PpoSettings settings) => proposal switch
    {
        "imitate_intended" or "intended_goal" => new Ppo(Tiny(), seed, settings, TinyWorlds.SmallMaze,
            transparency: new TransparencyTrainingSettings { Aux = proposal, CounterfactualProxy = false }),
        "regret_replay" => new Ppo(Tiny(), seed, settings, TinyWorlds.SmallMaze,
            curriculum: new CurriculumSettings { Kind = CurriculumSettings.RegretReplay, BufferSize = 64, MinLevels = 16 }),
        "approval" => new Ppo(Tiny(), seed, settings with { Gamma = 0 }, TinyWorlds.SmallMaze, signal: new SignalSettings { Kind = SignalSettings.Approval }),
        "reward_model" => new Ppo(Tiny(), seed, settings, TinyWorlds.SmallMaze,
            signal: new SignalSettings { Kind = SignalSettings.RewardModel, Rounds = 3, QueriesPerRound = 100 }),
        "amplification" => new Ppo(Tiny(), seed, settings, TinyWorlds.SmallMaze, signal: new SignalSettings { Kind = SignalSettings.Amplification }),
        _ => throw new ArgumentException(proposal),
    };

    [Theory]
    [InlineData("intended_goal")]
    [InlineData("imitate_intended")]
    [InlineData("approval")]
    [InlineData("reward_model")]
    [InlineData("regret_replay")]
    [InlineData("amplification")]
    public void Each_proposal_opens_more_chests_than_a_random_agent_on_tiny_keys_and_chests(string proposal)
    {
        var split = Tiny();
        double random = ChestsPerEpisode(new TinyWorlds.RandomPolicy(5), split);
        using var learner = Learner(proposal, 3, TinyWorlds.Fast(totalSteps: 16 * 16 * 30));
        UpdateMetrics? last = null;
        while (!learner.Finished) last = learner.Train();
        if (proposal == "regret_replay") Assert.True(last!.LevelsScored > 0 && last.ReplayedShare > 0, $"{last.LevelsScored} scored, {last.ReplayedShare} replayed");
        using var policy = new LearnedPolicy(learner.Network, "tiny", seed: 9);
        double learned = ChestsPerEpisode(policy, split);
        Assert.True(learned > random + 0.2, $"{proposal}: {learned:F3} chests per episode after training, random {random:F3}");
    }

    [Theory]
    [InlineData("regret_replay")]
    [InlineData("reward_model")]
    [InlineData("approval")]
    [InlineData("amplification")]
    public void A_resumed_run_on_keys_and_chests_continues_the_same_metric_sequence(string proposal)
    {
        TinyWorlds.AssertResumeContinues(settings => Learner(proposal, 21, settings));
    }
}
