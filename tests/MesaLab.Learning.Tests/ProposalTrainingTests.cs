namespace MesaLab.Learning.Tests;

using MesaLab.Worlds;

/// <summary>Every training proposal's learner learns the tiny maze, and resumes exactly.</summary>
[Collection("torch")]
public sealed class ProposalTrainingTests
{
    public ProposalTrainingTests() => TorchSetup.SetThreads(1);

    private static Ppo Learner(string proposal, ulong seed, PpoSettings settings) => proposal switch
    {
        "approval" => new Ppo(TinyWorlds.ThreeByThree(), seed, settings with { Gamma = 0 }, TinyWorlds.SmallMaze, signal: new SignalSettings { Kind = SignalSettings.Approval }),
        "reward_model" => new Ppo(TinyWorlds.ThreeByThree(), seed, settings, TinyWorlds.SmallMaze,
            signal: new SignalSettings { Kind = SignalSettings.RewardModel, Rounds = 3, QueriesPerRound = 100 }),
        "regret_replay" => new Ppo(TinyWorlds.ThreeByThree(), seed, settings, TinyWorlds.SmallMaze,
            curriculum: new CurriculumSettings { Kind = CurriculumSettings.RegretReplay, BufferSize = 64, MinLevels = 16 }),
        "imitate_intended" => new Ppo(TinyWorlds.ThreeByThree(), seed, settings, TinyWorlds.SmallMaze,
            transparency: new TransparencyTrainingSettings { Aux = TransparencyTrainingSettings.ImitateIntended }),
        "amplification" => new Ppo(TinyWorlds.ThreeByThree(), seed, settings, TinyWorlds.SmallMaze,
            signal: new SignalSettings { Kind = SignalSettings.Amplification, AmplificationDepth = 4 }),
        _ => throw new ArgumentException(proposal),
    };

    [Theory]
    [InlineData("approval")]
    [InlineData("reward_model")]
    [InlineData("regret_replay")]
    [InlineData("imitate_intended")]
    [InlineData("amplification")]
    public void Each_proposal_learns_the_tiny_maze(string proposal)
    {
        var split = TinyWorlds.ThreeByThree();
        using var learner = Learner(proposal, 3, TinyWorlds.Fast(totalSteps: 16 * 16 * 40));
        UpdateMetrics? last = null;
        while (!learner.Finished) last = learner.Train();
        using var policy = new LearnedPolicy(learner.Network, "tiny", seed: 9);
        double learned = HeldOutCheck.Run(policy, split, 11, levels: 400).SuccessRate;
        Assert.True(learned > 0.85, $"{proposal}: held-out success after training {learned:F3}");
        switch (proposal)
        {
            case "approval":
                // One approval per step of training.
                Assert.Equal(learner.GlobalStep, last!.OverseerQueries);
                break;
            case "reward_model":
                Assert.Equal(300, last!.OverseerQueries);
                var w = learner.Signal!.Weights;
                // The arrow sits on the exit in training: their features never differ, so neither do their weights.
                Assert.Equal(w[0], w[2], 6);
                Assert.Equal(w[1], w[3], 6);
                Assert.True(w[0] > 0 && w[1] > 0, string.Join(", ", w));
                break;
            case "amplification":
                // One amplified answer per visited state off the exit, each with its model calls.
                Assert.InRange(last!.OverseerQueries, 1, learner.GlobalStep);
                Assert.True(last.ModelQueries > 0 && last.ModelQueries <= last.OverseerQueries * ((4 + 1) * Moves.Count + 1), $"{last.ModelQueries} model calls");
                break;
            case "regret_replay":
                Assert.True(last!.LevelsScored > 0 && last.ReplayedShare > 0, $"{last.LevelsScored} scored, {last.ReplayedShare} replayed");
                break;
        }
    }

    [Theory]
    [InlineData("reward_model")]
    [InlineData("regret_replay")]
    [InlineData("amplification")]
    public void A_resumed_run_continues_the_same_metric_sequence(string proposal)
    {
        TinyWorlds.AssertResumeContinues(settings => Learner(proposal, 21, settings));
    }

    [Fact]
    public void Amplification_refuses_what_it_cannot_do_in_one_sentence()
    {
        var amplification = new SignalSettings { Kind = SignalSettings.Amplification };
        var both = Assert.Throws<UserError>(() => new Ppo(TinyWorlds.ThreeByThree(), 1, TinyWorlds.Fast(), TinyWorlds.SmallMaze,
            transparency: new TransparencyTrainingSettings { Aux = TransparencyTrainingSettings.ImitateIntended }, signal: amplification));
        Assert.Contains("signal.kind is 'amplification' and transparency.aux is 'imitate_intended'", both.Message);
        var depth = Assert.Throws<UserError>(() => (amplification with { AmplificationDepth = 0 }).Validate("signal settings"));
        Assert.Contains("signal.amplification_depth is 0", depth.Message);
        var leader = WorldCatalog.Get("follow-the-leader");
        var collected = Assert.Throws<UserError>(() => new Ppo(leader.Split("train"), 1, TinyWorlds.Fast(), TinyWorlds.SmallMaze, signal: amplification));
        Assert.Contains("use signal.kind: world for this world", collected.Message);
        foreach (var m in new[] { both.Message, depth.Message, collected.Message }) Assert.DoesNotContain("\n", m);
    }
}
