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
    public static Level Corridor()
    {
        var l = new Level();
        l.Reset(7, 1);
        l.OpenAllInterior();
        l.Start = 3;
        l.Objects[0] = CellObject.Key;
        l.Objects[1] = CellObject.Key;
        l.Objects[5] = CellObject.Chest;
        return l;
    }

    /// <summary>Plays moves on the corridor in a batch of one instance that does not reset.</summary>
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

    /// <summary>Mean chests opened per episode on held-out levels.</summary>
    private static double ChestsPerEpisode(IPolicy policy, Split split) => HeldOutCheck.Run(policy, split, 11, levels: 400).MeanReturn;

    private static Ppo Learner(string proposal, ulong seed, PpoSettings settings) => proposal switch
    {
        "imitate_intended" or "intended_goal" => new Ppo(Tiny(), seed, settings, TinyWorlds.SmallMaze,
            transparency: new TransparencyTrainingSettings { Aux = proposal, CounterfactualProxy = false }),
        _ => throw new ArgumentException(proposal),
    };

    [Theory]
    [InlineData("intended_goal")]
    [InlineData("imitate_intended")]
    public void Each_proposal_opens_more_chests_than_a_random_agent_on_tiny_keys_and_chests(string proposal)
    {
        var split = Tiny();
        double random = ChestsPerEpisode(new TinyWorlds.RandomPolicy(5), split);
        using var learner = Learner(proposal, 3, TinyWorlds.Fast(totalSteps: 16 * 16 * 30));
        while (!learner.Finished) learner.Train();
        using var policy = new LearnedPolicy(learner.Network, "tiny", seed: 9);
        double learned = ChestsPerEpisode(policy, split);
        Assert.True(learned > random + 0.2, $"{proposal}: {learned:F3} chests per episode after training, random {random:F3}");
    }
}
