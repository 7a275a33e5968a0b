namespace MesaLab.Transparency.Tests;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

public class SteeringTests
{
    public SteeringTests() => HandBuilt.Init();

    private const int Size = 5;

    /// <summary>Observations of rooms with the agent in the middle column and the exit in a chosen column.</summary>
    private static Tensor RoomsWithExitInColumn(int column)
    {
        var split = HandBuilt.ArrowGoalSplit(Size);
        var states = new List<(Level, int)>();
        for (int y = 0; y < Size; y++)
        for (int ey = 0; ey < Size; ey++)
        {
            var l = HandBuilt.Room(Size, y * Size + 2, ey * Size + column);
            states.Add((l, l.Start));
        }
        return ObservationBuilder.Build(split, states, Size, Size);
    }

    [Fact]
    public void Steering_with_zero_coefficient_leaves_action_probabilities_unchanged()
    {
        var network = InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, Size, Size, k: 0.7f));
        var right = RoomsWithExitInColumn(4);
        var left = RoomsWithExitInColumn(0);
        var vector = SteeringVector.FromPairs(network, "goal", right, left);
        Assert.True(vector.Norm > 0);
        var plain = network.ActionProbabilities(left);
        using (vector.Apply(network, 0.0))
            Assert.True(plain.eq(network.ActionProbabilities(left)).all().item<bool>(), "c = 0 changed the action probabilities");
        using (vector.Apply(network, 1.0))
            Assert.False(plain.allclose(network.ActionProbabilities(left)));
        // The hook is gone after dispose.
        Assert.True(plain.eq(network.ActionProbabilities(left)).all().item<bool>());
    }

    [Fact]
    public void A_planted_vector_moves_behaviour_in_the_planted_direction()
    {
        // The vector is "exit on the right minus exit on the left" at the goal layer: adding it must make
        // moving right more likely, monotonically in c, and subtracting it must make moving left more likely.
        var network = InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, Size, Size, k: 0.7f));
        var vector = SteeringVector.FromPairs(network, "goal", RoomsWithExitInColumn(4), RoomsWithExitInColumn(0));
        var probe = RoomsWithExitInColumn(2);
        double PRight(double c) { using (vector.Apply(network, c)) return network.ActionProbabilities(probe)[TensorIndex.Colon, (int)Move.Right].mean().item<float>(); }
        double PLeft(double c) { using (vector.Apply(network, c)) return network.ActionProbabilities(probe)[TensorIndex.Colon, (int)Move.Left].mean().item<float>(); }
        double[] cs = [-1, -0.5, 0, 0.5, 1];
        var right = cs.Select(PRight).ToArray();
        for (int i = 1; i < cs.Length; i++) Assert.True(right[i] > right[i - 1] + 0.01, $"P(right) not increasing: {string.Join(", ", right)}");
        Assert.True(PLeft(-1) > PLeft(0) + 0.1);
    }

    [Fact]
    public void A_vector_of_the_wrong_shape_is_a_clear_error()
    {
        var network = InspectableNetwork.FromModule(new GoalSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, Size, Size));
        var vector = new SteeringVector("goal", [1, 7, 7], new float[49]);
        using (vector.Apply(network, 1))
        {
            var e = Assert.Throws<UserError>(() => network.ActionProbabilities(RoomsWithExitInColumn(1)));
            Assert.Contains("canvas", e.Message);
        }
    }

    [Fact]
    public void Wilson_interval_brackets_the_estimate()
    {
        var w = Statistics.Wilson(20, 200);
        Assert.Equal(0.1, w.Value, 6);
        Assert.InRange(w.Low, 0.06, 0.1);
        Assert.InRange(w.High, 0.1, 0.16);
        Assert.Equal(0, Statistics.Wilson(0, 10).Low);
    }
}
