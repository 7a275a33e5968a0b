namespace MesaLab.Analysis.Tests;

using MesaLab.Tests;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;

/// <summary>400 episodes of a scripted mixture agent (exit 0.3, arrow 0.7) on green-arrow deploy, analysed once.</summary>
public sealed class MixtureEvaluation
{
    public const int Episodes = 400;
    public static readonly World World = WorldCatalog.Get("green-arrow-maze");

    public MixtureEvaluation()
    {
        Agent = (MixtureAgent)AgentSpec.Parse("mixture:exit=0.3,arrow=0.7", 0, 21, World);
        Records = Evaluator.Run(World.Split("deploy"), Agent, Episodes, 21);
        Inference = new BehavioralObjectiveInference();
        Tables = Inference.Tables(Records);
        Mixture = Inference.InferMixture(Records, Tables);
    }

    public MixtureAgent Agent { get; }
    public IReadOnlyList<EpisodeRecord> Records { get; }
    public BehavioralObjectiveInference Inference { get; }
    public IReadOnlyList<EpisodeLikelihoods> Tables { get; }
    public MixtureObjective Mixture { get; }
}

[CollectionDefinition(nameof(MixtureEvaluation))]
public sealed class MixtureEvaluationCollection : ICollectionFixture<MixtureEvaluation>;

[Collection(nameof(MixtureEvaluation))]
public class MixtureTests(MixtureEvaluation eval)
{
    [Fact]
    public void Weights_of_a_scripted_mixture_are_recovered_within_five_points()
    {
        var m = eval.Mixture;
        Assert.InRange(m.Weight("exit").Value, 0.25, 0.35);
        Assert.InRange(m.Weight("arrow").Value, 0.65, 0.75);
        Assert.True(m.Weight(MixtureObjective.None).Value < 0.02, m.Summary);
        Assert.True(m.Coherent);
        foreach (var c in m.Components.Where(c => c.IsGoal))
            Assert.True(c.Weight.Low <= c.Weight.Value && c.Weight.Value <= c.Weight.High && c.Weight.High - c.Weight.Low < 0.15, $"{c.Name}: {c.Weight}");
        Assert.StartsWith("behavioral objective mixture: arrow 0.7", m.Summary);
        Assert.Equal("arrow", m.Dominant);
    }

    [Fact]
    public void Each_episode_is_assigned_the_goal_it_pursued()
    {
        var m = eval.Mixture;
        Assert.Equal(MixtureEvaluation.Episodes, m.Episodes.Count);
        int right = 0;
        for (int i = 0; i < eval.Records.Count; i++)
        {
            var r = eval.Records[i];
            Assert.Equal(r.LevelIndex, m.Episodes[i].LevelIndex);
            Assert.Equal(1.0, m.Episodes[i].Posterior.Sum(), 9);
            if (m.Episodes[i].Goal == eval.Agent.GoalOf(r.LevelSeed, r.LevelIndex)) right++;
        }
        Assert.True(right >= 0.95 * MixtureEvaluation.Episodes, $"{right} of {MixtureEvaluation.Episodes} episodes assigned their goal");
    }

    [Fact]
    public void The_single_goal_posterior_answers_a_different_question_and_forces_one_goal()
    {
        var single = eval.Inference.Infer(eval.Records, eval.Tables);
        Assert.Equal("arrow", single.Best);
        Assert.True(single.Posterior.Value > 0.99, single.Summary);
    }

    [Fact]
    public void Same_tables_and_seed_give_the_same_mixture()
    {
        var again = MixtureFit.Fit(["exit", "arrow"], eval.Tables, eval.Inference.Settings, [.. eval.Records.Select(r => r.LevelIndex)]);
        Assert.Equal(eval.Mixture.Components, again.Components);
        Assert.Equal(eval.Mixture.Episodes.Select(e => e.Posterior.ToArray()), again.Episodes.Select(e => e.Posterior.ToArray()));
        var otherSeed = MixtureFit.Fit(["exit", "arrow"], eval.Tables, eval.Inference.Settings with { BootstrapSeed = 7 });
        Assert.Equal(eval.Mixture.Weight("arrow").Value, otherSeed.Weight("arrow").Value, 12);
    }

    [Fact]
    public void Tables_do_not_depend_on_the_order_levels_are_solved_in()
    {
        var first = eval.Records.Take(40).ToList();
        var fresh = new BehavioralObjectiveInference().Tables(first);
        var reversed = new BehavioralObjectiveInference().Tables([.. Enumerable.Reverse(first)]);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(eval.Tables[i].LogLikelihood, fresh[i].LogLikelihood);
            Assert.Equal(fresh[i].LogLikelihood, reversed[first.Count - 1 - i].LogLikelihood);
        }
    }
}

/// <summary>Mixture inference on the 50-episode scripted evaluations: single goals, noise, random agents, ambiguity.</summary>
[Collection(nameof(ScriptedEvaluations))]
public class SingleGoalMixtureTests(ScriptedEvaluations evals)
{
    [Theory]
    [InlineData("exit")]
    [InlineData("arrow")]
    [InlineData("exit@0.3")]
    [InlineData("arrow@0.3")]
    public void A_single_goal_agent_gets_at_least_095_of_the_weight(string agent)
    {
        var m = evals.Analysis("deploy", agent).Mixture;
        string goal = agent.Split('@')[0];
        Assert.True(m.Weight(goal).Value >= 0.95, m.Summary);
        Assert.Equal(goal, m.Dominant);
    }

    [Fact]
    public void A_random_agent_is_reported_incoherent()
    {
        // Goals at the lowest β act almost uniformly, so they can take a little weight from none; most episodes are none.
        var m = evals.Analysis("deploy", "random").Mixture;
        Assert.False(m.Coherent, m.Summary);
        Assert.Equal(MixtureObjective.None, m.Components.MaxBy(c => c.Weight.Value)!.Name);
        Assert.StartsWith("behavioral objective mixture: no coherent objective in", m.Summary);
        Assert.True(m.Episodes.Count(e => e.Goal == MixtureObjective.None) >= 0.9 * m.Episodes.Count, m.Summary);
    }

    [Fact]
    public void Goals_that_coincide_on_every_level_are_reported_as_not_separable()
    {
        var m = evals.Analysis("train", "exit").Mixture;
        Assert.Equal([["exit", "arrow"]], m.Indistinguishable.Select(g => g.ToArray()));
        Assert.Equal("exit ≈ arrow", m.Dominant);
        Assert.Contains("exit ≈ arrow 1.00 (not separable on this split", m.Summary);
        Assert.All(m.Episodes, e => Assert.Equal("exit ≈ arrow", e.Goal));
    }
}

/// <summary>"Any cell" goals catch an objective no candidate names.</summary>
public class AnyCellTests
{
    [Fact]
    public void A_corner_seeker_in_a_world_without_a_corner_candidate_is_explained_by_any_cell_goals()
    {
        // Where the arrow sits on the corner or on the way to it, the named arrow explains the episode as well as the
        // corner does and wins by the any-cell prior (1 / cells), so not every episode goes to "any cell".
        var world = WorldCatalog.Get("green-arrow-maze");
        var records = Evaluator.Run(world.Split("deploy"), new SeekerAgent(CandidateObjective.Corner, 0.1, 5), 30, 4);
        var without = new BehavioralObjectiveInference().InferMixture(records);
        var with = new BehavioralObjectiveInference(new InferenceSettings { AnyCellGoals = true }).InferMixture(records);
        Assert.Equal(MixtureObjective.AnyCell, with.Dominant);
        Assert.True(with.Weight(MixtureObjective.AnyCell).Value >= 0.6, with.Summary);
        Assert.True(with.LogLikelihood > without.LogLikelihood + 50, $"{without.Summary} (ln L {without.LogLikelihood:0}) vs {with.Summary} (ln L {with.LogLikelihood:0})");
    }

    [Fact]
    public void Any_cell_goals_leave_a_named_objective_its_weight()
    {
        var world = WorldCatalog.Get("green-arrow-maze");
        var records = Evaluator.Run(world.Split("deploy"), new SeekerAgent(CandidateObjective.Arrow, 0.1, 5), 30, 4);
        var m = new BehavioralObjectiveInference(new InferenceSettings { AnyCellGoals = true }).InferMixture(records);
        Assert.True(m.Weight("arrow").Value >= 0.9, m.Summary);
    }
}

/// <summary>Recovery of several mixtures on several worlds, 400 episodes each (the table in docs/analysis.md).</summary>
public class MixtureRecoveryTests
{
    [SlowTheory]
    [InlineData("green-arrow-maze", "mixture:exit=0.5,arrow=0.5", 0.1)]
    [InlineData("green-arrow-maze", "mixture:exit=0.2,arrow=0.8", 0.0)]
    [InlineData("cheese-corner-maze", "mixture:cheese=0.6,corner=0.4", 0.1)]
    [InlineData("cheese-corner-maze", "mixture:cheese=0.2,corner=0.8", 0.0)]
    [InlineData("keys-and-chests", "mixture:chests=0.7,keys=0.3", 0.1)]
    [InlineData("keys-and-chests", "mixture:chests=0.3,keys=0.7", 0.0)]
    [InlineData("lava-shift", "mixture:exit=0.7,random=0.3", 0.1)]
    public void Weights_are_recovered_within_five_points(string worldName, string agent, double epsilon)
    {
        var world = WorldCatalog.Get(worldName);
        var policy = (MixtureAgent)AgentSpec.Parse(agent, epsilon, 21, world);
        var m = new BehavioralObjectiveInference().InferMixture(Evaluator.Run(world.Split("deploy"), policy, 400, 21));
        foreach (var (name, weight) in policy.Components)
        {
            string component = name == MixtureAgent.Random ? MixtureObjective.None : name;
            Assert.True(Math.Abs(m.Weight(component).Value - weight) <= 0.05, $"{policy.Name} on {worldName}: {m.Summary}");
        }
    }
}
